"""Find formulas in Markdown text and write the reader's markup for them.

Dollars follow pandoc's rules, so prices stay text: an opening ``$`` has a non-space right
after it, a closing ``$`` a non-space right before it and no digit right after it
("$5 and $10" is text). ``$$...$$`` inside a paragraph is display math on its own line;
``\\(...\\)`` is inline, ``\\[...\\]`` display. A display block opens a line with ``$$`` or
``\\[``, may run over several lines, and may end with a label: ``$$ {#eq:name}``.

The markup is what the math transform looks for; it survives the sanitizer (a class and a
title), and the TeX is its escaped text: ``<span class="math-tex">`` inline, ``<div
class="math-tex display" title="eq:name">`` for a display block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

INLINE = re.compile(
    r"(?<!\\)\$\$(?P<dd>[^$]+?)\$\$"
    r"|(?<![\\$])\$(?P<d>[^\s$](?:[^$\\\n]|\\.|\n(?![ \t]*\n))*?)(?<!\s)\$(?![\d$])"
    r"|\\\((?P<p>.+?)\\\)"
    r"|\\\[(?P<b>.+?)\\\]",
    re.DOTALL,
)
# A display block's first line: up to three spaces, then $$ or \[.
OPENING = re.compile(r"^ {0,3}(\$\$|\\\[)")
# Where a display block ends: the closer, then an optional label, then nothing.
_CLOSERS = {"$$": re.compile(r"\$\$"), "\\[": re.compile(r"\\\]")}
_LABEL = re.compile(r"^[ \t]*(?:\{#(?P<label>[A-Za-z][\w:.-]*)\})?[ \t]*$")
INLINE_CLASS = "math-tex"
DISPLAY_CLASS = "math-tex display"


@dataclass(frozen=True)
class Display:
    """A display block found in lines: its TeX, label, and the lines it took."""

    tex: str
    label: str
    lines: int  # how many lines the block took, from its opening line


def inline_match(text: str, pos: int = 0) -> re.Match[str] | None:
    """Return the inline formula starting exactly at ``pos``, if one does."""
    return INLINE.match(text, pos)


def parts(match: re.Match[str]) -> tuple[str, bool]:
    """Return a matched inline formula's TeX and whether it is displayed."""
    for group, display in (("d", False), ("p", False), ("dd", True), ("b", True)):
        if match.group(group) is not None:
            return match.group(group).strip(), display
    raise ValueError("not a formula match")  # the pattern has no other group


def display_block(lines: list[str]) -> Display | None:
    """Read a display block from ``lines[0]`` on; None when it never closes (not math)."""
    opening = OPENING.match(lines[0])
    if opening is None:
        return None
    closer = _CLOSERS[opening.group(1)]
    body: list[str] = []
    first = lines[0][opening.end() :]
    for index, line in enumerate([first, *lines[1:]]):
        for found in closer.finditer(line):
            label = _LABEL.match(line[found.end() :])
            tex = "\n".join([*body, line[: found.start()]]).strip()
            if label and tex:
                return Display(tex, label.group("label") or "", index + 1)
            if tex and index == 0:  # `$$x$$ and more` on one line: inline, not a block
                return None
        body.append(line)
    return None


def inline_html(tex: str, display: bool = False) -> str:
    """Return the reader's markup for a formula inside a paragraph."""
    kind = DISPLAY_CLASS if display else INLINE_CLASS
    return f'<span class="{kind}">{escape(tex, quote=False)}</span>'


def display_html(tex: str, label: str = "") -> str:
    """Return the reader's markup for a display block (with its label as the title)."""
    title = f' title="{escape(label)}"' if label else ""
    return f'<div class="{DISPLAY_CLASS}"{title}>{escape(tex, quote=False)}</div>\n'
