"""Load what rendering needs once per process, before forking builds or batch workers."""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable

from exporter.formats import READERS, WRITERS
from exporter.reading import Source, read
from exporter.settings import Settings
from exporter.themes import Theme
from exporter.writers import write


def prepare(theme: Theme, settings: Settings, readers: Iterable[str] = ()) -> None:
    """Load what rendering needs once per process: libraries, parsed CSS, fonts, caches.

    Called before forking, so isolated builds and batch workers share it instead of paying
    for it per document: a small article is rendered once, which also fills the renderer's
    lazy caches (font faces, hyphenation patterns). Only the requested formats are loaded,
    and the readers named (all built-in ones when none is).
    """
    for name in sorted(set(readers) or {spec.name for spec in READERS.all()}):
        READERS.get(name).load()
    _warm_up(theme, settings.formats, settings.page_size)


def load_writers(theme: Theme, formats: Iterable[str]) -> None:
    """Import the writers of ``formats`` and make the code stylesheet they begin with.

    The reading does it while it waits for its read-ahead helper (``readahead.meanwhile``):
    about 12 ms of an EPUB's writing on the bench book, off the build's critical path. Not
    the PDF engine: WeasyPrint is loaded by the layout child, when there is one.
    """
    for name in formats:
        spec = WRITERS.get(name)
        if not spec.needs_pdf_engine:
            spec.load()
    if "pygments" in sys.modules:  # a source had code: the writers will colour it
        # Here, not at the top: themes.css and the rendering stage import each other.
        from exporter.themes.css import pygments_css

        pygments_css(theme.pygments_style)


def preload_engines(theme: Theme, settings: Settings) -> None:
    """Run the preload step of each chosen writer that has one (the PDF's parsed CSS)."""
    for name in settings.formats:
        spec = WRITERS.get(name)
        if spec.preload:
            spec.load_preload()(theme, settings)


# Every character an article commonly uses, in every face and size the themes set (title,
# headings, body, italic, bold, code, quote, list, table, note): a forked build finds their
# glyphs, metrics and shaping already loaded by its parent. Measured on 20 articles, each
# in its own child after the warm-up: 201 ms an article against 346 ms after a two-line
# warm-up. No fenced code: compiling a Pygments lexer costs ~70 ms, for a language few
# articles use.
_GLYPHS = (
    "The quick brown fox jumps over the lazy dog; PACK MY BOX WITH FIVE DOZEN LIQUOR JUGS! "
    "0123456789 (a, b. c: d?) [e] {f} \"g\" 'h' & i/j @ k % l + m = n < o > p | q ~ r "
    "\u2014 s \u2013 t \u2026 \u201cu\u201d \u2018v\u2019 \u00e9\u00e8\u00e0\u00e7"
    "\u00f6\u00fc\u00f1\u00df \u00a7\u00b0\u20ac\u00a3 internationalisation"
)
_CELL = _GLYPHS.replace("|", "/")
_WARM_UP = (
    f"---\ntitle: 'Warm-up {_GLYPHS[:44]}'\nsubtitle: 'The lazy dog'\nauthor: A. Writer\n---\n\n"
    f"{_GLYPHS} {_GLYPHS.lower()}\n\n*{_GLYPHS}*\n\n**{_GLYPHS}**\n\n***{_GLYPHS}***\n\n"
    f"`{_GLYPHS}`\n\n## {_GLYPHS[:60]}\n\n### {_GLYPHS[:60]}\n\n> {_GLYPHS}\n\n"
    f"- {_GLYPHS}\n\n1. {_GLYPHS}\n\n| {_GLYPHS[:30]} | 2 |\n|--|--:|\n| {_CELL} | 3 |\n\n"
    f"A note.[^1]\n\n[^1]: {_GLYPHS}\n"
)


@functools.cache
def _warm_up(theme: Theme, formats: tuple[str, ...], page_size: str | None) -> None:
    doc = read([Source("warm-up.md", _WARM_UP.encode(), "md")])
    settings = Settings(formats=formats, page_size=page_size)
    for fmt in formats:
        write(doc, fmt, theme, settings, {})
    # What a book's build would load in every forked child otherwise: pikepdf for its
    # assembly, and the code width its layout measures (40-80 ms before its first page).
    preload_engines(theme, settings)
    if "pdf" in formats:
        from exporter.writers.pdf import code_columns, print_css

        code_columns(theme, print_css(theme, settings), True)
