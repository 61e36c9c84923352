"""The cross-reference transform's work, for a document that has labels or references
(``exporter.crossref.number`` looks first)."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from lxml import etree

from exporter.crossref.labels import trailing_label
from exporter.crossref.listings import label_fences
from exporter.crossref.lists import fill, with_lists
from exporter.crossref.numbering import Numberer, title_label
from exporter.crossref.references import KINDS, Resolver
from exporter.crossref.words import crossref_words, theme_words
from exporter.markup import inner_xhtml, parse_fragment
from exporter.model import Chapter, Document, Heading
from exporter.settings import Settings

log = logging.getLogger("exporter")


def number(doc: Document, settings: Settings) -> Document:
    """Number the labelled things of ``doc`` and resolve the references to them."""
    words = crossref_words(doc, theme_words(settings))
    doc = with_lists(doc, settings.lists or doc.metadata.lists, words)  # --list, book.toml
    numberer = Numberer(doc, words)
    chapters: list[Chapter] = []
    roots: list[etree._Element] = []
    for index, chapter in enumerate(doc.chapters, 1):
        chapter, name = title_label(chapter)
        root = parse_fragment(chapter.html)
        label_fences(root, chapter.source)
        numberer.chapter(index, root)
        if name:
            numberer.chapter_title(index, name, chapter.title)
        chapters.append(chapter)
        roots.append(root)
    for label, index in numberer.duplicates:
        chapter = chapters[index - 1]
        where = str(chapter.source) if chapter.source is not None else chapter.title
        kind, _, name = label.partition("-")
        log.warning(
            "%s: label %s:%s is given to two things; references go to the first. Rename one",
            where, kind, name,
        )  # fmt: skip
    done = tuple(
        fill(_resolved(chapter, root, Resolver(numberer.entries, words, _warner(chapter))),
             numberer.entries, words)
        for chapter, root in zip(chapters, roots, strict=True)
    )  # fmt: skip
    return replace(doc, chapters=done)


def _resolved(chapter: Chapter, root: etree._Element, resolver: Resolver) -> Chapter:
    """Return the chapter with its references resolved (in notes too) and headings renewed."""
    resolver.rewrite(root)
    notes = []
    for note_id, note in chapter.notes:
        note_root = parse_fragment(note)
        resolver.rewrite(note_root)
        notes.append((note_id, inner_xhtml(note_root)))
    elements = list(root.iter("h2", "h3", "h4", "h5", "h6"))
    headings = chapter.headings
    if len(elements) == len(headings):  # the same headings, a label taken off the text
        headings = tuple(
            Heading(old.level, _without_label(old.text), el.get("id", old.id))
            for old, el in zip(headings, elements, strict=True)
        )
    return replace(chapter, html=inner_xhtml(root), notes=tuple(notes), headings=headings)


def _without_label(text: str) -> str:
    """Return a heading's text without a trailing ``{#sec:x}``."""
    split = trailing_label(text)
    return split[0].strip() if split is not None else text


def _warner(chapter: Chapter) -> _MissingLabel:
    """Return what warns about a reference to an unknown label in ``chapter``."""
    return _MissingLabel(chapter.source, chapter.title)


class _MissingLabel:
    """Warn, naming the file and line, that a reference points at no label."""

    def __init__(self, source: Path | None, title: str) -> None:
        """Warn about references in ``source`` (or the chapter titled ``title``)."""
        self.source, self.title = source, title
        self._text: str | None = None

    def __call__(self, label: str) -> None:
        """Log the warning for ``label`` (as written: ``fig:nope``)."""
        where = str(self.source) if self.source is not None else self.title
        line = self._line_of(f"@{label}") or self._line_of(f"@{label.replace(':', '-', 1)}")
        at = f"{where}:{line}" if line else where
        kinds = ", ".join(list(KINDS.values())[:-1]) + " or " + list(KINDS.values())[-1]
        log.warning(
            "%s: @%s refers to no %s labelled %s; label the target {#%s} or fix the reference",
            at, label, kinds, label, label,
        )  # fmt: skip

    def _line_of(self, written: str) -> int | None:
        """Return the first line of the source where ``written`` occurs."""
        if self._text is None:
            try:
                self._text = self.source.read_text("utf-8", "replace") if self.source else ""
            except OSError:
                self._text = ""
        start = self._text.find(written)
        return self._text.count("\n", 0, start) + 1 if start >= 0 else None
