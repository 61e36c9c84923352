"""exporter: turn articles (Markdown, plain text, HTML) into typeset PDF and EPUB 3 books.

>>> import exporter
>>> exporter.convert(["article.md"], formats=["pdf", "epub"], output_dir="out")
[PosixPath('out/article.pdf'), PosixPath('out/article.epub')]
"""

from __future__ import annotations

from exporter.api import Source, build_date, convert, read, render
from exporter.errors import (
    ExporterError,
    LimitError,
    OutputError,
    SourceError,
    StrictError,
    ThemeError,
    UsageError,
)
from exporter.model import Asset, Chapter, Document, Heading, Metadata
from exporter.themes import Theme, list_themes, load_theme

__version__ = "0.1.0"

__all__ = [
    "Asset",
    "Chapter",
    "Document",
    "ExporterError",
    "Heading",
    "LimitError",
    "Metadata",
    "OutputError",
    "Source",
    "SourceError",
    "StrictError",
    "Theme",
    "ThemeError",
    "UsageError",
    "__version__",
    "build_date",
    "convert",
    "list_themes",
    "load_theme",
    "read",
    "render",
]
