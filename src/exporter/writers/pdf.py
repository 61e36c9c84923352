"""Write a PDF with WeasyPrint: with ``linebreak``, the only modules that import it.

The intermediate HTML reaches files only through ``AssetFetcher`` (the document's registered
assets) and the theme's CSS only through ``ThemeFetcher`` (regular files inside the theme
folder): no network, no other local file, so no attachment or image can smuggle a file in.
The font configuration and the parsed theme CSS are made once per process and reused, which
keeps memory flat over many documents and saves the parse. ``linebreak`` mends a fault of
WeasyPrint's line breaking.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import logging
import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from urllib.request import url2pathname

import pydyf
from weasyprint import CSS, HTML
from weasyprint.formatting_structure.boxes import MarginBox
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from exporter.crossref import pages as index_pages
from exporter.model import Asset, Document
from exporter.press import PrintSpec
from exporter.rendering import PDF, Target, direction, has_code, render_document
from exporter.rendering.dates import build_date
from exporter.settings import DEFAULT_PDF_VARIANT, Settings
from exporter.themes import Theme, font_files
from exporter.themes.css import RTL_PRINT_BASICS, mirrored, page_css, stylesheet
from exporter.themes.user import user_css
from exporter.writers import linebreak, pagelabels, pdftags, printpdf
from exporter.writers.glyphs import missing_glyphs_by_script
from exporter.writers.pdf_formulas import image_cache
from exporter.writers.pdflog import (
    KnownAltFilter,
    SubsetterNotice,
    complexity_limit,
    font_timestamps,
)

log = logging.getLogger("exporter")

ASSET_BASE = "file:///exporter-assets/"

linebreak.install()  # WeasyPrint 70 cuts a line that fits but for a trailing space

_DRAWN = "data:image/svg+xml;base64,"  # a formula's drawing (exporter.math.draw)


class AssetFetcher(URLFetcher):
    """Serve the document's registered assets, and the drawn formulas' SVG data: URLs.

    Sources never reach a data: URL (the sanitizer keeps http, https and mailto only):
    those in the HTML are the formulas exporter.math.draw made.
    """

    def __init__(self, assets: tuple[Asset, ...]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self._assets = {ASSET_BASE + asset.name: asset for asset in assets}

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith(_DRAWN):
            return super().fetch(url, headers)
        asset = self._assets.get(url.split("?")[0].split("#")[0])
        if asset is None:
            raise ValueError(f"blocked: {url} is not one of the document's files")
        return URLFetcherResponse(url, body=asset.data, headers={"Content-Type": asset.media_type})


class ThemeFetcher(URLFetcher):
    """Serve regular files inside one theme folder (its fonts and images) and data: URLs."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self._root = Path(os.path.realpath(root))

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith("file:"):
            raise ValueError(f"blocked: themes may only use their own files, not {url}")
        path = Path(os.path.realpath(url2pathname(url.split("?")[0].removeprefix("file:"))))
        if not path.is_relative_to(self._root) or not stat.S_ISREG(path.stat().st_mode):
            raise ValueError(f"blocked: {url} is outside the theme folder")
        return URLFetcherResponse(url, body=path.read_bytes())


@functools.cache
def _font_config(theme: Path) -> FontConfiguration:
    # One per theme, shared by all its renders (memory stays flat): @font-face rules of
    # two themes must not meet in one configuration, where a family name one theme maps
    # to its own file could resolve to the other's, and layout would depend on which
    # theme the process happened to load first.
    return FontConfiguration()


@functools.cache
def _theme_css(theme: Theme, css: str) -> CSS:
    return CSS(
        string=css,
        base_url=theme.path.as_uri() + "/",
        url_fetcher=ThemeFetcher(theme.path),
        font_config=_font_config(theme.path),
    )


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Let the cyclic garbage collector skip what was loaded before, and run less often.

    Layout makes millions of short-lived objects and few cycles, and every collection
    walks the imported modules' objects too: freezing them and raising the first
    threshold made a 70-page render ~4% faster (median of paired runs).
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def write(doc: Document, theme: Theme, settings: Settings, made: Mapping[str, bytes]) -> bytes:
    """Return the PDF of ``doc`` in ``theme``: the writer registered as ``pdf``."""
    source = str(doc.sources[0]) if doc.sources else ""
    with font_timestamps(int(build_date(doc).timestamp())), missing_glyphs_by_script(source):
        return write_pdf(
            pdf_html(doc, theme, settings),
            print_css(theme, settings, doc),
            theme,
            doc.assets,
            variant=settings.pdf_variant,
            press=settings.press,
            page=page_css(theme, settings.page_size),
        )


def pdf_html(doc: Document, theme: Theme, settings: Settings) -> str:
    """Return the HTML this writer hands WeasyPrint (with ``print_css``)."""
    return render_document(doc, pdf_target(doc, theme, settings))


def pdf_target(doc: Document, theme: Theme, settings: Settings) -> Target:
    """Return the rendering target of a PDF: code lines fitted, formulas drawn ahead."""
    modified = build_date(doc).strftime("%Y-%m-%dT%H:%M:%SZ")
    target = Target.of(PDF, theme, settings, modified)
    if has_code(doc) or any("<table" in chapter.html for chapter in doc.chapters):
        css = print_css(theme, settings, doc)  # code lines fitted, table columns sized
        target = replace(target, code_columns=code_columns(theme, css, doc.is_book))
    if any("<math" in chapter.html for chapter in doc.chapters):
        from exporter.math.draw import draw_ahead  # formulas drawn on two cores

        draw_ahead(
            [chapter.html for chapter in doc.chapters]
            + [note for chapter in doc.chapters for _, note in chapter.notes],
            Path(settings.cache_dir) if settings.cache_dir else None,  # drawings kept there
        )
    return target


@functools.cache
def code_columns(theme: Theme, css: str, book: bool) -> int:
    """Return how many characters of a code block fit on a line, for this theme and page.

    Measured by laying out one long line (a few ms, once per theme, page size and layout),
    so a theme's margins, code font and size are read as WeasyPrint reads them.
    """
    layout = "layout-book" if book else "layout-article"
    probe = (
        f'<html><body class="exporter {layout} target-pdf"><div class="main-matter">'
        f'<section class="chapter"><div class="highlight"><pre>{"0" * 400}</pre></div>'
        "</section></div></body></html>"
    )
    document = HTML(string=probe).render(
        stylesheets=[_theme_css(theme, css)], font_config=_font_config(theme.path)
    )
    pre = next(_boxes(document.pages[0]._page_box, "pre"), None)
    line = next(iter(getattr(pre, "children", ())), None)
    return len("".join(_texts(line))) if line is not None else 0


def _boxes(box: object, tag: str) -> Iterator[object]:
    """Yield the laid-out boxes of elements named ``tag`` under ``box``."""
    if getattr(box, "element_tag", None) == tag:
        yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child, tag)


def print_css(theme: Theme, settings: Settings, doc: Document | None = None) -> str:
    """Return the print stylesheet: parsed once per theme and page size, shared by documents.

    It always has the code colours, so one parse serves documents with and without code.
    Mirrored for a right-to-left ``doc``; then the user's stylesheets (the book's, then
    ``settings.css``) and a print-ready PDF's bleed and marks (``settings.press``).
    """
    css = stylesheet(theme, PDF.stylesheet, settings.page_size, code=True)
    if doc is not None and direction(doc.metadata) == "rtl":
        css = mirrored(css) + RTL_PRINT_BASICS
    css += user_css("pdf", doc.metadata.css if doc else (), settings.css)
    if settings.press:
        css += printpdf.page_rules(settings.press, page_css(theme, settings.page_size))
    return css


def input_files(doc: Document, theme: Theme, settings: Settings) -> dict[str, bytes]:
    """Return the PDF's exact WeasyPrint input as files: ``weasyprint -s style.css index.html``.

    The HTML and CSS are the ones this writer uses; the theme's fonts and the document's
    images sit beside them under the relative names both already use.
    """
    files = {
        "index.html": pdf_html(doc, theme, settings).encode(),
        "style.css": print_css(theme, settings, doc).encode(),
    }
    files.update({name: data for name, data, _ in font_files(theme)})
    files.update({asset.name: asset.data for asset in doc.assets})
    return files


def write_pdf(
    html: str,
    css: str,
    theme: Theme,
    assets: tuple[Asset, ...],
    variant: str = DEFAULT_PDF_VARIANT,
    press: PrintSpec | None = None,
    page: str = "A4",
) -> bytes:
    """Render the intermediate HTML with the theme's print CSS; return the PDF's bytes.

    ``variant`` is one of WeasyPrint's PDF variants (the default, pdf/ua-1, is tagged) or
    "none" for an untagged PDF. Every variant is tagged: an archival or print PDF gains
    a structure tree at no cost to its standard, and screen readers can read it. ``press``
    makes it print-ready (``page``, the @page size, is the trim size it is bled from).
    """
    stylesheet = _theme_css(theme, css)
    quiet, notice = KnownAltFilter(), SubsetterNotice()
    weasy_log = logging.getLogger("weasyprint")
    weasy_log.addFilter(quiet)
    weasy_log.addFilter(notice)
    try:
        with complexity_limit(), _fewer_collections():
            document = HTML(
                string=html, base_url=ASSET_BASE, url_fetcher=AssetFetcher(assets)
            ).render(
                stylesheets=[stylesheet],
                font_config=_font_config(theme.path),
                cache=image_cache(),
            )
            again = _index_pages(document, html) if index_pages.MARK in html else None
            if again is not None:  # the index's pages, read from the first layout
                document = HTML(
                    string=again, base_url=ASSET_BASE, url_fetcher=AssetFetcher(assets)
                ).render(
                    stylesheets=[stylesheet],
                    font_config=_font_config(theme.path),
                    cache=image_cache(),
                )
            # WeasyPrint's PDF/X stamps the current time as the creation date when the
            # HTML gives none: the build's date keeps the bytes the same from run to run.
            meta = document.metadata
            meta.created = meta.created or meta.modified
            # A stable identifier: the same content gives the same bytes.
            ident = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
            return document.write_pdf(
                pdf_identifier=ident,
                attachments=[],
                finisher=functools.partial(
                    _finish, press=press, page=page, variant=variant, ident=ident
                ),
                pdf_variant=None if variant == "none" else variant,
                pdf_tags=variant != "none",
                **printpdf.write_options(press, variant),
            )
    finally:
        weasy_log.removeFilter(quiet)
        weasy_log.removeFilter(notice)


def _finish(
    document: object,
    pdf: pydyf.PDF,
    press: PrintSpec | None,
    page: str,
    variant: str,
    ident: bytes,
) -> None:
    """Label the pages; finish the tags (``pdftags``); make a print PDF's boxes and intent."""
    _label_pages(document, pdf)
    pdftags.tidy(pdf, document.pages)  # type: ignore[attr-defined]
    printpdf.finish(pdf, press, page, variant, ident)


def _index_pages(document: object, html: str) -> str | None:
    """Return the HTML with the index's page numbers written out (crossref.pages)."""
    pages = document.pages  # type: ignore[attr-defined]
    where = {anchor: i for i, page in enumerate(pages) for anchor in page.anchors}
    labels = pagelabels.labels([pagelabels.folio(_margin_texts(p._page_box)) for p in pages])
    folios = [str(n) if style == "D" else index_pages.roman(n) for style, n in labels]
    return index_pages.resolve(html, where, folios)


def _label_pages(document: object, pdf: pydyf.PDF) -> None:
    """Give the PDF page labels equal to the folios printed on its pages (/PageLabels)."""
    folios = [pagelabels.folio(_margin_texts(page._page_box)) for page in document.pages]  # type: ignore[attr-defined]
    runs = pagelabels.ranges(pagelabels.labels(folios))
    if runs:
        nums: list[object] = []
        for index, style, start in runs:
            nums += [index, pydyf.Dictionary({"S": f"/{style}", "St": start})]
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(nums)})


def _margin_texts(page_box: object) -> list[str]:
    """Return the text of each margin box of a laid-out page (running heads, folios)."""
    return [
        "".join(_texts(box))
        for box in getattr(page_box, "children", ())
        if isinstance(box, MarginBox)
    ]


def _texts(box: object) -> Iterator[str]:
    text = getattr(box, "text", None)
    if isinstance(text, str):
        yield text
    for child in getattr(box, "children", ()):
        yield from _texts(child)


def preload(theme: Theme, settings: Settings) -> None:
    """Parse the theme's print CSS and load its fonts now, for the renders to come."""
    _theme_css(theme, print_css(theme, settings))


def css_parses() -> int:
    """Return how many times this process parsed theme CSS (cache misses)."""
    return _theme_css.cache_info().misses
