"""Time the book to EPUB with two source trees of exporter and pandoc, in turn, in one run.

    python bench/before_after.py --base /path/to/main/src --runs 9

Each round runs every command once (base and this tree, in each dialect, then pandoc), so
a noisy machine weighs on all alike; the first round is a warm-up. Printed: medians of wall
and CPU time (user + system of the process and the helpers it waited for), the medians of
the per-round ratios (this tree / base, each / pandoc), and the load average before and
after: on a shared machine, read the ratios with the load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import inputs
from harness import PYTHON, peers

HERE = Path(__file__).resolve().parents[1] / "src"


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd[:4])} ...: {proc.stderr.read().decode()[-400:]}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", type=Path, required=True, help="the other tree's src/ folder")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--chapters", type=int, default=31)
    parser.add_argument("--keep", action="store_true", help="keep the book and the EPUBs made")
    args = parser.parse_args()
    pandoc = peers()["pandoc"]
    work = Path(tempfile.mkdtemp(prefix="before-after-"))
    names = [str(p) for p in inputs.make_book(work / "book", args.chapters)]
    commands: dict[str, tuple[list[str], dict[str, str]]] = {}
    for tree, src in (("base", args.base.resolve()), ("this", HERE)):
        env = {**os.environ, "PYTHONPATH": str(src)}
        for dialect in ("markdown", "gfm"):
            out = str(work / f"{tree}-{dialect}")
            build = [PYTHON, "-m", "exporter", "build", *names, "--from", dialect, "-f", "epub"]
            commands[f"{tree} {dialect}"] = ([*build, "-o", out], env)
    if pandoc:
        commands["pandoc"] = ([pandoc, *names, "-o", str(work / "pandoc.epub")], dict(os.environ))
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    load = [Path("/proc/loadavg").read_text().split()[0]]
    for round_ in range(args.runs + 1):
        for name, (cmd, env) in commands.items():
            measured = run(cmd, work / "book", env)
            if round_:
                times[name].append(measured)
    load.append(Path("/proc/loadavg").read_text().split()[0])

    def ratio(a: str, b: str, i: int) -> float:
        return statistics.median(x[i] / y[i] for x, y in zip(times[a], times[b], strict=True))

    for name, samples in times.items():
        wall = statistics.median(w for w, _ in samples)
        cpu = statistics.median(c for _, c in samples)
        print(f"{name:<14} wall {wall:6.3f} s   cpu {cpu:6.3f} s")
    for dialect in ("markdown", "gfm"):
        this, base = f"this {dialect}", f"base {dialect}"
        line = (
            f"{dialect:<9} this/base wall {ratio(this, base, 0):.3f} cpu {ratio(this, base, 1):.3f}"
        )
        if pandoc:
            line += (
                f"; /pandoc wall base {ratio(base, 'pandoc', 0):.3f}"
                f" this {ratio(this, 'pandoc', 0):.3f}"
                f", cpu base {ratio(base, 'pandoc', 1):.3f} this {ratio(this, 'pandoc', 1):.3f}"
            )
        print(line)
    print(f"load average before {load[0]}, after {load[1]}; {args.runs} rounds after a warm-up")
    if args.keep:
        print(f"kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
