"""Math in the ``markdown`` dialect: a Python-Markdown extension.

Formulas are taken out before any inline pattern can read them (``$a_b * c_d$`` never
becomes emphasis) and stashed as raw HTML, so nothing after them (typography, escapes)
touches the TeX. Code spans and fenced code were taken out before (backticks run first,
fences are preprocessed), so a ``$`` in code stays as written.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as etree

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from exporter.math import syntax

# A raw HTML tag first: this pattern runs before the inline HTML one, and the dollars in
# an attribute's value are not math.
_PATTERN = r"(?P<tag></?[A-Za-z][^<>]*>)|" + syntax.INLINE.pattern
# How many blank-line-separated blocks one display formula may span.
_MAX_BLOCKS = 20


class _InlineMath(InlineProcessor):
    """``$...$``, ``$$...$$``, ``\\(...\\)`` and ``\\[...\\]`` inside a paragraph."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str | None, int | None, int | None]:
        """Stash the formula's markup in place of its text; pass over a raw HTML tag."""
        if m.group("tag"):  # `<abbr title="$x$">`: an attribute, not math
            return None, None, None
        tex, display = syntax.parts(m)
        return self.md.htmlStash.store(syntax.inline_html(tex, display)), m.start(0), m.end(0)


class _DisplayMath(BlockProcessor):
    """A display block opening a paragraph: ``$$`` or ``\\[`` lines, maybe a label."""

    def test(self, parent: etree.Element, block: str) -> bool:
        """Tell whether the block opens with ``$$`` or ``\\[``."""
        return bool(syntax.OPENING.match(block))

    def run(self, parent: etree.Element, blocks: list[str]) -> bool | None:
        """Take the block (with the blocks after it, up to its closer); False if it is none."""
        lines: list[str] = []
        taken = 0
        found = None
        # A formula may hold blank lines: read on to the closer (a bounded way, so that
        # many unclosed `$$` lines stay linear).
        for block in blocks[:_MAX_BLOCKS]:
            lines += [*block.split("\n"), ""]
            taken += 1
            found = syntax.display_block(lines[:-1])
            if found is not None:
                break
        if found is None:
            return False
        del blocks[:taken]
        rest = "\n".join(lines[found.lines : -1]).strip("\n")
        if rest:  # text right under the closer: a block of its own
            blocks.insert(0, rest)
        p = etree.SubElement(parent, "p")
        p.text = self.parser.md.htmlStash.store(syntax.display_html(found.tex, found.label))
        return None


class MathExtension(Extension):
    """Register the inline pattern and the display block processor."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Add math before backslash escapes (180), after code spans (190)."""
        md.inlinePatterns.register(_InlineMath(_PATTERN, md), "exporter-math", 186)
        # Before indented code (80) would not matter (it needs four spaces); before
        # paragraphs and lists, which would read the block as text.
        md.parser.blockprocessors.register(_DisplayMath(md.parser), "exporter-math-block", 85)


def fence(source: str, language: str, *args: object, **kwargs: object) -> str:
    """Format a ```` ```math ```` fence as a display formula (SuperFences' custom fence)."""
    return syntax.display_html(source.strip())
