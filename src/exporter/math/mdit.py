"""Math in the ``gfm`` and ``commonmark`` dialects: a markdown-it-py plug-in.

An inline rule before backslash escapes (so ``\\(`` is math, not an escaped parenthesis)
reads ``$...$``, ``$$...$$``, ``\\(...\\)`` and ``\\[...\\]``; code spans are read by their
own rule first where they start earlier, so a ``$`` in code stays as written. A block rule
before paragraphs reads display blocks (``$$`` or ``\\[`` lines, with an optional
``{#eq:name}`` label), and a ```` ```math ```` fence is a display formula too. mdit-py-plugins'
dollarmath has no ``{#label}`` syntax (it swallowed the rest of the block), hence this one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from exporter.math import syntax

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token


# How many lines one display formula may span (unclosed `$$` lines stay linear).
_MAX_LINES = 200


def math_plugin(md: MarkdownIt) -> None:
    """Add the inline and block rules, their renderers, and ```` ```math ```` fences."""
    md.inline.ruler.before("escape", "math_inline", _inline)
    md.block.ruler.before(
        "paragraph", "math_display", _block, {"alt": ["paragraph", "reference", "blockquote"]}
    )
    md.add_render_rule("math_inline", _render_inline)
    md.add_render_rule("math_display", _render_display)
    fence = md.renderer.rules["fence"]  # type: ignore[attr-defined]
    md.add_render_rule("fence", _math_fence(fence))


def _inline(state: StateInline, silent: bool) -> bool:
    """Read a formula starting at the current position."""
    if state.src[state.pos] not in "$\\":
        return False
    if state.pos and state.src[state.pos - 1] in "\\$":
        return False  # an escaped dollar, or the second of two
    match = syntax.inline_match(state.src, state.pos)
    if match is None or match.end() > state.posMax:
        return False
    if not silent:
        tex, display = syntax.parts(match)
        token = state.push("math_inline", "math", 0)
        token.content = tex
        token.info = "display" if display else ""
    state.pos = match.end()
    return True


def _block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Read a display block opening at line ``start``."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False  # indented code
    first = state.bMarks[start] + state.tShift[start]
    if state.src[first : first + 2] not in ("$$", "\\["):
        return False
    last = min(end, start + _MAX_LINES)
    lines = [
        state.src[state.bMarks[n] + state.tShift[n] : state.eMarks[n]] for n in range(start, last)
    ]
    found = syntax.display_block(lines)
    if found is None:
        return False
    if not silent:
        token = state.push("math_display", "math", 0)
        token.content = found.tex
        token.info = found.label
        token.map = [start, start + found.lines]
        token.block = True
    state.line = start + found.lines
    return True


def _render_inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    return syntax.inline_html(token.content, token.info == "display")


def _render_display(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return syntax.display_html(tokens[idx].content, tokens[idx].info)


def _math_fence(code: Callable[..., str]) -> Callable[..., str]:
    """Wrap the fence renderer: a ```` ```math ```` fence is a display formula."""

    def render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        if token.info.strip().split(" ")[0] == "math":
            return syntax.display_html(token.content.strip())
        return code(tokens, idx, options, env)  # a bound method

    return render
