"""Lay out one unit of a book (``exporter.incremental.units``) into a PDF piece.

WeasyPrint's documented API does it: ``HTML(...).render()`` lays out the unit's document
(lead, unit, trail and phantom pages), ``Document.copy(pages)`` keeps the unit's own pages
and ``write_pdf`` writes them. What assembling the pieces needs comes from the documented
``Page`` attributes (``anchors``, ``bookmarks``, ``links``); only the folios read from the
margin boxes (for the page labels) use ``page._page_box``, as the whole-book writer does.
Anchors of other units that this unit links to (its phantom pages, dropped) are moved onto
the piece's last page, so that WeasyPrint keeps those links as named destinations; the
assembled PDF then resolves the names to the pages where the targets really are.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pydyf
from weasyprint import HTML

from exporter.model import Asset
from exporter.press import PrintSpec
from exporter.settings import DEFAULT_PDF_VARIANT
from exporter.themes import Theme
from exporter.writers import margin_forms, pagelabels, pdf_margins, pdftags, printpdf
from exporter.writers.pdf import (
    ASSET_BASE,
    AssetFetcher,
    _fewer_collections,
    _font_config,
    _margin_texts,
    _theme_css,
)
from exporter.writers.pdf_formulas import image_cache
from exporter.writers.pdflog import KnownAltFilter, complexity_limit

Bookmark = tuple[int, str, int, float, float]  # level, label, page in the piece, x, y (px)
# Told a unit's page count, page-counter increments and its anchors' counters (from the
# counter before it), returns the page counter before the unit.
Ask = Callable[[int, int, dict[str, int]], int]


@dataclass(frozen=True)
class Piece:
    """A laid-out unit: its PDF and what assembling the book needs to know of it."""

    pdf: bytes
    folios: tuple[pagelabels.Label | None, ...]  # the folio printed on each page, if any
    anchors: dict[str, int]  # anchor -> page index in the piece (the unit's own anchors)
    bookmarks: tuple[Bookmark, ...]
    phantoms: tuple[str, ...]  # anchors of other units kept as names (to resolve later)
    # What its margin boxes need, to re-make them alone (``pdf_margins``); None: it cannot.
    margins: pdf_margins.Margins | None = None


def lay_out(
    html: str,
    css: str,
    theme: Theme,
    assets: tuple[Asset, ...],
    first: str | None,
    stop: str | None,
    phantoms: frozenset[str],
    variant: str = DEFAULT_PDF_VARIANT,
    ask: Ask | None = None,
    press: PrintSpec | None = None,
    trim: str = "A4",
) -> Piece:
    """Lay out a unit's document; keep the pages from anchor ``first`` to before ``stop``.

    ``ask``, when given, defers the page counter (see ``_deferred_folios``): it is called
    with the unit's page count, page-counter increments and the counter of each anchor's
    page (counted from the one before the unit) once its pages are made, and returns what
    to add to the page counter of every page before the margin boxes are.
    ``press`` and ``trim`` (the @page size) make it print-ready, as ``pdf.write_pdf`` does.
    """
    quiet = KnownAltFilter()
    weasy_log = logging.getLogger("weasyprint")
    weasy_log.addFilter(quiet)
    deferred = _deferred_folios(first, stop, ask) if ask else contextlib.nullcontext()
    try:
        # Recording is entered first: the deferred folios' shift reaches what it records.
        with complexity_limit(), _fewer_collections(), pdf_margins.recording() as seen, deferred:
            document = HTML(
                string=html, base_url=ASSET_BASE, url_fetcher=AssetFetcher(assets)
            ).render(
                stylesheets=[_theme_css(theme, css)],
                font_config=_font_config(theme.path),
                cache=image_cache(),  # the drawn formulas' operators, not their SVG
            )
            pages = document.pages
            begin = _page_of(pages, first) if first else 0
            end = _page_of(pages, stop) if stop else len(pages)
            kept = pages[begin:end]
            own: dict[str, int] = {}
            for i, page in enumerate(kept):  # an element's anchor is on each of its pages
                for name in page.anchors:
                    own.setdefault(name, i)
            moved = tuple(sorted(phantoms - own.keys()))
            kept[-1].anchors.update(dict.fromkeys(moved, (0.0, 0.0, 0.0, 0.0)))
            meta = document.metadata  # as the whole-book writer dates and identifies it
            meta.created = meta.created or meta.modified
            ident = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
            margins = pdf_margins.needs(seen, begin, end) if first else None
            # One write for bodies and margins (one subset of each font), folded below.
            pdf = document.copy(pdf_margins.split(kept)).write_pdf(
                pdf_identifier=ident,
                attachments=[],
                finisher=functools.partial(
                    _finish, press=press, trim=trim, variant=variant, ident=ident
                ),
                pdf_variant=None if variant == "none" else variant,
                pdf_tags=variant != "none",
                **printpdf.write_options(press, variant),
            )
    finally:
        weasy_log.removeFilter(quiet)
    return Piece(
        margin_forms.fold(pdf),
        tuple(pagelabels.folio(_margin_texts(p._page_box)) for p in kept),
        {name: i for name, i in own.items() if name not in moved},
        tuple(
            (level, label, i, x, y)
            for i, page in enumerate(kept)
            for level, label, (x, y), _state in page.bookmarks
        ),
        moved,
        margins if margins and pdf_margins.reproducible(css) else None,
    )


def remargin(
    moved: Sequence[tuple[Piece, int]],
    head: str,
    css: str,
    theme: Theme,
    assets: tuple[Asset, ...],
    variant: str = DEFAULT_PDF_VARIANT,
) -> list[Piece] | None:
    """Return the pieces with their margin boxes made again from new page counters.

    ``moved`` gives each piece (with its ``margins``) and the page counter now before it;
    ``head`` is the book's HTML up to ``<body>``. One render of empty pages for all of them
    (``pdf_margins.skeleton``); None when its pages do not come out as recorded.
    """
    todo = [(before, piece.margins) for piece, before in moved if piece.margins]
    if len(todo) != len(moved):
        return None
    try:
        with complexity_limit(), _fewer_collections(), pdf_margins.remaking(todo) as seen:
            document = HTML(
                string=pdf_margins.skeleton(head, todo),
                base_url=ASSET_BASE,
                url_fetcher=AssetFetcher(assets),
            ).render(stylesheets=[_theme_css(theme, css)], font_config=_font_config(theme.path))
    except pdf_margins.Mismatch as exc:
        logging.getLogger("exporter").debug("margins laid out in full: %s", exc)
        return None
    pages = [[document.pages[i] for i in indexes] for indexes in seen["pages"]]
    flat = [page for unit in pages for page in unit]
    margins = pdf_margins.split(flat)[len(flat) :]
    data = document.copy(margins).write_pdf(pdf_tags=False, attachments=[])
    _kept, forms = margin_forms.forms(data, tagged=variant != "none")
    made, at = [], 0
    for (piece, before), unit in zip(moved, pages, strict=True):
        assert piece.margins is not None
        shift = before - piece.margins.before
        again = pdf_margins.Margins(
            piece.margins.carried,
            before,
            tuple((n, s, b, c + shift, t) for n, s, b, c, t in piece.margins.pages),
        )
        folios = tuple(pagelabels.folio(_margin_texts(p._page_box)) for p in unit)
        try:
            pdf = margin_forms.swap(piece.pdf, forms[at : at + len(unit)])
        except ValueError:
            return None
        made.append(Piece(pdf, folios, piece.anchors, piece.bookmarks, piece.phantoms, again))
        at += len(unit)
    return made


def _page_of(pages: list[object], anchor: str) -> int:
    """Return the index of the page that holds ``anchor``."""
    for index, page in enumerate(pages):
        if anchor in page.anchors:  # type: ignore[attr-defined]
            return index
    raise ValueError(f"unit layout lost its anchor #{anchor}")


@contextlib.contextmanager
def _deferred_folios(first: str | None, stop: str | None, ask: Ask) -> Iterator[None]:
    """Make the margin boxes with a page counter known only once the pages are laid out.

    A chapter's body does not depend on its folios (margin boxes do), so chapters can be
    laid out at once on several cores from page 0 and each told its first folio when the
    chapters before it know their page counts. WeasyPrint has no API for this: this wraps
    two functions of ``weasyprint.layout`` (checked on WeasyPrint 70.0): ``make_all_pages``
    to see the pages, and ``make_margin_boxes`` to shift the ``page`` counter of the page
    state it is given (``(quote_depth, counter_values, counter_scopes, page_groups)``,
    where ``context.page_maker[i + 1][3]`` is the state after page ``i``).
    ``tests/writers/test_incremental.py`` compares the result with a layout from the right
    folio.
    """

    def margin_boxes(make: Any, seen: dict[str, Any], context: Any, page: Any, state: Any) -> Any:
        if "shift" not in seen:
            pages = seen["boxes"]
            begin = _box_page(pages, first) if first else 0
            end = _box_page(pages, stop) if stop else len(pages)
            folios = [made[3][1]["page"][-1] for made in context.page_maker[begin : end + 1]]
            before = folios[0]
            anchors: dict[str, int] = {}
            for index in range(begin, end):
                for box in pages[index].descendants():
                    if box.style["anchor"]:
                        anchors.setdefault(box.style["anchor"], folios[index + 1 - begin] - before)
            seen["shift"] = ask(end - begin, folios[-1] - before, anchors)
        counters = {name: list(values) for name, values in state[1].items()}
        counters["page"][-1] += seen["shift"]
        return make(context, page, (state[0], counters, *state[2:]))

    with pdf_margins.hooked(margin_boxes):
        yield


def _box_page(pages: list[Any], anchor: str) -> int:
    """Return the index of the laid-out page box that holds ``anchor``."""
    for index, page in enumerate(pages):
        if any(box.style["anchor"] == anchor for box in page.descendants()):
            return index
    raise ValueError(f"unit layout lost its anchor #{anchor}")


def _finish(
    document: Any, pdf: pydyf.PDF, press: PrintSpec | None, trim: str, variant: str, ident: bytes
) -> None:
    """Finish a piece as the whole-document writer does: its tags, then the print parts."""
    pdftags.tidy(pdf, document.pages)
    printpdf.finish(pdf, press, trim, variant, ident)


@functools.cache
def system_fonts() -> bytes:
    """Return a digest of the fonts fontconfig offers: each file's path, size and time.

    A book's chapter cache keys hold it (``incremental.walk``): a fallback family installed
    or removed (fonts-noto-cjk, a newer release) changes which glyphs a chapter's text gets,
    while none of the book's own files changed. Once per process, as fontconfig reads its
    fonts once: made by the layout's preload (``incremental.build.preload``, 4 ms loading
    fontconfig's default configuration), before the document comes or a preview forks.
    """
    from weasyprint.text.ffi import ffi, fontconfig

    fonts = fontconfig.FcConfigGetFonts(ffi.NULL, fontconfig.FcSetSystem)
    digest = hashlib.sha256()
    if fonts == ffi.NULL:
        return digest.digest()
    found = ffi.new("FcChar8 **")
    names = []
    for i in range(fonts.nfont):
        if fontconfig.FcPatternGetString(fonts.fonts[i], b"file", 0, found) == 0:
            names.append(os.fsdecode(ffi.string(found[0])))
    for name in sorted(set(names)):
        try:
            info = os.stat(name)
        except OSError:
            continue
        digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.digest()
