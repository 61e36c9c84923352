"""Number the labelled figures, tables, listings, equations and sections of a Document.

Numbers run per chapter in a book ("Figure 2.3": the third figure of chapter 2; an
appendix's are lettered, "Figure A.1") and through the whole document in an article
("Figure 3"). Chapters that are neither numbered nor appendices (a preface) number their
own without a prefix. Only labelled things get a number, as with pandoc-crossref: an
image without a label stays an unnumbered figure. Captions get the word and the number
("Figure 2.3: A map"), an equation its number at the end (``span.eqno``, "(2.1)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from exporter.crossref.labels import Target, collect, label_id, trailing_label
from exporter.ids import chapter_id
from exporter.model import Chapter, Document
from exporter.rendering.matter import is_numbered
from exporter.rendering.words import letter, numbered

CAPTION_WORDS = {"fig": "figure", "tbl": "table", "lst": "listing"}
_SOURCE_HEADING = re.compile(r"^\s{0,3}#{1,6}\s.*?\{#(sec)[:-]([\w][\w.:-]*)[^}]*\}\s*#*\s*$")


@dataclass(frozen=True)
class Entry:
    """What a reference needs to know about a target: its kind, id, number and title."""

    kind: str
    id: str
    number: str
    title: str = ""  # a section's or chapter's title, a figure's or table's caption
    chapter: int = 0  # the chapter it is in (1..)


def chapter_prefix(doc: Document, index: int) -> str:
    """Return the prefix of chapter ``index``'s numbers: "2", "A", or '' (article, preface)."""
    if not doc.is_book:
        return ""
    chapter = doc.chapters[index - 1]
    earlier = doc.chapters[:index]
    if is_numbered(chapter):
        return str(sum(map(is_numbered, earlier)))
    if chapter.type == "appendix" and chapter.level == 1:
        return letter(sum(1 for c in earlier if c.type == "appendix" and c.level == 1))
    return ""


class Numberer:
    """Hand out numbers in reading order, restarting per chapter in a book."""

    def __init__(self, doc: Document, words: dict[str, str]) -> None:
        """Start the counters for ``doc``, writing captions with ``words``."""
        self.doc, self.words = doc, words
        self.counts: dict[str, int] = {}
        self.entries: dict[str, Entry] = {}
        self.duplicates: list[tuple[str, int]] = []  # (id, chapter) of a label used again

    def chapter(self, index: int, root: etree._Element) -> None:
        """Number chapter ``index``'s targets (its tree, changed in place)."""
        prefix = chapter_prefix(self.doc, index)
        if self.doc.is_book:
            self.counts = {}
        for target in collect(root):
            if target.kind == "sec":  # numbered below, among all the chapter's headings
                title = "".join(str(t) for t in target.element.itertext()).strip()
                self._add(Entry("sec", target.id, "", title, index), target.element)
                continue
            self.counts[target.kind] = self.counts.get(target.kind, 0) + 1
            count = self.counts[target.kind]
            number = f"{prefix}.{count}" if prefix else str(count)
            caption = target.caption
            title = (
                "".join(str(t) for t in caption.itertext()).strip() if caption is not None else ""
            )
            self._label(target, number)
            self._add(Entry(target.kind, target.id, number, title, index), target.element)
        self._sections(index, root, prefix)

    def _label(self, target: Target, number: str) -> None:
        """Write the number into the caption, or after an equation."""
        if target.kind == "eq":
            eqno = etree.SubElement(target.element, "span", {"class": "eqno"})
            eqno.text = f"({number})"
            return
        caption = target.caption
        if caption is None:
            return
        label = etree.Element("span", {"class": "caption-label"})
        label.text = numbered(self.words[CAPTION_WORDS[target.kind]], number)
        label.tail = self.words["caption-separator"] + (caption.text or "")
        caption.text = None
        caption.insert(0, label)

    def _sections(self, index: int, root: etree._Element, prefix: str) -> None:
        """Number the labelled headings by their place among all the chapter's headings."""
        counters: list[int] = []
        for heading in root.iter("h2", "h3", "h4", "h5", "h6"):
            number = _advance(counters, int(heading.tag[1]) - 1, prefix)
            entry = self.entries.get(heading.get("id", ""))
            if entry is not None and entry.kind == "sec":
                self.entries[entry.id] = Entry("sec", entry.id, number, entry.title, index)

    def chapter_title(self, index: int, name: str, title: str) -> None:
        """Record a label on chapter ``index``'s own title (``# Title {#sec:x}``)."""
        prefix = chapter_prefix(self.doc, index)
        number = numbered(self.words["chapter"], prefix) if prefix.isdigit() else prefix
        if prefix and not prefix.isdigit():
            number = numbered(self.words["appendix"], prefix)
        entry = Entry("chapter", chapter_id(index), number, title, index)
        self.entries.setdefault(label_id("sec", name), entry)

    def _add(self, entry: Entry, element: etree._Element | None = None) -> None:
        """Record an entry; a label used twice keeps its first place, and the warning says so."""
        if entry.id not in self.entries:
            self.entries[entry.id] = entry
            return
        self.duplicates.append((entry.id, entry.chapter))
        if element is not None:  # ids stay unique in the publication
            element.set("id", f"{entry.id}-{len(self.duplicates) + 1}")


def _advance(counters: list[int], depth: int, prefix: str) -> str:
    """Count a heading at ``depth`` (1 for h2) and return its number ("2.1.3")."""
    del counters[depth:]
    while len(counters) < depth:
        counters.append(0)
    counters[depth - 1] += 1
    parts = [str(n) for n in counters]
    return ".".join([prefix, *parts] if prefix else parts)


def title_label(chapter: Chapter) -> tuple[Chapter, str]:
    """Take a ``{#sec:x}`` off a chapter's title; return the chapter and the label's name.

    CommonMark leaves it in the title; the other readers made it an id that the title
    heading took away with it, so the source's first heading line is read for it.
    """
    split = trailing_label(chapter.title)
    if split is not None and split[1] == "sec":
        return _retitled(chapter, split[0].strip()), split[2]
    first = _first_heading_line(chapter.source)
    found = _SOURCE_HEADING.match(first)
    return chapter, (found.group(2) if found else "")


def _retitled(chapter: Chapter, title: str) -> Chapter:
    """Return the chapter with a new title."""
    return replace(chapter, title=title)


def _first_heading_line(source: Path | None) -> str:
    """Return the first ATX heading line of a Markdown source, or ''."""
    if source is None or source.suffix.lower() not in (".md", ".markdown"):
        return ""
    try:
        text = source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    fence = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if not fence and re.match(r"^\s{0,3}#{1,6}\s", line):
            return line
    return ""
