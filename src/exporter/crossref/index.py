"""Index terms marked in the text, and the index at the back of the publication.

The syntax is pandoc's bracketed span with an ``index`` class, which any Markdown dialect
passes through as text (this stage reads it there):

- ``[term]{.index}``: ``term`` is indexed under itself, and stays in the text;
- ``[Müller]{.index key="Muller@Müller"}`` or ``key="sorting!quick sort"``: the entry's
  path, levels split by ``!`` and a level's sort key before ``@``, as LaTeX's ``\\index``;
- ``[]{.index key="Term"}``: an entry with no text, an anchor only (Asciidoctor's
  ``(((Term)))``);
- ``see="other"``, ``seealso="other"``: "term, *see* other" / "*see also* other".

Each mark becomes ``span.index-term`` with an ``id`` (``idx-3``) and ``data-index`` (the
path). The index is a back-matter chapter (type ``index``, the language's "Index"; or
the ``index`` chapter a manifest's ``[back]`` names, after its own text)
marked up as EPUB Indexes 1.0 says (``index-entry-list``, ``index-entry``, ``index-term``,
``index-locator``, ``index-xref-preferred``/``-related``), grouped by initial, sorted
case- and accent-blind. Each marked paragraph is one locator (a term marked twice in
it, once). In the EPUB and HTML a locator names its chapter ("Methods", "Methods (2)");
in the PDF the writer replaces the locators by the pages they land on, each page once and
consecutive pages as a range, "12–14" (``crossref.pages``, from a first layout).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from lxml import etree

from exporter.crossref.text import place, text_slots
from exporter.crossref.words import capitalised, crossref_words, theme_words
from exporter.markup import EPUB_NS, attr, inner_xhtml, parse_fragment
from exporter.model import Chapter, Document
from exporter.settings import Settings

_QUOTE = "\"'\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019"
_OPTION = rf"\s+(key|see|seealso|see-also)\s*=\s*[{_QUOTE}]([^{_QUOTE}]*)[{_QUOTE}]"
_MARK = re.compile(rf"\[([^\[\]]*)\]\{{\s*\.index((?:{_OPTION})*)\s*\}}")
_OPTIONS = re.compile(_OPTION)


@dataclass
class Entry:
    """One line of the index: its text, sort key, places, cross-references and sub-entries."""

    text: str
    sort: str
    places: list[tuple[str, str]] = field(default_factory=list)  # (anchor id, chapter title)
    see: list[str] = field(default_factory=list)
    see_also: list[str] = field(default_factory=list)
    children: dict[str, Entry] = field(default_factory=dict)


def make_index(doc: Document, settings: Settings) -> Document:
    """Mark the index terms of ``doc`` and add the index as its last chapter."""
    if not any("{.index" in c.html or "{ .index" in c.html for c in doc.chapters):
        return doc
    top: dict[str, Entry] = {}
    counter = [0]
    chapters = []
    for index, chapter in enumerate(doc.chapters, 1):
        root = parse_fragment(chapter.html)
        for el, into_text, text in text_slots(root, ".index"):
            _mark(el, into_text, text, top, counter, chapter.title or f"{index}")
        chapters.append(replace(chapter, html=inner_xhtml(root)))
    if not top:
        return replace(doc, chapters=tuple(chapters))
    words = crossref_words(doc, theme_words(settings))
    layout = doc.layout or ("book" if doc.is_book else "article")
    body = index_html(top, words)
    for at, chapter in enumerate(chapters):
        if chapter.type == "index":  # a manifest's [back] index = "index.md": the entries
            chapters[at] = replace(chapter, html=f"{chapter.html}\n{body}")  # go there, once
            return replace(doc, chapters=tuple(chapters), layout=layout)
    page = Chapter(title=words["index"], html=body, kind="backmatter", type="index")
    return replace(doc, chapters=(*chapters, page), layout=layout)


def _mark(
    el: etree._Element,
    into_text: bool,
    text: str,
    top: dict[str, Entry],
    counter: list[int],
    where: str,
) -> None:
    """Replace the marks in an element's text (or tail) by spans, recording their entries."""
    seen: set[int] = set()
    pieces: list[str | etree._Element] = []
    last = 0
    for found in _MARK.finditer(text):
        counter[0] += 1
        span = etree.Element("span", {"class": "index-term", "id": f"idx-{counter[0]}"})
        span.text = found.group(1)
        options = {k.replace("-", ""): v for k, v in _OPTIONS.findall(found.group(2))}
        path = options.get("key") or found.group(1)
        span.set("data-index", path)
        entry = _entry(top, path)
        if id(entry) not in seen:  # once per stretch of text: one locator for the place
            seen.add(id(entry))
            entry.places.append((span.get("id", ""), where))
        entry.see += [options["see"]] if options.get("see") else []
        entry.see_also += [options["seealso"]] if options.get("seealso") else []
        pieces += [text[last : found.start()], span]
        last = found.end()
    if pieces:
        pieces.append(text[last:])
        place(el, pieces, into_text)


def _entry(top: dict[str, Entry], path: str) -> Entry:
    """Return the entry a ``!``-separated path names, making the levels it lacks."""
    level = top
    entry: Entry | None = None
    for part in [p.strip() for p in path.split("!") if p.strip()] or [path]:
        sort, _, text = part.rpartition("@") if "@" in part else (part, "", part)
        key = sort_key(text)
        entry = level.get(key)
        if entry is None:
            entry = level[key] = Entry(text, sort_key(sort or text))
        level = entry.children
    assert entry is not None  # a path has at least one level
    return entry


def sort_key(text: str) -> str:
    """Return a term's sort key: case-folded, accents stripped ("Émile" sorts as "emile")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def index_html(top: dict[str, Entry], words: dict[str, str]) -> str:
    """Return the index's XHTML: groups by initial, each a list of entries (EPUB Indexes)."""
    groups: dict[str, list[Entry]] = {}
    for entry in sorted(top.values(), key=lambda e: (e.sort, e.text)):
        initial = entry.sort[:1].upper()
        groups.setdefault(initial if initial.isalpha() else "#", []).append(entry)
    parts = []  # the chapter around it is the index (epub:type and role: rendering)
    for n, (initial, entries) in enumerate(sorted(groups.items(), key=lambda g: g[0] != "#"), 1):
        parts.append(
            f'<section class="index-group" epub:type="index-group" id="index-group-{n}">'
            f'<h2 class="index-letter">{attr(initial)}</h2>'
            f"{_entries(entries, words)}</section>"
        )
    # The prefix is declared here so that the chapter parses on its own, as every other does.
    body = "\n".join(parts)
    return f'<div class="index-body" xmlns:epub="{EPUB_NS}">\n{body}\n</div>'


def _entries(entries: list[Entry], words: dict[str, str]) -> str:
    """Return a list of entries with their locators, cross-references and sub-entries."""
    items = []
    for entry in sorted(entries, key=lambda e: (e.sort, e.text)):
        locators = []
        counts: dict[str, int] = {}
        for anchor, where in entry.places:
            counts[where] = counts.get(where, 0) + 1
            label = where if counts[where] == 1 else f"{where} ({counts[where]})"
            locators.append(
                f'<a class="index-locator" epub:type="index-locator" href="#{anchor}">'
                f'<span class="locator-text">{attr(label)}</span></a>'
            )
        line = f'<span class="index-term" epub:type="index-term">{attr(entry.text)}</span>'
        if locators:
            line += ", " + ", ".join(locators)
        for kind, targets, word in (
            ("index-xref-preferred", entry.see, words["see"]),
            ("index-xref-related", entry.see_also, words["see-also"]),
        ):
            for target in dict.fromkeys(targets):
                line += (
                    f'. <span class="index-see" epub:type="{kind}"><em>'
                    f"{attr(capitalised(word))}</em> {attr(target)}</span>"
                )
        if entry.children:
            line += _entries(list(entry.children.values()), words)
        items.append(f'<li class="index-entry" epub:type="index-entry">{line}</li>')
    return f'<ul class="index-entries" epub:type="index-entry-list">{"".join(items)}</ul>'
