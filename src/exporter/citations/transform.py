"""The citations transform: each ``[@key]`` becomes its formatted, linked citation.

It runs after reading (priority 30, after cross-references at 20), over every chapter's
XHTML. The bibliography comes from ``--bibliography`` (Settings) or the sources' front
matter or book manifest (Metadata); the style from ``--csl`` or ``csl:``, Chicago
author-date by default. Each citation links to its entry (``#ref-KEY``) in the reference
list, which ``references.py`` places. A key the bibliography lacks is a warning naming the
file and line, and the citation's text stays as written.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from exporter.citations.library import confine, load_items
from exporter.citations.nocite import register_uncited
from exporter.citations.references import entry_id, place_references
from exporter.citations.style import Cite, Formatter
from exporter.citations.syntax import Found, find_citations
from exporter.crossref.text import place
from exporter.markup import EPUB_NS
from exporter.model import Chapter, Document, Heading

if TYPE_CHECKING:
    from exporter.settings import Settings

log = logging.getLogger("exporter")

_SKIP = {"code", "pre", "kbd", "samp", "script", "style", "a", "math", "svg"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_OPEN = f'<div xmlns:epub="{EPUB_NS}">'


@dataclass
class _Spot:
    """Citations found in one text slot: an element's text, or a child's tail."""

    element: etree._Element
    tail: bool
    found: list[Found]
    handles: list[list[int | None]]


def cite(doc: Document, settings: Settings) -> Document:
    """Format every citation of ``doc`` and add the reference list (the transform)."""
    paths = bibliography_paths(doc, settings)
    if not paths:
        return doc
    items = load_items(paths)
    style = _style_path(doc, settings)
    formatter = Formatter(items, style, doc.metadata.lang or "en")
    names = ", ".join(p.name for p in paths)
    # Per chapter: its title's, body's and notes' trees (all three cite), and the spots found.
    trees: list[tuple[list[etree._Element], list[_Spot]]] = []
    for chapter in doc.chapters:
        texts = [chapter.title, chapter.html, *(note for _, note in chapter.notes)]
        if not any("@" in text for text in texts):
            trees.append(([], []))  # nothing to cite: not parsed at all
            continue
        title = etree.Element("h1")
        title.text = chapter.title
        roots = [title, *(_parse(text) for text in texts[1:])]
        seen: dict[str, int] = {}  # each key's citations so far: the n-th is found in the file
        spots = [s for root in roots for s in _collect(root, chapter, formatter, names, seen)]
        trees.append((roots, spots))
    register_uncited(doc, formatter, names)  # nocite: after every citation, as pandoc
    for _roots, spots in trees:  # rendered once all are registered (1984a and 1984b)
        for spot in spots:
            _replace(spot, formatter)
    chapters = []
    for chapter, (roots, spots) in zip(doc.chapters, trees, strict=True):
        if spots:
            notes = tuple(
                (n, _serialise(r)) for (n, _), r in zip(chapter.notes, roots[2:], strict=True)
            )
            chapter = replace(
                chapter,
                # a cited title as printed (without its links); any other exactly as it was
                title=_printed(roots[0]) if len(roots[0]) else chapter.title,
                html=_serialise(roots[1]),
                notes=notes,
                headings=_headings(chapter, roots[1]),
            )
        chapters.append(chapter)
    entries = formatter.references()
    chapters = place_references(doc, chapters, entries)
    return replace(doc, chapters=tuple(chapters))


def _headings(chapter: Chapter, root: etree._Element) -> tuple[Heading, ...]:
    """Return the chapter's headings with their citations as printed: ``(Knuth 1984)``.

    The contents, the EPUB nav and the outline read the headings collected when the
    source was read, when a citation was still ``[@knuth1984]``.
    """
    elements = list(root.iter("h2", "h3", "h4", "h5", "h6"))
    if len(elements) != len(chapter.headings):  # not the same headings: leave them be
        return chapter.headings
    return tuple(
        replace(old, text=_printed(el))
        if el.find(".//span[@class='citation']") is not None
        else old
        for old, el in zip(chapter.headings, elements, strict=True)
    )


def _printed(element: etree._Element) -> str:
    """Return an element's text as it reads, whitespace collapsed."""
    return " ".join("".join(str(t) for t in element.itertext()).split())


def bibliography_paths(doc: Document, settings: Settings) -> list[Path]:
    """Return the bibliography files: the builder's (``--bibliography``) or the sources'.

    Those the sources name must lie inside their folders (a book's too), as images must.
    """
    given = settings.bibliography
    if given:  # one file given as a string (an API caller's) is one file, not its letters
        return [Path(given)] if isinstance(given, (str, os.PathLike)) else [Path(p) for p in given]
    roots, base = _roots(doc), _base(doc)
    where = str(doc.sources[0]) if doc.sources else "front matter"
    return [confine(base / p, roots, where) for p in doc.metadata.bibliography]


def _style_path(doc: Document, settings: Settings) -> Path | None:
    """Return the CSL style file to use, or None for the bundled Chicago author-date."""
    if settings.csl:
        return Path(settings.csl)
    if doc.metadata.csl:
        where = str(doc.sources[0]) if doc.sources else "front matter"
        return confine(_base(doc) / doc.metadata.csl, _roots(doc), where, "--csl")
    return None


def _base(doc: Document) -> Path:
    """Return the folder the sources' file names are relative to: the first source's."""
    return doc.sources[0].parent if doc.sources else Path.cwd()


def _roots(doc: Document) -> list[Path]:
    """Return the folders sources may read from: each source's, and the policy's extras."""
    from exporter.guard.policy import current

    folders = [p.parent for p in doc.sources] or [Path.cwd()]
    return folders + [Path(r) for r in current().resource_roots]


def _parse(xhtml: str) -> etree._Element:
    """Parse a chapter's or a note's XHTML under a wrapper that declares ``epub:``."""
    return etree.fromstring(f"{_OPEN}{xhtml}</div>", _PARSER)


def _collect(
    root: etree._Element, chapter: Chapter, formatter: Formatter, bib_name: str,
    seen: dict[str, int],
) -> list[_Spot]:  # fmt: skip
    """Find a tree's citations, register them in reading order, warn about unknown keys."""
    spots: list[_Spot] = []
    for element, tail in _text_slots(root):
        text = (element.tail if tail else element.text) or ""
        if "@" not in text:
            continue
        found = [f for f in find_citations(text) if _is_citation(f, formatter)]
        if not found:
            continue
        handles = []
        for citation in found:
            row: list[int | None] = []
            for item in citation.cites:
                seen[item.key] = seen.get(item.key, 0) + 1
                if item.key.lower() in formatter.keys:
                    row.append(formatter.register(item))
                else:
                    _warn_unknown(chapter, item.key, seen[item.key], bib_name)
                    row.append(None)
            handles.append(row)
        spots.append(_Spot(element, tail, found, handles))
    return spots


def _is_citation(found: Found, formatter: Formatter) -> bool:
    """Tell whether a match is a citation: bracketed, or a bare key the bibliography has."""
    return found.bracketed or found.cites[0].key.lower() in formatter.keys


def _text_slots(root: etree._Element) -> list[tuple[etree._Element, bool]]:
    """Return every (element, is-tail) text slot outside code, links and math, in order."""
    slots: list[tuple[etree._Element, bool]] = []

    def visit(element: etree._Element) -> None:
        name = etree.QName(element).localname if isinstance(element.tag, str) else ""
        skipped = name in _SKIP or "citation" in (element.get("class") or "").split()
        if not skipped:
            slots.append((element, False))
            for child in element:
                visit(child)
        if element is not root:
            slots.append((element, True))

    visit(root)
    return slots


def _replace(spot: _Spot, formatter: Formatter) -> None:
    """Replace the citations' text in one slot with their formatted, linked elements."""
    text = (spot.element.tail if spot.tail else spot.element.text) or ""
    pieces: list[str | etree._Element] = []
    last = 0
    for citation, row in zip(spot.found, spot.handles, strict=True):
        pieces.append(text[last : citation.start])
        if all(handle is None for handle in row):
            pieces.append(citation.text)  # nothing known: the text stays as written
        else:
            pieces.append(_citation_element(citation, row, formatter))
        last = citation.end
    pieces.append(text[last:])
    _put(spot, pieces)


def _citation_element(
    citation: Found, row: list[int | None], formatter: Formatter
) -> etree._Element:
    """Build ``<span class="citation">(<a href="#ref-key">Author 2001</a>; ...)</span>``."""
    span = etree.Element("span", {"class": "citation"})
    span.set("data-cites", " ".join(c.key for c in citation.cites))
    parts: list[str | etree._Element] = []
    in_text = not citation.bracketed
    previous: Cite | None = None
    for item, handle in zip(citation.cites, row, strict=True):
        collapsed = _collapses(formatter, previous, item) and handle is not None
        if previous is not None:
            grouped = collapsed and not previous.locator  # "2001a, 3; 2001b" as pandoc
            parts.append(formatter.group_delimiter if grouped else formatter.delimiter)
        previous = item if handle is not None else None
        if handle is None:
            parts.append(f"@{item.key}")
            continue
        mode = "author-in-text" if in_text else item.mode
        mode = "suppress-author" if collapsed else mode
        link = etree.Element("a", {"href": f"#{entry_id(formatter.keys[item.key.lower()])}"})
        link.set("role", "doc-biblioref")
        _fill(link, formatter.render(handle, mode))
        prefix = item.prefix
        parts += [prefix] if prefix else []
        parts.append(link)
        parts += [item.suffix] if item.suffix else []
    if not in_text:
        parts = [formatter.opening, *parts, formatter.closing]
    _append(span, parts)
    return span


def _collapses(formatter: Formatter, previous: Cite | None, item: Cite) -> bool:
    """Tell whether a cite joins the one before it under one author ("Doe 2001a, 2001b")."""
    if previous is None or not formatter.collapses or item.prefix or previous.suffix:
        return False
    plain = previous.mode == item.mode == "normal"
    return plain and formatter.same_author(previous.key, item.key)


def _fill(element: etree._Element, html: str) -> None:
    """Put citeproc-py's HTML (text with ``<i>``, ``<b>``, entities) inside ``element``."""
    fragment = etree.fromstring(f"<span>{_xml_entities(html)}</span>", _PARSER)
    element.text = fragment.text
    for child in fragment:
        element.append(child)


def _xml_entities(html: str) -> str:
    """Turn the HTML entities citeproc-py may write into characters XML knows."""
    return re.sub(r"&(?!amp;|lt;|gt;|quot;|#)\w+;", lambda m: _entity(m.group(0)), html)


def _entity(name: str) -> str:
    """Return an HTML entity's character (escaped for XML when it must be)."""
    import html as html_module

    char = html_module.unescape(name)
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;"}.get(char, char)


def _append(parent: etree._Element, pieces: list[str | etree._Element]) -> None:
    """Append text and elements to ``parent``, text going to the right text or tail."""
    for piece in pieces:
        if isinstance(piece, str):
            if len(parent):
                parent[-1].tail = (parent[-1].tail or "") + piece
            else:
                parent.text = (parent.text or "") + piece
        else:
            parent.append(piece)


def _put(spot: _Spot, pieces: list[str | etree._Element]) -> None:
    """Write pieces into the slot: an element's text (before its children) or a tail."""
    place(spot.element, pieces, into_text=not spot.tail)


def _warn_unknown(chapter: Chapter, key: str, occurrence: int, bib_name: str) -> None:
    """Warn that a key is not in the bibliography, naming the source file and line."""
    name = str(chapter.source) if chapter.source else chapter.title or "the source"
    line = _line_of(chapter.source, key, occurrence)
    where = f"{name}:{line}" if line else name
    log.warning("%s: citation key @%s is not in %s; kept as text", where, key, bib_name)


def _line_of(source: Path | None, key: str, occurrence: int) -> int | None:
    """Return the line of the ``occurrence``-th ``@key`` in the source file, if found."""
    if source is None:
        return None
    try:
        text = source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    pattern = re.compile(r"(?<![\w.+-])@\{?" + re.escape(key) + r"(?![\w])")
    matches = list(pattern.finditer(text))
    if len(matches) < occurrence:
        return None
    return text.count("\n", 0, matches[occurrence - 1].start()) + 1


def _serialise(root: etree._Element) -> str:
    """Return the wrapper's content as XHTML (the ``epub`` prefix declared once, outside)."""
    whole = etree.tostring(root, encoding="unicode")
    if whole.endswith("/>"):
        return ""
    return whole[whole.index(">") + 1 : -len("</div>")]
