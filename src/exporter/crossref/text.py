"""Walk the prose of a chapter: the text a reference or an index mark may be written in.

Code, preformatted blocks, links, scripts and math are never read: ``@fig:x`` in a code
sample or a URL stays as written.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

_SKIPPED = frozenset({"code", "pre", "a", "kbd", "samp", "script", "style", "math"})


def text_slots(root: etree._Element, needle: str) -> Iterator[tuple[etree._Element, bool, str]]:
    """Yield (element, is its text (else its tail), the text) for prose holding ``needle``."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if el.text and needle in el.text and not inside_skipped(el):
            yield el, True, el.text
        if el is not root and el.tail and needle in el.tail and not inside_skipped(el.getparent()):
            yield el, False, el.tail


def inside_skipped(el: etree._Element | None) -> bool:
    """Tell whether an element is, or is inside, code, a link or a script."""
    while el is not None:
        if isinstance(el.tag, str) and el.tag in _SKIPPED:
            return True
        el = el.getparent()
    return False


def place(el: etree._Element, pieces: list[str | etree._Element], into_text: bool) -> None:
    """Put text and elements where ``el``'s text (or its tail) was."""
    leading = pieces[0] if isinstance(pieces[0], str) else ""
    rest = pieces[1:] if isinstance(pieces[0], str) else pieces
    if into_text:
        el.text = leading
        anchor: etree._Element | None = None
        position = 0
    else:
        el.tail = leading
        anchor = el
    parent = el if into_text else el.getparent()
    if parent is None:
        return
    for piece in rest:
        if isinstance(piece, str):
            if anchor is None:
                parent.text = (parent.text or "") + piece
            else:
                anchor.tail = (anchor.tail or "") + piece
            continue
        piece.tail = None
        if anchor is None:
            parent.insert(position, piece)
            position += 1
        else:
            anchor.addnext(piece)
            # addnext moves the anchor's tail to after the new element: keep order
        anchor = piece
