"""Math at the command line: a formula that does not parse warns with file:line, --strict fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from exporter.cli import cli

TEXT = "# Broken\n\nFine $x^2$.\n\nThen $\\frac{1}{$ goes wrong.\n"


def run(*args: object) -> Result:
    """Invoke ``exporter ARGS`` in-process."""
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("dialect", ["markdown", "gfm", "commonmark"])
def test_a_bad_formula_warns_with_file_and_line_and_the_build_goes_on(tmp_path: Path, dialect):
    source = tmp_path / "broken.md"
    source.write_text(TEXT)
    result = run("build", source, "--from", dialect, "-f", "html", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    assert f"{source}:5: cannot read the formula `\\frac{{1}}{{`" in result.stderr
    html = (tmp_path / "broken.html").read_text()
    assert '<code class="math-error">\\frac{1}{</code>' in html
    assert 'alttext="x^2"' in html


def test_strict_turns_a_bad_formula_into_exit_5(tmp_path: Path):
    source = tmp_path / "broken.md"
    source.write_text(TEXT)
    result = run("build", source, "-f", "html", "-o", tmp_path, "--strict")
    assert result.exit_code == 5, result.output
    assert "Traceback" not in result.output + result.stderr
    assert f"{source}:5: cannot read the formula" in result.stderr


def test_raw_mathml_in_an_html_source_survives_without_its_link(tmp_path: Path):
    source = tmp_path / "raw.html"
    source.write_text(
        "<html><head><title>Raw</title></head><body><h1>Raw</h1>"
        '<p>See <math><mi href="javascript:alert(1)">x</mi><mo>+</mo><mn>1</mn></math>.</p>'
        "</body></html>"
    )
    result = run("build", source, "-f", "html", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "removed unsafe or unsupported HTML: href=" in result.stderr
    html = (tmp_path / "out" / "raw.html").read_text()
    assert (
        '<math xmlns="http://www.w3.org/1998/Math/MathML" alttext="x+1" class="math-inline">'
        "<mi>x</mi><mo>+</mo><mn>1</mn></math>"
    ) in html
    assert "javascript" not in html
