"""Three changes to WeasyPrint's layout: a text box that fits but for its trailing space, a
centred block in a right-to-left text, and no hyphen in a name or an acronym.

WeasyPrint 70 asks whether a text box fits the rest of a line with the width of its first
line *including* its trailing space. When the text fits only without that space (a text
box that ends in a space before an inline element: ``The Web <a href="#c">Content
</a>``), it takes the text for too long, keeps only its first word and breaks the line
there. A book chapter's first line then holds only "Text" (``<span class="initial">T</span>
ext must ...``: the text box after the initial), and any other line can be cut after the
first word of such a box and justified loosely. Whether it happens depends on the widths
alone: the fonts, the measure, the words.

A collapsible space at the end of a line is removed (css-text-3, white space processing,
phase II), as WeasyPrint itself does when it finishes the line; so a text that fits
without its trailing space is kept whole here, as one that fits outright. Only the
layout's reference to the function is replaced (``weasyprint.layout.inline``).
tests/writers/test_initial.py builds such chapters in every theme.

In a right-to-left block WeasyPrint 70 moves a narrower box flush right as if its ``auto``
margins were 0, then adds them: a block centred with ``margin: 0 auto`` (a figure's image,
classic's rule under the title) lands a margin's width past the text block's right edge,
off the page. ``block_level_width`` takes the auto margins back off (tests/writers/test_rtl.py).

A capitalised word (a name: "Americ-/an") or an acronym ("ECO-/WAS") is never hyphenated.
WeasyPrint asks pyphen's dictionary for a word's hyphenation points; ``line_break`` is given
a dictionary (``Names``) that has none for such words, in place of ``pyphen.Pyphen``, so no
markup is needed (a ``span`` per name, as before, cost the layout an inline box each: 819
of them made the bench book's layout about 10% slower). In German, where every noun is
capitalised, only acronyms are kept whole (tests/writers/test_measure.py).
"""

from __future__ import annotations

import functools
import types
from collections.abc import Iterator, Mapping
from typing import Any

import pyphen
from weasyprint.layout import block, inline
from weasyprint.text import line_break

_ORIGINAL = line_break.split_first_line
_BLOCK_WIDTH = block.block_level_width


class Names(pyphen.Pyphen):
    """pyphen's dictionary, with no hyphenation point in a name or an acronym."""

    def __init__(self, *, lang: str, left: int = 2, right: int = 2) -> None:
        super().__init__(lang=lang, left=left, right=right)
        self.nouns = lang.split("_")[0].lower() in _NOUN_CAPITALS

    def iterate(self, word: str) -> Iterator[tuple[str, str]]:
        """Yield (start, end) at each hyphenation point of ``word``, none for a name."""
        if word[:1].isupper() and (not self.nouns or sum(c.isupper() for c in word) > 1):
            return iter(())
        return super().iterate(word)


# Languages that capitalise every noun, where a capital does not mark a name.
_NOUN_CAPITALS = {"de", "lb"}


def install() -> None:
    """Make WeasyPrint's layout use ``split_first_line``, ``block_level_width`` and ``Names``
    (once per process; the layout modules look the width function up in ``block`` when they
    call it, and ``line_break`` its dictionaries in ``pyphen``)."""
    inline.split_first_line = split_first_line
    line_break.pyphen = types.SimpleNamespace(
        Pyphen=Names, language_fallback=pyphen.language_fallback
    )
    if block.block_level_width is _BLOCK_WIDTH:
        block_level_width.without_min_max = functools.partial(  # type: ignore[attr-defined]
            block_level_width, with_min_max=False
        )
        block.block_level_width = block_level_width


def block_level_width(box: Any, containing_block: object, with_min_max: bool = True) -> None:
    """WeasyPrint's ``block_level_width``, with a right-to-left box's auto margins counted."""
    auto = (box.margin_left == "auto", box.margin_right == "auto")
    _BLOCK_WIDTH(box, containing_block, with_min_max)
    direction = getattr(containing_block, "style", {"direction": "ltr"})["direction"]
    if direction == "rtl" and not box.is_column and any(auto):
        box.position_x -= box.margin_left * auto[0] + box.margin_right * auto[1]


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
