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
from exporter.rendering import matter
from exporter.rendering.codewrap import wrap_code
from exporter.rendering.frontmatter import (
    TocEntry,
    contents_page,
    has_imprint,
    imprint_page,
    paragraphs,
)
from exporter.rendering.notes import chapter_body
from exporter.rendering.profile import EPUB, HTML, PDF, PROFILES, Profile, Target
from exporter.rendering.typeset import typeset
from exporter.rendering.words import long_date, numbered
from exporter.rendering.words import words as _words
from exporter.scripts import code_left_to_right, direction_of

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
    "dir_attr",
    "direction",
    "has_code",
    "language",
    "render_body_part",
    "render_document",
    "words_of",
]


def render_document(
    doc: Document, target: Target, css: str = "", parts: list[str] | None = None
) -> str:
    """Return the whole publication as one HTML document (PDF and standalone HTML).

    ``parts`` are the body's, when the caller has them already (``body_parts``, same target).
    """
    body = "\n".join(body_parts(doc, target) if parts is None else parts)
    style = f"<style>\n{css}\n</style>\n" if css else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(language(doc.metadata))}"{dir_attr(doc.metadata)}>\n'
        '<head>\n<meta charset="utf-8"/>\n'
        f"{head_meta(doc.metadata, target.modified)}{style}</head>\n"
        f'<body class="{body_class(doc, target)}">\n{body}\n</body>\n</html>\n'
    )


def body_parts(doc: Document, target: Target) -> list[str]:
    """Return the body in reading order: an article's chapters, or a book's two matters.

    A book's front matter (title page; in print, the imprint and the contents; its
    dedication, preface, ...) and its main matter (the rest) are wrapped apart, so a theme
    can number their pages differently (i, ii, iii, then 1, 2, 3).
    """
    chapters = [render_body_part(doc, i, target) for i in range(1, len(doc.chapters) + 1)]
    if not doc.is_book:
        return chapters
    count = matter.front_count(doc)
    front_chapters = zip(chapters[:count], doc.chapters[:count], strict=True)
    placed = [(html, matter.before_contents(c)) for html, c in front_chapters]
    opening = [html for html, before in placed if before]
    rest = [html for html, before in placed if not before]
    front = [render_body_part(doc, 0, target)]
    if target.profile.printed_front_matter:
        if has_imprint(doc.metadata):
            front.append(imprint_page(doc.metadata, _date(doc.metadata)))
        front += opening
        entries = toc_entries(doc, target.toc_depth)
        front.append(contents_page(entries, words_of(doc, target)["contents"]))
    else:
        front += opening
        if target.profile.linked_contents:
            entries = toc_entries(doc, target.toc_depth)
            front.append(contents_page(entries, words_of(doc, target)["contents"]))
    return [
        '<div class="front-matter">',
        *front,
        *rest,
        '</div>\n<div class="main-matter">',
        *chapters[count:],
        "</div>",
    ]


def toc_entries(doc: Document, depth: int) -> list[TocEntry]:
    """Return the printed contents: parts, chapters (level 1), sections down to ``depth``.

    Front matter set before the contents (a dedication) is not listed; the rest of the
    front matter is marked ``front``, for its roman page numbers.
    """
    entries = []
    count = matter.front_count(doc) if doc.is_book else 0
    for index, chapter in enumerate(doc.chapters, start=1):
        if index <= count and matter.before_contents(chapter):
            continue
        if doc.is_book and opens_part(doc, index):
            entries.append(TocEntry(1, chapter.part, f"{chapter_id(index)}-part", "part"))
        kind = "front" if index <= count else ""
        entries.append(TocEntry(1, chapter.title, chapter_id(index), kind))
        entries += [
            TocEntry(h.level, h.text, h.id, kind) for h in chapter.headings if h.level <= depth
        ]
    return entries


def words_of(doc: Document, target: Target) -> dict[str, str]:
    """Return the words exporter writes, in the book's language, as theme and book set them."""
    return _words(language(doc.metadata), dict(target.words), dict(doc.metadata.words))


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
    label = matter.label(doc, index, words_of(doc, target))
    if doc.is_book or index > 1:
        data = f' data-label="{_e(label)}"' if label else ""
        heading = (
            f'<h1 class="chapter-title" id="{chapter_id(index)}-title"{data}>'
            f"{_e(chapter.title)}</h1>\n"
        )
    else:
        heading = title_block(doc.metadata, words_of(doc, target))
    offset = note_offset(doc, index) if target.note_numbering == "book" else 0
    body = chapter_body(chapter, target, offset, initial=target.profile.initials and doc.is_book)
    if target.profile.draws_math and "<math" in body:  # the drawing modules only if needed
        from exporter.math.draw import draw_all

        body = draw_all(body)
    kind = "" if chapter.type == "chapter" else f" {chapter.type}"
    kind += " numbered" if label else ""  # a theme may show the label, or count them
    kind += f" level-{min(chapter.level, 4)}" if chapter.level > 1 else ""  # a sub-chapter
    role = f' role="doc-{chapter.type}"' if chapter.type in _ROLES else ""
    part = (
        f'{divider}<section class="chapter{kind}" id="{chapter_id(index)}"'
        f"{target.epub_type(chapter.type)}{role}>\n"
        f"{heading}{body}\n</section>"
    )
    if target.code_columns:
        part = wrap_code(part, target.code_columns)
    if direction(doc.metadata) == "rtl":
        part = code_left_to_right(part)
    if not target.profile.typeset:
        return part
    return typeset(part, columns=target.code_columns)


# The DPUB-ARIA roles a section may take; other EPUB types (halftitlepage) get none.
_ROLES = {
    "chapter", "appendix", "dedication", "epigraph", "foreword", "preface", "prologue",
    "introduction", "acknowledgments", "afterword", "epilogue", "conclusion", "glossary",
    "bibliography", "index", "colophon", "endnotes",
}  # fmt: skip


def part_divider(doc: Document, index: int, target: Target) -> str:
    """Return a part's title page when chapter ``index`` opens a new part, else ''."""
    if not opens_part(doc, index):
        return ""
    part = doc.chapters[index - 1].part
    return (
        f'<section class="part" id="{chapter_id(index)}-part"{target.epub_type("part")}'
        f' role="doc-part">\n<h1 class="part-title">{_e(part)}</h1>\n</section>\n'
    )


def opens_part(doc: Document, index: int) -> bool:
    """Tell whether chapter ``index`` is the first of a part."""
    part = doc.chapters[index - 1].part
    return bool(part) and (index == 1 or doc.chapters[index - 2].part != part)


def title_page(doc: Document, target: Target) -> str:
    """Return a book's title page: the title block on a page of its own."""
    kind = target.epub_type("titlepage")
    block = title_block(doc.metadata, words_of(doc, target))
    page = f'<section class="title-page" id="title-page"{kind}>\n{block}</section>'
    return typeset(page) if target.profile.typeset else page


def note_offset(doc: Document, index: int) -> int:
    """Return how many notes come before chapter ``index``, for numbering notes per book."""
    return sum(len(chapter.notes) for chapter in doc.chapters[: index - 1])


def title_block(meta: Metadata, words: dict[str, str] | None = None) -> str:
    """Return the title block: title, subtitle, authors, editors, series and date known."""
    words = words or _words(language(meta))
    editors = ", ".join(name for name, role in meta.contributors if role == "edt")
    series = meta.series
    if series and meta.series_position:
        series += f" · {numbered(words['volume'], meta.series_position)}"
    parts = [
        f'<h1 class="title">{_e(meta.title)}</h1>',
        *paragraphs(
            ("subtitle", _e(meta.subtitle)),
            ("authors", _e(", ".join(meta.authors))),
            ("editors", _e(numbered(words["edited"], editors)) if editors else ""),
            ("series", _e(series)),
            ("date", _date(meta) if meta.date else ""),
        ),
    ]
    return '<header class="title-block">\n' + "\n".join(parts) + "\n</header>\n"


def _date(meta: Metadata) -> str:
    try:
        day = dt.date.fromisoformat(meta.date[:10])
    except ValueError:
        return _e(meta.date)
    return f'<time datetime="{day.isoformat()}">{_e(long_date(day, language(meta)))}</time>'


def creators(meta: Metadata) -> tuple[str, ...]:
    """Return the authors for file metadata: "Unknown" when none is known, as calibre does."""
    return meta.authors or ("Unknown",)


def language(meta: Metadata) -> str:
    """Return the publication's language tag (English when none is known)."""
    return meta.lang or "en"


def direction(meta: Metadata) -> str:
    """Return the publication's writing direction: "rtl" or "ltr" (from its language)."""
    return meta.dir if meta.dir in ("rtl", "ltr") else direction_of(language(meta))


def dir_attr(meta: Metadata) -> str:
    """Return a root element's ``dir`` attribute: ' dir="rtl"' for a right-to-left text."""
    return ' dir="rtl"' if direction(meta) == "rtl" else ""


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
