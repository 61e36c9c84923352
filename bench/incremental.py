"""Incremental and parallel PDF builds of the 31-chapter bench book (issue 16, items 1-2).

Two ratios, each taken pair by pair in one run (the two commands alternate, so a drift in
the machine's speed hits both), as medians; wall and CPU time (user + system of the build
and of every layout process it waited for) from ``os.wait4``:

- warm / cold: ``exporter build`` of the book with an empty cache (cold), then one chapter
  edited and the build run again (warm), both with the default ``-j`` (every core);
- grown / cold: then the same chapter grown by about two pages and built again: the
  chapters after it move (only their margin boxes are made again);
- -j 2 / -j 1: a cold build (``--no-cache``) on two processes against one.

And the size of the assembled PDF against the whole-document writer's PDF of the same book
(the pieces' font subsets are merged into one per font: the target is within 10%).

    python bench/incremental.py [--runs 3] [--chapters 31] [--parallel-only | --warm-only]

Run it with ``PYTHONPATH=src`` from a worktree to measure that worktree's code.

The machine's load (``/proc/loadavg``) is printed before and after: on a shared machine
the wall-time ratios are only as good as the load was steady.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from harness import EXPORTER, PEER_ENV
from inputs import make_book

OUT = Path(__file__).parent / "out"
# The builds run in the work folder: a relative PYTHONPATH (``PYTHONPATH=src``, to measure a
# worktree's code) would not be found there, and the venv's own install would be measured.
ENV = {
    **PEER_ENV,
    "PYTHONPATH": os.pathsep.join(
        str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p
    ),
}


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, CPU seconds of it and its reaped children)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    error = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{error}")
    return wall, usage.ru_utime + usage.ru_stime


def load() -> str:
    """Return the 1, 5 and 15 minute load averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def grown(text: str, size: int = 6000) -> str:
    """Return the chapter with about two pages of its own plain paragraphs added after its
    first section's opening paragraph."""
    plain = [p for p in text.split("\n\n") if p[:1].isalpha() and "[^" not in p]
    extra: list[str] = []
    while sum(map(len, extra)) < size:
        extra.append(plain[len(extra) % len(plain)])
    end = text.index("\n\n", text.index("## Section")) + 2
    return text[:end] + "\n\n".join(extra) + "\n\n" + text[end:]


def main() -> None:
    """Run both comparisons and print their medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="pairs of runs per comparison")
    parser.add_argument("--chapters", type=int, default=31)
    parser.add_argument("--parallel-only", action="store_true", help="skip warm / cold")
    parser.add_argument("--warm-only", action="store_true", help="skip -j 2 / -j 1")
    args = parser.parse_args()
    work = OUT / "incremental"
    shutil.rmtree(work, ignore_errors=True)
    chapters = make_book(work / "book", args.chapters)
    edited = chapters[len(chapters) // 2]
    original = edited.read_text("utf-8")
    build = [*EXPORTER, "build", *map(str, chapters), "-f", "pdf", "--title", "Bench", "-q"]
    # A loaded machine must not stop a cold 192-page build at the default time limit.
    build += ["--incremental", "--timeout", "3000"]
    target = work / "pdf"
    print(f"cores: {os.cpu_count()}; load before: {load()}")
    pairs: dict[str, list[tuple[float, float, float, float]]] = {
        "warm/cold": [], "grown/cold": [], "j2/j1": []
    }  # fmt: skip
    for run in range(args.runs):
        cold = warm = moved = (0.0, 0.0)
        if not args.parallel_only:
            shutil.rmtree(target, ignore_errors=True)
            edited.write_text(original, "utf-8")
            cold = timed([*build, "-o", str(target)], work)
            # One chapter edited: a sentence added to its first paragraph.
            end = original.index(".\n\n", original.index("## Section"))
            edited.write_text(original[:end] + ". An edited sentence" + original[end:], "utf-8")
            warm = timed([*build, "-o", str(target)], work)
            pairs["warm/cold"].append((*warm, *cold))
            edited.write_text(grown(original), "utf-8")
            moved = timed([*build, "-o", str(target)], work)
            pairs["grown/cold"].append((*moved, *cold))
            edited.write_text(original, "utf-8")
        order = [("2", "1"), ("1", "2")][run % 2]  # alternate which goes first
        got = {"1": (0.0, 0.0), "2": (0.0, 0.0)}
        for jobs in order if not args.warm_only else ():
            got[jobs] = timed([*build, "-o", str(target), "--no-cache", "-j", jobs], work)
        if not args.warm_only:
            pairs["j2/j1"].append((*got["2"], *got["1"]))
        print(f"run {run + 1}: cold {cold[0]:.1f}s warm {warm[0]:.1f}s grown {moved[0]:.1f}s, "
              f"-j2 {got['2'][0]:.1f}s ({got['2'][1]:.1f}s CPU) "
              f"-j1 {got['1'][0]:.1f}s ({got['1'][1]:.1f}s CPU) (load {load()})")  # fmt: skip
    report = {"cores": os.cpu_count(), "load_after": load(), "chapters": args.chapters}
    for name, rows in pairs.items():
        if not rows:
            continue
        a_wall, a_cpu, b_wall, b_cpu = (statistics.median(col) for col in zip(*rows, strict=True))
        ratio = statistics.median(r[0] / r[2] for r in rows)
        cpu_ratio = statistics.median(r[1] / r[3] for r in rows)
        first, second = name.split("/")
        report[name] = {
            f"{first}_wall": a_wall, f"{first}_cpu": a_cpu,
            f"{second}_wall": b_wall, f"{second}_cpu": b_cpu,
            "wall_ratio": ratio, "cpu_ratio": cpu_ratio, "pairs": len(rows),
        }  # fmt: skip
        print(
            f"{name}: wall {a_wall:.2f}s / {b_wall:.2f}s = {ratio:.2f}x (median of pair ratios); "
            f"CPU {a_cpu:.2f}s / {b_cpu:.2f}s = {cpu_ratio:.2f}x"
        )
    edited.write_text(original, "utf-8")
    whole = [arg if arg != "--incremental" else "--no-incremental" for arg in build]
    timed([*whole, "-o", str(work / "whole")], work)
    sizes = {name: (work / name / chapters[0].with_suffix(".pdf").name).stat().st_size
             for name in ("pdf", "whole")}  # fmt: skip
    report["size"] = {"incremental": sizes["pdf"], "whole": sizes["whole"]}
    print(f"size: incremental {sizes['pdf']} B / whole {sizes['whole']} B = "
          f"{sizes['pdf'] / sizes['whole']:.2f}x")  # fmt: skip
    print(f"load after: {load()}")
    OUT.mkdir(exist_ok=True)
    (OUT / "incremental.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
