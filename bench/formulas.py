"""What math costs a PDF: the same book with ~500 formulas and without them, timed in turn.

    python bench/formulas.py              # 500 formulas in 10 chapters (83 pages), 5 runs
    python bench/formulas.py --chapters 31 --runs 3   # the suite's 192-page book

The book is bench/inputs.py's generated chapters; in the math version the formulas are
spread over the chapters, 70% inline (in the paragraphs) and 30% display (between them).
As in books, some inline formulas repeat ($x$, $n$, $f(x)$, ...) and most are distinct.
The version without math is the same text with the formulas taken out.

Each command is a whole process (``exporter build ... -f pdf --timeout 0``), run A B A B
... after one warm-up each. The table gives the medians of wall time and of CPU time (user
+ system, from ``os.wait4``: on a shared, loaded machine the wall time mostly measures the
other processes), their ratios, the page counts and the number of distinct formulas.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import inputs
from harness import EXPORTER, PEER_ENV

# Inline formulas a book keeps repeating, and shapes that differ by their numbers.
_COMMON = ["x", "n", "x_i", "f(x)", r"\alpha", r"O(n \log n)", "k", r"\varepsilon"]
_INLINE = [
    r"a_{{{k}}} x^{{{k}}}", r"\frac{{{k}}}{{{k}+1}}", r"x^{{{k}}} + y^{{{k}}}",
    r"\sqrt{{{k} + n}}", r"e^{{-{k} t}}", r"\|v_{{{k}}}\|_2",
]  # fmt: skip
_DISPLAY = [
    r"\sum_{{i=1}}^{{{k}}} i^2 = \frac{{{k}({k}+1)(2 \cdot {k}+1)}}{{6}}",
    r"\int_0^{{{k}}} x^2 \, dx = \frac{{{k}^3}}{{3}}",
    r"\begin{{pmatrix}} {k} & 1 \\ 0 & {k} \end{{pmatrix}}^n = "
    r"\begin{{pmatrix}} {k}^n & n {k}^{{n-1}} \\ 0 & {k}^n \end{{pmatrix}}",
    r"\lim_{{n \to \infty}} \left(1 + \frac{{{k}}}{{n}}\right)^n = e^{{{k}}}",
]
_FORMULA = re.compile(r"\$\$\n.*?\n\$\$\n\n|\$[^$\n]+\$", re.DOTALL)


def with_math(text: str, rng: random.Random, inline: int = 35, display: int = 15) -> str:
    """Return a chapter with formulas put into its paragraphs and between them."""
    blocks = text.split("\n\n")
    prose = [i for i, b in enumerate(blocks) if b[:1].isalpha()]
    for _ in range(inline):
        i = rng.choice(prose)
        words = blocks[i].split(" ")
        at = rng.randrange(1, len(words))
        if rng.random() < 0.4:
            tex = rng.choice(_COMMON)
        else:
            tex = rng.choice(_INLINE).format(k=rng.randint(2, 9999))
        words.insert(at, f"${tex}$")
        blocks[i] = " ".join(words)
    for _ in range(display):
        i = rng.choice(prose)
        tex = rng.choice(_DISPLAY).format(k=rng.randint(2, 9999))
        blocks[i] += f"\n\n$$\n{tex}\n$$"
    return "\n\n".join(blocks)


def make_books(folder: Path, chapters: int, total: int) -> tuple[list[Path], list[Path], int, int]:
    """Write both books; return their files, the formula count and the distinct count."""
    rng = random.Random(7)
    plain = inputs.make_book(folder / "plain", chapters)
    maths = []
    formulas: list[str] = []
    (folder / "math").mkdir(parents=True, exist_ok=True)
    for path in plain:
        inline, display = round(total * 0.7 / chapters), round(total * 0.3 / chapters)
        text = with_math(path.read_text("utf-8"), rng, inline, display)
        formulas += _FORMULA.findall(text)
        (folder / "math" / path.name).write_text(text, "utf-8")
        path.write_text(_FORMULA.sub("", text), "utf-8")  # the same text, formulas taken out
        maths.append(folder / "math" / path.name)
    return plain, maths, len(formulas), len(set(formulas))


def pages(pdf: Path) -> int:
    """Return a PDF's page count."""
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chapters", type=int, default=10)
    parser.add_argument("--formulas", type=int, default=500, help="in the whole book")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "math")
    args = parser.parse_args()
    args.out = args.out.resolve()  # the builds run in it
    plain, maths, count, distinct = make_books(args.out, args.chapters, args.formulas)
    # --no-cache: every run a cold build (a book keeps its chapters in OUTDIR/.exporter-cache).
    options = ["-f", "pdf", "-q", "--timeout", "0", "--no-cache"]
    commands = {
        name: [*EXPORTER, "build", *map(str, files), *options, "-o", str(args.out / name)]
        for name, files in (("without", plain), ("with", maths))
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for round_ in range(args.runs + 1):  # A B A B ..., the first round a warm-up
        for name, cmd in commands.items():
            wall, cpu = run(cmd, args.out)
            if round_:
                times[name].append((wall, cpu))
    print(f"{count} formulas ({distinct} distinct) in {args.chapters} chapters, runs={args.runs}")
    medians = {}
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        medians[name] = (wall, cpu)
        pdf = next((args.out / name).glob("*.pdf"))
        print(f"  {name:8} wall {wall:6.2f} s  cpu {cpu:6.2f} s  {pages(pdf)} pages")
    (w0, c0), (w1, c1) = medians["without"], medians["with"]
    print(f"  with/without: wall {w1 / w0:.2f}x, cpu {c1 / c0:.2f}x")


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run one build; return its wall and CPU seconds (it must succeed)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=PEER_ENV, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
