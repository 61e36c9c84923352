"""A unit's margin boxes (running heads, folios) kept apart from its body, and re-made alone.

A chapter's body does not depend on its folios: chapters open on a recto, so when a
chapter before it grows, it moves by an even number of pages and its pages keep their
sides. Only its margin boxes change. So a unit's pages are written with their margin boxes
in forms of their own (``split`` here, ``margin_forms.fold``), with a record of what the
margin boxes of each page needed (``Margins``): the page's name, side and blankness, its page
counter, and the named strings set on it and before it. ``remake`` then makes the margin
boxes of many moved units in one small WeasyPrint render of empty pages of the same names
and sides with the new page counters, and the strings the units set (written into the
layout's string store), and checks that each page came out as recorded.

A margin box that shows anything else (``counter(pages)``, ``element()``, ``leader()``,
a target, another counter) cannot be re-made this way: such a unit has no record, and is
laid out again in full, as is a book whose CSS selects pages by their position
(``:nth()`` other than ``of front``: the front matter is never re-margined).

WeasyPrint has no API for either; this wraps ``weasyprint.layout.make_all_pages`` and
``make_margin_boxes`` as ``pdf_units._deferred_folios`` does, and reads ``context.string_set``
(name -> page number -> values) and ``page.page_type`` (checked on WeasyPrint 70.0;
``tests/writers/test_margins.py`` pins them).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import weasyprint.layout
from weasyprint.formatting_structure.boxes import MarginBox

# Margin-box content that an empty page with the same name, side, page counter and strings
# reproduces: text, named strings and the page counter.
_PLAIN = ("string", "string()")
_NTH = re.compile(r":nth\(([^)]*)\)")


@dataclass(frozen=True)
class Margins:
    """What a unit's margin boxes need: the strings before it and each page's own needs."""

    carried: dict[str, str]  # each named string's value before the unit's first page
    before: int  # the page counter of the page before the unit
    # Per page: (page name, side, blank, page counter, {string: values set on the page}).
    pages: tuple[tuple[str, str, bool, int, dict[str, list[str]]], ...]

    def to_json(self) -> dict[str, Any]:
        return {"carried": self.carried, "before": self.before, "pages": self.pages}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Margins:
        pages = tuple(
            (str(n), str(s), bool(b), int(c), {str(k): [str(v) for v in vs] for k, vs in t.items()})
            for n, s, b, c, t in data["pages"]
        )
        carried = {str(k): str(v) for k, v in data["carried"].items()}
        return cls(carried, int(data["before"]), pages)


def reproducible(css: str) -> bool:
    """Tell whether the print CSS selects pages only in ways an empty page reproduces."""
    return all(re.fullmatch(r"\s*\w+\s+of\s+front\s*", sel) for sel in _NTH.findall(css))


@contextlib.contextmanager
def recording() -> Iterator[dict[int, Any]]:
    """Record each page's margin needs while a document is laid out (page index -> needs).

    The dict it yields gets, per page, (name, side, blank, page counter, reproducible) and,
    under -1, the layout context (its string store is read once the pages are made).
    """
    make_margins = weasyprint.layout.make_margin_boxes
    seen: dict[int, Any] = {}

    def margin_boxes(context: Any, page: Any, state: Any) -> list[Any]:
        made = list(make_margins(context, page, state))
        kind = page.page_type
        plain = all(
            box.style["content"] in ("normal", "none", "inhibit")
            or all(_plain(item) for item in box.style["content"])
            for box in made
        )
        counter = state[1]["page"][-1]
        seen[context.current_page - 1] = (kind.name, kind.side, kind.blank, counter, plain)
        seen[-1] = context
        return made

    weasyprint.layout.make_margin_boxes = margin_boxes
    try:
        yield seen
    finally:
        weasyprint.layout.make_margin_boxes = make_margins


def _plain(item: Any) -> bool:
    kind, value = item
    return kind in _PLAIN or (kind == "counter()" and value[0] == "page")


def needs(seen: dict[int, Any], begin: int, end: int) -> Margins | None:
    """Return the margin needs of pages ``begin:end`` (0-based) from ``recording``, or None
    when a page shows what an empty page cannot reproduce (or nothing was recorded)."""
    if begin < 1 or -1 not in seen or any(i not in seen for i in range(begin - 1, end)):
        return None
    if not all(seen[i][4] for i in range(begin, end)):
        return None
    store = seen[-1].string_set
    carried = {}
    for name, by_page in store.items():
        earlier = [number for number in by_page if number <= begin]
        if earlier:
            carried[name] = by_page[max(earlier)][-1]
    pages = tuple(
        (*seen[i][:4], {name: list(got[i + 1]) for name, got in store.items() if i + 1 in got})
        for i in range(begin, end)
    )
    return Margins(carried, seen[begin - 1][3], pages)


def split(pages: Sequence[Any]) -> list[Any]:
    """Return the pages without their margin boxes, then margin-only copies of them.

    A margin-only copy draws no page background, canvas or border (its body page does).
    """
    bodies, margins = [], []
    for page in pages:
        box = page._page_box
        body = copy.copy(page)
        body._page_box = box.copy_with_children(
            [c for c in box.children if not isinstance(c, MarginBox)]
        )
        bodies.append(body)
        margin = copy.copy(page)
        outer = box.copy_with_children([c for c in box.children if isinstance(c, MarginBox)])
        outer.background = outer.canvas_background = None
        for side in ("top", "right", "bottom", "left"):
            setattr(outer, f"border_{side}_width", 0)
        margin._page_box = outer
        margin.anchors, margin.links, margin.bookmarks = {}, [], []
        margin.forms = {None: []}
        margins.append(margin)
    return bodies + margins


class Mismatch(Exception):
    """The empty pages did not come out as the recorded ones: lay the units out again."""


def skeleton(head: str, todo: Sequence[tuple[int, Margins]]) -> str:
    """Return the HTML of empty pages that reproduce the units' pages, each unit after a
    lead page (a verso, ``exporter-s<u>``) whose ``counter-reset`` sets its new counter.

    The pages sit in a container named as the units' blank pages are (a blank page takes
    the name of the element around the one whose break made it).
    """
    blanks = {name for _, m in todo for name, _, blank, _, _ in m.pages if blank}
    around = next(iter(blanks)) if len(blanks) == 1 else ""
    rules, body = [], []
    for u, (before, margins) in enumerate(todo):
        rules.append(
            f"@page exporter-s{u} {{ counter-reset: page {before}; }}\n"
            f".exporter-s{u} {{ page: exporter-s{u}; break-before: left; }}\n"
        )
        body.append(f'<div style="page: exporter-r; break-before: right"></div>'
                    f'<div class="exporter-s{u}"></div>')  # fmt: skip
        for name, side, blank, _, _ in margins.pages:
            if not blank:
                body.append(f'<div style="page: {name or "auto"}; break-before: {side}"></div>')
    style = f"<style>\n{''.join(rules)}</style>\n</head>"
    page = f"page: {around}" if around else ""
    pages = "".join(body)
    return f'{head.replace("</head>", style, 1)}<div style="{page}">{pages}</div></body></html>'


@contextlib.contextmanager
def remaking(todo: Sequence[tuple[int, Margins]]) -> Iterator[dict[str, Any]]:
    """Check the skeleton's pages against the records and set the strings they had.

    Yields a dict that gets ``"pages"``: for each unit, the indexes of its pages.
    """

    def margin_boxes(make: Any, seen: dict[str, Any], context: Any, page: Any, state: Any) -> Any:
        if "pages" not in seen:
            seen["pages"] = _placed(seen["boxes"], todo)
            context.string_set = _strings(seen["pages"], todo)
            seen["counters"] = {
                index: counter + before - margins.before
                for indexes, (before, margins) in zip(seen["pages"], todo, strict=True)
                for index, (_, _, _, counter, _) in zip(indexes, margins.pages, strict=True)
            }
        want, got = seen["counters"].get(context.current_page - 1), state[1]["page"][-1]
        if want is not None and want != got:
            raise Mismatch(f"page {context.current_page}: page counter {got}, not {want}")
        return make(context, page, state)

    with hooked(margin_boxes) as seen:
        yield seen


# Makes a page's margin boxes: (the make_margin_boxes it stands in for, the render's
# ``seen``, then make_margin_boxes's own context, page and state).
MarginMaker = Callable[[Callable[..., Any], dict[str, Any], Any, Any, Any], Any]


@contextlib.contextmanager
def hooked(margin_boxes: MarginMaker) -> Iterator[dict[str, Any]]:
    """Watch WeasyPrint make a document's pages, and make their margin boxes another way.

    Yields a dict whose ``"boxes"`` gets the page boxes ``make_all_pages`` made (before any
    margin box); ``margin_boxes`` makes each page's margin boxes in place of
    ``make_margin_boxes``, which it is handed. Both functions of ``weasyprint.layout``
    (WeasyPrint 70.0) are put back afterwards.
    """
    layout = weasyprint.layout
    make_pages, make_margins = layout.make_all_pages, layout.make_margin_boxes
    seen: dict[str, Any] = {}

    def all_pages(context: Any, root_box: Any, html: Any, pages: Any) -> list[Any]:
        seen["boxes"] = list(make_pages(context, root_box, html, pages))
        return seen["boxes"]

    layout.make_all_pages = all_pages
    layout.make_margin_boxes = functools.partial(margin_boxes, make_margins, seen)
    try:
        yield seen
    finally:
        layout.make_all_pages, layout.make_margin_boxes = make_pages, make_margins


def _placed(boxes: Sequence[Any], todo: Sequence[tuple[int, Margins]]) -> list[list[int]]:
    """Return each unit's page indexes in the skeleton, checked against its record."""
    placed = []
    kinds = [box.page_type for box in boxes]
    for u, (_, margins) in enumerate(todo):
        lead = next((i for i, k in enumerate(kinds) if k.name == f"exporter-s{u}"), None)
        if lead is None or lead + len(margins.pages) >= len(kinds):
            raise Mismatch(f"unit {u} has no lead page")
        indexes = list(range(lead + 1, lead + 1 + len(margins.pages)))
        for index, (name, side, blank, _, _) in zip(indexes, margins.pages, strict=True):
            kind = kinds[index]
            if (kind.name, kind.side, kind.blank) != (name, side, blank):
                raise Mismatch(f"page {index}: {kind} is not ({name}, {side}, {blank})")
        placed.append(indexes)
    return placed


def _strings(placed: list[list[int]], todo: Sequence[tuple[int, Margins]]) -> Any:
    """Return a string store (name -> page number -> values) with the units' strings."""
    store: Any = defaultdict(lambda: defaultdict(list))
    for indexes, (_, margins) in zip(placed, todo, strict=True):
        for name, value in margins.carried.items():
            store[name][indexes[0]] = [value]  # the lead page, the one before the unit
        for index, page in zip(indexes, margins.pages, strict=True):
            for name, values in page[4].items():
                store[name][index + 1] = list(values)
    return store
