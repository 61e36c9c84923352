"""An SVG whose references the allow-list removed still lays out in a PDF without a word
from WeasyPrint: an ``<image>`` or ``<use>`` left without its link is left out whole (an
``<image>`` without one printed "error: weasyprint: Failed to load image at None:
AttributeError ..." on a build that passed, and failed the build under --strict)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from exporter.cli import cli

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="40" height="40"><image xlink:href="http://127.0.0.1:9/i.png" width="9" height="9"/>'
    '<use href="file:///etc/passwd#x"/><filter id="f"><feImage href="http://127.0.0.1:9/f"/>'
    '</filter><rect id="r" width="40" height="40" fill="teal"/><use href="#r"/>'
    '<text x="2" y="20"><textPath>Kept words</textPath></text></svg>'
)


def test_an_svg_stripped_of_its_links_lays_out_silently(tmp_path: Path) -> None:
    (tmp_path / "pic.svg").write_text(SVG, "utf-8")
    source = tmp_path / "a.md"
    source.write_text("# T\n\n![pic](pic.svg)\n\nText after the picture.\n", "utf-8")
    result = CliRunner().invoke(
        cli, ["build", str(source), "-o", str(tmp_path / "out"), "--strict"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert (
        "Text after the picture." in PdfReader(tmp_path / "out" / "a.pdf").pages[0].extract_text()
    )
    with zipfile.ZipFile(tmp_path / "out" / "a.epub") as epub:
        name = next(n for n in epub.namelist() if n.endswith(".svg") and "cover" not in n)
        svg = epub.read(name).decode()
    assert '<use href="#r"/>' in svg and "<textPath>Kept words</textPath>" in svg
    for gone in ("<image", "127.0.0.1", "passwd", "feImage"):
        assert gone not in svg, gone
