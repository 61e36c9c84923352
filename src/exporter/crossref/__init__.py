"""Numbered figures, tables, listings, equations and sections, and references to them.

A transform (priority 20, before the citations' 30): it reads the labels
(``crossref.labels``), numbers what carries one (``crossref.numbering``) and turns
``@fig:x`` into links that say "Figure 2.3" (``crossref.references``), in the document's
language. The links are plain ``a.xref`` with ``href="#fig-x"``: the EPUB writer points
them at the chapter file that holds the target, and the PDF's print stylesheet adds the
page the target is on (", p. 41", ``target-counter``; see ``crossref.css``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exporter.model import Document
    from exporter.settings import Settings

# Anything that may be a label or a reference: a chapter without any is left as it was,
# without importing the transform's modules (a book with none pays nothing for them).
_HINT = re.compile(r"@|\{#|id=\"(?:fig|tbl|lst|eq|sec)[:-]")


def number(doc: Document, settings: Settings) -> Document:
    """Number the labelled things of ``doc`` and resolve the references to them."""
    if not any(_HINT.search(c.html) or "{#" in c.title for c in doc.chapters):
        return doc
    from exporter.crossref.transform import number as numbered

    return numbered(doc, settings)
