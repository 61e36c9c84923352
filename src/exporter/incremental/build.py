"""Build a book's PDF unit by unit: from the cache where nothing changed, in parallel where
much did, then assembled into one PDF (the writer registered as ``pdf``).

A book's units hand in to each other (``units``): the page counter and side of the page
before, and the pages of the anchors a unit links to in another unit (the printed
contents). The walk lays them out in reading order, each from what the ones before it
came to; a unit whose key is in the cache is not laid out at all. A unit that only moved
(a chapter before it grew by pages: its key differs in its page counter alone, its *body
key* does not) keeps its laid-out body; the margin boxes of all such units are made again
in one render of empty pages (``pdf_units.remargin``). The pages of anchors
come from the previous build (kept in the cache beside the pieces) or from the first round;
when a round moves an anchor some unit links to, that unit is laid out again, until
nothing moves (the contents after the chapters, usually one extra round in a cold build).

The index's page numbers are written out from where the units before it put its terms
(``units.HandedIn.located``), so it is laid out after them, alone; back matter after it
takes the pages of the last round. A print-ready PDF's pieces are laid out with the print
page rules and finished (boxes, output intent) as the whole-document writer finishes it.

An article, or a build with ``incremental`` off, takes the whole-document writer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from exporter.incremental import units
from exporter.incremental.cache import Cache
from exporter.incremental.pages import page_map
from exporter.incremental.walk import Walk
from exporter.model import Document
from exporter.rendering import body_parts, render_document
from exporter.rendering.dates import build_date
from exporter.settings import Settings
from exporter.themes import Theme
from exporter.writers import pdf as whole
from exporter.writers.glyphs import missing_glyphs_by_script
from exporter.writers.pdf_units import system_fonts
from exporter.writers.pdflog import font_timestamps

log = logging.getLogger("exporter")

ROUNDS = 4  # a contents page that moves its own chapters' pages settles in two


def write(doc: Document, theme: Theme, settings: Settings, made: Mapping[str, bytes]) -> bytes:
    """Return the PDF of ``doc``: a book unit by unit, anything else as one document."""
    if not doc.is_book or not settings.incremental:
        return whole.write(doc, theme, settings, made)
    source = str(doc.sources[0]) if doc.sources else ""
    with font_timestamps(int(build_date(doc).timestamp())), missing_glyphs_by_script(source):
        return build_book(doc, theme, settings).pdf


def preload(theme: Theme, settings: Settings) -> None:
    """Load what a PDF build needs before the document comes: WeasyPrint, CSS, pikepdf."""
    whole.preload(theme, settings)
    import exporter.incremental.assemble  # noqa: F401  (pikepdf, for books)

    system_fonts()  # for the unit keys (cached)


@dataclass
class Built:
    """A book's PDF and how it was made: units laid out and units taken from the cache."""

    pdf: bytes
    laid_out: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    remargined: list[str] = field(default_factory=list)  # moved: their margin boxes re-made


def build_book(doc: Document, theme: Theme, settings: Settings) -> Built:
    """Lay out (or fetch) every unit of the book and assemble the PDF."""
    target = whole.pdf_target(doc, theme, settings)  # the whole writer's, code and formulas
    parts = body_parts(doc, target)  # made once: the document is their join
    book = units.split(render_document(doc, target, parts=parts), parts)
    css = whole.print_css(theme, settings, doc)
    cache = Cache(Path(settings.cache_dir)) if settings.cache_dir else None
    walk = Walk(book, css, theme, doc, settings, cache)
    pages = walk.stored_pages()
    for _ in range(ROUNDS):
        pieces = walk.round(pages)
        moved = page_map(pieces)
        if walk.settled and all(
            units.cross_targets(book, i, moved) == units.cross_targets(book, i, pages)
            for i in range(len(book.units))
        ):
            break
        pages = moved
    from exporter.incremental.assemble import assemble  # pikepdf: only for a book

    walk.store_pages(moved)
    if cache:
        cache.prune()
    log.info(
        "PDF: %d unit(s) laid out, %d moved (margins re-made), %d taken from %s",
        len(walk.laid_out),
        len(walk.remargined),
        len(walk.cached),
        cache.root if cache else "this build",
    )
    pdf = assemble(pieces, book.modified, units.STAMP)
    return Built(pdf, walk.laid_out, walk.cached, walk.remargined)
