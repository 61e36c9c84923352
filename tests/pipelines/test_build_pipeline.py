"""Everyday pipeline conveniences: stdin and stdout, config files, exit codes, atomic output,
the final checks of PDFs and EPUBs, and the API's one error hierarchy."""

from __future__ import annotations

import errno
import io
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

import exporter
from exporter.cli import cli
from exporter.guard import output
from exporter.guard.verify import VerifyError, check_epub, check_pdf


def run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_stdin_to_stdout_as_pdf(samples):
    result = run("build", "-", "--from", "md", "-f", "pdf", "-o", "-",
                 stdin=(samples / "mali-intervention.md").read_bytes())  # fmt: skip
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(io.BytesIO(result.stdout_bytes))
    assert reader.metadata.title == "Pieces Starting to Align for Mali Intervention"


def test_stdin_to_an_epub_file(tmp_path, epubcheck):
    result = run("build", "-", "--from", "txt", "-f", "epub", "-o", str(tmp_path),
                 stdin=b"A Title\n\nSome words.\n")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    epubcheck.assert_clean(tmp_path / "output.epub")


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["build", "-", "-f", "pdf", "-o", "-"], b"x", 2, "needs --from"),
        (["build", "-", "--from", "md", "-o", "-"], b"x", 2, "exactly one -f"),
        (["build", "-", "--from", "md", "-f", "epub", "-o", "-"], b"  \n", 3, "empty"),
        (["build", "-", "--from", "md", "-f", "epub", "-o", "-"], b"caf\xe9", 3, "at byte 3"),
        (["build", "-", "--from", "md", "-f", "pdf", "-o", "-", "--max-input-size", "0.001"],
         b"x" * 5000, 4, "over the limit"),
        (["build", "-", "--from", "md", "-f", "pdf", "-o", "-", "--timeout", "1"],
         b"[" * 40000, 4, "longer than the limit"),
        (["build", "-", "--from", "md", "-f", "epub", "-o", "-", "--strict", "-q"],
         b"# T\n\n![x](missing.png)", 5, "strict mode"),
    ],
)  # fmt: skip
def test_exit_codes_are_one_line_and_leave_stdout_empty(args, stdin, code, message):
    result = run(*args, stdin=stdin)
    assert result.exit_code == code
    assert result.stdout_bytes == b""
    lines = result.stderr.strip().splitlines()
    assert message in lines[-1] and "Traceback" not in result.stderr


def test_a_bom_does_not_turn_the_first_heading_into_a_paragraph():
    result = run("build", "-", "--from", "md", "-f", "html", "-o", "-",
                 stdin="\ufeff# Heading One\n\nBody.\n".encode())  # fmt: skip
    assert '<h1 class="title">Heading One</h1>' in result.stdout


def test_config_file_gives_defaults_and_the_command_line_wins(tmp_path, samples):
    (tmp_path / "exporter.toml").write_text('formats = ["epub"]\ntheme = "modern"\nlang = "fr"\n')
    source = tmp_path / "a.md"
    source.write_text("# Titre\n\nDu texte.\n")
    out = tmp_path / "out"
    assert run("build", str(source), "-o", str(out)).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.epub"]
    with zipfile.ZipFile(out / "a.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode()
    assert "<dc:language>fr</dc:language>" in opf
    assert run("build", str(source), "-o", str(out), "-f", "html", "--lang", "de").exit_code == 0
    assert 'lang="de"' in (out / "a.html").read_text()


def test_pyproject_tool_table_is_read_and_safety_keys_are_refused(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.exporter]\nformats = "html"\n')
    (tmp_path / "a.md").write_text("# A\n\nText.\n")
    assert run("build", str(tmp_path / "a.md"), "-o", str(tmp_path / "o")).exit_code == 0
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["a.html"]
    (tmp_path / "exporter.toml").write_text("allow-remote = true\n")
    result = run("build", str(tmp_path / "a.md"), "-o", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "unknown key 'allow-remote'" in result.stderr and "command line" in result.stderr


def test_verbose_prints_the_stages(samples, tmp_path):
    result = run("build", str(samples / "features.md"), "-f", "epub", "-o", str(tmp_path), "-v")
    assert "info: read 1 source(s): A Tour of exporter" in result.stderr
    assert "info: rendered epub" in result.stderr


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")

    def full(fd: int, mode: str):
        os.close(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fdopen", full)
    with pytest.raises(exporter.OutputError, match="No space left"):
        output.write_atomic(target, b"new")
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["a.pdf"]


def test_an_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "a.epub"
    target.write_bytes(b"old")
    monkeypatch.setattr(output.os, "fsync", lambda fd: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(target, b"new")
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["a.epub"]


def test_a_broken_epub_is_not_renamed_into_place(tmp_path):
    target = tmp_path / "a.epub"
    target.write_bytes(b"old")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bad:
        bad.writestr("mimetype", "application/epub+zip")  # deflated: not allowed
    with pytest.raises(VerifyError, match="EPUB is broken"):
        output.write_atomic(target, buffer.getvalue(), check=check_epub)
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["a.epub"]


def _pdf_with(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("change", "what"),
    [
        (lambda w: w.add_attachment("secret.txt", b"x"), "EmbeddedFile"),
        (
            lambda w: w._root_object.update(
                {
                    NameObject("/OpenAction"): DictionaryObject(
                        {
                            NameObject("/S"): NameObject("/JavaScript"),
                            NameObject("/JS"): TextStringObject("x"),
                        }
                    )
                }
            ),
            "JavaScript",
        ),
    ],
)
def test_the_final_pdf_check_refuses_attachments_and_javascript(change, what):
    check_pdf(_pdf_with(lambda w: None))
    with pytest.raises(VerifyError, match=what):
        check_pdf(_pdf_with(change))


def test_the_api_raises_only_exporter_errors(tmp_path):
    with pytest.raises(exporter.SourceError):
        exporter.convert([tmp_path / "missing.md"], ["pdf"], tmp_path)
    source = tmp_path / "a.md"
    source.write_text("# A\n\nText.\n")
    with pytest.raises(exporter.OutputError, match="is one of the sources"):
        exporter.convert([source], ["html"], tmp_path, theme=None)  # a.html is fine
        (tmp_path / "b.html").write_text("<p>x</p>")
        exporter.convert([tmp_path / "b.html"], ["html"], tmp_path)


def test_exporter_render_stays_the_function_after_read(samples):
    doc = exporter.read([samples / "mali-intervention.txt"])
    assert callable(exporter.render)
    assert exporter.render(doc, "html").startswith(b"<!DOCTYPE html>")


def test_source_from_path_refuses_folders_and_fifos(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    for bad in (tmp_path, Path(tmp_path / "pipe.md")):
        with pytest.raises(exporter.ExporterError):
            exporter.read([bad])
