"""A print-ready PDF and a book's index, laid out chapter by chapter, equal the whole writer's.

The print-ready book (``--print``): every page's boxes, the output intent, the PDF/X keys,
the page count and the text. The index: its text (the pages written out, runs merged,
sub-entries, see-also) and each page it gives holding its term; also with the index moved
before an appendix whose terms it lists (its pages come from a later round).
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pikepdf
import pypdf
import pytest

from bookutil import FILLER, write_book
from exporter.api import read, transform
from exporter.incremental.build import build_book
from exporter.press import PrintSpec
from exporter.settings import Settings
from exporter.themes import load_theme
from exporter.writers import pdf as whole

TERMS = {  # chapter -> (paragraph, mark) pairs: terms over several pages and chapters
    0: [(1, "[typography]{.index}"), (3, '[kerning]{.index key="typography!kerning"}')],
    1: [(n, "[baseline]{.index}") for n in range(2, 40, 4)]
    + [(10, '[zebra]{.index seealso="typography"}'), (12, "[Émile]{.index}")],
    2: [(2, "[typography]{.index}"), (5, "[Apple]{.index}")],
}


def _book(folder: Path) -> list[Path]:
    """Write the test book with index terms marked in paragraphs of every chapter."""
    paths = write_book(folder)
    for chapter, marks in TERMS.items():
        parts = paths[chapter].read_text("utf-8").split(FILLER)
        for paragraph, mark in marks:
            parts[paragraph] = f" {mark} " + parts[paragraph]
        paths[chapter].write_text(FILLER.join(parts), "utf-8")
    return paths


def _both(paths: list[Path], settings: Settings, move_index: bool = False) -> tuple[bytes, bytes]:
    """Return the book's PDF laid out chapter by chapter and as one document."""
    doc = replace(transform(read(paths, settings=settings), settings), layout="book")
    if move_index:  # the index, then the last chapter (an appendix after it)
        *rest, last, index = doc.chapters
        doc = replace(doc, chapters=(*rest, index, last))
    theme = load_theme(settings.theme)
    return build_book(doc, theme, settings).pdf, whole.write(doc, theme, settings, {})


def _texts(data: bytes) -> list[str]:
    """Return each page's text, words hyphenated at a line's end joined again."""
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return [re.sub("[\u2010-]\n", "", page.extract_text()) for page in pages]


def _print_facts(data: bytes) -> dict[str, object]:
    """Return what a printer checks: boxes per page, output intent, PDF/X keys, info."""
    pdf = pikepdf.open(io.BytesIO(data))
    xmp = pdf.Root.Metadata.read_bytes().decode()
    return {
        "boxes": [
            [
                [round(float(v), 3) for v in page.obj[box]]
                for box in ("/MediaBox", "/TrimBox", "/BleedBox")
            ]
            for page in pdf.pages
        ],
        "intents": [
            (str(i.S), str(i.OutputConditionIdentifier), i.DestOutputProfile.read_bytes())
            for i in pdf.Root.OutputIntents
        ],
        "pdfx": re.findall(r"<(pdfx\w*:GTS_PDFX\w+)>([^<]*)<", xmp),
        "info": {str(k): str(v) for k, v in pdf.docinfo.items()},
        "lang": str(pdf.Root.Lang),
    }


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    paths = _book(tmp_path_factory.mktemp("press") / "src")
    settings = Settings(layout="book", jobs=1, formats=("pdf",), press=PrintSpec(), page_size="A5")
    return _both(paths, settings)


def test_a_print_ready_book_chapter_by_chapter_has_the_whole_writers_boxes_and_intent(printed):
    units, reference = printed
    got, want = _print_facts(units), _print_facts(reference)
    assert got == want
    trim = want["boxes"][0][1]  # not vacuous: bled and marked, with the sRGB intent
    assert trim[2] - trim[0] == pytest.approx(419.53, abs=0.01)  # A5
    assert all(media != trim and bleed != trim for media, trim, bleed in want["boxes"])
    assert want["intents"][0][0] == "/GTS_PDFX" and len(want["intents"][0][2]) > 1000
    assert ("pdfx:GTS_PDFXVersion", "PDF/X-4") in want["pdfx"]
    assert want["info"]["/Trapped"] == "/False"
    assert _texts(units) == _texts(reference)
    assert len(_texts(reference)) > 10


def _index(texts: list[str]) -> dict[str, list[str]]:
    """Return the index's entries and the pages each gives ("4", or a run "4–6")."""
    at = next(i for i, t in enumerate(texts) if t.startswith("Index"))
    entries = {}
    for line in texts[at].splitlines():
        found = re.match(r"^(\D+?), ([\d, \u2013]+)", line.strip())
        if found:
            entries[found.group(1)] = found.group(2).replace(" ", "").split(",")
    return entries


def _index_links(data: bytes) -> list[tuple[str, str]]:
    """Return the index page's links: (destination name, label of the page it lands on)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    found = []
    for annot in reader.pages[-1].get("/Annots", []):
        dest = annot.get_object().get("/Dest")
        if dest is not None:
            page = reader.get_destination_page_number(reader.named_destinations[str(dest)])
            found.append((str(dest), reader.page_labels[page]))
    return found


def _check_pages(data: bytes) -> dict[str, list[str]]:
    """Assert that every page the index gives holds its term; return the entries."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    labels, texts = reader.page_labels, _texts(data)
    entries = _index(texts)
    for term, pages in entries.items():
        for written in pages:
            first, _, last = written.partition("\u2013")
            for n in range(labels.index(first), labels.index(last or first) + 1):
                assert term in texts[n], (term, written, labels[n])
    return entries


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return _book(tmp_path_factory.mktemp("index") / "src")


def test_the_index_chapter_by_chapter_gives_the_whole_writers_pages(indexed):
    settings = Settings(theme="classic", layout="book", jobs=1, formats=("pdf",))
    units, reference = _both(indexed, settings)
    got, want = _texts(units), _texts(reference)
    index_at = next(i for i, t in enumerate(want) if t.startswith("Index"))
    assert got[index_at:] == want[index_at:] and len(got) == len(want)
    entries = _check_pages(units)
    assert {"Apple", "Émile", "typography", "kerning", "baseline", "zebra"} <= set(entries)
    assert any("\u2013" in p for p in entries["baseline"])  # a run of pages, merged
    assert len(entries["typography"]) == 2  # two chapters, two pages
    assert "See also typography" in got[index_at]
    links = _index_links(units)
    assert links == _index_links(reference) and len(links) >= 6  # each lands on its page


def test_an_index_before_back_matter_gives_the_pages_of_its_terms_there(indexed):
    """The appendix after the index holds Apple: its page is known a round later."""
    settings = Settings(theme="classic", layout="book", jobs=2, formats=("pdf",))
    units, _ = _both(indexed, settings, move_index=True)
    texts = _texts(units)
    index_at = next(i for i, t in enumerate(texts) if t.startswith("Index"))
    assert "Apple" in "".join(texts[index_at + 1 :])  # the appendix follows the index
    assert "Apple" in _check_pages(units)
