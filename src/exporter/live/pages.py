"""PDF pages as PNG images for the preview, rendered on demand with pypdfium2.

Pages are rasterised when the browser asks for them (the page loads them lazily), so a
192-page book costs only the pages in view after each layout. PDFium is not thread-safe:
one lock serialises its calls across the server's threads.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict

_LOCK = threading.Lock()
SCALE = 1.25  # 96 dpi at 100% zoom would be 1.33; a little less keeps PNGs small and sharp


class PageImages:
    """The pages of the latest PDF as PNG bytes, cached per PDF version."""

    def __init__(self, keep: int = 64) -> None:
        self.keep = keep
        self._cache: OrderedDict[tuple[int, int], bytes] = OrderedDict()
        self._count: tuple[int, int] = (-1, 0)  # (version, pages) of the last PDF counted

    def count(self, pdf: bytes, version: int) -> int:
        """Return how many pages ``pdf`` (the PDF of ``version``) has."""
        import pypdfium2 as pdfium

        with _LOCK:
            if self._count[0] != version:
                document = pdfium.PdfDocument(pdf)
                try:
                    self._count = (version, len(document))
                finally:
                    document.close()
            return self._count[1]

    def png(self, pdf: bytes, version: int, number: int) -> bytes | None:
        """Return page ``number`` (1-based) of ``pdf`` as PNG, or None when there is none."""
        key = (version, number)
        with _LOCK:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            data = _render(pdf, number)
            if data is not None:
                self._cache[key] = data
                while len(self._cache) > self.keep:
                    self._cache.popitem(last=False)
            return data


def _render(pdf: bytes, number: int) -> bytes | None:
    """Rasterise one page (the caller holds the lock)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        if not 1 <= number <= len(document):
            return None
        image = document[number - 1].render(scale=SCALE).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()
