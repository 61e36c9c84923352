"""exporter: turn articles (Markdown, plain text, HTML) into typeset PDF and EPUB 3 books.

>>> import exporter
>>> exporter.convert(["article.md"], formats=["pdf", "epub"], output_dir="out")
[PosixPath('out/article.pdf'), PosixPath('out/article.epub')]

Names are imported on first use, so ``exporter --help`` and scripts that need one corner of
the package do not pay for the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Source": "api",
    "build_date": "api",
    "convert": "api",
    "read": "api",
    "render": "api",
    "ExporterError": "errors",
    "LimitError": "errors",
    "OutputError": "errors",
    "PartialError": "errors",
    "SourceError": "errors",
    "StrictError": "errors",
    "ThemeError": "errors",
    "UsageError": "errors",
    "Asset": "model",
    "Chapter": "model",
    "Document": "model",
    "Heading": "model",
    "Metadata": "model",
    "RenderOptions": "settings",
    "Settings": "settings",
    "InternalError": "errors",
    "Theme": "themes",
    "list_themes": "themes",
    "load_theme": "themes",
}

__all__ = [
    "Asset",
    "Chapter",
    "Document",
    "ExporterError",
    "Heading",
    "InternalError",
    "LimitError",
    "Metadata",
    "OutputError",
    "PartialError",
    "RenderOptions",
    "Settings",
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

if TYPE_CHECKING:
    from exporter.api import Source, build_date, convert, read, render
    from exporter.errors import (
        ExporterError,
        InternalError,
        LimitError,
        OutputError,
        PartialError,
        SourceError,
        StrictError,
        ThemeError,
        UsageError,
    )
    from exporter.model import Asset, Chapter, Document, Heading, Metadata
    from exporter.settings import RenderOptions, Settings
    from exporter.themes import Theme, list_themes, load_theme


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'exporter' has no attribute '{name}'")
    value = getattr(importlib.import_module(f"exporter.{module}"), name)
    globals()[name] = value
    return value
