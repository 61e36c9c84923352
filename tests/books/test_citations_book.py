"""Citations in a book: a manifest's bibliography, the reference list as back matter.

The list is a back-matter chapter titled in the book's language, or goes into the
``bibliography`` chapter a manifest's ``[back]`` names; links from every chapter reach it.
"""

from __future__ import annotations

import posixpath
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import exporter
from epubutil import NS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "citations"

MANIFEST = """\
title = "Ein Buch"
language = "de"
bibliography = "sources/refs.bib"
chapters = ["chapters/*.md"]
"""


def make_book(folder: Path, manifest: str, files: dict[str, str]) -> Path:
    (folder / "sources").mkdir(parents=True)
    shutil.copy(FIXTURES / "refs.bib", folder / "sources" / "refs.bib")
    (folder / "book.toml").write_text(manifest)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def read_epub(epub: Path) -> tuple[list[str], dict[str, etree._Element]]:
    with zipfile.ZipFile(epub) as book:
        opf = etree.fromstring(book.read("EPUB/content.opf"))
        files = {
            f"EPUB/{i.get('href')}": i.get("id")
            for i in opf.iterfind(".//opf:manifest/opf:item", NS)
        }
        ids = {v: k for k, v in files.items()}
        spine = [ids[r.get("idref")] for r in opf.iterfind(".//opf:spine/opf:itemref", NS)]
        docs = {n: etree.fromstring(book.read(n)) for n in book.namelist() if n.endswith("html")}
    return spine, docs


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> Path:
    folder = make_book(
        tmp_path_factory.mktemp("book"),
        MANIFEST,
        {
            "chapters/01.md": "# Anfang\n\nWie Knuth schreibt [@knuth1984, S. 4].\n",
            "chapters/02.md": "# Weiter\n\n@smith2001 meinen das auch [vgl. @lee2015].\n",
        },
    )
    (epub,) = exporter.convert([folder], ["epub"], folder / "out")
    return epub


def test_the_list_is_a_back_matter_chapter_titled_in_the_books_language(german, epubcheck):
    spine, docs = read_epub(german)
    last = docs[spine[-1]]
    (section,) = last.iterfind(".//x:section", NS)
    assert section.get("{http://www.idpf.org/2007/ops}type") == "bibliography"
    assert section.get("role") == "doc-bibliography"
    assert section.find("x:h1", NS).text == "Literatur"
    entries = [e.get("id") for e in section.iterfind(".//x:div[@class='csl-entry']", NS)]
    assert entries == ["ref-knuth1984", "ref-lee2015", "ref-smith2001"]
    nav = next(root for name, root in docs.items() if name.endswith("nav.xhtml"))
    assert "Literatur" in "".join(nav.itertext())
    epubcheck.check(german)


def test_links_from_every_chapter_reach_the_entries_in_the_german_locale(german):
    spine, docs = read_epub(german)
    seen = {}
    for name in spine[:-1]:
        for link in docs[name].iterfind(".//x:span[@class='citation']/x:a", NS):
            path, _, fragment = link.get("href").partition("#")
            target = posixpath.join(posixpath.dirname(name), path)
            assert target == spine[-1]
            assert docs[target].xpath("//*[@id=$id]", id=fragment)
            seen[fragment] = "".join(link.itertext())
    # German terms from the CSL locale: "und" between two authors; "S." read as a page.
    assert seen == {
        "ref-knuth1984": "Knuth 1984, 4",
        "ref-smith2001": "Smith und Doe (2001)",
        "ref-lee2015": "Lee, Park, und Choi 2015",
    }


def test_a_manifests_bibliography_chapter_receives_the_list(tmp_path, epubcheck):
    manifest = MANIFEST.replace('language = "de"', 'language = "en"')
    manifest += '\n[back]\nbibliography = "back/works.md"\n'
    folder = make_book(
        tmp_path,
        manifest,
        {
            "chapters/01.md": "# One\n\nAs shown [@knuth1984].\n",
            "back/works.md": "# Works Cited\n\nEverything we read.\n",
        },
    )
    (epub,) = exporter.convert([folder], ["epub"], folder / "out")
    spine, docs = read_epub(epub)
    last = docs[spine[-1]]
    text = "".join(last.itertext())
    assert "Everything we read." in text and "Knuth, Donald E. 1984. The TeXbook." in text
    assert "References" not in text  # no second list, no chapter of our own
    assert len(spine) == len({*spine})
    epubcheck.queue(epub)
