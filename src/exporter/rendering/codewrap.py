"""Wrap long code lines for print at token boundaries, each continuation marked.

WeasyPrint wraps a ``pre`` line where it runs out of room (``overflow-wrap: anywhere``),
inside an identifier if need be, and nothing shows that the next line is the same line of
code. This pass, for a target that knows how many characters of code fit on a line (the
PDF writer measures it per theme and page size), breaks each longer line itself: at the
last space or token boundary that fits (never inside a name or a number, unless a single
token is longer than the line), and starts the continued line with a grey arrow that
screen readers skip. Pygments' spans are closed before the break and opened again after
it, so the colours carry on.
"""

from __future__ import annotations

import re

# The mark that opens a continued line: an arrow every theme's code font has (U+21AA,
# the usual hook, is missing from JetBrains Mono).
CONTINUATION = "→"
_MARK = f'<span class="cont" aria-hidden="true">{CONTINUATION} </span>'
_MARK_WIDTH = 2
# A break this far or less into the line is not worth it: break inside the token instead.
_SHORTEST_PIECE = 0.4

_PRE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.S)
_PIECE = re.compile(r"(<[^>]*>|&[#\w]+;|[^<&])", re.S)
_WORD = re.compile(r"\w")
# A line never starts with these: they close what the line before opened.
_CLOSING = set(")]},;:")
# Nor does one end with these: a bracket or a quote stays with what it opens.
_OPENING = set("([{\"'")


def wrap_code(html: str, columns: int) -> str:
    """Return ``html`` with every ``pre`` line longer than ``columns`` wrapped and marked."""
    if columns <= _MARK_WIDTH * 4:
        return html
    return _PRE.sub(lambda m: m.group(1) + _wrap_block(m.group(2), columns) + m.group(3), html)


def _wrap_block(inner: str, columns: int) -> str:
    """Wrap the content of one ``pre``."""
    pieces = _PIECE.findall(inner)
    cuts = _cuts(pieces, columns)
    if not cuts:
        return inner
    out: list[str] = []
    stack: list[str] = []  # the tags open at this point
    for index, piece in enumerate(pieces):
        if index in cuts:
            closing = "".join(f"</{_name(tag)}>" for tag in reversed(stack))
            out.append(closing + "\n" + " " * cuts[index] + _MARK + "".join(stack))
        if piece.startswith("<"):
            _track(stack, piece)
        out.append(piece)
    return "".join(out)


def _cuts(pieces: list[str], columns: int) -> dict[int, int]:
    """Return the index of the piece each continued line starts with, and its indent.

    A continued line is indented as its line is (up to half the width), then marked.
    """
    cuts: dict[int, int] = {}
    chars: list[tuple[int, bool]] = []  # per character of a line: (piece index, may break)
    text: list[str] = []  # the line's characters
    previous = ""
    for index, piece in enumerate([*pieces, "\n"]):
        if piece.startswith("<"):
            continue
        if piece != "\n":
            char = _text(piece)
            allowed = bool(previous) and not (_WORD.match(previous) and _WORD.match(char))
            allowed = allowed and not char.isspace() and char not in _CLOSING
            allowed = allowed and previous not in _OPENING
            chars.append((index, allowed))
            text.append(char)
            previous = char
            continue
        indent = len(text) - len("".join(text).lstrip())
        indent = indent if indent <= columns // 2 else 0
        start, room = 0, columns
        while len(chars) - start > room:
            shortest = start + max(1, int(room * _SHORTEST_PIECE))
            fits = [k for k in range(shortest, start + room + 1) if chars[k][1]]
            cut = fits[-1] if fits else start + room
            cuts[chars[cut][0]] = indent
            start, room = cut, columns - _MARK_WIDTH - indent
        chars, text, previous = [], [], ""
    return cuts


def _track(stack: list[str], tag: str) -> None:
    """Follow which tags are open (Pygments nests spans at most a level or two)."""
    if tag.startswith("</"):
        if stack:
            stack.pop()
    elif not tag.endswith("/>"):
        stack.append(tag)


def _name(tag: str) -> str:
    return re.match(r"<([\w:-]+)", tag).group(1)  # type: ignore[union-attr]


def _text(piece: str) -> str:
    """Return the character a piece shows (an entity stands for one)."""
    if piece.startswith("&"):
        return {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}.get(piece, "?")
    return piece
