"""The index's page numbers in the PDF, from a first layout: duplicates gone, ranges merged.

CSS can print the page an anchor is on (``target-counter``) but cannot compare two of
them, so an entry marked three times on pages 12, 13 and 14 would read "12, 13, 14", and
twice on one page "12, 12". The PDF writer lays the book out once, reads on which page
each marked place landed and what folio that page prints, and hands them here: each
entry's locators become one link per page, runs of consecutive pages one link "12–14" to
the run's first place. The index is the book's last chapter, so writing it out again
moves nothing before it, and the writer lays the book out a second time with it. That
second layout is the price: a 15-page book took 8.7-10.1 s instead of 5.3-5.8 s. Laid out
chapter by chapter (a book's default, ``exporter.incremental``), the pages come from the
chapters laid out before the index, and only the index is laid out with them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import lxml.html
from lxml import etree

MARK = 'class="index-body"'
_BODY = re.compile(r'<div[^>]* class="index-body"[^>]*>.*?</ul>\s*</section>\s*</div>', re.DOTALL)


def resolve(html: str, pages: Mapping[str, int], folios: Sequence[str]) -> str | None:
    """Return ``html`` with the index's locators written out, or None when it has none.

    ``pages`` gives the page index (0-based) each anchor id is on; ``folios`` the folio
    each page prints (or would print).
    """
    found = _BODY.search(html)
    if found is None:
        return None
    body = lxml.html.fragment_fromstring(found.group(0))
    for entry in body.iter("li"):
        locators = [a for a in entry if a.tag == "a" and "index-locator" in a.get("class", "")]
        if locators:
            _rewrite(entry, locators, pages, folios)
    text = etree.tostring(body, encoding="unicode", method="html")
    return html[: found.start()] + text + html[found.end() :]


def _rewrite(
    entry: etree._Element,
    locators: list[etree._Element],
    pages: Mapping[str, int],
    folios: Sequence[str],
) -> None:
    """Replace an entry's locators by one link per page or run of pages."""
    places: dict[int, str] = {}
    for a in locators:
        page = pages.get(a.get("href", "").removeprefix("#"))
        if page is not None:
            places.setdefault(page, a.get("href", ""))
    if not places:
        return
    runs: list[list[int]] = []
    for page in sorted(places):
        if runs and page == runs[-1][-1] + 1 and _same_style(folios, runs[-1][-1], page):
            runs[-1].append(page)
        else:
            runs.append([page])
    first = locators[0]
    anchor = first.getprevious()
    lead = anchor.tail if anchor is not None else entry.text
    after = locators[-1].tail
    for a in locators:
        entry.remove(a)
    links = []
    for run in runs:
        link = etree.Element("a", {"class": "index-locator index-pages", "href": places[run[0]]})
        link.text = folios[run[0]] + (f"\u2013{folios[run[-1]]}" if len(run) > 1 else "")
        link.tail = ", "
        links.append(link)
    links[-1].tail = after
    if anchor is None:
        entry.text = lead
        for n, link in enumerate(links):
            entry.insert(n, link)
    else:
        anchor.tail = lead
        for link in reversed(links):
            anchor.addnext(link)


def _same_style(folios: Sequence[str], a: int, b: int) -> bool:
    """Tell whether two pages' folios are both arabic or both roman (a run never mixes)."""
    return folios[a].isdigit() == folios[b].isdigit()


def roman(n: int) -> str:
    """Return ``n`` in lower-case roman numerals (front matter folios)."""
    digits: tuple[tuple[int, str], ...] = (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
    )
    digits += ((40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    text = ""
    for value, letters in digits:
        while n >= value:
            text += letters
            n -= value
    return text
