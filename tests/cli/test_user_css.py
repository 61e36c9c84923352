"""A user's own CSS on top of a theme: --css (repeatable, per target), css = [...] in
exporter.toml and book.toml, confined as theme files are."""

from __future__ import annotations

import base64
import re
import shutil
import zipfile
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from exporter.cli import cli
from pdfutil import fonts, page_texts

STYLES = Path(__file__).resolve().parents[2] / "styles"
A5 = (419.53, 595.28)  # points


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def sheets(folder: Path) -> None:
    """Write one stylesheet per target and one for every output, each leaving a trace."""
    (folder / "all.css").write_text('h2::after { content: " [ALL]" }\n')
    (folder / "print.css").write_text('@page { size: A5 }\nh2::before { content: "[PRINT] " }\n')
    (folder / "reader.css").write_text("p { text-indent: 3.21em }\n")
    (folder / "screen.css").write_text("p { text-indent: 4.32em }\n")


def styles(out: Path, stem: str) -> tuple[str, str]:
    """Return the EPUB's stylesheet and the standalone page's CSS."""
    with zipfile.ZipFile(out / f"{stem}.epub") as epub:
        epub_css = epub.read("EPUB/style/book.css").decode()
    page = lxml.html.fromstring((out / f"{stem}.html").read_bytes())
    return epub_css, "".join(style.text or "" for style in page.iter("style"))


def page_size(pdf: Path) -> tuple[float, float]:
    box = PdfReader(pdf).pages[0].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


@pytest.fixture
def article(tmp_path):
    (tmp_path / "a.md").write_text("# Title\n\n## Section\n\nSome text of the article.\n")
    sheets(tmp_path)
    return tmp_path


def test_css_is_repeatable_and_each_target_gets_its_own(article, epubcheck):
    result = run(
        "build", article / "a.md", "-o", article / "out", "-f", "pdf", "-f", "epub",
        "-f", "html", "--css", article / "all.css", "--css", f"pdf:{article / 'print.css'}",
        "--css", f"epub:{article / 'reader.css'}", "--css", f"html:{article / 'screen.css'}",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    epub_css, html_css = styles(article / "out", "a")
    # The print sheet and the shared one in the PDF, after the theme's (its page size wins).
    assert "[PRINT] Section [ALL]" in page_texts(article / "out" / "a.pdf")[0]
    assert page_size(article / "out" / "a.pdf") == A5
    assert "3.21em" in epub_css and "[ALL]" in epub_css
    assert "[PRINT]" not in epub_css and "4.32em" not in epub_css
    assert "4.32em" in html_css and "[ALL]" in html_css
    assert "[PRINT]" not in html_css and "3.21em" not in html_css
    # Last in the cascade: after the theme's own epub.css.
    assert epub_css.rindex("3.21em") > epub_css.rindex("text-indent: 0")
    epubcheck.queue(article / "out" / "a.epub")


def test_fonts_a_stylesheet_names_beside_it_travel_in_every_output(tmp_path, epubcheck):
    (tmp_path / "a.md").write_text("# Title\n\n## Section\n\nText.\n")
    own = tmp_path / "house"
    own.mkdir()
    shutil.copy(STYLES / "technical" / "fonts" / "Lato-Bold.ttf", own / "house.ttf")
    (own / "house.css").write_text(
        '@font-face { font-family: "House"; src: url("house.ttf"); font-weight: 400 }\n'
        'h2 { font-family: "House"; font-weight: 400 }\n'
    )
    result = run(
        "build", tmp_path / "a.md", "-o", tmp_path / "out", "-f", "pdf", "-f", "epub",
        "-f", "html", "--css", own / "house.css",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert any(name.endswith("+House") for name in fonts(tmp_path / "out" / "a.pdf"))
    data = base64.b64encode((own / "house.ttf").read_bytes()).decode()
    epub_css, html_css = styles(tmp_path / "out", "a")
    assert f"data:font/ttf;base64,{data}" in epub_css and data in html_css
    assert "house.ttf" not in epub_css.replace("/* ", "")  # no file the EPUB does not hold
    epubcheck.queue(tmp_path / "out" / "a.epub")


def test_a_book_and_a_config_file_name_their_stylesheets(tmp_path, epubcheck):
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "chapters" / "one.md").write_text("# One\n\n## Section\n\nText.\n")
    (book / "style").mkdir()
    sheets(book / "style")
    (book / "book.toml").write_text(
        'title = "Styled"\nchapters = ["chapters/one.md"]\n'
        'css = ["style/all.css", "pdf:style/print.css"]\n'
    )
    (book / "exporter.toml").write_text('css = ["epub:style/reader.css"]\n')
    result = run("build", book, "-o", tmp_path / "out", "-f", "pdf", "-f", "epub", "-f", "html")
    assert result.exit_code == 0, result.output
    epub_css, html_css = styles(tmp_path / "out", "book")
    assert any(
        "[PRINT] Section [ALL]" in text for text in page_texts(tmp_path / "out" / "book.pdf")
    )
    assert page_size(tmp_path / "out" / "book.pdf") == A5
    assert "[ALL]" in epub_css and "3.21em" in epub_css  # the book's, then the config's
    assert epub_css.index("[ALL]") < epub_css.index("3.21em")
    assert "[ALL]" in html_css and "3.21em" not in html_css
    # --css on the command line replaces the config file's, and comes after the book's.
    again = run(
        "build", book, "-o", tmp_path / "again", "-f", "epub",
        "--css", f"epub:{book / 'style' / 'screen.css'}",
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    with zipfile.ZipFile(tmp_path / "again" / "book.epub") as epub:
        css = epub.read("EPUB/style/book.css").decode()
    assert "4.32em" in css and "3.21em" not in css and css.index("[ALL]") < css.index("4.32em")
    epubcheck.queue(tmp_path / "out" / "book.epub")


@pytest.mark.parametrize(
    ("where", "entry"),
    [("book.toml", "../outside.css"), ("exporter.toml", "../outside.css"),
     ("book.toml", "link.css"), ("exporter.toml", "pdf:link.css")],
)  # fmt: skip
def test_a_stylesheet_named_in_a_file_stays_in_its_folder(tmp_path, where, entry):
    (tmp_path / "outside.css").write_text("p { color: red }\n")
    book = tmp_path / "book"
    book.mkdir()
    (book / "one.md").write_text("# One\n\nText.\n")
    (book / "link.css").symlink_to(tmp_path / "outside.css")
    css = f'css = ["{entry}"]\n'
    (book / "book.toml").write_text(
        'title = "T"\nchapters = ["one.md"]\n' + (css if where == "book.toml" else "")
    )
    if where == "exporter.toml":
        (book / "exporter.toml").write_text(css)
    result = run("build", book, "-o", tmp_path / "out", "-f", "epub")
    assert result.exit_code == 2
    assert where in result.output and "must lie in its folder" in result.output
    assert not (tmp_path / "out" / "book.epub").exists()


@pytest.mark.parametrize(
    ("css", "message"),
    [("@import 'other.css';", "@import"),
     ("h1 { background: url(../secret.png) }", "url(../secret.png)"),
     ("h1 { background: url(https://example.com/a.png) }", "url(https://example.com/a.png)"),
     ("h1 { background: url(notes.txt) }", "url(notes.txt)")],
)  # fmt: skip
def test_what_a_stylesheet_reaches_is_confined_to_its_folder(tmp_path, css, message):
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    own = tmp_path / "own"
    own.mkdir()
    (own / "notes.txt").write_text("private")
    (own / "other.css").write_text("p { color: red }")
    (own / "mine.css").write_text(css)
    (tmp_path / "a.md").write_text("# T\n\nText.\n")
    result = run("build", tmp_path / "a.md", "-o", tmp_path / "out", "--css", own / "mine.css")
    assert result.exit_code == 2
    assert message in result.output and "mine.css" in result.output


def test_a_stylesheet_cannot_close_the_pages_style_element(tmp_path):
    (tmp_path / "a.md").write_text("# T\n\nText.\n")
    (tmp_path / "x.css").write_text('p::after { content: "</style><script>alert(1)</script>" }')
    result = run(
        "build", tmp_path / "a.md", "-o", tmp_path, "-f", "html", "--css", tmp_path / "x.css"
    )
    assert result.exit_code == 0, result.output
    page = lxml.html.fromstring((tmp_path / "a.html").read_bytes())
    assert not list(page.iter("script"))
    assert re.search(r"<\\/style>", "".join(s.text or "" for s in page.iter("style")))


def test_a_missing_stylesheet_or_a_target_with_no_file_is_a_usage_error(tmp_path):
    (tmp_path / "a.md").write_text("# T\n")
    result = run("build", tmp_path / "a.md", "-o", tmp_path, "--css", "epub:")
    assert result.exit_code == 2 and "names no file" in result.output
    result = run("build", tmp_path / "a.md", "-o", tmp_path, "--css", tmp_path / "gone.css")
    assert result.exit_code == 2 and "gone.css: cannot be read" in result.output
    assert not (tmp_path / "a.pdf").exists()
