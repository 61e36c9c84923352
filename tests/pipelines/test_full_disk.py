"""Outputs on a real full disk and a real read-only file system (a small tmpfs), not a
patched ``os.replace``: a build that cannot write its second format puts the first one's
previous file back, and a batch that can write nothing still prints its whole report.

Mounting needs root (CI's containers run as root); elsewhere these tests are skipped and
``test_partial_builds`` covers the same paths with a simulated ENOSPC.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.cli import cli


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs, unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True, check=False)  # fmt: skip
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def _fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` until ``leave`` bytes are free."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    (disk / "filler").write_bytes(bytes(max(0, free - leave)))


def test_a_full_disk_on_the_second_format_keeps_both_previous_files(
    disk: Path, tmp_path: Path
) -> None:
    source = tmp_path / "a.md"
    source.write_text("# Disk\n\nFirst version.\n", "utf-8")
    out = disk / "out"
    args = ["build", str(source), "-f", "epub", "-f", "pdf", "-o", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == ["a.epub", "a.pdf"]
    _fill(disk, leave=16 * 1024)  # room for the EPUB (9 KB), not for the PDF (23 KB)
    source.write_text("# Disk\n\nSecond version, a little longer.\n", "utf-8")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 6, result.output
    assert result.stderr == (
        f"error: {out / 'a.pdf'}: could not be written (No space left on device); "
        "check the disk and permissions.\n"
    )
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary left


def test_a_batch_into_a_read_only_folder_prints_its_whole_report(
    disk: Path, tmp_path: Path
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a", "b"):
        (inputs / f"{name}.md").write_text(f"# {name}\n\nText.\n", "utf-8")
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    result = CliRunner().invoke(
        cli, ["batch", str(inputs), "-o", str(disk / "out"), "-f", "epub", "-j", "1", "--json"]
    )
    assert result.exit_code == 6
    report = json.loads(result.stdout)
    failed = {r["input"]: r["error"] for r in report["results"] if r["status"] == "failed"}
    assert sorted(failed) == [".exporter-batch.json", "a.md", "b.md"]
    assert "(Read-only file system); choose another --output-dir." in failed["a.md"]
    assert "the next run rebuilds every article" in failed[".exporter-batch.json"]
    assert report["totals"]["exit_code"] == 6 and report["totals"]["ok"] == 0
    lines = [line.split("]")[0] for line in result.stderr.splitlines()]
    assert lines == ["[1/2", "[2/2", "[3/3"]  # the state's failure counts as one more
