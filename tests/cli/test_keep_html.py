"""--keep-html writes the exact WeasyPrint input: the WeasyPrint CLI renders the same PDF."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner
from pypdf import PdfReader

from exporter.cli import cli
from pdfutil import fonts, page_texts


def test_the_kept_input_renders_the_same_pdf_with_the_weasyprint_cli(samples, tmp_path):
    result = CliRunner().invoke(
        cli,
        ["build", str(samples / "features.md"), "-f", "pdf", "--keep-html", "-o", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [str(tmp_path / "features.pdf")]
    kept = tmp_path / "features.pdf-html"
    names = sorted(p.relative_to(kept).as_posix() for p in kept.rglob("*") if p.is_file())
    assert names[:2] == ["fonts/JetBrainsMono-Bold.ttf", "fonts/JetBrainsMono-Regular.ttf"]
    assert "index.html" in names and "style.css" in names
    assert sum(n.startswith("images/") for n in names) == 2  # the PNG and the SVG figure
    html = (kept / "index.html").read_text(encoding="utf-8")
    assert '<span class="fn" id="fn-1-1">' in html  # the PDF shape of the notes

    again = tmp_path / "cli.pdf"
    subprocess.run(
        [sys.executable, "-m", "weasyprint", "-s", str(kept / "style.css"), str(kept / "index.html"), str(again)],
        check=True, capture_output=True,
    )  # fmt: skip
    ours = tmp_path / "features.pdf"
    assert len(PdfReader(again).pages) == len(PdfReader(ours).pages)
    assert page_texts(again) == page_texts(ours)
    assert fonts(again).keys() == fonts(ours).keys()


def test_keep_html_without_a_pdf_writes_nothing_extra(samples, tmp_path, epubcheck):
    result = CliRunner().invoke(
        cli,
        ["build", str(samples / "features.md"), "-f", "epub", "--keep-html", "-o", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["features.epub"]
    epubcheck.queue(tmp_path / "features.epub")
