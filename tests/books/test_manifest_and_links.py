"""Manifests, links between sources, and the book commands (init, check, build options)."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from PIL import Image

import exporter
from exporter.cli import cli

X = "{http://www.w3.org/1999/xhtml}"


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


BOOK = {
    "book.toml": 'title = "Linked"\nlanguage = "en"\nchapters = ["a/one.md", "b/c/two.md"]\n',
    "a/one.md": "# One\n\n## Setup\n\nSee [two](../b/c/two.md#setup) and [all of two](../b/c/two.md).\n",
    "b/c/two.md": "# Two\n\n## Setup\n\nBack to [one's setup](../../a/one.md#setup).\n",
}


def test_links_between_sources_follow_duplicate_headings(tmp_path):
    doc = exporter.read([write(tmp_path, BOOK) / "book.toml"])
    one, two = doc.chapters
    assert [h.id for h in one.headings + two.headings] == ["setup", "setup-2"]
    assert 'href="#setup-2"' in one.html and 'href="#chapter-2"' in one.html
    assert 'href="#setup"' in two.html


def test_missing_files_and_fragments_warn_with_file_and_line(tmp_path, caplog):
    files = dict(BOOK)
    files["a/one.md"] = (
        "# One\n\nText.\n\nSee [gone](../nope.md) and\n[bad](../b/c/two.md#nowhere).\n"
    )
    write(tmp_path, files)
    with caplog.at_level(logging.WARNING, "exporter"):
        doc = exporter.read([tmp_path / "book.toml"])
    assert "a/one.md:5: link '../nope.md' names a file that does not exist" in caplog.text
    assert "a/one.md:6: link '../b/c/two.md#nowhere' points to '#nowhere'" in caplog.text
    assert "See gone and\nbad." in doc.chapters[0].html  # kept as text
    with pytest.raises(exporter.StrictError):
        exporter.convert([tmp_path], ["epub"], tmp_path / "out", strict=True)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ('title = "T"\nchapters = ["missing/*.md"]\n', "'missing/*.md' matches no file"),
        ('title = "T"\nchapter = ["a/one.md"]\n', "unknown key 'chapter'"),
        ('title = "T"\nlanguage = "C"\nchapters = ["a/one.md"]\n', "language 'C' is not a BCP 47"),
        ('title = "T"\nisbn = "978-0-00-000000-1"\nchapters = ["a/one.md"]\n', "not a valid ISBN"),
        ('chapters = ["a/one.md"]\n', "has no title"),
        ('title = "T"\n[front]\nforward = "a/one.md"\n', "unknown entry 'forward'"),
        ('title = "T"\nchapters = ["a/one.md", "a/*.md"]\n', "listed twice"),
    ],
)
def test_manifest_mistakes_are_one_error_line_naming_the_manifest(tmp_path, manifest, message):
    write(tmp_path, {**BOOK, "book.toml": manifest})
    result = run("build", str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert f"{tmp_path / 'book.toml'}: " in result.stderr and message in result.stderr
    assert not (tmp_path / "out").exists()


def test_isbn_becomes_the_identifier(tmp_path):
    toml = 'title = "T"\nisbn = "978-0-306-40615-7"\nchapters = ["a/one.md", "b/c/two.md"]\n'
    doc = exporter.read([write(tmp_path, {**BOOK, "book.toml": toml}) / "book.toml"])
    assert doc.metadata.identifier == "urn:isbn:9780306406157"


def test_split_level_gives_a_file_per_section_and_keeps_links_and_notes(tmp_path, epubcheck):
    write(tmp_path, BOOK)
    (tmp_path / "b/c/two.md").write_text(
        "# Two\n\nIntro.\n\n## Setup\n\nA note.[^n]\n\n## Later\n\nSee [setup](#setup).\n\n[^n]: The note.\n"
    )
    (path,) = exporter.convert([tmp_path], ["epub"], tmp_path / "out", split_level=2)
    epubcheck.queue(path)
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if n.startswith("EPUB/chapter-"))
        assert names == [
            "EPUB/chapter-001-02.xhtml", "EPUB/chapter-001.xhtml", "EPUB/chapter-002-02.xhtml",
            "EPUB/chapter-002-03.xhtml", "EPUB/chapter-002.xhtml",
        ]  # fmt: skip
        setup = etree.fromstring(z.read("EPUB/chapter-002-02.xhtml"))
        later = etree.fromstring(z.read("EPUB/chapter-002-03.xhtml"))
        one = etree.fromstring(z.read("EPUB/chapter-001-02.xhtml"))
    assert setup.find(f".//{X}aside").get("id") == "fn-2-1"  # the note travels with its call
    assert [a.get("href") for a in later.iter(f"{X}a")] == ["chapter-002-02.xhtml#setup-2"]
    assert "chapter-002-02.xhtml#setup-2" in [a.get("href") for a in one.iter(f"{X}a")]


def test_max_image_size_shrinks_epub_images_only(tmp_path, epubcheck):
    big = io.BytesIO()
    Image.new("RGB", (1200, 600), (200, 30, 30)).save(big, "PNG")
    write(tmp_path, {"a.md": "# A\n\n![Red](big.png)\n"})
    (tmp_path / "big.png").write_bytes(big.getvalue())
    pdf, epub = exporter.convert(
        [tmp_path / "a.md"], ["pdf", "epub"], tmp_path / "out", max_image_size=300
    )
    epubcheck.queue(epub)
    with zipfile.ZipFile(epub) as z:
        (name,) = [n for n in z.namelist() if n.endswith(".png")]
        assert Image.open(io.BytesIO(z.read(name))).size == (300, 150)
    from pypdf import PdfReader

    (image,) = PdfReader(pdf).pages[0].images
    assert image.image.size == (1200, 600)


def test_a_given_cover_image_is_used(tmp_path, epubcheck):
    cover = io.BytesIO()
    Image.new("RGB", (160, 256), (10, 60, 120)).save(cover, "JPEG")
    write(tmp_path, {"a.md": "# A\n\nText.\n"})
    (tmp_path / "front.jpg").write_bytes(cover.getvalue())
    result = run(
        "build",
        str(tmp_path / "a.md"),
        "-f",
        "epub",
        "-o",
        str(tmp_path / "o"),
        "--cover",
        str(tmp_path / "front.jpg"),
    )
    assert result.exit_code == 0, result.stderr
    epub = tmp_path / "o/a.epub"
    epubcheck.queue(epub)
    with zipfile.ZipFile(epub) as z:
        opf = z.read("EPUB/content.opf").decode()
        assert z.read("EPUB/images/cover.jpg") == cover.getvalue()
    assert (
        'href="images/cover.jpg" id="cover-image" media-type="image/jpeg" properties="cover-image"'
        in opf
    )
    assert '<meta name="cover" content="cover-image"' in opf


def test_init_writes_a_book_that_builds_and_checks_clean(tmp_path):
    folder = tmp_path / "my-novel"
    result = run("init", str(folder))
    assert result.exit_code == 0
    assert 'title = "My Novel"' in (folder / "book.toml").read_text()
    assert run("init", str(folder)).exit_code == 6  # never overwrites
    result = run("build", str(folder), "-o", str(tmp_path / "out"), "--check", "--strict")
    assert result.exit_code == 0, result.output
    # "EPUBCheck, Ace and exporter's checks" where Ace is installed.
    assert "my-novel.epub: passed EPUBCheck" in result.stdout
    assert "and exporter's checks: 0 error(s), 0 warning(s)" in result.stdout


def test_check_reports_a_broken_epub_and_works_without_java(tmp_path, samples, monkeypatch):
    (good,) = exporter.convert([samples / "features.md"], ["epub"], tmp_path)
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "EPUB/chapter-001.xhtml":
                data = data.replace(b'href="#fn-1-1"', b'href="#fn-9-9"')
            dst.writestr(info, data)
    monkeypatch.setattr("exporter.check.shutil.which", lambda name: None)
    result = run("check", str(broken))
    assert result.exit_code == 3
    assert "Java was not found, so EPUBCheck did not run" in result.stderr
    assert "'#fn-9-9' names a fragment that does not exist" in result.stderr
    assert "FAILED exporter's checks: 1 error(s)" in result.stdout
    result = run("check", str(good))
    assert (
        result.exit_code == 0
        and "passed exporter's checks: 0 error(s), 0 warning(s)" in result.stdout
    )
