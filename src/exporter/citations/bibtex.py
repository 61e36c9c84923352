"""Read BibTeX and BibLaTeX into CSL-JSON items, as pandoc's citeproc sees them.

Written here rather than taken from citeproc-py, whose BibTeX reader loses protected case
(``{TeX}book`` came out "The TeX Book"), reads page ranges as the cited page and turns given
names into initials under Chicago. Every problem is a warning naming the file and line; the
entries that parse are kept.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from exporter.citations.latex import to_csl, to_text
from exporter.citations.names import parse_names

log = logging.getLogger("exporter")

TYPES = {
    "article": "article-journal", "book": "book", "mvbook": "book", "booklet": "pamphlet",
    "inbook": "chapter", "incollection": "chapter", "inproceedings": "paper-conference",
    "conference": "paper-conference", "proceedings": "book", "collection": "book",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "manual": "report", "misc": "document",
    "online": "webpage", "electronic": "webpage", "www": "webpage", "unpublished": "manuscript",
    "patent": "patent", "software": "software", "dataset": "dataset",
}  # fmt: skip
_RICH = {"title": "title", "booktitle": "container-title", "journal": "container-title",
         "journaltitle": "container-title", "series": "collection-title",
         "subtitle": "", "shorttitle": "title-short", "note": "note"}  # fmt: skip
_PLAIN = {"publisher": "publisher", "address": "publisher-place",
          "location": "publisher-place", "volume": "volume", "number": "number",
          "doi": "DOI", "url": "URL", "isbn": "ISBN", "issn": "ISSN", "edition": "edition",
          "pages": "page", "chapter": "chapter-number", "eprint": "number",
          "language": "language", "abstract": "abstract", "howpublished": "medium"}  # fmt: skip
_MONTHS = {
    m: n
    for n, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_SPACE = re.compile(r"(?:\s+|%[^\n]*)+")
_MARKS = re.compile(r"\\.|[{}\"]", re.DOTALL)
_WORD = re.compile(r"[\w:.+/-]+")
_KEY = re.compile(r"[^\s,{}()=\"#%']+")
_NAME = re.compile(r"[A-Za-z][\w:.+-]*")
_NEXT_ENTRY = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
# A field's value, @string macros joined with "#" included: thirty macros each three times
# the one before made 2.5 GB before the memory limit stopped the build.
_MAX_VALUE = 1_000_000
_MAX_WARNINGS = 20  # a file that is not BibTeX at all says so in a few lines, not thousands
_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")


@dataclass
class _Cursor:
    """A position in the text of a .bib file, able to say its line."""

    text: str
    pos: int = 0
    _counted: tuple[int, int] = (0, 1)  # (position, its line): lines are counted onwards
    limit: int = 0  # where the entry being read must end: the next line opening an entry

    def line(self, pos: int | None = None) -> int:
        """Return the 1-based line of ``pos`` (the cursor's by default).

        Counted on from the last position asked for, as the reader moves forwards: counting
        from the start for each entry made a 20,000-entry file quadratic.
        """
        pos = self.pos if pos is None else pos
        start, line = self._counted if pos >= self._counted[0] else (0, 1)
        line += self.text.count("\n", start, pos)
        self._counted = (pos, line)
        return line

    def skip_space(self) -> None:
        """Move past white space and ``%`` comments."""
        match = _SPACE.match(self.text, self.pos)
        if match:
            self.pos = match.end()


class BibError(ValueError):
    """A syntax error at a line of a .bib file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def parse_bibtex(text: str, name: str) -> list[dict[str, Any]]:
    """Return the CSL-JSON items of a .bib file's entries, warning (file:line) on problems."""
    strings: dict[str, str] = {m: m for m in _MONTHS}
    items: list[dict[str, Any]] = []
    cursor = _Cursor(text)
    errors = 0
    while (match := _ENTRY.search(text, cursor.pos)) is not None:
        kind = match.group(1).lower()
        start = match.start()
        cursor.pos = match.end()
        following = _NEXT_ENTRY.search(text, cursor.pos)
        cursor.limit = following.start() if following else len(text)
        close = "}" if match.group(2) == "{" else ")"
        try:
            if kind == "comment" or kind == "preamble":
                _skip_group(cursor, close)
            elif kind == "string":
                field, value = _field(cursor, strings)
                strings[field] = value
                _expect(cursor, close)
            else:
                key, fields = _entry(cursor, strings, close)
                items.append(to_csl_item(kind, key, fields, f"{name}:{cursor.line(start)}"))
        except BibError as exc:
            errors += 1
            if errors <= _MAX_WARNINGS:
                log.warning("%s:%d: %s; the entry is left out", name, exc.line, exc)
            cursor.pos = max(cursor.limit, match.end())  # on at the next entry
    if errors > _MAX_WARNINGS:
        log.warning("%s: %d more entries were left out for errors", name, errors - _MAX_WARNINGS)
    return items


def _skip_group(cursor: _Cursor, close: str) -> None:
    """Move past a balanced group (``@comment{...}``, ``@preamble{...}``)."""
    depth = 1
    while cursor.pos < len(cursor.text) and depth:
        char = cursor.text[cursor.pos]
        depth += {"{": 1, "}": -1}.get(char, 0) if close == "}" else {"(": 1, ")": -1}.get(char, 0)
        cursor.pos += 1
    if depth:
        raise BibError(cursor.line(), f"unclosed '{close}'")


def _entry(cursor: _Cursor, strings: dict[str, str], close: str) -> tuple[str, dict[str, str]]:
    """Read ``key, field = value, ...`` up to the entry's closing brace."""
    cursor.skip_space()
    key_match = _KEY.match(cursor.text, cursor.pos)
    if key_match is None:
        raise BibError(cursor.line(), "an entry without a citation key")
    cursor.pos = key_match.end()
    fields: dict[str, str] = {}
    while True:
        cursor.skip_space()
        if cursor.text.startswith(close, cursor.pos):
            cursor.pos += 1
            return key_match.group(0), fields
        _expect(cursor, ",")
        cursor.skip_space()
        if cursor.text.startswith(close, cursor.pos):
            cursor.pos += 1
            return key_match.group(0), fields
        name, value = _field(cursor, strings)
        fields[name] = value


def _expect(cursor: _Cursor, char: str) -> None:
    """Move past ``char`` or fail naming the line."""
    cursor.skip_space()
    if not cursor.text.startswith(char, cursor.pos):
        found = cursor.text[cursor.pos : cursor.pos + 1] or "the end of the file"
        raise BibError(cursor.line(), f"expected '{char}' but found '{found}'")
    cursor.pos += 1


def _field(cursor: _Cursor, strings: dict[str, str]) -> tuple[str, str]:
    """Read ``name = value # value ...``; return the lower-cased name and the raw value."""
    match = _NAME.match(cursor.text, cursor.pos)
    if match is None:
        found = cursor.text[cursor.pos : cursor.pos + 1] or "the end of the file"
        raise BibError(cursor.line(), f"expected a field name but found '{found}'")
    cursor.pos = match.end()
    _expect(cursor, "=")
    parts = [_value(cursor, strings)]
    size = len(parts[0])
    while True:
        cursor.skip_space()
        if not cursor.text.startswith("#", cursor.pos):
            return match.group(0).lower(), "".join(parts)
        cursor.pos += 1
        parts.append(_value(cursor, strings))
        size += len(parts[-1])
        if size > _MAX_VALUE:  # @string macros joined into each other, doubling each time
            raise BibError(cursor.line(), f"a value over {_MAX_VALUE:,} characters long")


def _value(cursor: _Cursor, strings: dict[str, str]) -> str:
    """Read one braced, quoted, numeric or @string-named value."""
    cursor.skip_space()
    text, start = cursor.text, cursor.pos
    if text.startswith("{", start) or text.startswith('"', start):
        quoted, depth = text[start] == '"', 0 if text[start] == '"' else 1
        # Only braces, quotes and backslashes matter; the regex skips the rest at C speed.
        # A value ends before the next line opening an entry: an unclosed brace fails there,
        # not at the end of the file (a file of them was quadratic).
        for mark in _MARKS.finditer(text, start + 1, cursor.limit):
            char = mark.group(0)[0]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            if (depth == 0 and char == "}" and not quoted) or (
                quoted and depth == 0 and char == '"'
            ):
                cursor.pos = mark.start() + 1
                return text[start + 1 : mark.start()]
        raise BibError(cursor.line(start), f"unclosed '{text[start]}' in a field value")
    match = _WORD.match(text, start)
    if match is None:
        raise BibError(cursor.line(), f"expected a value but found '{text[start : start + 1]}'")
    cursor.pos = match.end()
    word = match.group(0)
    if word.isdigit():
        return word
    if word.lower() not in strings:
        raise BibError(cursor.line(start), f"unknown @string '{word}'")
    return strings[word.lower()]


def to_csl_item(kind: str, key: str, fields: dict[str, str], where: str) -> dict[str, Any]:
    """Return one entry as a CSL-JSON item (BibTeX and BibLaTeX field names alike)."""
    item: dict[str, Any] = {"id": key, "type": TYPES.get(kind, "document")}
    for name, value in fields.items():
        if name in ("author", "editor", "translator"):
            item[name] = parse_names(value)
        elif _RICH.get(name):
            item.setdefault(_RICH[name], to_csl(value))
        elif name in _PLAIN:
            item.setdefault(_PLAIN[name], to_text(value))
    if "subtitle" in fields and "title" in item:
        item["title"] += ": " + to_csl(fields["subtitle"])
    if kind in ("phdthesis", "mastersthesis"):
        item["genre"] = "PhD thesis" if kind == "phdthesis" else "Master’s thesis"
    if kind in ("phdthesis", "mastersthesis", "thesis", "techreport", "report"):
        # A thesis's school and a report's institution publish it.
        for source in ("school", "institution"):
            if source in fields:
                item.setdefault("publisher", to_text(fields[source]))
    if "type" in fields:
        item["genre"] = to_text(fields["type"])
    if kind == "inbook" and "booktitle" not in fields and "title" in item:
        item["container-title"] = item.pop("title")
    if item["type"] == "article-journal" and "number" in item:
        item["issue"] = item.pop("number")  # a journal's number is its issue
    if "edition" in item and item["edition"].isdigit():
        item["edition"] = int(item["edition"])
    if "urldate" in fields:
        item["accessed"] = _date_parts(fields["urldate"])
    issued = _issued(fields, where)
    if issued:
        item["issued"] = issued
    return item


def _issued(fields: dict[str, str], where: str) -> dict[str, Any] | None:
    """Return the entry's date from BibLaTeX's ``date`` or BibTeX's ``year``/``month``."""
    if "date" in fields:
        return _date_parts(fields["date"])
    if "year" not in fields:
        return None
    year = to_text(fields["year"])
    if not year.isdigit():
        return {"literal": year}
    parts = [int(year)]
    month = to_text(fields.get("month", "")).lower()[:3]
    if month.isdigit() and 1 <= int(month) <= 12:
        parts.append(int(month))
    elif month in _MONTHS:
        parts.append(_MONTHS[month])
    elif month:
        log.warning("%s: month '%s' is not a month; left out", where, fields["month"])
    return {"date-parts": [parts]}


def _date_parts(value: str) -> dict[str, Any]:
    """Return an ISO date or range (``2001-05-03``, ``1998/2001``) as CSL date parts."""
    ranges = []
    for part in to_text(value).split("/"):
        numbers = [int(n) for n in re.findall(r"\d+", part)[:3]]
        if numbers:
            ranges.append(numbers)
    return {"date-parts": ranges} if ranges else {"literal": to_text(value)}
