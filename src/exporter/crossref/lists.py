"""A book's lists of figures and of tables: front-matter chapters after the contents.

Asked for with ``--list figures --list tables`` (``Settings.lists``). Each is a chapter of
its own (EPUB types ``loi`` and ``lot``) listing every numbered figure or table with its
caption, linked to it; the PDF's print stylesheet adds dot leaders and the page, as in the
printed contents. A list with nothing to list is left out. The chapters are placed before
numbering, so chapter ids (``chapter-3``) are final when references are written.
"""

from __future__ import annotations

from dataclasses import replace

from exporter.crossref.numbering import CAPTION_WORDS, Entry, Numberer
from exporter.markup import attr, parse_fragment
from exporter.model import Chapter, Document
from exporter.rendering.matter import front_count
from exporter.rendering.words import numbered

# The list named in Settings.lists: (kind of entry, EPUB type, its title's word)
KINDS = {"figures": ("fig", "loi", "list-of-figures"), "tables": ("tbl", "lot", "list-of-tables")}


def with_lists(doc: Document, wanted: tuple[str, ...], words: dict[str, str]) -> Document:
    """Return ``doc`` with an empty list chapter for each wanted list it has things for."""
    if not wanted or not doc.is_book:
        return doc
    probe = Numberer(doc, words)  # a dry run on copies: which kinds are there at all?
    for index, chapter in enumerate(doc.chapters, 1):
        probe.chapter(index, parse_fragment(chapter.html))
    present = {entry.kind for entry in probe.entries.values()}
    lists = [
        Chapter(title=words[title], html="", kind="frontmatter", type=kind)
        for name, (what, kind, title) in KINDS.items()
        if name in wanted and what in present
    ]
    at = front_count(doc)
    return replace(doc, chapters=(*doc.chapters[:at], *lists, *doc.chapters[at:]))


def fill(chapter: Chapter, entries: dict[str, Entry], words: dict[str, str]) -> Chapter:
    """Return a list chapter (``with_lists``) with its entries; others unchanged."""
    kind = next((what for what, epub, _ in KINDS.values() if epub == chapter.type), None)
    if kind is None or chapter.html or chapter.kind != "frontmatter":
        return chapter
    items = [
        f'<li><a href="#{attr(entry.id)}"><span class="caption-label">'
        f"{attr(numbered(words[CAPTION_WORDS[kind]], entry.number))}</span> "
        f"{attr(entry.title)}</a></li>"
        for entry in entries.values()
        if entry.kind == kind
    ]
    return replace(chapter, html=f'<ol class="caption-list">{"".join(items)}</ol>')
