"""Shorten a formula's glyph outlines for WeasyPrint: the same shapes in fewer points.

WeasyPrint reads an SVG path's coordinates one pair at a time in Python, and that was
most of what a formula costs a PDF (cProfile of 370 formulas: ~90% of the SVG drawing in
``weasyprint.svg.path``, ~250,000 pairs). ziamath writes every glyph as ``M``, ``L``,
``Q`` and ``Z`` with absolute coordinates; outlines from TrueType fonts chain quadratic
curves whose control points mirror each other around the on-curve point between them,
which SVG writes as ``T`` (the control point implied, one pair instead of two). So:

- ``Q`` whose control point is the mirror of the previous one (as WeasyPrint computes
  it, within ``_CLOSE`` px of the drawing: far below a device pixel) becomes ``T``;
- ``L`` to the current point is dropped (ziamath starts every glyph with one), and ``L``
  along an axis becomes ``H`` or ``V`` (one number);
- coordinates are rounded to 1/100 px of the 20 px drawing (ziamath writes 1/1000):
  1/2000 em, 0.005 pt in 10 pt text, and shorter text for WeasyPrint to split.

On bench/formulas.py's 370 distinct formulas this left 167,000 pairs of 258,000, and
WeasyPrint drew them in about 20% less CPU time (one process, loaded machine).
"""

from __future__ import annotations

import re

from exporter.math import pdfops

_TOKEN = re.compile(r"[MLQZ]|[^\sMLQZ]+")
# px of ziamath's 20 px drawing (1/1000 em): the rounding of a mirrored control point
_CLOSE = 0.02


def compact(d: str) -> str:
    """Return the path data ``d`` (ziamath's absolute M/L/Q/Z) drawn with fewer points.

    Path data in another shape (relative commands, arcs, cubic curves) is returned as it is.
    """
    return outline(d)[0]


def outline(d: str) -> tuple[str, str | None]:
    """Return ``compact(d)``, and the same outline as PDF operators (pdfops, None when ``d``
    is in another shape): made in one pass, as the points are read once."""
    tokens = _TOKEN.findall(d)
    out: list[str] = []
    ops: list[str] = []
    n = pdfops.number
    start = here = (0.0, 0.0)
    control: tuple[float, float] | None = None  # the last Q/T control point, as drawn
    i = 0
    try:
        while i < len(tokens):
            letter = tokens[i]
            if letter == "Z":
                out.append("Z")
                ops.append("h")
                here, control, i = start, None, i + 1
                continue
            if letter == "Q":
                bend, point = _pair(tokens, i + 1), _pair(tokens, i + 3)
                if control is not None and _near(bend, _mirror(control, here)):
                    out += ("T", *_text(point))
                    control = _mirror(control, here)
                else:
                    out += ("Q", *_text(bend), *_text(point))
                    control = bend
                ops.append(pdfops.curve(here, control, point))
                here, i = point, i + 5
                continue
            if letter not in "ML":
                return d, None
            point, i = _pair(tokens, i + 1), i + 3
            control = None
            x, y = _text(point)
            if letter == "M":
                out += ("M", x, y)
                ops.append(f"{n(point[0])} {n(point[1])} m")
                start = point
            elif point == here:
                continue
            else:
                if point[1] == here[1]:
                    out += ("H", x)
                elif point[0] == here[0]:
                    out += ("V", y)
                else:
                    out += ("L", x, y)
                ops.append(f"{n(point[0])} {n(point[1])} l")
            here = point
    except (ValueError, IndexError):  # a token that is not a number, a command cut short
        return d, None
    return " ".join(out), "\n".join(ops)


def _pair(tokens: list[str], at: int) -> tuple[float, float]:
    """Return the point written at ``tokens[at:at + 2]``, rounded to 1/100 px."""
    return round(float(tokens[at]), 2), round(float(tokens[at + 1]), 2)


def _text(point: tuple[float, float]) -> tuple[str, str]:
    """Return a point's coordinates as short text: ``1.5``, ``-2``, never ``1.50``."""
    return _number(point[0]), _number(point[1])


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _mirror(control: tuple[float, float], about: tuple[float, float]) -> tuple[float, float]:
    return 2 * about[0] - control[0], 2 * about[1] - control[1]


def _near(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) <= _CLOSE and abs(a[1] - b[1]) <= _CLOSE
