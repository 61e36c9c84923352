"""ziamath's shortcuts (exporter.math.lean) change no drawing: the same SVG, byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exporter.math import draw, lean
from exporter.math.transform import mathml

ROOT = Path(__file__).resolve().parents[2]
# Nested rows, stretchy fences and operators, scripts on fences, matrices, fractions.
FORMULAS = [
    (r"\left( \frac{a}{b} \right)^2 + \left[ x_{i_{j_{k}}} \right]", True),
    (
        r"\begin{pmatrix} 86 & 1 \\ 0 & 86 \end{pmatrix}^n = "
        r"\begin{pmatrix} 86^n & n 86^{n-1} \\ 0 & 86^n \end{pmatrix}",
        True,
    ),
    (r"\sum_{k=0}^{n} \binom{n}{k} x^k y^{n-k} = (x+y)^n", True),
    (r"\sqrt{1 + \sqrt{1 + \sqrt{1 + x}}}", True),
    (r"\left\{ \begin{array}{ll} 0 & x < 0 \\ \frac{1}{2} & x = 0 \end{array} \right.", True),
    (r"\int_0^\infty e^{-x^2} \, dx = \frac{\sqrt{\pi}}{2}", False),
    (r"f(g(h(x))) = ((f \circ g) \circ h)(x)", False),
    (r"\mathbf{A}^{-1} \mathcal{B} \mathrm{d}t", False),
    # The same row at two sizes, and in two styles: measured once for each.
    (r"\left(\frac{1}{2}\right)^{\left(\frac{1}{2}\right)} + \left(\frac{1}{2}\right)", True),
    (r"(a+b)^{(a+b)_{(a+b)}}", False),
    (r"\left(\frac{1}{2}\right) \mathbf{\left(\frac{1}{2}\right)}", True),
    # Rows without a stretchy operator (no measure), beside rows with one, nested both ways.
    (r"\|v_{12}\|_2 + |x| - \lim_{n \to \infty} \left(1 + \frac{7}{n}\right)^n", False),
    (r"\frac{a_{k} x^{k}}{\sqrt{k + n}} = e^{-k t} \cdot \frac{\left[ x \right]}{2}", True),
    (r"\int_0^{9} x^2 \, dx = \frac{9^3}{3} \quad x \mid y \quad f'(x) \to \infty", True),
    (r"\sin x + \log_2 n + \max(a, b) \le \langle u, v \rangle", False),
]


def formulas() -> list[str]:
    found = list(FORMULAS)
    for path in sorted((ROOT / "samples" / "technical").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        found += [(tex, True) for tex in re.findall(r"\$\$(.+?)\$\$", text, re.DOTALL)]
    return list(dict.fromkeys(mathml(tex, display) for tex, display in found))


def drawings(markups: list[str]) -> list[tuple[str, float, float, float]]:
    draw.drawing.cache_clear()
    return [draw._svg(markup) for markup in markups]


def test_the_shortcuts_are_installed_for_the_checked_ziamath() -> None:
    import ziamath
    from ziamath.nodes import mrow

    if ziamath.__version__ not in lean.CHECKED:
        pytest.skip(f"ziamath {ziamath.__version__}: the shortcuts stay off")
    lean.apply()
    assert mrow.Mrow._get_height_nostretch.__name__ == "lean_measure"


def test_every_drawing_is_the_same_with_and_without_them(monkeypatch) -> None:
    markups = formulas()
    assert len(markups) > len(FORMULAS)  # the sample book's formulas are in
    with_them = drawings(markups)
    lean.undo()
    monkeypatch.setattr(lean, "apply", lambda: None)
    without = drawings(markups)
    monkeypatch.undo()
    assert with_them == without
