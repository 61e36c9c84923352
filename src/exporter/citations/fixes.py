"""Work around what citeproc-py 0.11 gets wrong or leaves out, measured against pandoc.

Each function takes citeproc-py's rendered HTML and returns what pandoc's citeproc prints
for the same style and data (tests/unit/test_citations_pandoc.py compares them).
"""

from __future__ import annotations

import re
import unicodedata


def sort_key(entry: str) -> str:
    """Return an entry's sort text: its words without markup, quotes or accents, folded.

    citeproc-py sorts an entry whose author is replaced by its title (no names) before every
    other, under an empty key; an author-date list starts with the same author, date and
    title the style sorts by, so the rendered text sorts as the style means.
    """
    text = re.sub(r"<[^>]+>", "", entry)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"^[\W_]+", "", text).casefold()


def sorted_by_text(keys: list[str], rendered: list[str]) -> tuple[list[str], list[str]]:
    """Return keys and entries in the order of the entries' text (a stable sort)."""
    order = sorted(range(len(rendered)), key=lambda i: sort_key(rendered[i]))
    return [keys[i] for i in order], [rendered[i] for i in order]


def drop_repeated_title(entry: str) -> str:
    """Remove the second title of an entry whose title stood in for its author.

    CSL says a variable used as a substitute is not printed again; citeproc-py prints it
    twice ("<i>No Author</i>. 1999. <i>No Author</i>.").
    """
    match = re.match(r"(<i>[^<]+</i>|“[^”]+”|[^.<]+)\.", entry)
    if match is None:
        return entry
    title = match.group(1)
    again = entry.find(f". {title}", match.end())
    if again < 0:
        return entry
    return entry[:again] + entry[again + 2 + len(title) :]


def page_range(value: str, form: str) -> str:
    """Shorten a page range as the style's page-range-format says (Chicago: 101–3).

    citeproc-py does it for an entry's pages but not for a citation's locator.
    """

    def shorten(match: re.Match[str]) -> str:
        first, last = match.group(1), match.group(2)
        if form not in ("chicago", "chicago-15", "chicago-16", "minimal", "minimal-two"):
            return f"{first}–{last}"
        if len(first) != len(last):
            return f"{first}–{last}"
        common = next(
            (i for i, (a, b) in enumerate(zip(first, last, strict=True)) if a != b), len(first)
        )
        keep = form
        if form.startswith("chicago"):
            number = int(first)
            if number < 100 or number % 100 == 0 or (len(first) >= 4 and common < 2):
                keep = "expanded"
            else:
                keep = "minimal" if number % 100 < 10 else "minimal-two"
        if keep == "minimal":
            return f"{first}–{last[common:]}"
        if keep == "minimal-two":
            return f"{first}–{last[min(common, len(first) - 2) :]}"
        return f"{first}–{last}"

    return re.sub(r"\b(\d+)\s*[-–]\s*(\d+)\b", shorten, value)
