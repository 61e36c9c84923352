"""Writers turn the HTML intermediate into output bytes: pdf, epub, html.

Each writer module imports its heavy library itself, so choosing a format is what decides
what gets imported: an EPUB export never pays for WeasyPrint.
"""

from __future__ import annotations

FORMATS = ("pdf", "epub", "html")
