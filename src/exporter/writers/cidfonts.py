"""Read what a WeasyPrint composite (CID) font dictionary says of its glyphs.

WeasyPrint embeds fonts as ``Type0`` with ``Identity-H`` and glyph ids kept, so a glyph is
the same id in every subset of a font: the widths (``/W``) and the ``ToUnicode`` map of a
subset tell which glyphs it holds and what text they read as.
"""

from __future__ import annotations

import re

import pikepdf

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


def widths(font: pikepdf.Object) -> dict[int, object]:
    """Return a CID font's ``/W`` as {cid: width}."""
    array = list(font.DescendantFonts[0].get("/W", []))
    found: dict[int, object] = {}
    index = 0
    while index < len(array):
        first = int(array[index])
        if isinstance(array[index + 1], pikepdf.Array):
            for offset, width in enumerate(array[index + 1]):
                found.setdefault(first + offset, width)
            index += 2
        else:
            for cid in range(first, int(array[index + 1]) + 1):
                found.setdefault(cid, array[index + 2])
            index += 3
    return found


def to_unicode(font: pikepdf.Object) -> dict[int, bytes] | None:
    """Return a ``ToUnicode`` CMap made of ``bfchar`` entries as {cid: UTF-16BE hex}."""
    data = font.ToUnicode.read_bytes()
    if b"bfrange" in data:
        return None
    return {int(cid, 16): text.lower() for cid, text in _BFCHAR.findall(data)}
