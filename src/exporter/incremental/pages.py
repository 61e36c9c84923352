"""Where a book's pieces put things: anchors' page counters, the index's pages, endings.

What the walk (``build``) hands from the units laid out to the units after them, read from
the pieces' folios (``pagelabels``) and anchors.
"""

from __future__ import annotations

from dataclasses import replace

from exporter.crossref.pages import roman
from exporter.incremental import units
from exporter.writers import pagelabels
from exporter.writers.pdf_units import Piece


def page_map(pieces: list[Piece]) -> dict[str, int]:
    """Return each anchor's page counter (its folio in the main matter) in the whole book."""
    where, labels = _placed(pieces)
    found: dict[str, int] = {}
    for anchor, index in where.items():
        style, number = labels[index]
        found[anchor] = number if style == "D" else 0
    return found


def located(handed: units.HandedIn, unit: units.Unit, pieces: list[Piece]) -> units.HandedIn:
    """Return ``handed`` with where the anchors ``unit`` links to are in ``pieces``.

    An anchor's page is the first page it is on (the place a term starts); each page's
    folio is what it prints, or would print, as the whole-document writer reads them.
    """
    where, labels = _placed(pieces)
    return replace(
        handed,
        located=tuple(sorted((a, where[a]) for a in unit.targets if a in where)),
        folios=tuple(str(n) if style == "D" else roman(n) for style, n in labels),
    )


def _placed(pieces: list[Piece]) -> tuple[dict[str, int], list[pagelabels.Label]]:
    """Return each anchor's first page in the book (an index) and every page's label."""
    where: dict[str, int] = {}
    offset = 0
    for piece in pieces:
        for anchor, index in piece.anchors.items():
            where.setdefault(anchor, offset + index)
        offset += len(piece.folios)
    return where, pagelabels.labels([f for piece in pieces for f in piece.folios])


def ending(front: Piece) -> tuple[int, int]:
    """Return what front matter hands in: its page count and its last page's counter."""
    style, number = pagelabels.labels(front.folios)[-1]
    return len(front.folios), number if style == "D" else 0
