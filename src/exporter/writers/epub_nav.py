"""The EPUB's navigation: the nested table of contents (nav.xhtml, toc.ncx) and landmarks."""

from __future__ import annotations

from ebooklib import epub

from exporter.ids import chapter_id
from exporter.model import Document, Heading
from exporter.settings import DEFAULT_TOC_DEPTH
from exporter.writers.epub_files import ContentFile, file_of


def toc(doc: Document, files: list[ContentFile], depth: int = DEFAULT_TOC_DEPTH) -> list:
    """Build the nested table of contents EbookLib turns into nav.xhtml and toc.ncx.

    A book lists its chapters (inside their parts, when it has parts) with their sections;
    every entry points into the file that holds its heading, whatever the split.
    """
    if doc.is_book or len(doc.chapters) > 1:
        entries: list = []
        part: tuple | None = None
        # Sub-chapters (Chapter.level > 1) go inside the chapter before them: the open
        # chapters' levels and their entries' children.
        open_chapters: list[tuple[int, list]] = []
        for index, chapter in enumerate(doc.chapters, start=1):
            href = file_of(files, chapter_id(index)).split("#")[0]
            children = nest(chapter.headings, files, depth - 1)
            entry = [href, chapter.title, f"toc-{index}", children]
            if chapter.part and (part is None or part[0].title != chapter.part):
                part_href = file_of(files, f"{chapter_id(index)}-part").split("#")[0]
                part = (epub.Section(chapter.part, part_href), [])
                entries.append(part)
                open_chapters = []
            elif not chapter.part and part is not None:
                part, open_chapters = None, []
            while open_chapters and open_chapters[-1][0] >= chapter.level:
                open_chapters.pop()
            holder = open_chapters[-1][1] if open_chapters else part[1] if part else entries
            holder.append(entry)
            open_chapters.append((chapter.level, children))
        return _finish(entries)
    chapter = doc.chapters[0]
    entries = nest(chapter.headings, files, depth)
    # An empty nav is invalid: a heading-less article gets one entry, its title.
    return entries or [epub.Link(files[0].name, doc.metadata.title, "toc-1")]


def _finish(entries: list) -> list:
    """Turn chapter entries ([href, title, uid, children]) into EbookLib's Links and Sections."""
    done: list = []
    for entry in entries:
        if isinstance(entry, list):
            href, title, uid, children = entry
            kids = _finish(children)
            done.append((epub.Section(title, href), kids) if kids else epub.Link(href, title, uid))
        elif isinstance(entry, tuple):
            done.append((entry[0], _finish(entry[1])))
        else:
            done.append(entry)
    return done


def nest(headings: tuple[Heading, ...], files: list[ContentFile], depth: int) -> list:
    """Turn a flat heading list (levels 2..6) into EbookLib's nested (Section, [..]) form."""
    shown = [h for h in headings if h.level <= depth + 1]
    result: list = []
    i = 0
    while i < len(shown):
        head = shown[i]
        j = i + 1
        while j < len(shown) and shown[j].level > head.level:
            j += 1
        children = nest(tuple(shown[i + 1 : j]), files, 6) if j > i + 1 else []
        href = file_of(files, head.id)
        if children:
            result.append((epub.Section(head.text, href), children))
        else:
            result.append(epub.Link(href, head.text, f"toc-{head.id}"))
        i = j
    return result


def landmarks(files: list[ContentFile], has_cover: bool) -> list[dict[str, str]]:
    """The nav's landmarks: cover, title page, toc, body matter and back matter."""
    marks = []
    if has_cover:
        marks.append({"href": "cover.xhtml", "title": "Cover", "type": "cover"})
    titlepage = next((f for f in files if f.kind == "titlepage"), None)
    if titlepage:
        marks.append({"href": titlepage.name, "title": "Title Page", "type": "titlepage"})
    marks.append({"href": "nav.xhtml", "title": "Contents", "type": "toc"})
    body = next((f for f in files if f.kind in ("bodymatter", "part")), None)
    if body:
        marks.append({"href": body.name, "title": "Start of Content", "type": "bodymatter"})
    back = next((f for f in files if f.kind == "backmatter"), None)
    if back:
        marks.append({"href": back.name, "title": "Back Matter", "type": "backmatter"})
    return marks
