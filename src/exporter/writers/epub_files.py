"""Cut the rendered publication into the EPUB's content files and link them together.

One file per body part: the title page, each part divider, each chapter; ``split_level``
2..6 also starts a new file at every heading of that level or higher inside a chapter. The
HTML intermediate links by ``#id`` (ids are unique in the whole publication); once the files
exist, each link to an id in another file becomes ``file.xhtml#id``. Footnotes travel with
the file that calls them, so a pop-up never needs another file. File names are generated
ASCII (``chapter-003-02.xhtml``), never taken from the user's paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

from lxml import etree

from exporter.markup import EPUB_NS, XHTML_NS
from exporter.model import Document
from exporter.rendering import Target, render_body_part

X = f"{{{XHTML_NS}}}"
EPUB_TYPE = f"{{{EPUB_NS}}}type"


@dataclass
class ContentFile:
    """One XHTML file of the EPUB: its name, title, body and place in the book."""

    name: str
    title: str
    body: etree._Element  # an XHTML <body> holding the file's sections
    kind: str = "bodymatter"  # titlepage | frontmatter | bodymatter | backmatter | part
    chapter: int = 0  # the chapter it belongs to (0 for the title page)
    ids: set[str] = field(default_factory=set)


def content_files(doc: Document, target: Target, split_level: int = 1) -> list[ContentFile]:
    """Return the publication's content files in reading order, links already fixed."""
    files: list[ContentFile] = []
    if doc.is_book:
        files.append(
            _file(
                "title-page.xhtml",
                doc.metadata.title,
                render_body_part(doc, 0, target),
                "titlepage",
                0,
            )
        )
    for index, chapter in enumerate(doc.chapters, start=1):
        body = _parse(render_body_part(doc, index, target))
        stem = f"chapter-{index:03d}"
        for section in list(body):
            if "part" in (section.get("class") or "").split():
                part = _file(f"part-{index:03d}.xhtml", chapter.part, "", "part", index)
                part.body.append(section)
                files.append(part)
        pieces = _split(body, split_level) if split_level > 1 else [body]
        for number, piece in enumerate(pieces):
            name = f"{stem}.xhtml" if number == 0 else f"{stem}-{number + 1:02d}.xhtml"
            heading = piece.find(f".//{X}h1") if number == 0 else _first_heading(piece)
            title = chapter.title if number == 0 or heading is None else _text(heading)
            files.append(ContentFile(name, title, piece, chapter.kind, index))
    for file in files:
        _keep_headings(file.body)
        file.ids = {ident for el in file.body.iter() if (ident := el.get("id"))}
    _link(files)
    return files


def _keep_headings(body: etree._Element) -> None:
    """Wrap each h2-h6 and the paragraph after it in ``div.keep-with-next``.

    Reading systems on older engines (calibre's, Qt WebEngine 5.15) ignore
    ``break-after: avoid`` and leave a heading alone at a page's foot, but keep a block
    whole (``break-inside: avoid``); the themes' epub.css gives the wrapper that (and, in a
    theme that indents a paragraph after a paragraph, the paragraph after the wrapper).
    """
    for heading in [el for el in body.iter(*_KEPT) if el.getparent() is not None]:
        after = heading.getnext()
        if after is None or after.tag != f"{X}p" or (heading.tail or "").strip():
            continue
        parent = heading.getparent()
        assert parent is not None
        keep = etree.Element(f"{X}div", {"class": "keep-with-next"})
        keep.tail, after.tail = after.tail, None
        parent.insert(parent.index(heading), keep)
        keep.extend([heading, after])


def _file(name: str, title: str, html: str, kind: str, chapter: int) -> ContentFile:
    return ContentFile(name, title, _parse(html), kind, chapter)


def _parse(html: str) -> etree._Element:
    return etree.fromstring(
        f'<body xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}">{html}</body>'.encode()
    )


def _text(el: etree._Element) -> str:
    # lxml gives text as str (lxml-stubs: str or bytes).
    return " ".join("".join(cast("Iterator[str]", el.itertext())).split())


def _first_heading(body: etree._Element) -> etree._Element | None:
    return next((el for el in body.iter() if el.tag in _HEADING_TAGS), None)


_HEADING_TAGS = {f"{X}h{n}" for n in range(1, 7)}
_KEPT = tuple(f"{X}h{n}" for n in range(2, 7))


def _split(body: etree._Element, level: int) -> list[etree._Element]:
    """Split the chapter section at its headings of ``level`` or higher (h2 .. h<level>)."""
    chapter = body.find(f"./{X}section")
    if chapter is None:
        return [body]
    notes = chapter.find(f"./{X}section[@class='footnotes']")
    if notes is not None:
        chapter.remove(notes)
    cuts = {f"{X}h{n}" for n in range(2, level + 1)}
    pieces = [body]
    current = chapter
    for child in list(chapter):
        if child.tag in cuts and (len(current) > 0 or current is not chapter):
            piece = _parse("")
            current = etree.SubElement(piece, f"{X}section")
            for name in ("class", EPUB_TYPE, "role"):
                if value := chapter.get(name):
                    current.set(name, value)
            pieces.append(piece)
        if current is not chapter:
            current.append(child)
    if notes is not None:
        _share_notes(pieces, notes)
    return pieces


def _share_notes(pieces: list[etree._Element], notes: etree._Element) -> None:
    """Give each piece the notes its own noterefs call, in call order."""
    asides = {a.get("id"): a for a in notes.iterfind(f"./{X}aside")}
    for piece in pieces:
        called = [
            a.get("href", "")[1:]
            for a in piece.iter(f"{X}a")
            if "noteref" in (a.get("class") or "")
        ]
        mine = [asides.pop(i) for i in dict.fromkeys(called) if i in asides]
        if mine:
            # lxml takes any mapping of attributes, _Attrib too (lxml-stubs: a dict only).
            attrib = cast("dict[str, str]", notes.attrib)
            holder = etree.SubElement(piece[-1], f"{X}section", attrib)
            holder.extend(mine)


def _link(files: list[ContentFile]) -> None:
    """Turn each ``#id`` that lives in another file into ``file.xhtml#id``."""
    owner = {i: file.name for file in files for i in file.ids}
    for file in files:
        for link in file.body.iter(f"{X}a"):
            href = link.get("href", "")
            if href.startswith("#") and href[1:] not in file.ids and href[1:] in owner:
                link.set("href", f"{owner[href[1:]]}{href}")


def file_of(files: list[ContentFile], anchor: str) -> str:
    """Return ``file.xhtml#anchor`` for an id, or the id's chapter start when unknown."""
    for file in files:
        if anchor in file.ids:
            return f"{file.name}#{anchor}"
    return files[0].name


def inner(body: etree._Element) -> str:
    """Serialise a body's content (no <body> tag) as XHTML."""
    text = etree.tostring(body, encoding="unicode")
    return text[text.index(">") + 1 : text.rindex("</")]
