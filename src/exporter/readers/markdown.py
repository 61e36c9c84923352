"""Read Markdown with YAML front matter through Python-Markdown and its extensions."""

from __future__ import annotations

import re
import threading
from collections.abc import Hashable

import markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension

from exporter.formats import RawChapter, SourceText
from exporter.math.mdext import MathExtension
from exporter.model import Metadata
from exporter.readers import material
from exporter.readers.bounded import BoundedLinksExtension
from exporter.readers.constructs import warn_unsupported
from exporter.readers.gfm_compat import GfmExtension
from exporter.readers.highlight import html_formatter
from exporter.readers.inline import SkippingInlineExtension
from exporter.readers.meta import metadata_from_mapping, split_front_matter
from exporter.readers.mkdocs_options import Configured, extra_extensions, linenums
from exporter.readers.typography import TypographyExtension

# What a code block needs somewhere in the text: four columns of indentation (a tab reaches
# four) or a fence. Anywhere, not only at a line's start: text after a raw HTML block can
# become a line of its own.
_CODE_MARKS = ("\t", "    ", "```", "~~~")
# Markdown inside an HTML block: <div markdown="1">, <div markdown> (md_in_html).
_MARKDOWN_IN_HTML = re.compile(r"<[A-Za-z][^<>]*\smarkdown(?:\s*=|\s|>)")
# A line opening with an element that names a caption or title: an unknown one (<Listing
# caption="...">) is a block wrapping what follows, which the cleaning stage makes a figure.
_CAPTIONED = re.compile(r"^ {0,3}<([A-Za-z][\w-]*)\s[^>]*\b(?:caption|title)\s*=", re.MULTILINE)
# A line SuperFences could read as a fence: any indentation or quote prefix, then the marker.
_FENCE_LINE = re.compile(r"[ \t>]*(?:`{3,}|~{3,})")
# An opening fence as Python-Markdown's fenced_code and SuperFences read it alike: at the
# line's start, a bare language word or none, nothing after it.
_PLAIN_OPENING = re.compile(r"(`{3,}|~{3,})([\w+-]*)")


def _extensions(
    code: bool = True,
    features: frozenset[str] = material.ALL,
    in_html: bool = False,
    configured: Configured = (),
    plain_fences: bool = False,
) -> list[Extension]:
    """Return fresh extension instances (they keep per-document state).

    Instances, not names: a name makes Python-Markdown scan every installed distribution's
    entry points (importlib.metadata, about 20 ms a run). Heading anchors are not the toc
    extension's: the cleaning stage gives every heading an id unique in the publication.
    Without ``code`` (no line of the text could hold a code block) fenced code and the
    highlighter, which import Pygments, are left out: they would have nothing to do.
    ``features`` names the MkDocs syntaxes the text may use (``material.features``); the
    extensions for the others are left out for the same reason. ``configured`` is an
    mkdocs.yml's extension list, honoured as readers/mkdocs_options.py says. With
    ``plain_fences`` (every fence is one ``plain_fences`` accepts) Python-Markdown's own
    fenced_code stands in for SuperFences: the same HTML, without importing
    pymdown-extensions (its ``util`` pulls in urllib.request and http.client) or SuperFences'
    line-by-line scan; measured on the 31-chapter bench book: about 80 ms of CPU less.
    """
    highlight = []
    if code:
        from markdown.extensions.codehilite import CodeHiliteExtension

        # Pygments classes under .highlight; the theme supplies the palette. CodeHilite
        # highlights indented code, and fences through FencesExtension (SuperFences).
        highlight = [
            _fences(plain_fences),
            CodeHiliteExtension(
                css_class="highlight",
                guess_lang=False,
                pygments_formatter=html_formatter,
                linenums=linenums(configured),
            ),
        ]
    return [
        TableExtension(),
        # Numbers only: the back-link text is the renderer's business.
        FootnoteExtension(BACKLINK_TEXT="", SUPERSCRIPT_TEXT="{}"),
        *highlight,
        AttrListExtension(),
        DefListExtension(),
        AbbrExtension(),
        TypographyExtension(),  # smart quotes and dashes, in one pass
        SaneListExtension(),
        GfmExtension(),  # lists without a blank line, 2-space nesting, backslash breaks
        *material.extensions(features, configured),  # admonitions, tabs, ~~ == ^^, bare URLs
        *extra_extensions(configured),  # nl2br, keys, emoji, ... when a project lists them
        BoundedLinksExtension(),  # it replaces the core link parsers
        SkippingInlineExtension(),  # the inline stage, minus patterns that cannot match
        MathExtension(),  # TeX formulas (exporter.math)
        *([_markdown_in_html()] if in_html else []),
    ]


def _markdown_in_html() -> Extension:
    # Imported for the texts that use it only: its import took about 3 ms, every build.
    from markdown.extensions.md_in_html import MarkdownInHtmlExtension

    return MarkdownInHtmlExtension()


def _fences(plain: bool) -> Extension:
    if plain:
        from markdown.extensions.fenced_code import FencedCodeExtension

        return FencedCodeExtension()
    from exporter.readers.fences import FencesExtension

    return FencesExtension()


def may_hold_code(text: str) -> bool:
    """Tell whether a line of ``text`` could be a code block (``_CODE_MARKS``).

    Substring tests: one regular expression of the four marks took 0.3 ms a chapter.
    """
    return any(mark in text for mark in _CODE_MARKS)


def captioned_tags(text: str) -> frozenset[str]:
    """Return the names of the elements ``_CAPTIONED`` finds opening a line of ``text``.

    The expression tries every line (0.2 ms a chapter); it needs one of its two words.
    """
    if "caption" not in text and "title" not in text:
        return frozenset()
    return frozenset(m.group(1).lower() for m in _CAPTIONED.finditer(text))


def plain_fences(text: str) -> bool:
    """Tell whether every fence of ``text`` reads the same in fenced_code as in SuperFences.

    That is: each opens at a line's start, after a blank line (or the text's start), with
    at most a language word (not ``math``, which SuperFences makes a formula), and closes
    with exactly the same marker alone on a line, before a blank line (or the end); no
    other line inside or outside looks like a fence (indented, quoted, longer, with
    options). Anything else, and a text with CR line ends, goes to SuperFences.
    """
    lines = text.split("\n")
    fence = ""
    for index, line in enumerate(lines):
        if fence and line == fence:
            if index + 1 < len(lines) and lines[index + 1].strip(" \t"):
                return False
            fence = ""
        elif _FENCE_LINE.match(line):
            opening = None if fence else _PLAIN_OPENING.fullmatch(line)
            if opening is None or opening.group(2) == "math":
                return False
            if index and lines[index - 1].strip(" \t"):
                return False
            fence = opening.group(1)
    return not fence


# Phrasing elements a caption or title may be given to without making them blocks.
INLINE = {"a", "abbr", "b", "cite", "code", "dfn", "em", "i", "img", "kbd", "q", "s", "small",
          "span", "strong", "sub", "sup", "time", "u", "var"}  # fmt: skip


def read(src: SourceText) -> RawChapter:
    """Convert Markdown to an HTML fragment; front matter gives the metadata."""
    values, body = split_front_matter(src.text)
    warn_unsupported(body, src.name, "markdown")
    code = may_hold_code(body)
    in_html = bool(_MARKDOWN_IN_HTML.search(body))
    plain = code and not src.extensions and plain_fences(body)
    features = material.features(body)
    tags = captioned_tags(body)
    key = (code, plain, features, in_html, tags)
    # An mkdocs.yml's extensions may be anyone's: those get a new instance every time.
    md = _parsers().pop(key, None) if not src.extensions else None
    if md is None:
        md = markdown.Markdown(
            extensions=_extensions(code, features, in_html, src.extensions, plain)
        )
        for tag in tags:
            if tag not in md.block_level_elements and tag not in INLINE:
                md.block_level_elements.append(tag)
    html = md.convert(body)
    if not src.extensions:  # kept only after a conversion that finished
        parsers = _parsers()
        parsers[key] = md.reset()
        while len(parsers) > _KEPT_PARSERS:
            del parsers[next(iter(parsers))]
    return RawChapter(html, metadata_from_mapping(values, "front matter") if values else Metadata())


# Building a Markdown instance with its extensions cost about 2 ms of CPU a chapter (a
# tenth of reading one): a book's chapters mostly ask for the same configuration, so each
# thread keeps the last few, reset (``Markdown.reset``) as Python-Markdown asks between
# documents. One in use is out of the cache, so a conversion that failed half way never
# leaves its state to the next.
_KEPT_PARSERS = 8
_LOCAL = threading.local()


def _parsers() -> dict[Hashable, markdown.Markdown]:
    parsers: dict[Hashable, markdown.Markdown] | None = getattr(_LOCAL, "parsers", None)
    if parsers is None:
        parsers = _LOCAL.parsers = {}
    return parsers
