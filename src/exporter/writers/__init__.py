"""Writers turn a Document into output bytes: pdf, epub, html, and plugins' formats.

Each writer module imports its heavy library itself and is imported only when its format is
chosen (``exporter.formats.WRITERS``), so an EPUB export never pays for WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from exporter.formats import WRITERS
from exporter.guard.policy import check_depth
from exporter.model import Document
from exporter.settings import Settings
from exporter.themes import Theme


def write(
    doc: Document, fmt: str, theme: Theme, settings: Settings, made: Mapping[str, bytes]
) -> bytes:
    """Return ``doc`` in format ``fmt``; ``made`` holds the outputs of formats built before."""
    spec = WRITERS.get(fmt)
    if settings.layout:
        doc = replace(doc, layout=settings.layout)
    for number, chapter in enumerate(doc.chapters, start=1):
        check_depth(chapter.html, str(chapter.source or f"chapter {number}"))
    return spec.load()(doc, theme, settings, {f: made[f] for f in spec.after if f in made})
