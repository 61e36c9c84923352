"""Small files that expand: YAML aliases nested a dozen deep ("billion laughs") and BibTeX
@string macros joined into each other. Each ran until the time or memory limit (exit 4 after
120 s, or 2.5 GB and a message naming no file); now each is refused at once, naming the file
and line, and a file that uses aliases or macros sparingly still builds."""

from __future__ import annotations

import itertools
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.cli import cli


def _laughs(last: str) -> str:
    """Twelve lines of YAML, each alias nine times the one before: 9^12 values."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghijkl"
    for before, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [{', '.join([f'*{before}'] * 9)}]")
    return "\n".join(lines) + f"\n{last}: *l\n"


def _build(source: Path, tmp_path: Path, *extra: str) -> tuple[int, str, float]:
    started = time.monotonic()
    result = CliRunner().invoke(
        cli, ["build", str(source), "-f", "html", "-o", str(tmp_path / "out"), *extra]
    )
    return result.exit_code, result.stderr, time.monotonic() - started


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("a.md", f"---\n{_laughs('title')}---\n# T\n",
         "a.md: front matter is not valid YAML at line 2: its aliases (*name) repeat over"),
        ("mkdocs.yml", f"site_name: S\n{_laughs('nav')}",
         "mkdocs.yml:1: not valid YAML: its aliases (*name) repeat over 100,000 values"),
        ("a.md", "---\nx: &a [*a]\n---\n# T\n", "its aliases (*name) repeat over"),
    ],
)  # fmt: skip
def test_yaml_aliases_that_expand_are_refused_at_once(tmp_path, name, text, said):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    source = tmp_path / name
    source.write_text(text, "utf-8")
    code, stderr, seconds = _build(source, tmp_path, "--timeout", "60")
    assert code == 3, stderr
    assert said in stderr and stderr.count("\n") == 1
    assert seconds < 20


def test_a_csl_yaml_bibliography_of_aliases_is_refused(tmp_path):
    (tmp_path / "refs.yaml").write_text(_laughs("references"), "utf-8")
    source = tmp_path / "a.md"
    source.write_text("---\nbibliography: refs.yaml\n---\n# T\n\nAs [@doe].\n", "utf-8")
    code, stderr, _ = _build(source, tmp_path, "--timeout", "60")
    assert code == 3, stderr
    assert "refs.yaml:1: not valid YAML (its aliases (*name) repeat over 100,000" in stderr
    assert stderr.count("\n") == 1


def test_sparing_aliases_still_work(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("---\ntitle: &t Kept Title\nsubtitle: *t\n---\n\nText.\n", "utf-8")
    code, stderr, _ = _build(source, tmp_path)
    assert code == 0, stderr
    assert "<title>Kept Title</title>" in (tmp_path / "out" / "a.html").read_text()


def test_bibtex_macros_that_expand_leave_their_entry_out(tmp_path):
    lines = ['@string{s0 = "lolololololol"}']
    lines += [f"@string{{s{n} = s{n - 1} # s{n - 1} # s{n - 1}}}" for n in range(1, 31)]
    lines += ["@book{doe, title = s30, author = {Doe, J}, year = 2000}"]
    lines += ['@book{ada, title = "Notes " # s2, author = {Lovelace, Ada}, year = 1843}']
    (tmp_path / "refs.bib").write_text("\n".join(lines) + "\n", "utf-8")
    source = tmp_path / "a.md"
    source.write_text("---\nbibliography: refs.bib\n---\n# T\n\nAs [@ada].\n", "utf-8")
    code, stderr, seconds = _build(source, tmp_path)
    assert code == 0, stderr
    assert "refs.bib:12: a value over 1,000,000 characters long; the entry is left out" in stderr
    assert seconds < 20
    text = re.sub(r"<[^>]+>", "", (tmp_path / "out" / "a.html").read_text())
    assert "As (Lovelace 1843)." in text
    assert "notes " + "lolololololol" * 9 in text.lower()  # the title, title-cased
