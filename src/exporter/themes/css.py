"""Assemble a theme's stylesheet for one kind of output (its profile's parts, in order)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from exporter.crossref import css as crossref_css
from exporter.themes import Theme, page_size_css
from exporter.themes.contrast import legible

# The parts of a profile's stylesheet that are not theme files (rendering.profile names them).
PAGE_SIZE, PRINT_BASICS_PART, CODE = ":page-size", ":print-basics", ":code"
CROSSREF = ":crossref"  # numbered captions and the index: crossref.css
CONTENTS = ":contents"  # the standalone HTML's linked contents (LINKED_CONTENTS)

# The darkest background a built-in theme paints under code (technical's EPUB: #f5f5f5
# under a 9% grey is #eaeaea), with a margin: token colours reach 4.5:1 on it, so on
# every lighter one too.
CODE_BACKGROUND = "#e6e6e6"
_COLOUR = re.compile(r"(?<![-\w])(color:\s*)(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b")

# A book's contents after its title page in the standalone HTML, and the EPUB's contents
# (nav.xhtml, in the reading order of a book), the same in every theme: links nested by
# level, no numbers, never justified. Before the theme's html.css or epub.css, which may
# change it.
LINKED_CONTENTS = """
nav.toc, nav[role="doc-toc"] { margin: 2em 0 3em; }
nav.toc ol, nav[role="doc-toc"] ol { list-style: none; margin: 0; padding-left: 1.2em; }
nav.toc > ol, nav[role="doc-toc"] > ol { padding-left: 0; }
nav.toc li, nav[role="doc-toc"] li {
  margin: 0.2em 0; text-align: left; text-indent: 0; hyphens: manual;
}
nav.toc li.toc-part { margin-top: 0.8em; font-weight: bold; }
nav.toc a, nav[role="doc-toc"] a { text-decoration: none; }
"""

# Book matter, the same in every theme: a dedication or a preface is front matter (in
# div.front-matter: roman folios, no running head) and is not numbered; the body counts
# from 1 on the first part page or chapter. A part page opens on a right-hand page and
# prints no folio, though it counts. Part of PRINT_BASICS, so a theme's pdf.css may
# change it.
BOOK_MATTER = """
body.layout-book div.front-matter section.chapter { page: auto; break-before: right; }
body.layout-book section.dedication,
body.layout-book section.epigraph { padding-top: 30%; text-align: center; font-style: italic; }
body.layout-book section.dedication h1.chapter-title,
body.layout-book section.epigraph h1.chapter-title {
  visibility: hidden; margin: 0; font-size: 1em;
}
body.layout-book section.part { break-before: right; }
@page part {
  @bottom-left { content: none; }
  @bottom-center { content: none; }
  @bottom-right { content: none; }
}
section.title-page p.editors { margin-top: 0.6em; }
section.title-page p.series { margin-top: 2em; font-size: 0.9em; }
"""

# What every PDF needs, whatever the theme: the outline follows the headings (the title
# block's other lines are not entries), and nothing leaves the page: long words, URLs and
# code lines wrap, images fit the text width, a table is squeezed to it (fixed layout) and
# repeats its head row after a break. Line breaking as a typesetter does it: no hyphen
# leaves fewer than 3 letters on a line or splits a word under 6 (WeasyPrint's default,
# 5 2 2, gave "es-timated"), names and acronyms (writers.linebreak.Names: no markup)
# and links are never hyphenated, a heading's last two words stay together (span.tie),
# and a short table or a table's head with its first row is not split. It comes before
# the theme's pdf.css, which may change any of it; a theme of one's own gets it too.
PRINT_BASICS = (
    """
p, li, dd, a, td, th, figcaption { overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; }
img { max-width: 100%; }
table { width: 100%; table-layout: fixed; }
thead { display: table-header-group; }
h1.title, h1.chapter-title { bookmark-level: 1; }
h1:not(.title):not(.chapter-title) { bookmark-level: 1; }
h2 { bookmark-level: 2; }
h3 { bookmark-level: 3; }
h4 { bookmark-level: 4; }
h5 { bookmark-level: 5; }
h6 { bookmark-level: 6; }
header.title-block p { bookmark-level: none; }
/* MkDocs blocks: a title stays with what it names; WeasyPrint draws a form field as a
 * block, so a task box is set in the line, a small square filled when checked. */
p.admonition-title, p.tabbed-title, div.code-title { break-after: avoid; }
li.task-list-item > input {
  display: inline-block;
  width: 0.5em;
  height: 0.5em;
  padding: 0.1em;
  border: 0.6pt solid currentColor;
  vertical-align: -0.05em;
  font-size: 1em;
}
li.task-list-item > input[checked]::before { background: currentColor; }
"""
    + """
body { hyphenate-limit-chars: 6 3 3; }
a { hyphens: manual; }
span.tie { white-space: nowrap; }
pre span.cont { color: #767676; font-weight: normal; font-style: normal; }
div.table-wrap.short, thead, tbody tr:first-child { break-inside: avoid; }
thead { break-after: avoid; }
tbody tr:first-child { break-before: avoid; }
"""
    + BOOK_MATTER
    + crossref_css.PRINT
    # Chinese, Japanese and Korean have no italic: a slanted heading would be a synthetic
    # oblique of the CJK font (pdffonts showed "Noto-Serif-CJK-SC-Oblique").
    + ", ".join(f"h{n}:lang({lang})" for lang in ("zh", "ja", "ko") for n in range(1, 7))
    + " { font-style: normal; }\n"
    + "".join(  # a sub-chapter (mdBook, MkDocs) sits one outline level deeper, its sections too
        f"section.level-{n} > h1.chapter-title {{ bookmark-level: {n}; }}\n"
        + "".join(
            f"section.level-{n} h{h} {{ bookmark-level: {h + n - 1}; }}\n" for h in range(2, 7)
        )
        for n in (2, 3, 4)
    )
)


def stylesheet(
    theme: Theme, parts: Sequence[str], page_size: str | None = None, code: bool = True
) -> str:
    """Return the CSS of a profile's ``parts``: theme files by name, and the generated parts.

    ``page_size`` (a name such as A5 or a CSS size) overrides the theme's. Without ``code``
    the highlighter's token colours are left out: computing them imports Pygments, which a
    document without code blocks never needs.
    """
    generated = {
        PAGE_SIZE: lambda: f"@page {{ size: {page_css(theme, page_size)} }}\n",
        PRINT_BASICS_PART: lambda: PRINT_BASICS,
        CODE: lambda: pygments_css(theme.pygments_style) if code else "",
        CROSSREF: lambda: crossref_css.SCREEN,
        CONTENTS: lambda: LINKED_CONTENTS,
    }
    return "\n".join(generated[part]() if part in generated else theme.css(part) for part in parts)


def page_css(theme: Theme, page_size: str | None) -> str:
    """Return the @page size a PDF is laid out on: the one asked for, else the theme's."""
    return page_size_css(page_size) if page_size else theme.page_size


@cache
def pygments_css(style: str) -> str:
    """Return the Pygments token colours of a style, scoped to ``.highlight``, made legible.

    Each token colour is darkened (along its hue) until it reaches WCAG AA's 4.5:1 on
    ``CODE_BACKGROUND``; backgrounds (``.hll``) and borders are left as the style has them.
    """
    from pygments.formatters import HtmlFormatter
    from pygments.util import ClassNotFound

    try:
        formatter = HtmlFormatter(style=style)
    except ClassNotFound:
        formatter = HtmlFormatter(style="default")
    # Only the token rules: the theme owns the box (background, padding, font).
    return "\n".join(
        _COLOUR.sub(lambda m: m.group(1) + legible(m.group(2), CODE_BACKGROUND), line)
        for line in formatter.get_style_defs(".highlight").splitlines()
        if line.startswith(".highlight .")
    )


_SIDE = re.compile(r"\b(left|right)\b")
_FOUR_SIDES = re.compile(
    r"\b((?:margin|padding|border-width|border-style|border-color)\s*:\s*)"
    r"([^\s;(){}]+)\s+([^\s;(){}]+)\s+([^\s;(){}]+)\s+([^\s;(){}]+)(?=\s*[;}!])"
)
# What stays left to right in a mirrored page: code reads as it is written. Hebrew and
# Arabic have no italic: a slanted heading leans the wrong way.
RTL_PRINT_BASICS = """
pre, code, kbd, samp { direction: ltr; }
pre, pre * { text-align: left; }
h1, h2, h3, h4, h5, h6 { font-style: normal; }
"""
# EPUB CSS may not use direction or unicode-bidi (EPUBCheck CSS-001): the dir attributes
# the render stage puts on code do that; this only puts code blocks back on the left.
RTL_EPUB_BASICS = """
pre[dir="ltr"], pre[dir="ltr"] * { text-align: left; }
"""


def mirrored(css: str) -> str:
    """Return ``css`` mirrored for a right-to-left text, as rtlcss does it.

    Every left becomes right and back (properties, values, ``@page :left``, margin boxes
    such as ``@top-left``), and four-value margins and paddings swap their sides. A book's
    recto is its left page when it reads right to left: the swap gives that page the
    recto's running head and the inner margin on its right, where the spine is.
    """
    swapped = _SIDE.sub(lambda m: "right" if m.group(1) == "left" else "left", css)
    return _FOUR_SIDES.sub(
        lambda m: f"{m.group(1)}{m.group(2)} {m.group(5)} {m.group(4)} {m.group(3)}", swapped
    )


def screen_css(theme: Theme, parts: Sequence[str], code: bool, rtl: bool) -> str:
    """Return an EPUB's or a standalone page's stylesheet, mirrored for a right-to-left text."""
    css = stylesheet(theme, parts, code=code)
    return mirrored(css) + RTL_EPUB_BASICS if rtl else css
