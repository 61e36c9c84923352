"""Write an EPUB 3 with EbookLib: the only module that imports it.

The steps follow the format's rules: content documents are whole XHTML files we build and
check ourselves (EbookLib would re-parse them as HTML and drop the body's attributes), the
navigation (``nav.xhtml`` and ``toc.ncx`` for EPUB 2 readers) comes from the headings, and
the archive is re-packed so that the bytes depend on the content only: ``mimetype`` first and
stored uncompressed (OCF requires it), then every entry in a fixed order with a fixed time.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

from ebooklib import epub
from lxml import etree

from exporter.errors import ExporterError
from exporter.model import Document, Heading
from exporter.render import EPUB_NS, XHTML_NS, body_class, creators, language, render_body_part

STYLESHEET = "style/book.css"
TOC_DEPTH = 3  # the nav's levels by default; --toc-depth changes it


def chapter_file(index: int) -> str:
    """Return the generated file name of body part ``index`` (0 is a book's title page)."""
    return "title-page.xhtml" if index == 0 else f"chapter-{index:03d}.xhtml"


def write_epub(
    doc: Document,
    css: str,
    modified: dt.datetime,
    *,
    toc_depth: int = TOC_DEPTH,
    note_numbering: str = "chapter",
    fonts: Sequence[tuple[str, bytes, str]] = (),
) -> bytes:
    """Build the EPUB for ``doc`` with the theme's EPUB CSS; return its bytes.

    ``fonts`` are (path relative to the stylesheet, bytes, media type): the files the CSS's
    ``@font-face`` rules name, stored beside the stylesheet so the same ``url()`` works.
    """
    meta = doc.metadata
    lang = language(meta)
    book = epub.EpubBook()
    book.set_identifier(meta.identifier)
    book.set_title(meta.title)
    book.set_language(lang)
    for i, author in enumerate(creators(meta)):
        book.add_author(author, uid=f"creator-{i + 1}")
    _add_optional_metadata(book, doc)

    book.add_item(
        epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css", content=css)
    )
    for i, (name, data, media_type) in enumerate(fonts, start=1):
        book.add_item(
            epub.EpubItem(
                uid=f"font-{i}",
                file_name=f"{STYLESHEET.rsplit('/', 1)[0]}/{name}",
                media_type=media_type,
                content=data,
            )
        )
    for asset in doc.assets:
        uid = "img-" + asset.name.split("/")[-1].split(".")[0]
        book.add_item(
            epub.EpubItem(
                uid=uid, file_name=asset.name, media_type=asset.media_type, content=asset.data
            )
        )

    parts = range(0 if doc.is_book else 1, len(doc.chapters) + 1)
    items = []
    for index in parts:
        title = meta.title if index == 0 else doc.chapters[index - 1].title
        item = epub.EpubItem(
            uid=f"part-{index}",
            file_name=chapter_file(index),
            media_type="application/xhtml+xml",
            content=_xhtml(doc, index, title, lang, note_numbering),
        )
        book.add_item(item)
        items.append(item)

    book.toc = _toc(doc, toc_depth)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav(title="Contents"))
    book.spine = [item.id for item in items]

    buffer = io.BytesIO()
    options = {
        "raise_exceptions": True,
        "mtime": modified,
        "epub3_pages": False,
        "epub2_guide": False,
        "epub3_landmark": False,
    }
    try:
        epub.write_epub(buffer, book, options)
    except Exception as exc:  # EbookLib raises bare exceptions; it must not leak as one
        raise ExporterError(f"EbookLib failed to write the EPUB: {exc}") from exc
    return _repack(buffer.getvalue(), modified)


def _add_optional_metadata(book: epub.EpubBook, doc: Document) -> None:
    meta = doc.metadata
    if meta.date:
        book.add_metadata("DC", "date", meta.date)
    if meta.description:
        book.add_metadata("DC", "description", meta.description)
    for keyword in meta.keywords:
        book.add_metadata("DC", "subject", keyword)
    if meta.rights:
        book.add_metadata("DC", "rights", meta.rights)
    if meta.publisher:
        book.add_metadata("DC", "publisher", meta.publisher)
    if meta.subtitle:
        book.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        book.add_metadata(
            None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"}
        )


def _xhtml(doc: Document, index: int, title: str, lang: str, note_numbering: str) -> bytes:
    """Return one content document as strict XHTML, checked by an XML parser."""
    body = render_body_part(doc, index, "epub", note_numbering)
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}" lang="{lang}" xml:lang="{lang}">\n'
        f'<head>\n<meta charset="utf-8"/>\n<title>{_escape(title)}</title>\n'
        f'<link rel="stylesheet" type="text/css" href="{STYLESHEET}"/>\n</head>\n'
        f'<body class="{body_class(doc, "epub", note_numbering)}">\n{body}\n</body>\n</html>\n'
    )
    try:
        etree.fromstring(text.encode("utf-8"))
    except etree.XMLSyntaxError as exc:  # our renderer's bug, never the user's
        raise ExporterError(
            f"internal: {chapter_file(index)} is not well-formed XHTML: {exc}"
        ) from exc
    return text.encode("utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _toc(doc: Document, depth: int) -> list:
    """Build the nested table of contents EbookLib turns into nav.xhtml and toc.ncx."""
    if doc.is_book or len(doc.chapters) > 1:
        entries = []
        for index, chapter in enumerate(doc.chapters, start=1):
            link = epub.Link(chapter_file(index), chapter.title, f"toc-{index}")
            children = _nest(chapter.headings, chapter_file(index), depth - 1)
            entries.append(
                (epub.Section(chapter.title, chapter_file(index)), children) if children else link
            )
        return entries
    chapter = doc.chapters[0]
    entries = _nest(chapter.headings, chapter_file(1), depth)
    # An empty nav is invalid: a heading-less article gets one entry, its title.
    return entries or [epub.Link(chapter_file(1), doc.metadata.title, "toc-1")]


def _nest(headings: tuple[Heading, ...], file: str, depth: int) -> list:
    """Turn a flat heading list (levels 2..6) into EbookLib's nested (Section, [..]) form."""
    shown = [h for h in headings if h.level <= depth + 1]
    result: list = []
    i = 0
    while i < len(shown):
        head = shown[i]
        j = i + 1
        while j < len(shown) and shown[j].level > head.level:
            j += 1
        children = _nest_children(shown[i + 1 : j], file)
        href = f"{file}#{head.id}"
        if children:
            result.append((epub.Section(head.text, href), children))
        else:
            result.append(epub.Link(href, head.text, f"toc-{head.id}"))
        i = j
    return result


def _nest_children(headings: list[Heading], file: str) -> list:
    return _nest(tuple(headings), file, 6) if headings else []


def _repack(data: bytes, modified: dt.datetime) -> bytes:
    """Rewrite the archive with fixed entry times, mimetype first and stored."""
    stamp = max(modified.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        names = ["mimetype"] + [n for n in source.namelist() if n != "mimetype"]
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()
