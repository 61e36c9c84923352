"""A reference to a missing label on the command line: one warning line, and exit 5 strict."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from exporter.cli import cli

SOURCE = "# Refs\n\nSee @fig:here.\n\n![Here](pic.png){#fig:here}\n\nAnd @tbl:nope.\n"


def test_a_missing_label_warns_and_strict_fails(tmp_path: Path) -> None:
    Image.new("RGB", (8, 8)).save(tmp_path / "pic.png")
    source = tmp_path / "refs.md"
    source.write_text(SOURCE, encoding="utf-8")
    lenient = CliRunner().invoke(cli, ["build", str(source), "-f", "html", "-o", str(tmp_path)])
    assert lenient.exit_code == 0, lenient.output
    (warning,) = lenient.stderr.splitlines()
    assert warning == (
        f"warning: {source}:7: @tbl:nope refers to no figure, table, listing, equation or "
        "section labelled tbl:nope; label the target {#tbl:nope} or fix the reference"
    )
    html = (tmp_path / "refs.html").read_text(encoding="utf-8")
    assert "??tbl:nope" in html and ">1</a>" in html

    strict = CliRunner().invoke(
        cli, ["build", str(source), "-f", "html", "--strict", "-o", str(tmp_path / "s")]
    )
    assert strict.exit_code == 5
    assert "Traceback" not in strict.output
    assert strict.stderr.splitlines()[-1].startswith("error: strict mode:")
    assert "@tbl:nope" in strict.stderr
    assert not (tmp_path / "s" / "refs.html").exists()
