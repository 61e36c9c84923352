"""Citations through the whole pipeline: the CLI, every output, books, dialects, mistakes.

One build per fixture (module scope); every EPUB goes through EPUBCheck.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from pypdf import PdfReader

from epubutil import NS
from exporter.cli import cli
from pdfutil import page_texts, squash

FIXTURES = Path(__file__).parents[1] / "fixtures" / "citations"


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def epub_documents(epub: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as book:
        return {
            name: etree.fromstring(book.read(name))
            for name in book.namelist()
            if name.endswith(".xhtml")
        }


def citation_links(docs: dict[str, etree._Element]) -> list[tuple[str, str, str]]:
    """Return (file, href, text) of every citation link in the EPUB."""
    return [
        (name, a.get("href"), "".join(a.itertext()))
        for name, root in docs.items()
        for a in root.iterfind(".//x:span[@class='citation']/x:a", NS)
    ]


def resolve(docs: dict[str, etree._Element], name: str, href: str) -> etree._Element:
    """Return the element a link points to (in its own file or another)."""
    path, _, fragment = href.partition("#")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
    found = docs[target].xpath("//*[@id=$id]", id=fragment)
    assert len(found) == 1, (name, href)
    return found[0]


@pytest.fixture(scope="module")
def article(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("article")
    for name in ("article.md", "refs.bib"):
        shutil.copy(FIXTURES / name, folder / name)
    result = run("build", folder / "article.md", "-f", "pdf", "-f", "epub", "-f", "html",
                 "-o", folder / "out")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return {s: folder / "out" / f"article.{s}" for s in ("pdf", "epub", "html")}


def test_each_epub_citation_links_to_its_entry_and_epubcheck_passes(article, epubcheck):
    docs = epub_documents(article["epub"])
    links = citation_links(docs)
    assert len(links) == 13  # one per cited item; collapsed ones too
    for name, href, text in links:
        entry = resolve(docs, name, href)
        assert entry.get("class") == "csl-entry"
        assert entry.get("id") == href.partition("#")[2]
        # The entry has the citation's year (and letter), and its first author or title.
        listed = "".join(entry.itertext())
        year = re.search(r"\d{4}[a-z]?", text)
        assert year and f" {year.group(0)}." in listed, (text, listed)
        first = text.split()[0]
        if first[0].isupper() and not listed.startswith("———"):
            assert listed.startswith(first), (text, listed)
    epubcheck.check(article["epub"])


def test_the_epub_reference_list_is_a_section_with_its_heading(article):
    docs = epub_documents(article["epub"])
    (section,) = [
        s for root in docs.values() for s in root.iterfind(".//x:section[@id='refs']", NS)
    ]
    assert section.get("role") == "doc-bibliography"
    assert section.find("x:h2", NS).text == "References"
    entries = section.findall(".//x:div[@class='csl-entry']", NS)
    assert len(entries) == 11
    assert "".join(entries[5].itertext()) == "———. 1984b. The TeXbook. Reading, MA: Addison-Wesley."


def test_the_pdf_prints_citations_and_entries_and_links_them(article):
    text = squash(" ".join(page_texts(article["pdf"])))
    assert squash("Knuth wrote (Knuth 1984b)") in text
    assert squash("Alpha et al. (2020) says so") in text
    assert squash("Smith, John, and Jane Doe. 2001. “A Study of Things.” Journal of Stuff") in text
    reader = PdfReader(article["pdf"])
    assert {"ref-knuth1984", "ref-knuth:literate", "ref-smith2001"} <= set(
        reader.named_destinations
    )
    dests = [
        str(a.get_object().get("/Dest"))
        for page in reader.pages
        for a in page.get("/Annots") or []
        if a.get_object().get("/Subtype") == "/Link"
    ]
    assert dests.count("ref-knuth1984") == 2 and "ref-who2019" in dests


def test_the_html_links_each_citation_to_an_entry(article):
    root = etree.HTML(article["html"].read_bytes())
    hrefs = root.xpath("//span[@class='citation']/a/@href")
    assert len(hrefs) == 13
    for href in hrefs:
        assert root.xpath("//*[@id=$id]/@class", id=href[1:]) == ["csl-entry"]


UNKNOWN = """\
---
title: Unknown keys
bibliography: refs.bib
---

First [@knuth1984].

Then [@nokey] and @nobody (a bare word: not a citation),
and a mix [@knuth1984; @nokey].
"""


@pytest.fixture
def unknown(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "refs.bib", tmp_path / "refs.bib")
    source = tmp_path / "unknown.md"
    source.write_text(UNKNOWN)
    return source


def test_an_unknown_key_warns_with_file_and_line_and_stays_visible(unknown, epubcheck):
    result = run("build", unknown, "-f", "epub", "-o", unknown.parent / "out")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines == [
        f"warning: {unknown}:8: citation key @nokey is not in refs.bib; kept as text",
        f"warning: {unknown}:9: citation key @nokey is not in refs.bib; kept as text",
    ]
    epub = unknown.parent / "out" / "unknown.epub"
    text = "".join("".join(r.itertext()) for r in epub_documents(epub).values())
    assert "Then [@nokey] and @nobody" in text
    assert "(Knuth 1984; @nokey)" in text
    epubcheck.queue(epub)


def test_strict_mode_fails_on_an_unknown_key(unknown):
    result = run("build", unknown, "-f", "epub", "--strict", "-o", unknown.parent / "out")
    assert result.exit_code == 5
    assert "@nokey" in result.stderr and "Traceback" not in result.output
    assert not (unknown.parent / "out" / "unknown.epub").exists()


def test_a_bibliography_outside_the_source_folder_is_refused(tmp_path):
    shutil.copy(FIXTURES / "refs.bib", tmp_path / "refs.bib")
    source = tmp_path / "inner" / "a.md"
    source.parent.mkdir()
    source.write_text("---\nbibliography: ../refs.bib\n---\n\nText [@knuth1984].\n")
    result = run("build", source, "-f", "html", "-o", tmp_path / "out")
    assert result.exit_code == 3
    assert "refs.bib" in result.stderr and "outside the source's folder" in result.stderr
    assert "Traceback" not in result.output
    # The same file given on the command line is the builder's own choice.
    given = run("build", source, "-f", "html", "--bibliography", tmp_path / "refs.bib",
                "-o", tmp_path / "out")  # fmt: skip
    assert given.exit_code == 0, given.output
    assert "(Knuth 1984)" in re.sub("<[^>]+>", "", (tmp_path / "out" / "a.html").read_text())


def test_a_csl_style_outside_the_source_folder_is_refused_unless_a_resource_root(tmp_path):
    from exporter.citations.style import DEFAULT_STYLE

    shutil.copy(DEFAULT_STYLE, tmp_path / "style.csl")
    source = tmp_path / "inner" / "a.md"
    source.parent.mkdir()
    shutil.copy(FIXTURES / "refs.bib", source.parent / "refs.bib")
    source.write_text("---\nbibliography: refs.bib\ncsl: ../style.csl\n---\n\nText [@knuth1984].\n")
    result = run("build", source, "-f", "html", "-o", tmp_path / "out")
    assert result.exit_code == 3
    assert result.stderr == (
        f"error: {source}: CSL style 'style.csl' is outside the source's folder; refused. Move "
        f"it beside the source, give it with --csl, or pass --resource-root {tmp_path}.\n"
    )
    allowed = run("build", source, "-f", "html", "-o", tmp_path / "out",
                  "--resource-root", tmp_path)  # fmt: skip
    assert allowed.exit_code == 0, allowed.output
    assert "(Knuth 1984)" in re.sub("<[^>]+>", "", (tmp_path / "out" / "a.html").read_text())


def test_a_missing_bibliography_is_an_input_error(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("---\nbibliography: gone.bib\n---\n\nText [@knuth1984].\n")
    result = run("build", source, "-f", "html", "-o", tmp_path / "out")
    assert result.exit_code == 3
    assert "gone.bib: bibliography file not found" in result.stderr


PLACED = """\
---
title: Placed
bibliography: refs.bib
---

See [@knuth1984], not `[@knuth1984]` in code nor [a link](https://example.org/@knuth1984).

::: {#refs}
:::

# Appendix

More [@smith2001].
"""


@pytest.mark.parametrize("dialect", ["markdown", "gfm", "commonmark"])
def test_every_dialect_reads_citations_and_puts_the_list_at_refs(tmp_path, dialect):
    shutil.copy(FIXTURES / "refs.bib", tmp_path / "refs.bib")
    source = tmp_path / "placed.md"
    source.write_text(PLACED)
    result = run("build", source, "--from", dialect, "-f", "html", "--strict",
                 "-o", tmp_path / "out")  # fmt: skip
    assert result.exit_code == 0, result.output  # ::: {#refs} is not an unknown construct
    root = etree.HTML((tmp_path / "out" / "placed.html").read_bytes())
    assert root.xpath("//code/text()") == ["[@knuth1984]"]
    assert root.xpath("//p/a[not(@role)]/@href") == ["https://example.org/@knuth1984"]
    assert root.xpath("//div[@id='ref-smith2001']/a/@href") == ["https://doi.org/10.1000/xyz123"]
    (refs,) = root.xpath("//*[@id='refs']")
    assert refs.get("role") == "doc-bibliography"
    entries = refs.xpath(".//div[@class='csl-entry']/@id")
    assert entries == ["ref-knuth1984", "ref-smith2001"]
    # Where the block stood: before the appendix, not at the end.
    appendix = root.xpath("//h1[.='Appendix'] | //h2[.='Appendix']")[0]
    assert appendix.getparent().index(appendix) > refs.getparent().index(refs)
    assert not root.xpath("//h2[.='References']")


def test_an_empty_references_heading_receives_the_list(tmp_path, epubcheck):
    shutil.copy(FIXTURES / "refs.bib", tmp_path / "refs.bib")
    source = tmp_path / "heading.md"
    source.write_text(
        "---\ntitle: H\nbibliography: refs.bib\n---\n\n# Body\n\nText [@who2019].\n\n"
        "# References\n\n# Appendix\n\nEnd.\n"
    )
    result = run("build", source, "-f", "epub", "-f", "html", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    root = etree.HTML((tmp_path / "out" / "heading.html").read_bytes())
    heading = root.xpath("//*[@id='references']")[0]
    assert heading.getnext().get("id") == "refs"
    assert len(root.xpath("//*[.='References']")) == 1
    epubcheck.queue(tmp_path / "out" / "heading.epub")


def test_csl_json_bibliography_and_another_csl_style_from_the_command_line(tmp_path):

    from citeproc import STYLES_PATH  # citeproc-py ships one other style: Harvard

    items = [
        {"id": "ada", "type": "book", "title": "Notes on the Engine",
         "author": [{"family": "Lovelace", "given": "Ada"}], "issued": {"date-parts": [[1843]]},
         "publisher": "Taylor"},
    ]  # fmt: skip
    (tmp_path / "refs.json").write_text(json.dumps(items))
    source = tmp_path / "a.md"
    source.write_text("# A\n\nAs [@ada, p. 7] wrote.\n")
    style = Path(STYLES_PATH) / "harvard-cite-them-right.csl"
    result = run("build", source, "-f", "html", "--bibliography", tmp_path / "refs.json",
                 "--csl", style, "-o", tmp_path / "out")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = re.sub(r"<[^>]+>", "", (tmp_path / "out" / "a.html").read_text())
    assert "As (Lovelace, 1843, p. 7) wrote." in text
    assert "Lovelace, A. (1843) Notes on the Engine. Taylor." in text


def test_a_file_that_is_not_a_csl_style_is_an_input_error(tmp_path):
    shutil.copy(FIXTURES / "refs.bib", tmp_path / "refs.bib")
    (tmp_path / "bad.csl").write_text("<style>not csl</style")
    source = tmp_path / "a.md"
    source.write_text("---\nbibliography: refs.bib\ncsl: bad.csl\n---\n\nText [@knuth1984].\n")
    result = run("build", source, "-f", "html", "-o", tmp_path / "out")
    assert result.exit_code == 3
    assert "bad.csl: not a CSL style" in result.stderr and "Traceback" not in result.output


def test_citations_in_footnotes_are_formatted_and_listed(tmp_path):
    shutil.copy(FIXTURES / "refs.bib", tmp_path / "refs.bib")
    source = tmp_path / "notes.md"
    source.write_text(
        "---\nbibliography: refs.bib\n---\n\nBody [@knuth1984].[^1]\n\n"
        "[^1]: A note cites [@smith2001, p. 3] and [@nokey].\n"
    )
    result = run("build", source, "-f", "html", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"warning: {source}:7: citation key @nokey is not in refs.bib; kept as text\n"
    )
    root = etree.HTML((tmp_path / "out" / "notes.html").read_bytes())
    (note,) = root.xpath("//aside[@role='doc-footnote']")
    assert note.xpath(".//a[@role='doc-biblioref']/@href") == ["#ref-smith2001"]
    assert "(Smith and Doe 2001, 3) and [@nokey]" in "".join(note.itertext())
    assert root.xpath("//div[@class='csl-entry']/@id") == ["ref-knuth1984", "ref-smith2001"]


def test_batch_rebuilds_an_article_when_its_bibliography_changes(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("article.md", "refs.bib"):
        shutil.copy(FIXTURES / name, inputs / name)

    def batch() -> str:
        result = run("batch", inputs, "-o", tmp_path / "out", "-f", "html", "-j", "1", "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["results"][0]["status"]

    assert batch() == "ok"
    assert batch() == "skipped"
    bib = inputs / "refs.bib"
    bib.write_text(bib.read_text().replace("The {TeX}book", "The {TeX}book, Revised"))
    assert batch() == "ok"
    assert "The TeXbook, Revised" in (tmp_path / "out" / "article.html").read_text()


def test_the_python_api_takes_a_bibliography_and_a_style(tmp_path):
    import exporter
    from exporter.citations.style import DEFAULT_STYLE

    source = tmp_path / "a.md"
    source.write_text("# A\n\nAs @knuth1984 showed.\n")
    (page,) = exporter.convert(
        [source], ["html"], tmp_path / "out",
        bibliography=str(FIXTURES / "refs.bib"), csl=str(DEFAULT_STYLE),
    )  # fmt: skip
    text = re.sub(r"<[^>]+>", "", page.read_text())
    assert "As Knuth (1984) showed." in text
    assert "Knuth, Donald E. 1984. The TeXbook." in text
