"""Draw the PDF's formulas: each ``<math>`` becomes an SVG picture, since WeasyPrint cannot
lay out MathML.

ziamath lays the MathML out with the STIX Two Math font it ships (SIL Open Font Licence,
``src/exporter/math/STIX-LICENSE.txt``) and writes glyph outlines as paths, so the PDF
needs no math font of its own. The picture is an ``<img>`` with the TeX as its ``alt``, so
the tagged PDF's Figure carries it as ``/Alt``; its size is given in ``em``, so it follows
the text around it, and ``vertical-align`` puts its baseline on the line's baseline (the
depth below the baseline is the box's lowest point). A display formula is centred by its
``div.equation``; an equation number (``span.eqno``) sits at the right margin (theme CSS).

Drawing is the cost of math in a PDF. Each distinct formula is drawn once per process
(``functools.lru_cache``; a book repeats many, ``$x$``, ``$n$``), on two cores for a book
(``draw_ahead``), and kept in the build cache for the next build (math.store); ziamath's
layout is shortened where it repeats work (``lean``) and the outline written in fewer
points (``paths``). The drawing is also written once as PDF operators (``pdfops``), which
the PDF writer hands WeasyPrint as a ready image instead of letting it parse the SVG's
path at every place (writers.pdf_formulas). bench/README.md has the measurements.
"""

from __future__ import annotations

import base64
import functools
import logging
import re
from collections.abc import Iterable
from html import unescape
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

from exporter.markup import attr
from exporter.math import lean, paths, pdfops

log = logging.getLogger(__name__)

# One formula as the transform writes it (no nesting: MathML has no <math> inside <math>).
_MATH = re.compile(r"<math\b[^>]*>.*?</math>", re.DOTALL)
_ALT = re.compile(r'\balttext="([^"]*)"')
_SIZE = 20.0  # ziamath's font size (px) for the drawing; the img is sized in em of the text
_MARGIN = 1.0  # ziamath's margin around the drawing, in its px


class Drawn(NamedTuple):
    """One formula drawn: the ``<img>`` (or the TeX), why not, and its PDF operators."""

    picture: str
    error: str = ""
    url: str = ""  # the picture's data: URL
    vector: pdfops.Vector | None = None  # the drawing as PDF operators, if pdfops writes it


# Drawings made ahead of the render (``draw_ahead``), by markup; consulted before drawing.
_AHEAD: dict[str, Drawn] = {}
# The PDF operators of the formulas put in HTML by this process, by data: URL (the PDF
# writer's image cache reads them: writers.pdf_formulas); the oldest go beyond 2048.
VECTORS: dict[str, pdfops.Vector] = {}
_KEPT = 2048
# Below this many formulas not drawn yet, a second process costs more than it saves.
MIN_AHEAD = 24


def draw_ahead(htmls: Iterable[str], store: Path | None = None) -> None:
    """Draw the distinct formulas of ``htmls`` not drawn yet on two cores, before rendering.

    Drawing is pure Python and most of math's cost in a PDF: this process draws half the
    formulas while a helper forked from it (under the same limits, readahead.mapped) draws
    the other half. Without a helper (one core, a policy of one process, a few formulas)
    nothing is drawn here: the render draws each formula as it meets it. With a ``store``
    (the build cache folder), the drawings kept there by the last build are taken as they
    are, the others drawn here, and this build's are kept for the next (math.store).
    """
    from exporter.guard.policy import current
    from exporter.math import store as kept
    from exporter.reading import readahead

    _AHEAD.clear()
    todo = list(dict.fromkeys(m.group(0) for html in htmls for m in _MATH.finditer(html)))
    stamp = kept.tag(_SIZE, _MARGIN, pdfops.UNIT)
    stored = kept.load(store, stamp) if store is not None and todo else {}
    for markup in todo:
        if (found := stored.get(kept.digest(markup))) is not None:
            _AHEAD[markup] = Drawn(*found)
    todo = [markup for markup in todo if markup not in _AHEAD]
    if len(todo) >= MIN_AHEAD and readahead.may_fork(current()):
        with readahead.mapped(drawing, todo, len(todo) // 2) as drawn:
            for markup, result in zip(todo, drawn, strict=True):
                _AHEAD[markup] = result
    if store is None or not (todo or len(stored) != len(_AHEAD)):
        return  # nothing to keep, or the store holds exactly these drawings
    for markup in todo:
        _AHEAD[markup] = _AHEAD.get(markup) or drawing(markup)
    kept.save(store, stamp, {kept.digest(m): tuple(d) for m, d in _AHEAD.items()})


def draw_all(html: str) -> str:
    """Return ``html`` with every ``<math>`` replaced by its drawing (or its TeX, on failure)."""
    if "<math" not in html:
        return html
    return _MATH.sub(_drawn, html)


def _drawn(match: re.Match[str]) -> str:
    markup = match.group(0)
    drawn = _AHEAD.get(markup) or drawing(markup)
    if drawn.error:
        log.warning(
            "cannot draw the formula `%s`: %s; it is printed as text", _tex(markup), drawn.error
        )
    if drawn.vector is not None and drawn.url not in VECTORS:
        VECTORS[drawn.url] = drawn.vector
        if len(VECTORS) > _KEPT:
            del VECTORS[next(iter(VECTORS))]
    return drawn.picture


def _tex(markup: str) -> str:
    """Return a formula's TeX (its alttext), or its text when it has none."""
    alt = _ALT.search(markup[: markup.find(">")])
    if alt:
        return unescape(alt.group(1))
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", markup)).split())


# Each entry is one picture (a few KiB of base64): 2048 keep a batch's memory bounded.
@functools.lru_cache(maxsize=2048)
def drawing(markup: str) -> Drawn:
    """Return the ``<img>`` drawing one ``<math>`` element (or its TeX, and why not)."""
    tex = _tex(markup)
    display = 'display="block"' in markup[: markup.find(">")]
    try:
        root, known, width, height, depth = _layout(markup)
    except Exception as exc:  # ziamath raises many kinds on MathML it cannot lay out
        reason = f"it cannot be laid out ({str(exc).strip() or type(exc).__name__})"
        return Drawn(f'<code class="math-error">{attr(tex)}</code>', reason)
    svg = ElementTree.tostring(root, encoding="unicode")
    url = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    kind = "math-display" if display else "math-inline"
    style = f"width:{width:.3f}em;height:{height:.3f}em;vertical-align:{depth:.3f}em"
    picture = f'<img class="{kind}" alt="{attr(tex)}" style="{style}" src="{url}"/>'
    return Drawn(picture, "", url, pdfops.vector(root, known))


def _svg(markup: str) -> tuple[str, float, float, float]:
    """Return the SVG of one formula, its width and height, and its baseline shift, in em."""
    root, _, width, height, depth = _layout(markup)
    return ElementTree.tostring(root, encoding="unicode"), width, height, depth


def _layout(markup: str) -> tuple[ElementTree.Element, dict[str, str], float, float, float]:
    """Return the SVG element of one formula, its paths' PDF operators (by path data), its
    width and height, and its baseline shift, in em."""
    import ziamath

    lean.apply()
    ziamath.config.svg2 = False  # plain paths, no <symbol>/<use>
    math = ziamath.Math(markup, size=_SIZE, margin=_MARGIN)
    box = math.node.bbox
    width = box.xmax - box.xmin + 2 * _MARGIN
    height = box.ymax - box.ymin + 2 * _MARGIN
    svg, known = _one_path(math.svgxml())
    return svg, known, width / _SIZE, height / _SIZE, (box.ymin - _MARGIN) / _SIZE


def _one_path(svg: ElementTree.Element) -> tuple[ElementTree.Element, dict[str, str]]:
    """Merge the glyphs' paths of one colour into one path: the same picture, drawn faster.

    WeasyPrint sets up every SVG element on its own (style, transform, markers): on 60
    formulas, one path instead of one per glyph made the PDF's drawing ~30% faster. The
    merged outline is then written in fewer points (paths.compact), and as PDF operators
    in the same pass (returned by path data).
    """
    glyphs = [el for el in svg if el.tag == "path" and set(el.attrib) <= {"d", "fill"}]
    by_fill: dict[str, list[ElementTree.Element]] = {}
    for path in glyphs:
        by_fill.setdefault(path.get("fill", ""), []).append(path)
    known: dict[str, str] = {}
    for group in by_fill.values():
        d, ops = paths.outline(" ".join(path.get("d", "") for path in group))
        group[0].set("d", d)
        if ops is not None:
            known[d] = ops
        for path in group[1:]:
            svg.remove(path)
    return svg, known
