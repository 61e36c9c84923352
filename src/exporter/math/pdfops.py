"""A formula's drawing as PDF page operators, made once, so that WeasyPrint need not read it.

WeasyPrint draws an SVG image by reading it again wherever it is shown: the path data
parsed pair by pair in Python (``weasyprint.svg.path``), each number measured through
``svg.utils.size``, every operator formatted one number at a time (pydyf). For a book's
formulas that was most of their cost in the layout (profile of the bench book: ~13 s of
~20 s of math CPU, ziamath aside). The drawings ziamath makes here are simple (one merged
path per colour, in absolute ``M L H V Q T Z``, and rectangles for the bars), so this
module writes the same shapes as PDF operators once per distinct formula, in the SVG's
own units; the PDF writer puts them on the page under the viewBox's transform
(writers.pdf_formulas). A drawing in any other shape gives ``None``: WeasyPrint draws it.

Quadratic curves become cubic ones (PDF has no quadratic): the control points two thirds
of the way from each end to the quadratic's control point, as WeasyPrint computes them.
Numbers are written in hundredths of the SVG's px, as integers (``UNIT``, the precision of
paths.compact): 1/2000 em, no decimal points, and about 25% fewer bytes for the PDF to
compress than WeasyPrint's six decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from xml.etree import ElementTree

_SVG = "{http://www.w3.org/2000/svg}"
_BLACK = ("black", "#000", "#000000")
UNIT = 0.01  # the SVG px in an operator's number: 1 is 1/100 px
Point = tuple[float, float]


@dataclass(frozen=True)
class Vector:
    """One drawing as PDF operators, in the units of its viewBox."""

    width: float  # the SVG's width and height (px), its intrinsic size
    height: float
    viewbox: tuple[float, float, float, float]
    operators: bytes  # filled in black, y downwards as in the SVG, in ``UNIT`` of its px


def vector(svg: ElementTree.Element, known: Mapping[str, str] | None = None) -> Vector | None:
    """Return ``svg`` (ziamath's drawing, after draw._one_path) as PDF operators, or None.

    ``known`` gives the operators of path data already read (paths.outline), by the data.
    """
    try:
        box = tuple(float(n) for n in svg.attrib["viewBox"].split())
        width, height = float(svg.attrib["width"]), float(svg.attrib["height"])
    except (KeyError, ValueError):
        return None
    if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
        return None
    ops: list[str] = []
    for el in svg:
        tag = el.tag.removeprefix(_SVG)
        attrs = dict(el.attrib)
        if attrs.pop("fill", "black") not in _BLACK:
            return None  # a colour: WeasyPrint knows the PDF's colour space
        if tag == "path" and set(attrs) == {"d"}:
            drawn = (known or {}).get(attrs["d"]) or _path(attrs["d"])
        elif tag == "rect" and set(attrs) == {"x", "y", "width", "height"}:
            drawn = _rect(attrs)
        else:
            return None
        if drawn is None:
            return None
        ops += (drawn, "f")
    x, y, w, h = box
    return Vector(width, height, (x, y, w, h), "\n".join(ops).encode())


def _rect(attrs: dict[str, str]) -> str | None:
    try:
        x, y, w, h = (float(attrs[k]) for k in ("x", "y", "width", "height"))
    except ValueError:
        return None
    return f"{number(x)} {number(y)} {number(w)} {number(h)} re"


def _path(d: str) -> str | None:
    """Return path data in absolute M L H V Q T Z as PDF operators (None for any other)."""
    tokens = d.split()
    out: list[str] = []
    x = y = start_x = start_y = 0.0
    control: tuple[float, float] | None = None  # the last quadratic's control point
    i, count = 0, len(tokens)
    try:
        while i < count:
            letter = tokens[i]
            if letter == "Q" or letter == "T":
                if letter == "Q":
                    qx, qy = float(tokens[i + 1]), float(tokens[i + 2])
                    i += 2
                elif control is None:
                    qx, qy = x, y
                else:
                    qx, qy = 2 * x - control[0], 2 * y - control[1]
                ex, ey = float(tokens[i + 1]), float(tokens[i + 2])
                out.append(curve((x, y), (qx, qy), (ex, ey)))
                x, y, control, i = ex, ey, (qx, qy), i + 3
                continue
            control = None
            if letter == "Z":
                out.append("h")
                x, y, i = start_x, start_y, i + 1
            elif letter == "M" or letter == "L":
                x, y = float(tokens[i + 1]), float(tokens[i + 2])
                out.append(f"{number(x)} {number(y)} {'m' if letter == 'M' else 'l'}")
                if letter == "M":
                    start_x, start_y = x, y
                i += 3
            elif letter == "H":
                x = float(tokens[i + 1])
                out.append(f"{number(x)} {number(y)} l")
                i += 2
            elif letter == "V":
                y = float(tokens[i + 1])
                out.append(f"{number(x)} {number(y)} l")
                i += 2
            else:
                return None
    except (ValueError, IndexError):  # not a number, a command cut short
        return None
    return "\n".join(out)


def curve(start: Point, control: Point, end: Point) -> str:
    """Return the quadratic curve from ``start`` to ``end`` as the PDF's cubic ``c``: its
    control points two thirds of the way from each end to ``control``."""
    (sx, sy), (qx, qy), (ex, ey) = start, control, end
    return (
        f"{number(sx + 2 * (qx - sx) / 3)} {number(sy + 2 * (qy - sy) / 3)} "
        f"{number(ex + 2 * (qx - ex) / 3)} {number(ey + 2 * (qy - ey) / 3)} "
        f"{number(ex)} {number(ey)} c"
    )


def number(value: float) -> str:
    """Return a length in px as PDF text, in ``UNIT``: an integer."""
    return str(round(value / UNIT))
