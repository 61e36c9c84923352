"""Write a book's full-wrap cover PDF (``NAME-cover.pdf``): the writer registered as ``cover``.

It reads the interior PDF made in the same build (``after=("pdf",)``) for its page count,
or makes one when the build makes none, since the spine's width depends on it. The sheet is
laid out by ``press.cover`` and drawn by the PDF writer with the same bleed, marks and
PDF/X output intent as the interior (a cover is for print: PDF/X-4 unless a pdf/x-*
variant is asked for).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from exporter.model import Document
from exporter.press import PrintSpec, trim_size
from exporter.press.cover import cover_page, sheet
from exporter.settings import PRINT_PDF_VARIANT, Settings
from exporter.themes import Theme
from exporter.themes.css import page_css
from exporter.writers import pdf, printpdf

log = logging.getLogger("exporter")


def write(doc: Document, theme: Theme, settings: Settings, made: Mapping[str, bytes]) -> bytes:
    """Return the cover PDF of ``doc``, its spine sized for the interior's page count."""
    interior = made.get("pdf") or pdf.write(doc, theme, settings, {})
    pages = page_count(interior)
    press = settings.press or PrintSpec()
    page = page_css(theme, settings.page_size)
    size = sheet(trim_size(page), pages, press, page)
    log.info(
        "cover: %d pages, spine %.2f mm%s",
        pages,
        size.spine / 72 * 25.4,
        "" if size.spine_text else " (too thin for spine text)",
    )
    html, css, assets = cover_page(doc, theme, size)
    css += printpdf.page_rules(press, page)
    variant = settings.pdf_variant
    return pdf.write_pdf(
        html,
        css,
        theme,
        assets,
        variant=variant if variant.startswith("pdf/x") else PRINT_PDF_VARIANT,
        press=press,
        page=page,
    )


def page_count(data: bytes) -> int:
    """Return the number of pages of a PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()
