"""Smart quotes, dashes and ellipses for Markdown, in one pass over the finished tree.

Python-Markdown's smarty extension does this with a dozen inline patterns, each tried on
every text node by the inline processor: on a 31-chapter book it was about half of the
Markdown reader's time. This tree processor walks the text once, after the inline patterns
have run, with the same rules as SmartyPants: ``---`` em dash, ``--`` en dash, ``...``
ellipsis, and straight quotes turned into opening or closing ones by what stands before
them (an apostrophe inside or after a word closes). Code (AtomicString text, stashed code
blocks) and raw HTML are never touched, and quotes already typographic are kept.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from exporter.scripts import WIDE

_DASHES = (("---", "\u2014"), ("--", "\u2013"), ("...", "\u2026"), (". . .", "\u2026"))
_QUOTE = re.compile("[\"']")
# After these, a quote opens: nothing, a space, an opening bracket or a dash.
_OPENERS = set(" \t\n([{<\u2014\u2013-\u00a0/")
_SKIP = {"code", "pre", "kbd", "samp", "script", "style"}
# Chinese and Japanese put no space before an opening quote: after a wide character, a
# double quote opens unless one is open (a text's quotes alternate), as in "叫做"避头尾"。".
_WIDE = re.compile(f"[{WIDE}]")


class Quotes:
    """Whether a double quote is open, across the text runs of one paragraph."""

    def __init__(self) -> None:
        self.open = False


def educate(text: str, before: str, quotes: Quotes | None = None) -> str:
    """Return ``text`` with typographic punctuation; ``before`` is the text preceding it.

    ``quotes`` carries whether a double quote is open from the runs before (a paragraph's).
    """
    quotes = quotes or Quotes()
    for plain, fancy in _DASHES:
        if plain in text:
            text = text.replace(plain, fancy)
    if "'" not in text and '"' not in text:
        return text
    out = []
    last = 0
    for match in _QUOTE.finditer(text):
        i = match.start()
        prev = text[i - 1] if i else (before[-1:] or " ")
        nxt = text[i + 1 : i + 2]
        opening = prev in _OPENERS
        if match.group() == '"':
            if _WIDE.match(prev):
                opening = not quotes.open and nxt not in ("", " ")
            mark = "\u201c" if opening else "\u201d"
            quotes.open = opening
        elif opening and not (nxt.isdigit() and text[i + 2 : i + 3] in ("0", "s", "")):
            mark = "\u2018"  # 'quoted'; but '90s and 'tis-like elisions before digits close
        else:
            mark = "\u2019"  # apostrophes and closing quotes
        out.append(text[last:i])
        out.append(mark)
        last = i + 1
    out.append(text[last:])
    return "".join(out)


class _Typography(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        self.before = ""
        self.quotes = Quotes()
        self._walk(root)

    def _walk(self, el: ET.Element) -> None:
        if el.tag in _SKIP:
            self.before = "x"  # text after code reads as after a word
            return
        if el.tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd"):
            self.quotes = Quotes()  # a paragraph's quotes are its own
        el.text = self._fix(el.text)
        for child in el:
            self._walk(child)
            child.tail = self._fix(child.tail)

    def _fix(self, text: str | None) -> str | None:
        if not text:
            return text
        if isinstance(text, AtomicString):  # inline code and other protected text
            self.before = text
            return text
        fixed = educate(text, self.before, self.quotes)
        self.before = fixed
        return fixed


class TypographyExtension(Extension):
    """Register the pass after every inline pattern (priority below 'inline' at 20)."""

    def extendMarkdown(self, md: Markdown) -> None:
        # A backslash keeps a quote straight (\\" stays "), as with smarty.
        md.ESCAPED_CHARS.extend(["'", '"'])
        md.treeprocessors.register(_Typography(md), "exporter-typography", 5)
