"""Citations in titles and headings reach the contents, nav and outline as printed; and
pandoc's ``nocite`` lists entries the text never cites."""

from __future__ import annotations

import logging
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

import exporter
from epubutil import NS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "citations"

MANIFEST = """\
title = "Cited Titles"
language = "en"
bibliography = "refs.bib"
nocite = ["@who2019", "@{lee2015}"]
chapters = ["chapters/*.md"]
"""


def outline_titles(outline: list) -> list[str]:
    titles: list[str] = []
    for entry in outline:
        titles += outline_titles(entry) if isinstance(entry, list) else [entry.title]
    return titles


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("titles")
    shutil.copy(FIXTURES / "refs.bib", folder / "refs.bib")
    (folder / "book.toml").write_text(MANIFEST)
    (folder / "chapters").mkdir()
    (folder / "chapters" / "01.md").write_text(
        "# After [@knuth1984]\n\nAs said [@smith2001].\n\n## Literate [@knuth:literate]\n\nMore.\n"
    )
    (folder / "chapters" / "02.md").write_text("# Plain\n\nNothing cited here.\n")
    made = {p.suffix: p for p in exporter.convert([folder], ["epub", "pdf"], folder / "out")}
    return made[".epub"], made[".pdf"]


def test_a_cited_title_and_heading_read_as_printed_in_the_nav(book, epubcheck):
    epub, _ = book
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        chapter = etree.fromstring(z.read("EPUB/chapter-001.xhtml"))
    toc = nav.find(".//x:nav[@role='doc-toc']", NS)
    entries = ["".join(a.itertext()) for a in toc.iterfind(".//x:a", NS)]
    assert entries[:3] == ["After (Knuth 1984b)", "Literate (Knuth 1984a)", "Plain"]
    assert "".join(chapter.find(".//x:h1", NS).itertext()) == "After (Knuth 1984b)"
    assert chapter.find(".//x:title", NS).text == "After (Knuth 1984b)"
    assert "@" not in "".join(nav.itertext())
    epubcheck.queue(epub)


def test_a_cited_title_and_heading_read_as_printed_in_the_pdf_outline(book):
    _, pdf = book
    reader = PdfReader(pdf)
    titles = outline_titles(reader.outline)
    assert titles[:3] == ["After (Knuth 1984b)", "Literate (Knuth 1984a)", "Plain"]
    text = "".join(page.extract_text() for page in reader.pages)
    assert "[@" not in text


def test_nocite_entries_are_in_the_references_and_others_are_not(book):
    _, pdf = book
    reader = PdfReader(pdf)
    last = " ".join(reader.pages[-1].extract_text().split())
    assert "World Health Organization. 2019." in last  # nocite
    assert "Lee, " in last  # nocite, braced
    assert "Smith, John" in last and "Literate Programming" in last  # cited
    assert "Beethoven" not in last and "NASA" not in last  # neither


def test_nocite_star_lists_every_entry_and_an_unknown_key_is_a_warning(tmp_path, caplog):
    shutil.copy(FIXTURES / "refs.bib", tmp_path / "refs.bib")
    source = tmp_path / "a.md"
    source.write_text(
        "---\ntitle: All\nbibliography: refs.bib\nnocite: '@*, @nosuch'\n---\n\nOne [@who2019].\n"
    )
    with caplog.at_level(logging.WARNING, logger="exporter"):
        (epub,) = exporter.convert([source], ["epub"], tmp_path / "out")
    with zipfile.ZipFile(epub) as z:
        docs = [etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")]
    ids = [e.get("id") for d in docs for e in d.iterfind(".//x:div[@class='csl-entry']", NS)]
    assert len(ids) == 11 and {"ref-who2019", "ref-beethoven1990", "ref-nasa1999"} <= {*ids}
    (warning,) = [r.getMessage() for r in caplog.records if "nosuch" in r.getMessage()]
    assert str(source) in warning and "refs.bib" in warning and "nocite" in warning
