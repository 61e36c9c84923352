"""exporter batch under trouble: an unwritable state file, a source edited during its build,
a coordinator killed with its workers busy, a memory limit per article under -j N."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter import batch
from exporter.batch_state import STATE_FILE, State
from exporter.cli import cli


@pytest.fixture
def articles(tmp_path: Path, samples: Path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    shutil.copy(samples / "mali-intervention.md", root / "a.md")
    shutil.copy(samples / "mali-intervention.txt", root / "b.txt")
    return root


def _batch(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["batch", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_an_unwritable_state_file_still_prints_the_report_and_exits_6(
    articles: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / STATE_FILE).mkdir(parents=True)  # root ignores chmod: a folder cannot be replaced
    code, report = _batch(str(articles), "-o", str(out), "-f", "epub", "-j", "1")
    assert code == 6 and report["totals"]["exit_code"] == 6
    statuses = {r["input"]: r["status"] for r in report["results"]}
    assert statuses == {"a.md": "ok", "b.txt": "ok", STATE_FILE: "failed"}
    state = next(r for r in report["results"] if r["input"] == STATE_FILE)
    assert state["exit_code"] == 6 and "next run rebuilds" in state["error"]
    assert (out / "a.epub").is_file() and (out / "b.epub").is_file()


def test_a_source_edited_during_its_build_is_rebuilt_by_the_next_run(
    articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = batch.Options(formats=("epub",))
    source = articles / "a.md"
    record = State.record

    def edited_meanwhile(self: State, job: batch.Job, result: batch.Result) -> None:
        if job.name == "a.md":  # the build has read the old text; the file changes now
            source.write_text(source.read_text("utf-8") + "\nA late paragraph.\n", "utf-8")
        record(self, job, result)

    monkeypatch.setattr(State, "record", edited_meanwhile)
    first = batch.run_batch([articles], tmp_path / "out", options, executor=batch.LocalExecutor(1))
    assert sorted(r.status for r in first) == ["ok", "ok"]
    monkeypatch.setattr(State, "record", record)
    again = batch.run_batch([articles], tmp_path / "out", options, executor=batch.LocalExecutor(1))
    assert {r.input: r.status for r in again} == {"a.md": "ok", "b.txt": "skipped"}


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):  # the thread or the process just ended
            found.update(int(c) for c in listing.read_text().split())
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended; nobody reaped it


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_killing_the_coordinator_kills_its_workers(
    articles: Path, tmp_path: Path, samples: Path
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    for n in range(6):
        shutil.copy(samples / "mali-intervention.md", articles / f"c{n}.md")
    command = [sys.executable, "-m", "exporter", "batch", str(articles), "-o",
               str(tmp_path / "out"), "-j", "2", "-f", "pdf"]  # fmt: skip
    coordinator = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = _children(coordinator.pid)
            time.sleep(0.02)
        assert len(workers) >= 2, "the batch never started its workers"
        time.sleep(0.3)  # the workers are now building, each with its own child
        every = workers | {g for w in workers for g in _children(w)}
    finally:
        os.kill(coordinator.pid, signal.SIGKILL)
        coordinator.wait()
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in every) and time.monotonic() < deadline:
        time.sleep(0.05)
    leftover = [p for p in every if _alive(p)]
    for pid in leftover:  # not to leave them behind when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not leftover


def test_max_memory_is_each_articles_own_limit_under_several_workers(
    articles: Path, tmp_path: Path, samples: Path
) -> None:
    shutil.copy(samples / "features.md", articles / "c.md")
    code, report = _batch(str(articles), "-o", str(tmp_path / "out"), "-j", "2",
                          "--max-memory", "1")  # fmt: skip
    assert code == 4
    results = {r["input"]: r for r in report["results"]}
    assert sorted(results) == ["a.md", "b.txt", "c.md"]
    for result in results.values():  # each failed alone, at its own build's limit
        assert result["status"] == "failed" and result["exit_code"] == 4
        assert "memory" in result["error"].lower()  # the limit, or a MemoryError it caused
    assert report["totals"] | {"seconds": 0} == {
        "inputs": 3, "ok": 0, "skipped": 0, "failed": 3, "seconds": 0, "exit_code": 4,
    }  # fmt: skip
