"""Random structure thrown at the project readers (book.toml, mdBook's SUMMARY.md, MkDocs'
mkdocs.yml), at a config file, and at the bibliography readers (BibTeX, CSL-JSON, CSL-YAML):
exit codes 0, 2 (a config file's bad value), 3, 4 or 5 only, never 1 (a bug in exporter).

The same budget and in-process, unisolated builds as ``test_fuzz`` (HTML only).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz import BUDGET, POLICY, raw_bytes

from exporter.api import produce
from exporter.errors import ExporterError, InternalError
from exporter.settings import Settings

ALLOWED = {0, 2, 3, 4, 5}
TOML = [
    'title = "B"\n', "title = 3\n", 'chapters = ["one.md"]\n', 'chapters = ["*.md", "../*"]\n',
    "chapters = [[]]\n", "chapters = 1\n", "[front]\n", 'preface = "one.md"\n', "[[parts]]\n",
    'title = ""\n', "[back]\n", 'colophon = "two.md"\n', 'appendices = ["two.md"]\n',
    'cover = "one.md"\n', 'language = "C"\n', 'date = 2019-02-29\n', "date = 1979-05-27\n",
    'authors = ["A"]\n', "authors = [{name = 1}]\n", "[print]\n", 'bleed = "9km"\n',
    'output_intent = "one.md"\n', 'paper = "x"\n', "marks = 2\n", 'bibliography = "x.bib"\n',
    'csl = "x"\n', "nocite = 3\n", 'lists = ["maps"]\n', 'dir = "up"\n', "[words]\n",
    'chapter = "{n"\n', 'from = "gfm"\n', 'from = "nope"\n', "[book]\n", 'src = ".."\n',
    "= \n", "[", "]", '"', "\n", "é", "\x00", "[[chapters]]\n",
]  # fmt: skip
SUMMARY = [
    "# Summary\n", "- [One](one.md)\n", "  - [Two](two.md)\n", "[Intro](one.md)\n",
    "- [Draft]()\n", "---\n", "# Part\n", "- [Out](../one.md)\n", "- [Deep](a/b/c.md)\n",
    "- [Self](SUMMARY.md)\n", "- [x](one.md#frag)\n", "[", "](", ")", "\t", "    ", "\n",
    "- [%00](x%00.md)\n", "- [Web](http://x/y.md)\n", "{{#include one.md}}\n",
]  # fmt: skip
MKDOCS = [
    "site_name: S\n", "site_name: [\n", "nav:\n", "  - One: one.md\n", "  - two.md\n",
    "  - Sec:\n", "    - two.md\n", "docs_dir: .\n", "docs_dir: ..\n", "docs_dir: 3\n",
    "markdown_extensions:\n", "  - toc:\n", "      permalink: true\n", "  - pymdownx.snippets\n",
    "  - 5\n", "nav: 3\n", "theme: !!python/name:x.y\n", "extra: !ENV [X, 1]\n",
    "a: &a [1]\n", "b: *a\n", "c: *undefined\n", "date: 2019-13-01\n", ": :\n", "- \n",
    "\t", "\n", "%YAML 1.1\n", "---\n", "...\n",
]  # fmt: skip
BIB = [
    "@book{k, title={T}, author={A and B}, year=2000}\n", "@string{s = \"x\"}\n", "@article{",
    "title = s # s", "}", "{", "@comment{", "year = {19-20}", "author = {and}", "@preamble{",
    "@misc(k2, note = \"n\")\n", "%", "\\", "#", "@", ",", "=", "\n", "pages = {1--}",
]  # fmt: skip


def _build(path: Path) -> int:
    options = Settings(formats=("html",), policy=POLICY, warm_up=False)
    try:
        produce([path], settings=options)
    except InternalError as exc:
        pytest.fail(f"exit 1 for {path.name}: {path.read_bytes()[:300]!r}: {exc}\n{exc.details}")
    except ExporterError as exc:
        return exc.exit_code
    return 0


def _project(root: Path, name: str, data: bytes) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    (root / "docs").mkdir(parents=True)
    for folder in (root, root / "docs"):
        (folder / "one.md").write_text("# One\n\nText [@k].\n")
        (folder / "two.md").write_text("## Two\n\nMore.\n")
    manifest = root / name
    manifest.write_bytes(data)
    return manifest


pieces = {
    "book.toml": st.lists(st.sampled_from(TOML), max_size=25).map("".join),
    "SUMMARY.md": st.lists(st.sampled_from(SUMMARY), max_size=20).map("".join),
    "mkdocs.yml": st.lists(st.sampled_from(MKDOCS), max_size=20).map("".join),
}


@pytest.mark.parametrize("name", sorted(pieces))
@BUDGET
@given(data=st.data(), junk=raw_bytes)
def test_project_readers_never_exit_1(tmp_path_factory, name, data, junk):
    root = tmp_path_factory.mktemp("project")
    text = data.draw(pieces[name])
    assert _build(_project(root, name, text.encode())) in ALLOWED
    assert _build(_project(root, name, junk)) in ALLOWED


@pytest.mark.parametrize("suffix", [".bib", ".json", ".yaml"])
@BUDGET
@given(
    text=st.lists(st.sampled_from(BIB + MKDOCS[-12:]) | st.text(max_size=8), max_size=25).map(
        "".join
    ),
    junk=raw_bytes,
)
def test_bibliography_readers_never_exit_1(tmp_path_factory, suffix, text, junk):
    root = tmp_path_factory.mktemp("bib")
    source = root / "a.md"
    source.write_text(f"---\nbibliography: refs{suffix}\n---\n# A\n\nAs [@k] and [@k2].\n")
    for data in (text.encode(), junk):
        (root / f"refs{suffix}").write_bytes(data)
        assert _build(source) in ALLOWED


@BUDGET
@given(text=st.lists(st.sampled_from(TOML), max_size=12).map("".join), junk=raw_bytes)
def test_a_config_file_never_exits_1(tmp_path_factory, text, junk):
    from click.testing import CliRunner

    from exporter.cli import cli

    root = tmp_path_factory.mktemp("config")
    source = root / "a.md"
    source.write_text("# A\n\nText.\n")
    for data in (text.encode(), junk):
        (root / "exporter.toml").write_bytes(data)
        result = CliRunner().invoke(cli, ["build", str(source), "-f", "html", "-o", root / "o"])
        assert result.exit_code in ALLOWED, (data, result.output)
