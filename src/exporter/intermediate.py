"""Render a Document and a Theme into the HTML intermediate every writer starts from.

The markup is the contract themes style (``styles/README.md``). Footnotes are written once
in the model; this stage gives them their two shapes: ``aside`` notes after the chapter for
EPUB and HTML (pop-ups in e-readers), or ``span.fn`` at the call site for the PDF, where
``float: footnote`` puts each at the foot of its page.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from html import escape

from exporter.frontmatter import TocEntry, contents_page, has_imprint, imprint_page, paragraphs
from exporter.model import Chapter, Document, Metadata
from exporter.options import DEFAULT_TOC_DEPTH
from exporter.themes import Theme

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
TARGETS = ("pdf", "epub", "html")

# An opening paragraph's first letter, with any opening quote before it.
_INITIAL = re.compile(r"\A(\s*<p>)([\"'“‘«]?\w)")
_NOTEREF = re.compile(r'<a class="noteref" id="([^"]+)" href="#([^"]+)">(\d+)</a>')


def _e(text: str) -> str:
    return escape(text, quote=True)


def chapter_id(index: int) -> str:
    """Return the id of a chapter's section (indexes start at 1)."""
    return f"chapter-{index}"


def reserved_ids(count: int) -> list[str]:
    """Return the ids the renderer itself uses, so sources never claim them."""
    ids = ["title-page", "imprint", "contents"]
    for i in range(1, count + 1):
        ids += [chapter_id(i), f"{chapter_id(i)}-title", f"{chapter_id(i)}-part"]
    return ids


def render_document(
    doc: Document,
    target: str,
    *,
    css: str = "",
    modified: str = "",
    toc_depth: int = DEFAULT_TOC_DEPTH,
    note_numbering: str = "chapter",
) -> str:
    """Return the whole publication as one HTML document (PDF and standalone HTML)."""
    body = "\n".join(body_parts(doc, target, toc_depth, note_numbering))
    style = f"<style>\n{css}\n</style>\n" if css else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(language(doc.metadata))}">\n<head>\n<meta charset="utf-8"/>\n'
        f"{head_meta(doc.metadata, modified)}{style}</head>\n"
        f'<body class="{body_class(doc, target, note_numbering)}">\n{body}\n</body>\n</html>\n'
    )


def body_parts(doc: Document, target: str, toc_depth: int, note_numbering: str) -> list[str]:
    """Return the body in reading order: an article's chapters, or a book's two matters.

    A book's front matter (title page; in print, the imprint and the contents) and its main
    matter (the chapters) are wrapped apart, so a theme can number their pages differently.
    """
    chapters = [
        render_body_part(doc, i, target, note_numbering) for i in range(1, len(doc.chapters) + 1)
    ]
    if not doc.is_book:
        return chapters
    front = [render_body_part(doc, 0, target)]
    if target == "pdf":
        if has_imprint(doc.metadata):
            front.append(imprint_page(doc.metadata, _date(doc.metadata)))
        front.append(contents_page(toc_entries(doc, toc_depth), language(doc.metadata)))
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


def body_class(doc: Document, target: str, note_numbering: str = "chapter") -> str:
    """Return the body's classes: the layout, the output kind and the notes' numbering."""
    layout = "layout-book" if doc.is_book else "layout-article"
    return f"exporter {layout} target-{target} notes-per-{note_numbering}"


def render_body_part(
    doc: Document, index: int, target: str, note_numbering: str = "chapter"
) -> str:
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
    offset = note_offset(doc, index) if note_numbering == "book" else 0
    body = _body_with_notes(chapter, target, offset)
    if target == "pdf" and doc.is_book:
        body = _mark_initial(body)
    kind = "" if chapter.type == "chapter" else f" {chapter.type}"
    kind += f" level-{min(chapter.level, 4)}" if chapter.level > 1 else ""  # a sub-chapter
    role = f' role="doc-{chapter.type}"' if chapter.type in _ROLES else ""
    return (
        f'{divider}<section class="chapter{kind}" id="{chapter_id(index)}"'
        f"{_epub(target, chapter.type)}{role}>\n"
        f"{heading}{body}\n</section>"
    )


# The DPUB-ARIA roles a section may take; other EPUB types (halftitlepage) get none.
_ROLES = {
    "chapter", "appendix", "dedication", "epigraph", "foreword", "preface", "prologue",
    "introduction", "acknowledgments", "afterword", "epilogue", "conclusion", "glossary",
    "bibliography", "index", "colophon", "endnotes",
}  # fmt: skip


def part_divider(doc: Document, index: int, target: str) -> str:
    """Return a part's title page when chapter ``index`` opens a new part, else ''."""
    part = doc.chapters[index - 1].part
    if not part or (index > 1 and doc.chapters[index - 2].part == part):
        return ""
    return (
        f'<section class="part" id="{chapter_id(index)}-part"{_epub(target, "part")}'
        f' role="doc-part">\n<h1 class="part-title">{_e(part)}</h1>\n</section>\n'
    )


def _mark_initial(html: str) -> str:
    """Wrap the first letter of a chapter that opens with a paragraph in ``span.initial``.

    A theme floats it into a drop cap. A real element, because WeasyPrint sets the first
    line of a floated ``::first-letter`` under the letter (Kozea/WeasyPrint#1859).
    """
    return _INITIAL.sub(r'\1<span class="initial">\2</span>', html, count=1)


def title_page(doc: Document, target: str) -> str:
    """Return a book's title page: the title block on a page of its own."""
    kind = _epub(target, "titlepage")
    block = title_block(doc.metadata)
    return f'<section class="title-page" id="title-page"{kind}>\n{block}</section>'


def note_offset(doc: Document, index: int) -> int:
    """Return how many notes come before chapter ``index``, for numbering notes per book."""
    return sum(len(chapter.notes) for chapter in doc.chapters[: index - 1])


def _epub(target: str, term: str) -> str:
    return f' epub:type="{term}"' if target == "epub" else ""


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


def _body_with_notes(chapter: Chapter, target: str, offset: int = 0) -> str:
    if not chapter.notes:
        return chapter.html
    html = chapter.html
    if offset:  # numbered per book: the calls show the running number
        html = _NOTEREF.sub(
            lambda m: m.group(0).replace(f">{m.group(3)}</a>", f">{int(m.group(3)) + offset}</a>"),
            html,
        )
    if target == "pdf":
        notes = dict(chapter.notes)
        placed: set[str] = set()

        def inline(match: re.Match[str]) -> str:
            note_id = match.group(2)
            if note_id in placed:  # a second call of the same note: a plain marker
                return f'<span class="noteref-again">{match.group(3)}</span>'
            placed.add(note_id)
            return f'<span class="fn" id="{note_id}">{_note_inline(notes[note_id])}</span>'

        return _NOTEREF.sub(inline, html)
    attrs = ' epub:type="noteref" role="doc-noteref"' if target == "epub" else ' role="doc-noteref"'
    body = html.replace('<a class="noteref"', f'<a class="noteref"{attrs}')
    asides = "\n".join(_aside(note_id, note, target, offset) for note_id, note in chapter.notes)
    kind = _epub(target, "footnotes")
    return f'{body}\n<section class="footnotes"{kind}>\n{asides}\n</section>'


def _aside(note_id: str, html: str, target: str, offset: int = 0) -> str:
    """Return an EPUB/HTML note: a visible number, the text, and a link back to the call."""
    number = int(note_id.rsplit("-", 1)[1]) + offset
    label = f'<span class="fn-label">{number}.</span> '
    back = (
        f' <a class="backref" href="#{note_id.replace("fn-", "fnref-", 1)}" '
        f'role="doc-backlink" title="Back to the text">↩</a>'
    )
    if html.startswith("<p>") and html.endswith("</p>"):
        content = "<p>" + label + html[3 : -len("</p>")] + back + "</p>"
    else:
        content = f"<p>{label}</p>{html}<p>{back}</p>"
    kind = _epub(target, "footnote")
    return f'<aside class="footnote" id="{note_id}"{kind} role="doc-footnote">{content}</aside>'


def _note_inline(html: str) -> str:
    """Make a note's blocks inline content, as a span at the call site requires.

    The first paragraph runs on from the note's marker; later ones become block spans.
    """
    paragraphs = re.findall(r"<p>(.*?)</p>", html, flags=re.DOTALL)
    if paragraphs and re.fullmatch(r"(\s*<p>.*?</p>\s*)+", html, flags=re.DOTALL):
        first, *rest = paragraphs
        return first + "".join(f'<span class="fn-p">{p}</span>' for p in rest)
    return re.sub(r"</?(p|div|ul|ol|li|blockquote|pre)(\s[^>]*)?>", " ", html)


# What every PDF needs, whatever the theme: the outline follows the headings (the title
# block's other lines are not entries), and nothing leaves the page: long words, URLs and
# code lines wrap, images fit the text width, a table is squeezed to it (fixed layout) and
# repeats its head row after a break. It comes before the theme's pdf.css, which may
# change any of it; a theme of one's own (--theme PATH) gets it too.
PRINT_BASICS = """
p, li, dd, a, td, th, figcaption { overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; }
img { max-width: 100%; }
table { width: 100%; table-layout: fixed; }
thead { display: table-header-group; }
h1.title, h1.chapter-title { bookmark-level: 1; }
h1:not(.title):not(.chapter-title) { bookmark-level: 1; }
h2 { bookmark-level: 2; }
h3 { bookmark-level: 3; }
h4 { bookmark-level: 4; }
h5 { bookmark-level: 5; }
h6 { bookmark-level: 6; }
header.title-block p { bookmark-level: none; }
""" + "".join(  # a sub-chapter (mdBook, MkDocs) sits one outline level deeper, its sections too
    f"section.level-{n} > h1.chapter-title {{ bookmark-level: {n}; }}\n"
    + "".join(f"section.level-{n} h{h} {{ bookmark-level: {h + n - 1}; }}\n" for h in range(2, 7))
    for n in (2, 3, 4)
)


def stylesheet(theme: Theme, target: str, page_size: str | None = None, code: bool = True) -> str:
    """Return the CSS for one output kind, assembled from the theme's files.

    Without ``code`` the highlighter's token colours are left out (EPUB and HTML of a
    document without code: computing them imports Pygments). The PDF's CSS is parsed once
    per theme and shared by every document, so it always has them.
    """
    code = pygments_css(theme.pygments_style) if code or target == "pdf" else ""
    if target == "pdf":
        size = f"@page {{ size: {page_size or theme.page_size} }}\n"
        return "\n".join(
            [
                size,
                theme.css("fonts.css"),
                theme.css("base.css"),
                PRINT_BASICS,
                theme.css("pdf.css"),
                code,
            ]
        )
    parts = [theme.css("base.css"), theme.css("epub.css"), code]
    if target == "html":
        parts.append(theme.css("html.css"))
    return "\n".join(parts)


def has_code(doc: Document) -> bool:
    """Tell whether any chapter holds a highlighted code block."""
    return any('class="highlight"' in chapter.html for chapter in doc.chapters)


@cache
def pygments_css(style: str) -> str:
    """Return the Pygments token colours of a style, scoped to ``.highlight``."""
    from pygments.formatters import HtmlFormatter
    from pygments.util import ClassNotFound

    try:
        formatter = HtmlFormatter(style=style)
    except ClassNotFound:
        formatter = HtmlFormatter(style="default")
    # Only the token rules: the theme owns the box (background, padding, font).
    return "\n".join(
        line
        for line in formatter.get_style_defs(".highlight").splitlines()
        if line.startswith(".highlight .")
    )
