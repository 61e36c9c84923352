"""`exporter build` lays a book's PDF out chapter by chapter by default, cached beside it.

The cache goes where the README says (OUTDIR/.exporter-cache) and nowhere else: not with
--no-incremental or --no-cache, not when writing to stdout, not for an article. The PDF
from the cache and the one laid out as a whole read the same.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pypdf
from click.testing import CliRunner

from exporter.cli import cli

TEXT = "A paragraph that fills the page with words, so that each chapter has some pages. " * 9


def _book(folder: Path) -> list[str]:
    folder.mkdir()
    paths = []
    for n, title in enumerate(("One", "Two"), 1):
        path = folder / f"{n}.md"
        body = "\n\n".join(f"{TEXT} ({title}, {i})" for i in range(12))
        path.write_text(f"# {title}\n\nSee [the other](#{'two' if n == 1 else 'one'}).\n\n{body}\n")
        paths.append(str(path))
    return paths


def _texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_a_book_is_cached_beside_its_outputs_by_default_and_nowhere_else(tmp_path):
    paths = _book(tmp_path / "src")
    runner = CliRunner()
    args = ["build", *paths, "-f", "pdf", "--title", "Cached", "-j", "1", "-q"]
    done = runner.invoke(cli, [*args, "-o", str(tmp_path / "a")])
    assert done.exit_code == 0, done.output
    pieces = list((tmp_path / "a" / ".exporter-cache").glob("*.pdf"))
    assert len(pieces) >= 3  # the front matter and two chapters
    done = runner.invoke(cli, [*args, "-o", str(tmp_path / "b"), "--no-incremental"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["1.pdf"]
    units = (tmp_path / "a" / "1.pdf").read_bytes()
    assert _texts(units) == _texts((tmp_path / "b" / "1.pdf").read_bytes())
    assert len(_texts(units)) >= 5
    # Again from the cache: nothing laid out, the same bytes.
    done = runner.invoke(cli, [*args, "-o", str(tmp_path / "a")])
    assert done.exit_code == 0 and (tmp_path / "a" / "1.pdf").read_bytes() == units


def test_no_cache_is_written_for_stdout_or_an_article(tmp_path):
    paths = _book(tmp_path / "src")
    runner = CliRunner()
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        done = runner.invoke(cli, ["build", *paths, "-f", "pdf", "-j", "1", "-o", "-"])
        assert done.exit_code == 0, done.stderr
        assert done.stdout_bytes[:5] == b"%PDF-"
        done = runner.invoke(cli, ["build", paths[0], "-f", "pdf", "-o", "art", "-q"])
        assert done.exit_code == 0, done.output
    finally:
        os.chdir(here)
    assert not list(tmp_path.rglob(".exporter-cache"))
    assert sorted(p.name for p in (tmp_path / "art").iterdir()) == ["1.pdf"]
