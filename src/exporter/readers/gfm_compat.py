"""The GitHub habits authors bring to any Markdown: lists anywhere, 2-space nesting, ``\\`` breaks.

Python-Markdown wants a blank line before a list and four columns of indentation for what
belongs to a list item; GitHub (CommonMark) wants neither, and authors write for GitHub.
``ListPreprocessor`` rewrites the lines before the block parser sees them:

- a list that follows a paragraph line directly gets a blank line before it (a bullet, or an
  ordered list starting at 1, as CommonMark lets interrupt a paragraph);
- what belongs to a list item by CommonMark's rule (indented to the column where the item's
  text starts) is moved to the column Python-Markdown expects (the marker's plus four). Text
  already written Python-Markdown's way (four columns) keeps its meaning, so MkDocs sources
  read as they do in MkDocs.

Fenced code is moved with its opening line and never read as list lines. Lines in block
quotes are left as they are. Admonition and tab bodies (``!!!``, ``???``, ``===``) count as
containers, so a list in them gets the same treatment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import SubstituteTagInlineProcessor
from markdown.preprocessors import Preprocessor

_ITEM = re.compile(r"( *)([-*+]|\d{1,9}[.)])( +|$)")
_CONTAINER = re.compile(r"( *)(?:!!!|\?\?\?\+?|===\+?!?)[ \t]")
_FENCE = re.compile(r"( *)(`{3,}|~{3,})(.*)$")
_BREAK = re.compile(r" {0,3}([-*_])(?: *\1){2,} *$")
# A line that may start a list: the whole rewrite is skipped for a text without one.
MAY_HOLD_LIST = re.compile(r"^ *(?:[-*+]|\d{1,9}[.)])(?: |$)", re.MULTILINE)


@dataclass
class _Container:
    src: int  # where the content starts in the source, by CommonMark's rule
    std: int  # where Python-Markdown would want it in the source (marker + 4)
    dst: int  # where it goes in the output


class ListPreprocessor(Preprocessor):
    """Insert the blank line before a list and re-indent list content for Python-Markdown."""

    def run(self, lines: list[str]) -> list[str]:
        if not any(MAY_HOLD_LIST.match(line) for line in lines):
            return lines
        out: list[str] = []
        stack: list[_Container] = []
        fence = ""  # the open fence's marker
        shift = 0  # columns added to the lines of the open fence
        blank = True  # the previous line was blank (or there was none)
        in_item = False  # the lines since the last blank began with a list item
        for line in lines:
            if fence:
                out.append(" " * shift + line if line.strip() else line)
                close = _FENCE.match(line)
                if close and close.group(2)[0] == fence[0] and len(close.group(2)) >= len(fence):
                    fence = "" if not close.group(3).strip() else fence
                continue
            if not line.strip() or line.lstrip().startswith(">"):
                out.append(line)
                blank, in_item = not line.strip(), False
                continue
            indent = len(line) - len(line.lstrip(" "))
            item = self._item(line, blank or in_item)
            if item or blank:
                while stack and indent < stack[-1].src:
                    stack.pop()
            top = stack[-1] if stack else None
            if item and indent >= (top.std if top else 0) + 4:
                item = None  # four columns deeper than its container: indented code
            new = top.dst + max(0, indent - top.std) if top and indent >= top.src else indent
            if item:
                if not blank and not in_item:
                    out.append("")  # a list right after a paragraph line
                width = len(item.group(2)) + max(1, min(len(item.group(3)), 4))
                stack.append(_Container(indent + width, indent + 4, new + 4))
                in_item = True
            elif _CONTAINER.match(line):
                stack.append(_Container(indent + 4, indent + 4, new + 4))
                in_item = False
            else:
                opening = _FENCE.match(line)
                if opening and not (opening.group(2)[0] == "`" and "`" in opening.group(3)):
                    fence, shift = opening.group(2), new - indent
            out.append(" " * new + line[indent:])
            blank = False
        return out

    @staticmethod
    def _item(line: str, may_start_anywhere: bool) -> re.Match[str] | None:
        """Match a list item's marker; None for a thematic break or a paragraph's number."""
        item = _ITEM.match(line)
        if item is None or _BREAK.match(line):
            return None
        number = item.group(2)[:-1]
        if number.isdigit() and not may_start_anywhere and int(number) != 1:
            return None  # only a list starting at 1 may interrupt a paragraph (CommonMark)
        return item


class GfmExtension(Extension):
    """The list rewrite (after whitespace is normalised) and backslash hard breaks."""

    def extendMarkdown(self, md: Markdown) -> None:
        # After the fence info is normalised (28), before SuperFences reads fences (25).
        md.preprocessors.register(ListPreprocessor(md), "exporter-lists", 27)
        # Before 'escape' (180), which would otherwise keep the backslash as text.
        md.inlinePatterns.register(
            SubstituteTagInlineProcessor(r"\\\n", "br"), "backslash-break", 185
        )
