"""Python-Markdown's inline stage, skipping the patterns that cannot match a text.

The inline processor tries every inline pattern (about fifteen) on every text node, each
try a Python call with a regular-expression search, even on a paragraph of plain words:
on a 31-chapter book that loop was the largest cost of reading Markdown. Most patterns
cannot match without a certain character (a link needs ``[``, inline HTML ``<``, an entity
``&``, emphasis one of its delimiters), so a pattern whose characters are absent from the
rest of the text is passed over without running it. That is exactly what running it would
do: no match, the next pattern, the text unchanged. Patterns this module does not know
(from other extensions) always run.
"""

from __future__ import annotations

import re

from markdown import treeprocessors
from markdown.extensions import Extension
from markdown.util import AtomicString

# A pattern (by its registered name) can only match where one of these strings occurs.
_NEEDS = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "footnote": ("[^",),
    "autolink": ("<",),
    "automail": ("<",),
    "html": ("<",),
    "entity": ("&",),
    "linebreak": ("  \n",),
    "backslash-break": ("\\\n",),  # exporter.readers.gfm_compat
    "exporter-math": ("$", "\\"),  # exporter.math.mdext
    # pymdownx.magiclink: a scheme's '//' or a 'www.' in any case; an e-mail's '@'.
    "magic-link": ("//", "w.", "W."),
    "magic-mail": ("@",),
}
_BASE = treeprocessors.InlineProcessor
# The stock loop, which this one replaces; without it (another Python-Markdown) nothing changes.
_STOCK = getattr(_BASE, "_InlineProcessor__handleInline", None)


def _plan(registry) -> list[tuple[object, frozenset[str] | None]]:  # type: ignore[no-untyped-def]
    """Each pattern in the stock order, with what it needs (None: always run it)."""
    needs = {id(registry[name]): chars for name, chars in _NEEDS.items() if name in registry}
    plan = []
    for pattern in registry:
        # Python-Markdown's emphasis and pymdownx's ~ = ^ (a class of the same name) match
        # at their tokens only.
        if type(pattern).__name__ == "DelimiterProcessor" and getattr(pattern, "tokens", None):
            needs[id(pattern)] = tuple(pattern.tokens)
        wanted = needs.get(id(pattern))
        plan.append((pattern, frozenset(wanted) if wanted else None))
    return plan


class SkippingInlineProcessor(treeprocessors.InlineProcessor):  # = _BASE, by name for mypy
    """The stock inline processor with a cheap 'can this pattern match here' test first."""

    def run(self, tree, ancestors=None):  # type: ignore[no-untyped-def]
        self._plan = _plan(self.inlinePatterns)
        strings = {s for _, needs in self._plan if needs for s in needs}
        self._longer = sorted(s for s in strings if len(s) > 1)
        chars = "".join(sorted(re.escape(s) for s in strings if len(s) == 1))
        self._chars = re.compile(f"[{chars}]" if chars else "(?!)")
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        # The stock loop (see _STOCK) over a plain list, with the test added. A match only
        # ever replaces text with a placeholder (no such characters), so what the text holds
        # at the start is an upper bound for the whole loop.
        if isinstance(data, AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern
        plan = self._plan
        found = set(self._chars.findall(data))
        found.update(s for s in self._longer if s in data)
        start = 0
        while patternIndex < len(plan):
            pattern, needs = plan[patternIndex]
            if needs is None or not needs.isdisjoint(found):
                data, matched, start = apply(pattern, data, patternIndex, start)
                if matched:
                    continue
            start = 0
            patternIndex += 1
        return data


class SkippingInlineExtension(Extension):
    """Put the skipping inline processor in the stock one's place (same name and priority)."""

    def extendMarkdown(self, md):  # type: ignore[no-untyped-def]
        if _STOCK is not None and hasattr(_BASE, "_InlineProcessor__applyPattern"):
            md.treeprocessors.register(SkippingInlineProcessor(md), "inline", 20)
