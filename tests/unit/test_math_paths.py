"""The formula outlines WeasyPrint draws: fewer points, the same shapes."""

from __future__ import annotations

import re

import pytest

from exporter.math import draw, paths, transform

_COMMAND = re.compile(r"([MLHVQTZ])([^MLHVQTZ]*)")


def segments(d: str) -> list[tuple[str, tuple[float, ...]]]:
    """Expand absolute M/L/H/V/Q/T/Z path data into M, L, Q (control, end) and Z, as
    WeasyPrint draws them (a T's control point mirrors the one before it)."""
    out: list[tuple[str, tuple[float, ...]]] = []
    here = start = (0.0, 0.0)
    control = here
    for letter, args in _COMMAND.findall(d):
        n = [float(v) for v in args.split()]
        if letter == "M":
            here = start = (n[0], n[1])
            out.append(("M", here))
        elif letter in "LHV":
            point = {"L": (n[0], n[1]) if len(n) > 1 else (0, 0), "H": (n[0], here[1])}.get(
                letter, (here[0], n[0])
            )
            if point != here:  # a line to where the pen is draws nothing
                out.append(("L", point))
            here = point
        elif letter == "Q":
            control, here = (n[0], n[1]), (n[2], n[3])
            out.append(("Q", (*control, *here)))
        elif letter == "T":
            control = (2 * here[0] - control[0], 2 * here[1] - control[1])
            here = (n[0], n[1])
            out.append(("Q", (*control, *here)))
        else:
            out.append(("Z", ()))
            here = start
    return out


@pytest.mark.parametrize(
    "tex", [r"\frac{17}{18}", r"\sqrt{42 + n}", r"\int_0^{9} x^2 \, dx", r"\|v_{3}\|_2"]
)
def test_a_formula_outline_keeps_its_shape_in_fewer_points(tex):
    import ziamath

    ziamath.config.svg2 = False  # as draw.py asks: paths, not <symbol>/<use>
    math = ziamath.Math(transform.mathml(tex, False), size=20, margin=1)
    original = " ".join(el.get("d", "") for el in math.svgxml() if el.tag == "path")
    shorter = paths.compact(original)
    assert "T " in shorter and ("H " in shorter or "V " in shorter)
    assert len(shorter) < 0.8 * len(original)
    before, after = segments(original), segments(shorter)
    assert [kind for kind, _ in before] == [kind for kind, _ in after]
    worst = max(
        (
            abs(a - b)
            for (_, p), (_, q) in zip(before, after, strict=True)
            for a, b in zip(p, q, strict=True)
        ),
        default=0.0,
    )
    assert worst < 0.03  # px of a 20 px drawing: 1/700 em


def test_a_mirrored_control_point_is_implied_and_axis_lines_take_one_number():
    d = "M 0 0 L 0 0 L 4 0 Q 5 1 6 2 Q 7 3 8 2 L 8 5 L 9 6 Z"
    assert paths.compact(d) == "M 0 0 H 4 Q 5 1 6 2 T 8 2 V 5 L 9 6 Z"


@pytest.mark.parametrize(
    "d", ["M 0 0 l 1 1 Z", "M 0 0 C 1 1 2 2 3 3 Z", "M 0 0 Q 1 1", "M 0 0 L 1 x Z"]
)
def test_path_data_in_another_shape_is_left_as_it_is(d):
    assert paths.compact(d) == d


def test_the_drawing_weasyprint_gets_is_the_compacted_one():
    draw.drawing.cache_clear()
    img, error = draw.drawing(transform.mathml(r"\frac{1}{2}", False))[:2]
    assert not error
    import base64

    svg = base64.b64decode(img.split("base64,", 1)[1].split('"', 1)[0]).decode()
    assert svg.count("<path") == 1 and " T " in svg and " H " in svg
