"""The layout options from the command line: --layout, --toc-depth, --embed-fonts, previews."""

from __future__ import annotations

import re
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree
from PIL import Image

from bookutil import CHAPTERS, write_book
from exporter.cli import cli
from pdfutil import page_texts

OPF_NS = {"opf": "http://www.idpf.org/2007/opf"}


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    return write_book(tmp_path_factory.mktemp("cli-book"))


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_layout_article_sets_several_sources_as_one_article(sources, tmp_path):
    result = run(
        "build", *map(str, sources), "-o", str(tmp_path), "-f", "pdf", "--layout", "article"
    )
    assert result.exit_code == 0, result.output
    pages = page_texts(tmp_path / "01-alpha.pdf")
    # No title page and no contents: page 1 opens with the title block and the first text.
    assert pages[0].startswith(CHAPTERS[0]) and "Section a1" in pages[0]
    assert not any(p.strip().startswith("Contents") for p in pages)
    assert all(p.strip() for p in pages)  # no blank pages either


def test_layout_book_gives_one_source_a_title_page_and_contents(samples, tmp_path, epubcheck):
    result = run("build", str(samples / "features.md"), "-o", str(tmp_path), "--layout", "book")
    assert result.exit_code == 0, result.output
    pages = page_texts(tmp_path / "features.pdf")
    assert "A Tour of exporter" in pages[0] and "Notes and quotes" not in pages[0]
    assert any(p.strip().startswith("Contents") for p in pages[1:4])
    with zipfile.ZipFile(tmp_path / "features.epub") as z:
        assert "EPUB/title-page.xhtml" in z.namelist()
    epubcheck.queue(tmp_path / "features.epub")


def test_toc_depth_one_lists_chapters_only_in_print_and_in_the_nav(sources, tmp_path, epubcheck):
    result = run("build", *map(str, sources), "-o", str(tmp_path), "--toc-depth", "1")
    assert result.exit_code == 0, result.output
    (contents,) = [p for p in page_texts(tmp_path / "01-alpha.pdf") if p.startswith("Contents")]
    assert all(title in contents for title in CHAPTERS)
    assert "Section" not in contents
    with zipfile.ZipFile(tmp_path / "01-alpha.epub") as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
    toc = nav.find(
        ".//{http://www.w3.org/1999/xhtml}nav[@{http://www.idpf.org/2007/ops}type='toc']"
    )
    titles = [a.text for a in toc.iter("{http://www.w3.org/1999/xhtml}a")]
    assert titles == list(CHAPTERS)
    epubcheck.queue(tmp_path / "01-alpha.epub")


def test_toc_depth_two_adds_sections(sources, tmp_path):
    result = run("build", *map(str, sources), "-o", str(tmp_path), "-f", "pdf", "--toc-depth", "2")
    assert result.exit_code == 0, result.output
    (contents,) = [p for p in page_texts(tmp_path / "01-alpha.pdf") if p.startswith("Contents")]
    assert "Section b7" in contents


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--toc-depth", "0"], "--toc-depth"),
        (["--layout", "poster"], "--layout"),
    ],
)
def test_bad_layout_options_are_usage_errors(sources, tmp_path, args, message):
    result = run("build", str(sources[0]), "-o", str(tmp_path), *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("theme", ["classic", "technical"])
def test_embed_fonts_puts_the_themes_fonts_in_the_epub(sources, tmp_path, epubcheck, theme):
    result = run(
        "build", str(sources[0]), "-o", str(tmp_path), "-f", "epub", "-t", theme, "--embed-fonts"
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "01-alpha.epub"
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        css = z.read("EPUB/style/book.css").decode()
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    fonts = [n for n in names if n.startswith("EPUB/style/fonts/")]
    referenced = re.findall(r"url\((fonts/[^)]+)\)", css)
    assert fonts and sorted(fonts) == sorted(f"EPUB/style/{r}" for r in set(referenced))
    types = {i.get("href"): i.get("media-type") for i in opf.iterfind(".//opf:item", OPF_NS)}
    for name in fonts:
        href = name.removeprefix("EPUB/")
        assert types[href] == ("font/otf" if href.endswith(".otf") else "font/ttf")
    assert re.search(r"@font-face\s*\{", css)
    epubcheck.assert_clean(path)


def test_without_embed_fonts_the_epub_has_no_fonts(sources, tmp_path):
    result = run("build", str(sources[0]), "-o", str(tmp_path), "-f", "epub")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "01-alpha.epub") as z:
        assert not [n for n in z.namelist() if "/fonts/" in n]
        assert not re.search(r"@font-face\s*\{", z.read("EPUB/style/book.css").decode())


def test_themes_lists_three_with_descriptions():
    result = run("themes")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert names == ["classic", "modern", "technical"]
    assert all(len(line.split(None, 1)[1]) > 20 for line in result.output.splitlines())


def test_themes_preview_writes_one_page_image_per_theme(tmp_path):
    result = run("themes", "--preview", str(tmp_path / "previews"), "--dpi", "30")
    assert result.exit_code == 0, result.output
    paths = result.output.split()
    assert [p.rsplit("/", 1)[1] for p in paths] == ["classic.png", "modern.png", "technical.png"]
    pixels = []
    for path in paths:
        with Image.open(path) as image:
            assert image.format == "PNG"
            width, height = image.size  # A4 at 30 dpi: 248 x 351 pixels
            assert abs(width - 248) <= 1 and abs(height - 351) <= 1
            pixels.append(image.convert("L").tobytes())
            # A page with text on it, not a blank sheet.
            assert image.convert("L").getextrema()[0] < 100
    assert len(set(pixels)) == 3  # three different designs
