"""A transform sees the whole Document between reading and rendering."""

from __future__ import annotations

from dataclasses import replace

from exporter.model import Document
from exporter.settings import Settings


def upper_titles(doc: Document, settings: Settings) -> Document:
    chapters = tuple(replace(c, title=c.title.upper()) for c in doc.chapters)
    return replace(doc, chapters=chapters)
