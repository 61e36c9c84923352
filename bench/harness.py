"""Timing machinery for the benchmark suite: whole processes, medians, peak memory."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PYTHON = sys.executable
# calibre's PDF output runs Qt WebEngine: no screen here, and as root it needs no sandbox.
PEER_ENV = {
    **os.environ,
    "QT_QPA_PLATFORM": "offscreen",
    "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
}
EXPORTER = (
    [str(Path(PYTHON).with_name("exporter"))]
    if Path(PYTHON).with_name("exporter").exists()
    else [PYTHON, "-m", "exporter"]
)


@dataclass
class Sample:
    wall: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)
    failures: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.wall) if self.wall else float("nan")

    @property
    def peak(self) -> float:
        return max(self.peak_mib) if self.peak_mib else float("nan")


def run_once(cmd: list[str] | str, cwd: Path) -> tuple[float, float, int]:
    """Run a command; return (wall seconds, peak MiB of the largest process, exit code)."""
    shell = isinstance(cmd, str)
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        shell=shell,
        env=PEER_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode


def measure(
    commands: dict[str, list[str] | str], cwd: Path, runs: int, prepare=None
) -> dict[str, Sample]:
    """Time several commands in turn, ``runs`` times each after one warm-up."""
    samples = {name: Sample() for name in commands}
    for round_ in range(runs + 1):
        for name, cmd in commands.items():
            if prepare:
                prepare(name)
            wall, peak, code = run_once(cmd, cwd)
            if code != 0:
                samples[name].failures += 1
            elif round_ > 0:
                samples[name].wall.append(wall)
                samples[name].peak_mib.append(peak)
    return samples


def peers() -> dict[str, str | None]:
    """Find the peers: pandoc (or pypandoc-binary's), ebook-convert, weasyprint, chromium."""
    found = {name: shutil.which(name) for name in ("pandoc", "ebook-convert", "chromium")}
    found["weasyprint"] = shutil.which("weasyprint") or str(Path(PYTHON).with_name("weasyprint"))
    if not Path(found["weasyprint"]).exists():
        found["weasyprint"] = None
    if found["pandoc"] is None:
        try:
            import pypandoc

            found["pandoc"] = pypandoc.get_pandoc_path()
        except (ImportError, OSError):
            pass
    return found


def chromium_print(binary: str, html: Path, out: Path) -> list[str]:
    return [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tempfile.mkdtemp()}", "--no-pdf-header-footer",
            f"--print-to-pdf={out}", html.as_uri()]  # fmt: skip


class Report:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.notes: list[str] = []

    def add(self, work: str, samples: dict[str, Sample], baseline: str = "exporter") -> None:
        base = samples[baseline]
        for name, sample in samples.items():
            ratio = base.median / sample.median if sample.wall and base.wall else float("nan")
            self.rows.append({
                "work": work, "tool": name, "median_s": round(sample.median, 3),
                "peak_mib": round(sample.peak, 1), "runs": len(sample.wall),
                "failures": sample.failures,
                "exporter_ratio": None if name == baseline else round(ratio, 3),
            })  # fmt: skip

    def print(self) -> None:
        print(f"\n{'work':<34} {'tool':<26} {'median s':>9} {'peak MiB':>9} {'exporter/tool':>14}")
        for row in self.rows:
            ratio = "" if row["exporter_ratio"] is None else f"{row['exporter_ratio']:.2f}x"
            fail = f"  ({row['failures']} failed)" if row["failures"] else ""
            figures = f"{row['median_s']:>9.3f} {row['peak_mib']:>9.1f} {ratio:>14}"
            print(f"{row['work']:<34} {row['tool']:<26} {figures}{fail}")
        for note in self.notes:
            print(f"note: {note}")
