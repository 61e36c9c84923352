"""A fix to WeasyPrint's line breaking: a text box that fits but for its trailing space.

WeasyPrint 70 asks whether a text box fits the rest of a line with the width of its first
line *including* its trailing space. When the text fits only without that space (a text
box that ends in a space before an inline element: ``The Web <span class="whole">Content
</span>``), it takes the text for too long, keeps only its first word and breaks the line
there. A book chapter's first line then holds only "Text" (``<span class="initial">T</span>
ext must ...``: the text box after the initial), and any other line can be cut after the
first word of such a box and justified loosely. Whether it happens depends on the widths
alone: the fonts, the measure, the words.

A collapsible space at the end of a line is removed (css-text-3, white space processing,
phase II), as WeasyPrint itself does when it finishes the line; so a text that fits
without its trailing space is kept whole here, as one that fits outright. Only the
layout's reference to the function is replaced (``weasyprint.layout.inline``).
tests/writers/test_initial.py builds such chapters in every theme.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from weasyprint.layout import inline
from weasyprint.text import line_break

_ORIGINAL = line_break.split_first_line


def install() -> None:
    """Make WeasyPrint's inline layout use ``split_first_line`` (once per process)."""
    inline.split_first_line = split_first_line


def split_first_line(
    text: str,
    style: Mapping[str, Any],
    context: object,
    max_width: float | None,
    justification_spacing: float,
    is_line_start: bool = True,
    minimum: bool = False,
) -> tuple[Any, ...]:
    """WeasyPrint's ``split_first_line``, keeping a text that fits but for its trailing space."""
    result = tuple(
        _ORIGINAL(text, style, context, max_width, justification_spacing, is_line_start, minimum)
    )
    trimmed = text.rstrip(" ")
    if (
        result[2] is None  # all of it fits: nothing to mend
        or max_width is None
        or style["white_space"] not in ("normal", "pre-line")  # spaces that collapse
        or not trimmed
        or trimmed == text
        or "\n" in text
    ):
        return result
    # A Pango line lives only as long as its layout: keep each layout while its line is read.
    layout = line_break.create_layout(trimmed, style, context, None, justification_spacing)
    line, _ = layout.get_first_line()
    if line_break.line_size(line, style)[0] > max_width:
        return result
    layout = line_break.create_layout(text, style, context, None, justification_spacing)
    line, resume = layout.get_first_line()
    if resume is not None:
        return result
    return tuple(line_break.first_line_metrics(line, text, layout, None, True, style))
