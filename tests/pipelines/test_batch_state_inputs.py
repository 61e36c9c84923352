"""batch's incremental state covers every file a build reads: a change to an include, a
bibliography, a CSL style, a config file's values or a theme file rebuilds the article; the ledger is how a stage says
it read a file (a read-ahead helper's reads included)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.api import produce
from exporter.cli import cli
from exporter.guard.policy import Policy
from exporter.reading import ledger

SNIPPET = "Text from the snippet, version one."


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.md").write_text("# A\n\n{{#include snip.inc}}\n", "utf-8")
    (root / "b.md").write_text("# B\n\nNo include here.\n", "utf-8")
    (root / "snip.inc").write_text(SNIPPET + "\n", "utf-8")  # no reader's suffix: no article
    return root


def _batch(articles: Path, out: Path) -> dict[str, str]:
    args = ["batch", str(articles), "-o", str(out), "-f", "epub", "-j", "1", "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return {r["input"]: r["status"] for r in json.loads(result.stdout)["results"]}


def _chapter_text(epub: Path) -> str:
    with zipfile.ZipFile(epub) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml"))


def _prose(epub: Path) -> str:
    return re.sub(r"<[^>]+>", "", _chapter_text(epub))


def test_a_changed_include_rebuilds_the_article_that_reads_it(
    articles: Path, tmp_path: Path, epubcheck
) -> None:
    out = tmp_path / "out"
    assert _batch(articles, out) == {"a.md": "ok", "b.md": "ok"}
    assert SNIPPET in _chapter_text(out / "a.epub")
    assert _batch(articles, out) == {"a.md": "skipped", "b.md": "skipped"}
    (articles / "snip.inc").write_text("Text from the snippet, version two.\n", "utf-8")
    assert _batch(articles, out) == {"a.md": "ok", "b.md": "skipped"}
    assert "version two" in _chapter_text(out / "a.epub")
    epubcheck.queue(out / "a.epub")
    epubcheck.queue(out / "b.epub")
    state = json.loads((out / ".exporter-batch.json").read_text("utf-8"))
    recorded = state["entries"]["a.md"]["inputs"]
    snippet = str((articles / "snip.inc").resolve())
    assert recorded[snippet] == hashlib.sha256((articles / "snip.inc").read_bytes()).hexdigest()


def test_a_changed_config_file_or_theme_file_rebuilds(articles: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    theme = tmp_path / "mytheme"
    shutil.copytree(Path(__file__).resolve().parents[2] / "styles" / "classic", theme)
    (articles / "exporter.toml").write_text(f'theme = "{theme}"\n', "utf-8")
    assert _batch(articles, out) == {"a.md": "ok", "b.md": "ok"}
    assert _batch(articles, out) == {"a.md": "skipped", "b.md": "skipped"}
    css = next(theme.glob("*.css"))
    css.write_text(css.read_text("utf-8") + "\n/* changed */\n", "utf-8")
    assert _batch(articles, out) == {"a.md": "ok", "b.md": "ok"}
    (articles / "exporter.toml").write_text(f'theme = "{theme}"\npage_size = "A5"\n', "utf-8")
    assert _batch(articles, out) == {"a.md": "ok", "b.md": "ok"}


def test_a_changed_bibliography_or_csl_style_rebuilds(articles: Path, tmp_path: Path) -> None:
    from citeproc import STYLES_PATH  # citeproc-py ships one other style: Harvard

    from exporter.citations.style import DEFAULT_STYLE

    (articles / "refs.bib").write_text(
        "@book{ada, title={Notes}, author={Lovelace, Ada}, year=1843, publisher={Taylor}}\n"
    )
    shutil.copy(DEFAULT_STYLE, articles / "style.csl")
    (articles / "c.md").write_text(
        "---\nbibliography: refs.bib\ncsl: style.csl\n---\n# C\n\nAs [@ada] wrote.\n"
    )
    out = tmp_path / "out"
    assert _batch(articles, out)["c.md"] == "ok"
    assert "As (Lovelace 1843) wrote." in _prose(out / "c.epub")
    assert _batch(articles, out)["c.md"] == "skipped"
    shutil.copy(Path(STYLES_PATH) / "harvard-cite-them-right.csl", articles / "style.csl")
    assert _batch(articles, out) == {"a.md": "skipped", "b.md": "skipped", "c.md": "ok"}
    assert "As (Lovelace, 1843) wrote." in _prose(out / "c.epub")
    bib = (articles / "refs.bib").read_text().replace("1843", "1842")
    (articles / "refs.bib").write_text(bib)
    assert _batch(articles, out)["c.md"] == "ok"
    assert "As (Lovelace, 1842) wrote." in _prose(out / "c.epub")


def test_a_missing_csl_style_is_said_as_missing(articles: Path, tmp_path: Path) -> None:
    (articles / "refs.bib").write_text("@book{ada, title={N}, author={L, A}, year=1843}\n")
    (articles / "c.md").write_text("---\nbibliography: refs.bib\n---\n# C\n\n[@ada]\n")
    missing = tmp_path / "nothere.csl"
    result = CliRunner().invoke(
        cli, ["build", str(articles / "c.md"), "--csl", str(missing), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 3
    assert result.stderr == f"error: {missing}: CSL style file not found. Check the path.\n"


def test_files_read_in_a_read_ahead_helper_reach_the_build(articles: Path) -> None:
    """A helper process reads the later sources: its includes still come back."""
    made = produce(
        [articles / "b.md", articles / "a.md"],
        ["html"],
        policy=Policy(read_processes=2),  # b.md here, a.md (and its include) in the helper
    )
    snippet = (articles / "snip.inc").resolve()
    assert made.digests[str(snippet)] == hashlib.sha256(snippet.read_bytes()).hexdigest()
    assert snippet in made.inputs


def test_the_ledger_collects_what_stages_record() -> None:
    ledger.record(Path("/outside/any/build"), b"ignored")  # no build: nothing to do
    with ledger.collecting() as outer:
        ledger.record(Path("/a.bib"), b"@book{x}")
        with ledger.collecting() as inner:
            ledger.record(Path("/style.csl"), b"<style/>")
        ledger.merge({"/helper.inc": "f" * 64})
    assert set(inner) == {"/style.csl"}
    assert set(outer) == {"/a.bib", "/style.csl", "/helper.inc"}
    assert outer["/a.bib"] == hashlib.sha256(b"@book{x}").hexdigest()


def test_a_theme_symlink_leaving_the_theme_is_not_read(articles: Path, tmp_path: Path) -> None:
    # The theme comes from a config file beside the sources: it may hold anything. Reading
    # /proc/self/mem to hash the theme ended the batch with an internal error (exit 1).
    theme = tmp_path / "theme"
    shutil.copytree(Path(__file__).resolve().parents[2] / "styles" / "classic", theme)
    (theme / "mem").symlink_to("/proc/self/mem")
    (tmp_path / "outside.txt").write_text("one", "utf-8")
    (theme / "notes.txt").symlink_to(tmp_path / "outside.txt")
    (articles / "exporter.toml").write_text('theme = "../theme"\n', "utf-8")
    out = tmp_path / "out"
    assert _batch(articles, out) == {"a.md": "ok", "b.md": "ok"}
    assert SNIPPET in _chapter_text(out / "a.epub")
    (tmp_path / "outside.txt").write_text("two", "utf-8")  # no build reads it
    assert _batch(articles, out) == {"a.md": "skipped", "b.md": "skipped"}
