"""PDF pages as PNG images for the preview, rendered on demand with pypdfium2.

The preview shows a list of pages, each a page of some PDF: the book's last assembled
PDF, or a chapter's piece laid out since (shown at its place in the book before the whole
is assembled). Each page has a tag that changes when its image may have changed, so the
browser reloads only those. Pages are rasterised when the browser asks for them (the page
loads them lazily), so a 192-page book costs only the pages in view after each layout.
PDFium is not thread-safe: one lock serialises its calls across the server's threads.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

_LOCK = threading.Lock()
SCALE = 1.25  # 96 dpi at 100% zoom would be 1.33; a little less keeps PNGs small and sharp


@dataclass(frozen=True)
class Page:
    """One page the preview shows: page ``index`` of ``pdf``, and its image's tag."""

    pdf: bytes
    index: int
    tag: str


def pages_of(pdf: bytes, serial: int) -> tuple[Page, ...]:
    """Return the pages of ``pdf``, tagged with ``serial`` (new for every PDF shown)."""
    import pypdfium2 as pdfium

    with _LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            count = len(document)
        finally:
            document.close()
    return tuple(Page(pdf, index, f"{serial}.{index}") for index in range(count))


def spliced(pages: Sequence[Page], at: int, was: int, new: Sequence[Page]) -> tuple[Page, ...]:
    """Return ``pages`` with the ``was`` pages from index ``at`` replaced by ``new``."""
    return (*pages[:at], *new, *pages[at + was :])


class PageImages:
    """Page images as PNG bytes, and their text, cached by the page's tag."""

    def __init__(self, keep: int = 64) -> None:
        self.keep = keep
        self._cache: OrderedDict[str, bytes] = OrderedDict()

    def png(self, page: Page) -> bytes:
        """Return the page as PNG."""
        with _LOCK:
            if page.tag in self._cache:
                self._cache.move_to_end(page.tag)
                return self._cache[page.tag]
            data = _render(page.pdf, page.index)
            self._cache[page.tag] = data
            while len(self._cache) > self.keep:
                self._cache.popitem(last=False)
            return data

    def text(self, page: Page) -> str:
        """Return the page's text (for scripts and tests that check what a page says)."""
        import pypdfium2 as pdfium

        with _LOCK:
            document = pdfium.PdfDocument(page.pdf)
            try:
                textpage = document[page.index].get_textpage()
                return str(textpage.get_text_range())
            finally:
                document.close()


def _render(pdf: bytes, index: int) -> bytes:
    """Rasterise one page (the caller holds the lock)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        image = document[index].render(scale=SCALE).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()
