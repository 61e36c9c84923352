"""Split a book's PDF HTML into layout units and write each unit's own HTML document.

A unit is the front matter (title page, imprint, contents, preface...) or one chapter of
the main matter (with the part title page that opens it). A unit laid out alone must come
out exactly as it does inside the whole book, so its document hands in what the book before
it left behind, with nothing but CSS and markup:

- a *lead*, the pages set before the unit's first page and dropped after layout: its last
  page takes the side (recto or verso) and the page counter of the book's page before the
  unit, by a named ``@page`` with ``counter-reset``; it holds the title page (ids removed),
  so that book-wide named strings (the running head's book title) are set, and an empty
  copy of the opening tag of each earlier main-matter unit, so that element counters
  (``counter-increment: chapter`` on ``section.chapter``) count them; the footnote counter
  is reset to the notes set before the unit;
- a *trail*, an empty copy of the next unit's opening tag: the blank page the next unit's
  ``break-before: right`` makes is then laid out here, as in the book, and the trail's own
  page is dropped;
- *phantoms*: for each anchor the unit links to in another unit, an empty element with
  that id on a page of its own whose page counter is the target's, so that
  ``target-counter(attr(href url), page)`` (the printed contents' page numbers, any
  cross-reference) gives the target's real page; these pages are dropped too.

The index (``crossref.index``) prints pages without ``target-counter``: its locators are
written out as page numbers (``crossref.pages.resolve``) from where the units before it put
its terms, handed in as each anchor's page in the book and every page's folio.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from exporter.crossref import pages as index_pages

FRONT = "front"
LEAD = "exporter-lead"
TRAIL = "exporter-next"
_OPEN = '<div class="front-matter">'
_MIDDLE = '</div>\n<div class="main-matter">'
_TAG = re.compile(r"<(\w+)([^>]*)>")
_ID = re.compile(r'\sid="([^"]*)"')
_HREF = re.compile(r'href="#([^"]+)"')
_NOTE = re.compile(r'<span class="fn"')
_MODIFIED = re.compile(r'(<meta name="dcterms.modified" content=")([^"]*)(")')
# Units are laid out with this modification date, the book's own is set in the assembled
# PDF: the date follows the newest source, and must not change every unit's cache key.
STAMP = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class Unit:
    """One layout unit: its name, its body HTML and the wrapper it sits in."""

    name: str  # "front", or the id of the unit's first element ("ch-3", "ch-3-part")
    body: str
    wrapper: str  # "front-matter" or "main-matter"

    @property
    def ids(self) -> frozenset[str]:
        """Return the ids of the unit's elements: the anchors it holds."""
        return frozenset(_ID.findall(self.body))

    @property
    def targets(self) -> frozenset[str]:
        """Return the anchors this unit links to that lie in other units."""
        return frozenset(_HREF.findall(self.body)) - self.ids

    @property
    def links_within(self) -> bool:
        """Tell whether the unit links to its own anchors (a target-counter may need them)."""
        return bool(set(_HREF.findall(self.body)) & self.ids)

    @property
    def holds_index(self) -> bool:
        """Tell whether the unit is the index, whose locators are written-out pages."""
        return index_pages.MARK in self.body

    @property
    def notes(self) -> int:
        """Return how many page footnotes the unit sets."""
        return len(_NOTE.findall(self.body))

    def opening(self, new_id: str = "") -> str:
        """Return an empty copy of the unit's first element, with ``new_id`` or no id."""
        match = _TAG.match(self.body)
        if match is None:
            return ""
        attrs = _ID.sub("", match.group(2))
        if new_id:
            attrs = f' id="{new_id}"' + attrs
        return f"<{match.group(1)}{attrs}></{match.group(1)}>"


@dataclass(frozen=True)
class Book:
    """A book's PDF HTML cut into its head, its units and its tail."""

    head: str  # up to and including <body ...>
    tail: str  # from </body>
    units: tuple[Unit, ...]
    title_page: str  # the title page's HTML (a named string's source), ids removed
    modified: str = ""  # the book's modification date (units are laid out with STAMP)


@dataclass(frozen=True)
class HandedIn:
    """What the book before a unit leaves it: the page before it and the counts so far."""

    page: int = 0  # the page counter on the book's page before the unit
    verso: bool = True  # that page is a left-hand page (so the unit starts on a recto)
    targets: tuple[tuple[str, int], ...] = ()  # (anchor in another unit, its page counter)
    # The index only: (anchor it links to, its page's index in the book), and each page's folio.
    located: tuple[tuple[str, int], ...] = ()
    folios: tuple[str, ...] = ()


def split(html: str, parts: Sequence[str]) -> Book:
    """Cut the book's HTML (``render_document``) into units, given its ``body_parts``."""
    body = "\n".join(parts)
    start = html.index(body)
    head, tail = html[:start], html[start + len(body) :]
    middle = parts.index(_MIDDLE)
    if parts[0] != _OPEN or parts[-1] != "</div>":
        raise ValueError("not a book's body: no front and main matter")
    front = "\n".join(parts[1:middle])
    units = [Unit(FRONT, front, "front-matter")]
    for part in parts[middle + 1 : -1]:
        tag = _TAG.match(part)
        match = _ID.search(tag.group(0)) if tag else None
        units.append(Unit(match.group(1) if match else f"unit-{len(units)}", part, "main-matter"))
    title = re.search(r'<section class="title-page".*?</section>', front, re.S)
    found = _MODIFIED.search(head)
    head = _MODIFIED.sub(lambda m: m.group(1) + STAMP + m.group(3), head, count=1)
    title_html = _ID.sub("", title.group(0)) if title else ""
    return Book(head, tail, tuple(units), title_html, found.group(2) if found else "")


def unit_html(book: Book, index: int, handed: HandedIn) -> str:
    """Return the HTML document that lays out unit ``index`` of ``book`` alone."""
    unit = book.units[index]
    if unit.holds_index and handed.folios:
        body = index_pages.resolve(unit.body, dict(handed.located), handed.folios)
        unit = Unit(unit.name, body or unit.body, unit.wrapper)
    nxt = book.units[index + 1] if index + 1 < len(book.units) else None
    trail = nxt.opening(TRAIL) if nxt else ""
    phantoms = _phantoms(handed.targets)
    css = _unit_css(handed, sum(u.notes for u in book.units[1:index]), index > 0)
    head = book.head.replace("</head>", f"<style>\n{css}</style>\n</head>", 1)
    if index == 0:
        after = f"{_MIDDLE}\n{trail}\n{phantoms}\n</div>" if nxt else f"</div>\n{phantoms}"
        return f'{head}<div class="front-matter">\n{unit.body}\n{after}{book.tail}'
    earlier = "".join(u.opening() for u in book.units[1:index])
    lead = (
        '<div class="exporter-lead0"></div>' if handed.verso else ""
    ) + f'<div class="{LEAD}" id="{LEAD}">{book.title_page}{earlier}</div>'
    return (
        f'{head}<div class="main-matter">\n{lead}\n{unit.body}\n{trail}\n{phantoms}\n</div>'
        f"{book.tail}"
    )


def stop(book: Book, index: int, handed: HandedIn) -> str | None:
    """Return the anchor of the first page after unit ``index``: the next unit's, else the
    first phantom page's (the book's last unit must not keep them), else None."""
    if index + 1 < len(book.units):
        return TRAIL
    targets = sorted(handed.targets, key=lambda target: target[1])  # as _phantoms orders them
    return targets[0][0] if targets else None


def _phantoms(targets: Iterable[tuple[str, int]]) -> str:
    """Return empty elements carrying the anchors of other units, one page per page number."""
    by_page: dict[int, list[str]] = {}
    for anchor, page in targets:
        by_page.setdefault(page, []).append(anchor)
    return "".join(
        f'<div class="exporter-p{page}">' + "".join(f'<div id="{a}"></div>' for a in anchors)
        + "</div>"
        for page, anchors in sorted(by_page.items())
    )  # fmt: skip


def _unit_css(handed: HandedIn, notes: int, lead: bool) -> str:
    """Return the CSS that sets the lead's and the phantoms' pages and counters."""
    rules = [
        f".exporter-p{page} {{ page: exporter-p{page} !important; }}\n"
        f"@page exporter-p{page} {{ counter-reset: page {page}; }}\n"
        for page in sorted({page for _, page in handed.targets})
    ]
    if lead:
        rules.append(
            ".exporter-lead0 { page: exporter-lead0; }\n"
            f".{LEAD} {{ page: {LEAD}; counter-reset: footnote {notes}; }}\n"
            f".{LEAD} * {{ page: {LEAD} !important; break-before: auto !important;"
            " break-after: auto !important; margin: 0 !important; padding: 0 !important;"
            " height: 0 !important; border: 0 !important; bookmark-level: none !important; }\n"
            + lead_counter(handed.page)
        )
    return "".join(rules)


def lead_counter(page: int) -> str:
    """Return the rule of a unit's HTML that sets the page counter before it: all that
    changes in it when the units before it grow by pages (its body stays the same)."""
    return f"@page {LEAD} {{ counter-reset: page {page}; }}\n"


def cross_targets(book: Book, index: int, pages: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """Return the anchors unit ``index`` links to elsewhere, with their page counters.

    An anchor not laid out yet gets 0: its phantom keeps the link, and the unit is laid out
    again once the page is known. The index prints no target's page counter: its targets
    all get 0 (one phantom page, not one per page its terms are on).
    """
    unit = book.units[index]
    if unit.holds_index:
        return tuple((a, 0) for a in sorted(unit.targets))
    return tuple(sorted((a, pages.get(a, 0)) for a in unit.targets))
