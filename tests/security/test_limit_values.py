"""The limits themselves as hostile values: a number no clock, allocator or kernel can use is
a usage error (exit 2) naming the option and its range, never an internal error (exit 1);
a memory limit over the hard limit the shell set (``ulimit -v``) still builds."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

import exporter
from exporter.cli import cli
from exporter.guard.policy import Policy

SRC = Path(__file__).parents[2] / "src"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    source = tmp_path / "a.md"
    source.write_text("# A title\n\nSome text.\n", "utf-8")
    return source


BAD = [
    ("--timeout", "nan", "'--timeout': give a number, not nan."),
    ("--timeout", "inf", "'--timeout': inf is not in the range 0<=x<=1000000.0."),
    ("--timeout", "1e12", "'--timeout': 1000000000000.0 is not in the range"),
    ("--max-input-size", "nan", "'--max-input-size': give a number, not nan."),
    ("--max-input-size", "1e308", "'--max-input-size': 1e+308 is not in the range 0<x<="),
    ("--max-memory", "9" * 20, "'--max-memory': 99999999999999999999 is not in the range"),
]
CASES = [(c, *bad) for c in ("build", "batch", "check") for bad in BAD]


@pytest.mark.parametrize(
    ("command", "option", "value", "said"),
    [case for case in CASES if case[:2] != ("check", "--max-input-size")],  # check has none
)
def test_a_limit_no_machine_can_use_is_a_usage_error(
    tmp_path: Path, article: Path, command: str, option: str, value: str, said: str
) -> None:
    target = article.with_suffix(".epub") if command == "check" else article
    target.touch()
    args = [command, str(target), option, value]
    args += [] if command == "check" else ["-f", "epub", "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert said in result.stderr
    assert "internal error" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_largest_limits_still_build(tmp_path: Path, article: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["build", str(article), "-f", "epub", "-o", str(tmp_path / "out"),
         "--timeout", "1e6", "--max-input-size", "1e6", "--max-memory", str(2**47 // 2**20)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "out" / "a.epub") as epub:
        assert b"Some text." in epub.read("EPUB/chapter-001.xhtml")


@pytest.mark.parametrize(
    "values",
    [{"timeout": float("nan")}, {"timeout": 1e12}, {"max_memory": 2**70}, {"max_source_bytes": -1}],
)
def test_the_api_refuses_the_same_values(values: dict[str, float]) -> None:
    name = next(iter(values))
    with pytest.raises(exporter.UsageError, match=rf"Policy\({name}=.*give a number from 0"):
        Policy(**values)


def test_a_memory_limit_over_the_shells_hard_limit_still_builds(
    tmp_path: Path, article: Path
) -> None:
    # Asking the kernel for more than the hard limit is refused: the child used to die
    # before its work and the build failed "out of its memory limit of 8000 MB" (exit 4).
    hard = 6000 * 1024 * 1024

    def lower_the_hard_limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))

    env = {**os.environ, "PYTHONPATH": str(SRC)}
    result = subprocess.run(
        [sys.executable, "-m", "exporter", "build", str(article), "-f", "pdf",
         "-o", str(tmp_path / "out"), "--max-memory", "8000"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
        preexec_fn=lower_the_hard_limit,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Some text." in PdfReader(tmp_path / "out" / "a.pdf").pages[0].extract_text()
