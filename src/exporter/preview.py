"""Render the first page of a sample article in each theme to PNG, so people choose by eye.

The sample is built in (a wheel carries no ``samples/`` folder) and uses what themes differ
in: the title block, a section heading, a footnote, a table and highlighted code. The PDF
page is rasterised with pypdfium2 (PDFium, the engine Chrome uses) and saved by Pillow.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from exporter.api import Source, read, render
from exporter.errors import UsageError
from exporter.guard.output import write_atomic
from exporter.themes import builtin_names, load_theme

SAMPLE = """---
title: The Shape of a Page
subtitle: How a theme turns the same words into a different book
author: Ada Writer
date: 2026-11-27
lang: en
---

Every theme of exporter reads the same semantic HTML. What changes is the face, the measure,
the space between lines and the small things a typesetter cares about: "curly quotes",
dashes -- like these --- and notes at the foot of the page.[^note] Long reading wants a
serif; a report wants a clean sans; documentation wants numbered sections and good code.

## Type and measure

A comfortable line holds some sixty to seventy characters. Margins scale with the page, so
an A5 proof keeps the proportions of an A4 draft, and chapters of a book open on a
right-hand page with the running heads the reader expects.

| Theme     | Face         | For              |
|:----------|:-------------|:-----------------|
| classic   | serif        | long reading     |
| modern    | sans         | reports          |
| technical | serif & sans | documentation    |

## Code that stays on the page

```python
import exporter

exporter.convert(["article.md"], formats=["pdf", "epub"], theme="technical")
```

Long lines wrap instead of running off the page, and the palette prints well in grey.

[^note]: A footnote sits on the page of its call in print, and opens as a pop-up in an
    EPUB reader.
"""


def preview_png(theme_name: str, *, dpi: int = 60) -> bytes:
    """Return the first page of the sample in one theme as PNG bytes."""
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - a declared dependency
        raise UsageError(
            "previews need pypdfium2 and pillow: pip install pypdfium2 pillow"
        ) from None
    doc = read([Source("preview.md", SAMPLE.encode(), "md")])
    pdf = pdfium.PdfDocument(render(doc, "pdf", load_theme(theme_name)))
    try:
        image = pdf[0].render(scale=dpi / 72).to_pil()
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def write_previews(
    folder: str | os.PathLike[str], *, dpi: int = 60, themes: list[str] | None = None
) -> list[Path]:
    """Write ``THEME.png`` into ``folder`` for each built-in theme; return the paths."""
    written = []
    for name in themes or builtin_names():
        path = Path(folder) / f"{name}.png"
        write_atomic(path, preview_png(name, dpi=dpi))
        written.append(path)
    return written
