"""Right-to-left books: declared in the EPUB, mirrored in the PDF, code kept left to right."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import lxml.html
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from lxml import etree

import exporter
from exporter.cli import cli

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "scripts" / "hebrew.md"
XHTML = "{http://www.w3.org/1999/xhtml}"
OPENING = "הספר הזה מסביר"  # the first chapter's first words


@pytest.fixture(scope="module")
def builds(tmp_path_factory, epubcheck):
    """The Hebrew sample as a book, as it is (right to left) and forced left to right."""
    out = tmp_path_factory.mktemp("rtl")
    forced = out / "forced"
    forced.mkdir()
    twin = forced / "hebrew.md"
    twin.write_text(SAMPLE.read_text().replace("author:", "dir: ltr\nauthor:", 1))
    made = {}
    for name, source in (("rtl", SAMPLE), ("ltr", twin)):
        folder = out / name
        pdf, epub, html = exporter.convert(
            [source], ["pdf", "epub", "html"], folder, layout="book", strict=True
        )  # strict: no warning either
        made[name] = {"pdf": pdf, "epub": epub, "html": html}
    epubcheck.queue(made["rtl"]["epub"])
    return made


def text_extent(path: Path, index: int) -> tuple[float, float, float]:
    """Return the body text's left and right edges and the running head's left edge (0 for
    none)."""
    page = pdfium.PdfDocument(path)[index]
    _, height = page.get_size()
    text = page.get_textpage()
    body, head = [], []
    for i in range(text.count_chars()):
        if not text.get_text_range(i, 1).strip():
            continue
        left, bottom, right, _ = text.get_charbox(i)
        (head if bottom > height * 0.88 else body).append((left, right))
    return min(b[0] for b in body), max(b[1] for b in body), min(h[0] for h in head or [(0, 0)])


def test_the_epub_declares_right_to_left_everywhere(builds):
    with zipfile.ZipFile(builds["rtl"]["epub"]) as book:
        opf = etree.fromstring(book.read("EPUB/content.opf"))
        spine = opf.find("{http://www.idpf.org/2007/opf}spine")
        assert spine.get("page-progression-direction") == "rtl"
        documents = [n for n in book.namelist() if n.endswith(".xhtml")]
        for name in documents:
            root = etree.fromstring(book.read(name))
            assert root.get("dir") == "rtl", name
            assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "he", name
        chapter = etree.fromstring(book.read("EPUB/chapter-001.xhtml"))
        codes = chapter.iter(f"{XHTML}code", f"{XHTML}pre")
        assert all(code.get("dir") == "ltr" for code in codes)
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
        assert nav.find(f".//{XHTML}nav/{XHTML}h2").text == "תוכן העניינים"


def test_the_standalone_html_is_right_to_left_with_code_left_to_right(builds):
    root = lxml.html.fromstring(builds["rtl"]["html"].read_bytes())
    assert root.get("dir") == "rtl" and root.get("lang") == "he"
    assert all(code.get("dir") == "ltr" for code in root.iter("code", "pre"))
    css = root.findtext(".//style")
    assert 'pre[dir="ltr"]' in css  # code blocks set on the left of a mirrored page


def test_a_left_to_right_epub_declares_no_direction(builds):
    with zipfile.ZipFile(builds["ltr"]["epub"]) as book:
        opf = etree.fromstring(book.read("EPUB/content.opf"))
        spine = opf.find("{http://www.idpf.org/2007/opf}spine")
        assert spine.get("page-progression-direction") is None
        assert etree.fromstring(book.read("EPUB/chapter-001.xhtml")).get("dir") is None


def test_the_pdf_is_mirrored(builds):
    # The first chapter opens on a recto: a right page in a left-to-right book, a left page
    # in a right-to-left one; the next page is its verso. The inner (smaller) margin is on
    # the spine's side and the running head moves with the page.
    rtl, ltr = builds["rtl"]["pdf"], builds["ltr"]["pdf"]
    opening = next(
        i
        for i, page in enumerate(pdfium.PdfDocument(rtl))
        if OPENING in page.get_textpage().get_text_range()
    )
    width = pdfium.PdfDocument(rtl)[opening].get_size()[0]
    r_left, r_right, _ = text_extent(rtl, opening)
    l_left, l_right, _ = text_extent(ltr, opening)
    assert r_left > width - r_right  # a left page: the wide outer margin on the left
    assert l_left < width - l_right  # a right page: the wide outer margin on the right
    assert r_left == pytest.approx(width - l_right, abs=2)
    verso_rtl, verso_ltr = text_extent(rtl, opening + 1), text_extent(ltr, opening + 1)
    assert verso_rtl[2] and verso_ltr[2]
    assert verso_rtl[2] != pytest.approx(verso_ltr[2], abs=5)  # the running head moved


def word_box(path: Path, index: int, word: str) -> tuple[float, float]:
    """Return the left and right edges of ``word`` on page ``index`` (its first occurrence)."""
    text = pdfium.PdfDocument(path)[index].get_textpage()
    chars = [text.get_text_range(i, 1) for i in range(text.count_chars())]
    start = "".join(chars).index(word)
    boxes = [text.get_charbox(i) for i in range(start, start + len(word))]
    return min(b[0] for b in boxes), max(b[2] for b in boxes)


def test_hebrew_paragraphs_are_set_right_to_left_with_code_and_numbers_in_order(builds):
    document = pdfium.PdfDocument(builds["rtl"]["pdf"])
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    assert "הספר הזה מסביר איך כותבים סקריפט קטן" in text
    assert "count_words" in text and "UnicodeDecodeError" in text and "30" in text
    # The first paragraph's last line, one word, is flush right when set right to left and
    # flush left when forced left to right.
    for name, flush in (("rtl", 1), ("ltr", 0)):
        path = builds[name]["pdf"]
        page = next(
            i
            for i, p in enumerate(pdfium.PdfDocument(path))
            if OPENING in p.get_textpage().get_text_range()
        )
        edges = text_extent(path, page)[:2]
        word = word_box(path, page, "בקבצים")
        assert word[flush] == pytest.approx(edges[flush], abs=3), name
        assert word[1 - flush] != pytest.approx(edges[1 - flush], abs=30), name


def test_dir_in_front_matter_is_read_and_checked(tmp_path):
    source = tmp_path / "note.md"
    source.write_text("---\ntitle: x\nlang: en\ndir: rtl\n---\n\nA short note.\n")
    (epub,) = exporter.convert([source], ["epub"], tmp_path)
    with zipfile.ZipFile(epub) as book:
        assert etree.fromstring(book.read("EPUB/chapter-001.xhtml")).get("dir") == "rtl"
    source.write_text("---\ntitle: x\ndir: sideways\n---\n\nA short note.\n")
    result = CliRunner().invoke(cli, ["build", str(source), "-o", str(tmp_path), "-f", "epub"])
    assert result.exit_code == 3
    assert "dir: sideways" in result.output and "rtl" in result.output


def test_the_rtl_epub_passes_ace(builds, ace):
    ace.assert_clean(builds["rtl"]["epub"])


def test_latin_words_with_numbers_keep_their_order_in_a_hebrew_line(builds):
    # "Windows-1255" once came out as "1255-Windows": the name was a span of its own.
    path = builds["rtl"]["pdf"]
    page = next(
        i
        for i, p in enumerate(pdfium.PdfDocument(path))
        if "Windows" in p.get_textpage().get_text_range()
    )
    assert word_box(path, page, "Windows")[1] < word_box(path, page, "1255")[0]


@pytest.mark.parametrize("link", [True, False])
def test_a_url_broken_across_lines_keeps_its_order_on_each_line(tmp_path, link):
    # Set 55 mm wide, the line breaks after "https://": with no direction of its own the
    # URL came out as "//:https" at the line's end.
    url = "https://docs.python.org/3/howto/unicode.html"
    text = f"<{url}>" if link else url
    source = tmp_path / "url.md"
    source.write_text(f"מידע נוסף נמצא בתיעוד הרשמי בכתובת {text}.\n", encoding="utf-8")
    narrow = tmp_path / "narrow.css"
    narrow.write_text("p { width: 55mm; font-size: 11pt }\n")
    (pdf,) = exporter.convert([source], ["pdf"], tmp_path, css=(str(narrow),))
    lines = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range().splitlines()
    # Each line's piece of the URL as it reads on the page (the full stop taken off):
    # "/https://docs.python.org/3/howto" and ".unicode.html" before, when each line's
    # slash and dots went to the side the Hebrew reads from.
    pieces = [m.strip(".") for line in lines for m in re.findall(r"[!-~]{4,}", line)]
    pieces = [piece for piece in pieces if piece != "url"]  # the running title
    assert len(pieces) >= 2  # broken across lines
    assert "".join(pieces) == url


def test_centred_blocks_stay_centred_in_a_right_to_left_text(tmp_path):
    # WeasyPrint 70 set a block centred with auto margins a margin's width past the text
    # block's right edge: classic's rule under the title and a figure's image, off the page.
    from PIL import Image

    Image.new("RGB", (300, 150), "#445566").save(tmp_path / "box.png")
    source = tmp_path / "figure.md"
    source.write_text(
        "---\ntitle: מדריך קצר\n---\n\nפסקה ראשונה של טקסט בעברית.\n\n![תמונה](box.png)\n\n"
        "פסקה שנייה של טקסט בעברית.\n",
        encoding="utf-8",
    )
    (pdf,) = exporter.convert([source], ["pdf"], tmp_path, theme="classic")
    page = pdfium.PdfDocument(pdf)[0]
    width, _ = page.get_size()
    boxes = [obj.get_bounds() for obj in page.get_objects()]
    assert all(box[0] >= 0 and box[2] <= width for box in boxes)  # nothing off the page
    # An article's text block is centred on the page, as its title is.
    (image,) = [obj.get_bounds() for obj in page.get_objects() if obj.type == 3]  # an image
    (rule,) = [obj.get_bounds() for obj in page.get_objects() if obj.type == 2]  # a path
    for left, _, right, _ in (image, rule):
        assert (left + right) / 2 == pytest.approx(width / 2, abs=3)
