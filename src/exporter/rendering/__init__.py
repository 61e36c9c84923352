"""Render a Document and a Theme into the HTML intermediate every writer starts from.

The markup is the contract themes style (``styles/README.md``). Footnotes are written once
in the model; this stage gives them their two shapes: ``aside`` notes after the chapter for
EPUB and HTML (pop-ups in e-readers), or ``span.fn`` at the call site for the PDF, where
``float: footnote`` puts each at the foot of its page.
"""

from __future__ import annotations

import datetime as dt

from exporter.ids import chapter_id
from exporter.markup import EPUB_NS, XHTML_NS
from exporter.markup import attr as _e
from exporter.model import Document, Metadata
from exporter.rendering.frontmatter import (
    TocEntry,
    contents_page,
    has_imprint,
    imprint_page,
    paragraphs,
)
from exporter.rendering.notes import chapter_body
from exporter.rendering.profile import EPUB, HTML, PDF, PROFILES, Profile, Target

__all__ = [
    "EPUB",
    "EPUB_NS",
    "HTML",
    "PDF",
    "PROFILES",
    "XHTML_NS",
    "Profile",
    "Target",
    "body_class",
    "creators",
    "has_code",
    "language",
    "render_body_part",
    "render_document",
]


def render_document(doc: Document, target: Target, css: str = "") -> str:
    """Return the whole publication as one HTML document (PDF and standalone HTML)."""
    body = "\n".join(body_parts(doc, target))
    style = f"<style>\n{css}\n</style>\n" if css else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(language(doc.metadata))}">\n<head>\n<meta charset="utf-8"/>\n'
        f"{head_meta(doc.metadata, target.modified)}{style}</head>\n"
        f'<body class="{body_class(doc, target)}">\n{body}\n</body>\n</html>\n'
    )


def body_parts(doc: Document, target: Target) -> list[str]:
    """Return the body in reading order: an article's chapters, or a book's two matters.

    A book's front matter (title page; in print, the imprint and the contents) and its main
    matter (the chapters) are wrapped apart, so a theme can number their pages differently.
    """
    chapters = [render_body_part(doc, i, target) for i in range(1, len(doc.chapters) + 1)]
    if not doc.is_book:
        return chapters
    front = [render_body_part(doc, 0, target)]
    if target.profile.printed_front_matter:
        if has_imprint(doc.metadata):
            front.append(imprint_page(doc.metadata, _date(doc.metadata)))
        front.append(contents_page(toc_entries(doc, target.toc_depth), language(doc.metadata)))
    return [
        '<div class="front-matter">',
        *front,
        '</div>\n<div class="main-matter">',
        *chapters,
        "</div>",
    ]


def toc_entries(doc: Document, depth: int) -> list[TocEntry]:
    """Return the printed contents: chapters (level 1), then sections down to ``depth``."""
    entries = []
    for index, chapter in enumerate(doc.chapters, start=1):
        entries.append(TocEntry(1, chapter.title, chapter_id(index)))
        entries += [TocEntry(h.level, h.text, h.id) for h in chapter.headings if h.level <= depth]
    return entries


def body_class(doc: Document, target: Target) -> str:
    """Return the body's classes: the layout, the output kind and the notes' numbering."""
    layout = "layout-book" if doc.is_book else "layout-article"
    return f"exporter {layout} target-{target.name} notes-per-{target.note_numbering}"


def render_body_part(doc: Document, index: int, target: Target) -> str:
    """Return part ``index`` of the body: 0 is a book's title page, 1.. are chapters."""
    if index == 0:
        return title_page(doc, target)
    chapter = doc.chapters[index - 1]
    divider = part_divider(doc, index, target)
    if doc.is_book or index > 1:
        heading = (
            f'<h1 class="chapter-title" id="{chapter_id(index)}-title">{_e(chapter.title)}</h1>\n'
        )
    else:
        heading = title_block(doc.metadata)
    offset = note_offset(doc, index) if target.note_numbering == "book" else 0
    body = chapter_body(chapter, target, offset, initial=target.profile.initials and doc.is_book)
    kind = "" if chapter.type == "chapter" else f" {chapter.type}"
    kind += f" level-{min(chapter.level, 4)}" if chapter.level > 1 else ""  # a sub-chapter
    role = f' role="doc-{chapter.type}"' if chapter.type in _ROLES else ""
    return (
        f'{divider}<section class="chapter{kind}" id="{chapter_id(index)}"'
        f"{target.epub_type(chapter.type)}{role}>\n"
        f"{heading}{body}\n</section>"
    )


# The DPUB-ARIA roles a section may take; other EPUB types (halftitlepage) get none.
_ROLES = {
    "chapter", "appendix", "dedication", "epigraph", "foreword", "preface", "prologue",
    "introduction", "acknowledgments", "afterword", "epilogue", "conclusion", "glossary",
    "bibliography", "index", "colophon", "endnotes",
}  # fmt: skip


def part_divider(doc: Document, index: int, target: Target) -> str:
    """Return a part's title page when chapter ``index`` opens a new part, else ''."""
    part = doc.chapters[index - 1].part
    if not part or (index > 1 and doc.chapters[index - 2].part == part):
        return ""
    return (
        f'<section class="part" id="{chapter_id(index)}-part"{target.epub_type("part")}'
        f' role="doc-part">\n<h1 class="part-title">{_e(part)}</h1>\n</section>\n'
    )


def title_page(doc: Document, target: Target) -> str:
    """Return a book's title page: the title block on a page of its own."""
    kind = target.epub_type("titlepage")
    block = title_block(doc.metadata)
    return f'<section class="title-page" id="title-page"{kind}>\n{block}</section>'


def note_offset(doc: Document, index: int) -> int:
    """Return how many notes come before chapter ``index``, for numbering notes per book."""
    return sum(len(chapter.notes) for chapter in doc.chapters[: index - 1])


def title_block(meta: Metadata) -> str:
    """Return the title block: title, subtitle, authors and date that are known."""
    parts = [
        f'<h1 class="title">{_e(meta.title)}</h1>',
        *paragraphs(
            ("subtitle", _e(meta.subtitle)),
            ("authors", _e(", ".join(meta.authors))),
            ("date", _date(meta) if meta.date else ""),
        ),
    ]
    return '<header class="title-block">\n' + "\n".join(parts) + "\n</header>\n"


def _date(meta: Metadata) -> str:
    try:
        day = dt.date.fromisoformat(meta.date[:10])
    except ValueError:
        return _e(meta.date)
    shown = f"{day.day} {day:%B %Y}" if language(meta).startswith("en") else day.isoformat()
    return f'<time datetime="{day.isoformat()}">{shown}</time>'


def creators(meta: Metadata) -> tuple[str, ...]:
    """Return the authors for file metadata: "Unknown" when none is known, as calibre does."""
    return meta.authors or ("Unknown",)


def language(meta: Metadata) -> str:
    """Return the publication's language tag (English when none is known)."""
    return meta.lang or "en"


def head_meta(meta: Metadata, modified: str = "") -> str:
    """Return <title> and the <meta> tags WeasyPrint maps to PDF metadata."""
    tags = [
        f"<title>{_e(meta.title)}</title>",
        f'<meta name="author" content="{_e(", ".join(creators(meta)))}"/>',
    ]
    if meta.description:
        tags.append(f'<meta name="description" content="{_e(meta.description)}"/>')
    if meta.keywords:
        tags.append(f'<meta name="keywords" content="{_e(", ".join(meta.keywords))}"/>')
    if meta.date:
        tags.append(f'<meta name="dcterms.created" content="{_e(meta.date)}"/>')
    if modified:
        tags.append(f'<meta name="dcterms.modified" content="{_e(modified)}"/>')
    tags.append('<meta name="generator" content="exporter"/>')
    return "\n".join(tags) + "\n"


def has_code(doc: Document) -> bool:
    """Tell whether any chapter holds a highlighted code block."""
    return any('class="highlight"' in chapter.html for chapter in doc.chapters)
