"""A printed book's front matter: the imprint (copyright) page and the table of contents.

Both are plain HTML the theme styles. The contents' page numbers are not computed here: each
entry is a link to its target, and the PDF theme prints the number with
``target-counter(attr(href url), page)`` after a ``leader('.')``, so they are always the
pages where WeasyPrint really placed the chapters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from exporter.model import Metadata


@dataclass(frozen=True)
class TocEntry:
    """One line of the printed contents: its depth (1 = chapter), text and link target."""

    level: int
    text: str
    target: str
    kind: str = ""  # "part" (a part's title), "front" (front matter: roman page numbers)


def _e(text: str) -> str:
    return escape(text, quote=True)


def paragraphs(*items: tuple[str, str]) -> list[str]:
    """Return a <p class=...> for each (class, HTML) pair whose HTML is not empty."""
    return [f'<p class="{cls}">{html}</p>' for cls, html in items if html]


def has_imprint(meta: Metadata) -> bool:
    """Tell whether the metadata says enough for an imprint page.

    Identifiers exporter derives itself (``urn:uuid:``) do not count: they are bookkeeping,
    not something a reader needs on a copyright page.
    """
    own_identifier = bool(meta.identifier) and not meta.identifier.startswith("urn:uuid:")
    return bool(meta.rights or meta.publisher or meta.date or own_identifier)


def imprint_page(meta: Metadata, date_html: str) -> str:
    """Return the imprint page: rights, publisher, identifier and date that are known."""
    lines = paragraphs(
        ("imprint-title", _e(meta.title)),
        ("imprint-authors", _e(", ".join(meta.authors))),
        ("rights", _e(meta.rights)),
        ("publisher", _e(meta.publisher)),
        ("imprint-date", date_html if meta.date else ""),
        ("identifier", _e(meta.identifier)),
    )
    body = "\n".join(lines)
    return f'<section class="imprint" id="imprint" role="doc-colophon">\n{body}\n</section>'


def contents_page(entries: Sequence[TocEntry], title: str) -> str:
    """Return the printed table of contents, under ``title``, as nested lists of links."""
    return (
        '<nav class="toc" id="contents" role="doc-toc">\n'
        f'<h1 class="toc-title">{_e(title)}</h1>\n{_nested(list(entries))}\n</nav>'
    )


def _nested(entries: list[TocEntry]) -> str:
    """Nest a flat list of entries by level: each entry's deeper followers become its list."""
    if not entries:
        return ""
    items, i = [], 0
    while i < len(entries):
        head, j = entries[i], i + 1
        while j < len(entries) and entries[j].level > head.level:
            j += 1
        link = f'<a href="#{_e(head.target)}">{_e(head.text)}</a>'
        kind = f" toc-{head.kind}" if head.kind else ""
        nested = _nested(entries[i + 1 : j])
        items.append(f'<li class="toc-level-{head.level}{kind}">{link}{nested}</li>')
        i = j
    return "<ol>" + "".join(items) + "</ol>"
