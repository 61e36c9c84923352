"""The print edition's page numbers inside the EPUB: markers where each PDF page begins."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree
from pypdf import PdfReader

import exporter
from exporter.markup import EPUB_NS, XHTML_NS
from exporter.writers.pagelist import Page, mark_pages

MARKER = re.compile(r'<span epub:type="pagebreak" role="doc-pagebreak" id="page-(\w+)" '
                    r'aria-label="(\w+)"/>')  # fmt: skip


def texts(epub: Path) -> dict[str, str]:
    with zipfile.ZipFile(epub) as z:
        return {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}


def words_after(xhtml: str, end: int, count: int = 3) -> list[str]:
    return re.sub(r"<[^>]+>", " ", xhtml[end : end + 600]).split()[:count]


def test_a_pdf_and_epub_built_together_carry_the_printed_pages(samples, tmp_path, epubcheck):
    pdf, epub = exporter.convert([samples / "book"], ["pdf", "epub"], tmp_path)
    epubcheck.queue(epub)
    files = texts(epub)
    found = {
        m.group(2): (name, m.end()) for name, text in files.items() for m in MARKER.finditer(text)
    }
    # Pages by their labels (the printed folios: roman in the front matter, part pages
    # counted though they print none); the printed contents and the imprint are not in the
    # EPUB, and blank left-hand pages hold no words to mark.
    assert list(found) == ["i", "iii", "vii", "1", "3", "4", "5", "6", "7", "9", "11", "13"]
    reader = PdfReader(pdf)
    for label, (name, end) in found.items():
        page = reader.pages[reader.page_labels.index(label)]
        start = " ".join(page.extract_text().split())
        # The marker sits before the first words of its page (a page opening with a table
        # or figure: before it, so the first words are its head row or caption).
        assert " ".join(words_after(files[name], end)) in start, (label, name)
    nav = files["EPUB/nav.xhtml"]
    assert '<nav epub:type="page-list" id="page-list" hidden="">' in nav
    page_list = nav[nav.index('id="page-list"') :]
    assert page_list.count("<li><a href=") == len(found)
    with zipfile.ZipFile(epub) as z:
        opf = z.read("EPUB/content.opf").decode()
    assert '<meta property="pageBreakSource">' in opf
    assert ">pageBreakMarkers<" in opf and ">pageNavigation<" in opf


def test_an_epub_alone_has_no_page_list(samples, tmp_path):
    (epub,) = exporter.convert([samples / "book"], ["epub"], tmp_path)
    files = texts(epub)
    assert not any(MARKER.search(t) for t in files.values())
    assert "page-list" not in files["EPUB/nav.xhtml"]


def test_the_page_list_passes_ace(samples, tmp_path, ace):
    _, epub = exporter.convert([samples / "features.md"], ["pdf", "epub"], tmp_path)
    assert len(MARKER.findall(texts(epub)["EPUB/chapter-001.xhtml"])) == 3
    ace.assert_clean(epub)


def test_a_marker_goes_between_words_never_inside_one():
    body = etree.fromstring(
        f'<body xmlns="{XHTML_NS}"><p>The paper grain runs along the sheet, and folding '
        "across it cracks the fibres; a <em>direction</em> matters.</p></body>"
    )
    pages = [
        Page("1", ("The", "paper", "grain", "runs", "along", "the", "sheet,", "and", "fold-")),
        # The page opens with the second half of a hyphenated word: no EPUB word is "ing".
        Page("2", ("ing", "across", "it", "cracks", "the", "fibres;", "a", "direction", "2")),
    ]
    marked = mark_pages([body], pages)
    assert marked == [(0, "page-1", "1"), (0, "page-2", "2")]
    text = etree.tostring(body, encoding="unicode")
    assert re.search(r"<span [^>]*page-1[^>]*/><p>The paper", text)  # before its paragraph
    # Before the page's first whole word that both editions share, after "folding".
    assert re.search(r"and folding <span [^>]*page-2[^>]*/>across it", text)
    second = body.find(f".//{{{XHTML_NS}}}span[@id='page-2']")
    assert second.get(f"{{{EPUB_NS}}}type") == "pagebreak" and second.get("aria-label") == "2"
