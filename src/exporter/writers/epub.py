"""Write an EPUB 3 with EbookLib: the only module that imports it.

The steps follow the format's rules: content documents are whole XHTML files we build and
check ourselves (EbookLib would re-parse them as HTML and drop the body's attributes), the
navigation (``nav.xhtml`` and ``toc.ncx`` for EPUB 2 readers) comes from the headings, and
the archive is re-packed so that the bytes depend on the content only: ``mimetype`` first and
stored uncompressed (OCF requires it), then every entry in a fixed order with a fixed time.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from collections.abc import Mapping, Sequence

from ebooklib import epub
from lxml import etree

from exporter.book.cover import cover_for
from exporter.errors import ExporterError
from exporter.guard.policy import current
from exporter.markup import EPUB_NS, XHTML_NS
from exporter.model import Asset, Document
from exporter.rendering import (
    EPUB,
    Target,
    body_class,
    creators,
    dir_attr,
    direction,
    has_code,
    language,
    words_of,
)
from exporter.rendering.dates import build_date
from exporter.settings import Settings
from exporter.themes import Theme, font_files
from exporter.themes.css import screen_css
from exporter.themes.user import user_css
from exporter.writers import a11y
from exporter.writers.epub_files import ContentFile, content_files, inner
from exporter.writers.epub_nav import landmarks, toc

STYLESHEET = "style/book.css"
SVG_NS = "http://www.w3.org/2000/svg"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"


def write(doc: Document, theme: Theme, settings: Settings, made: Mapping[str, bytes]) -> bytes:
    """Return the EPUB of ``doc`` in ``theme``: the writer registered as ``epub``."""
    css = screen_css(theme, EPUB.stylesheet, has_code(doc), direction(doc.metadata) == "rtl")
    css += user_css("epub", doc.metadata.css, settings.css)
    fonts = font_files(theme) if settings.embed_fonts else []
    if fonts:
        css = theme.css("fonts.css") + "\n" + css
    return write_epub(
        doc,
        css,
        build_date(doc),
        Target.of(EPUB, theme, settings),
        cover=cover_for(doc, theme),
        split_level=settings.split_level,
        max_image_size=settings.max_image_size,
        fonts=fonts,
        # Inline styles (kept only with --trusted-input) may set any colour: no claim then.
        checked_theme=theme.builtin and not current().trusted_input,
        print_pdf=made.get("pdf"),
    )


def write_epub(
    doc: Document,
    css: str,
    modified: dt.datetime,
    target: Target,
    *,
    cover: Asset | None = None,
    split_level: int = 1,
    max_image_size: int | None = None,
    fonts: Sequence[tuple[str, bytes, str]] = (),
    checked_theme: bool = False,
    print_pdf: bytes | None = None,
) -> bytes:
    """Build the EPUB for ``doc`` with the theme's EPUB CSS; return its bytes.

    ``cover`` is the cover image (a page and both declarations are made for it);
    ``split_level`` 2..6 starts a new file at each heading of that level; images larger
    than ``max_image_size`` pixels on their longer side are scaled down (EPUB only).
    ``fonts`` are (path relative to the stylesheet, bytes, media type): the files the CSS's
    ``@font-face`` rules name, stored beside the stylesheet so the same ``url()`` works.
    ``checked_theme``: the CSS's colours are known to meet WCAG AA (see ``a11y``).
    ``print_pdf``: the PDF built with it, whose page numbers the EPUB then carries.
    """
    meta = doc.metadata
    lang = language(meta)
    book = epub.EpubBook()
    book.set_identifier(meta.identifier)
    book.set_title(meta.title)
    book.set_language(lang)
    rtl = direction(meta) == "rtl"
    if rtl:  # the spine's page-progression-direction and the package's dir
        book.set_direction("rtl")
    for i, author in enumerate(creators(meta)):
        book.add_author(author, uid=f"creator-{i + 1}", role="aut")
    for i, (name, role) in enumerate(meta.contributors):
        book.add_author(name, uid=f"contributor-{i + 1}", role=role)
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
    images = doc.assets
    if max_image_size:
        from exporter.writers.shrink import shrink_images

        images = shrink_images(images, max_image_size)
    for asset in images:
        uid = "img-" + asset.name.split("/")[-1].split(".")[0]
        book.add_item(
            epub.EpubItem(
                uid=uid, file_name=asset.name, media_type=asset.media_type, content=asset.data
            )
        )

    files = content_files(doc, target, split_level)
    page_list = ""
    if print_pdf:
        page_list = _mark_print_pages(book, files, print_pdf, meta.identifier)
    spine: list = []
    if cover is not None:
        spine.append(_add_cover(book, doc, cover, lang))
    for file in files:
        item = epub.EpubItem(
            uid=file.name.removesuffix(".xhtml"),
            file_name=file.name,
            media_type="application/xhtml+xml",
            content=_xhtml(doc, file, lang, target),
        )
        item.properties = _properties(file)
        book.add_item(item)
        spine.append(item.id)
        if file.kind == "titlepage":
            spine.append("nav")

    found = a11y.survey([f.body for f in files], images)
    for prop, value in a11y.metadata(found, checked_theme, paged=bool(page_list)):
        book.add_metadata(None, "meta", value, {"property": prop})
    book.toc = toc(doc, files, target.toc_depth)
    book.guide = landmarks(files, cover is not None)
    book.add_item(epub.EpubNcx())
    contents = words_of(doc, target)["contents"]  # the nav's title, in the book's language
    nav = epub.EpubNav(uid="nav", title=contents, direction="rtl" if rtl else None)
    nav.add_link(href=STYLESHEET, rel="stylesheet", type="text/css")
    book.add_item(nav)
    if "nav" not in spine:  # an article: its contents are there, but out of the way
        spine.insert(1 if cover is not None else 0, ("nav", "no"))
    book.spine = spine

    buffer = io.BytesIO()
    options = {
        "raise_exceptions": True,
        "mtime": modified,
        "epub3_pages": False,
        "epub2_guide": False,
        "epub3_landmark": True,
        "package_direction": rtl,
        "landmark_title": "Landmarks",
        "compresslevel": 0,  # deflated once, by _repack: compressing twice cost a book ~8%
    }
    try:
        epub.write_epub(buffer, book, options)
    except Exception as exc:  # EbookLib raises bare exceptions; it must not leak as one
        raise ExporterError(f"EbookLib failed to write the EPUB: {exc}") from exc
    return _repack(buffer.getvalue(), modified, lang, page_list, rtl)


def _mark_print_pages(
    book: epub.EpubBook, files: list[ContentFile], pdf: bytes, identifier: str
) -> str:
    """Mark where the PDF's pages begin; declare the source; return the page-list nav."""
    from exporter.writers.pagelist import mark_pages, page_list_nav, read_pages

    marked = mark_pages([f.body for f in files], read_pages(pdf))
    if not marked:
        return ""
    # EPUBCheck (OPF-066) and EPUB Accessibility 1.1 ask which edition the numbers are of.
    book.add_metadata(None, "meta", f"{identifier} (PDF)", {"property": "pageBreakSource"})
    return page_list_nav([(files[i].name, marker, label) for i, marker, label in marked])


def _add_cover(book: epub.EpubBook, doc: Document, cover: Asset, lang: str) -> str:
    """Add the cover image and its page; declare it for EPUB 3 and for EPUB 2/Kindle tools.

    EPUB 3 readers find ``properties="cover-image"``, older tools ``<meta name="cover">``,
    and Kobo wants the image as an ``<img>`` in a page of its own.
    """
    image = epub.EpubItem(
        uid="cover-image", file_name=cover.name, media_type=cover.media_type, content=cover.data
    )
    image.properties = ["cover-image"]
    book.add_item(image)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    title = html.escape(doc.metadata.title, quote=True)
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}" lang="{lang}" xml:lang="{lang}"'
        f"{dir_attr(doc.metadata)}>\n"
        f'<head>\n<meta charset="utf-8"/>\n<title>{title}</title>\n'
        f'<link rel="stylesheet" type="text/css" href="{STYLESHEET}"/>\n</head>\n'
        f'<body class="exporter cover-page" epub:type="cover">\n<section class="cover">'
        f'<img src="{cover.name}" alt="Cover: {title}" role="doc-cover"/></section>\n'
        "</body>\n</html>\n"
    )
    book.add_item(
        epub.EpubItem(
            uid="cover", file_name="cover.xhtml", media_type="application/xhtml+xml",
            content=page.encode("utf-8"),
        )
    )  # fmt: skip
    return "cover"


def _properties(file: ContentFile) -> list[str]:
    """Manifest properties a content file needs, from what it holds (never remote)."""
    found = []
    # iter(tag) looks in C: a Python test per element cost 2.6 ms for the bench book.
    if next(file.body.iter(f"{{{SVG_NS}}}svg"), None) is not None:
        found.append("svg")
    if next(file.body.iter(f"{{{MATHML_NS}}}math"), None) is not None:
        found.append("mathml")
    return found


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
    if meta.series:
        # EPUB 3 collections, and calibre's names, which most library software reads.
        book.add_metadata(
            None, "meta", meta.series, {"property": "belongs-to-collection", "id": "series"}
        )
        book.add_metadata(
            None, "meta", "series", {"refines": "#series", "property": "collection-type"}
        )
        book.add_metadata(None, "meta", "", {"name": "calibre:series", "content": meta.series})
        if meta.series_position:
            position = meta.series_position
            book.add_metadata(
                None, "meta", position, {"refines": "#series", "property": "group-position"}
            )
            book.add_metadata(
                None, "meta", "", {"name": "calibre:series_index", "content": position}
            )


def _xhtml(doc: Document, file: ContentFile, lang: str, target: Target) -> bytes:
    """Return one content document as strict XHTML, checked by an XML parser."""
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}" lang="{lang}" xml:lang="{lang}"'
        f"{dir_attr(doc.metadata)}>\n"
        f'<head>\n<meta charset="utf-8"/>\n<title>{_escape(file.title)}</title>\n'
        f'<link rel="stylesheet" type="text/css" href="{STYLESHEET}"/>\n</head>\n'
        f'<body class="{body_class(doc, target)}">\n{inner(file.body)}\n'
        "</body>\n</html>\n"
    )
    try:
        etree.fromstring(text.encode("utf-8"))
    except etree.XMLSyntaxError as exc:  # our renderer's bug, never the user's
        raise ExporterError(f"internal: {file.name} is not well-formed XHTML: {exc}") from exc
    return text.encode("utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _repack(
    data: bytes, modified: dt.datetime, lang: str, page_list: str = "", rtl: bool = False
) -> bytes:
    """Rewrite the archive with fixed entry times, mimetype first and stored.

    The package document gets ``xml:lang`` on its root, which EbookLib does not write:
    assistive technology reads the metadata's language from it (Ace's ``epub-lang``).
    """
    stamp = max(modified.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        names = ["mimetype"] + [n for n in source.namelist() if n != "mimetype"]
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            content = source.read(name)
            if name.endswith(".opf"):
                content = _package_lang(content, lang)
            elif name.endswith("/nav.xhtml"):
                content = _finish_nav(content, rtl, page_list)
            target.writestr(info, content)
    return out.getvalue()


def _finish_nav(nav: bytes, rtl: bool, page_list: str) -> bytes:
    """Return the navigation document with its landmarks hidden, its direction and pages.

    The landmarks are for the reading system's menus: a nav in the spine shows them as a
    numbered list in the reading order (calibre did) unless ``hidden`` says otherwise, as
    EPUB 3 allows on any nav. EbookLib's page-list takes every element with an epub:type
    and an id (notes too): ours is put in here instead.
    """
    nav = nav.replace(b'<nav epub:type="landmarks"', b'<nav epub:type="landmarks" hidden=""', 1)
    if rtl:
        nav = re.sub(rb"(<html\b[^>]*?)(\s*>)", rb'\1 dir="rtl"\2', nav, count=1)
    if page_list:
        nav = nav.replace(b"</body>", page_list.encode() + b"</body>", 1)
    return nav


def _package_lang(opf: bytes, lang: str) -> bytes:
    """Return the package document with ``xml:lang`` on its ``<package>`` element."""
    root = etree.fromstring(opf)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
