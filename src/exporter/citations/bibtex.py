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
_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")


@dataclass
class _Cursor:
    """A position in the text of a .bib file, able to say its line."""

    text: str
    pos: int = 0

    def line(self, pos: int | None = None) -> int:
        """Return the 1-based line of ``pos`` (the cursor's by default)."""
        return self.text.count("\n", 0, self.pos if pos is None else pos) + 1

    def skip_space(self) -> None:
        """Move past white space and ``%`` comments."""
        while self.pos < len(self.text):
            if self.text[self.pos].isspace():
                self.pos += 1
            elif self.text[self.pos] == "%":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return


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
    while (match := _ENTRY.search(text, cursor.pos)) is not None:
        kind = match.group(1).lower()
        start = match.start()
        cursor.pos = match.end()
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
            log.warning("%s:%d: %s; the entry is left out", name, exc.line, exc)
            cursor.pos = _next_entry(text, match.end())
    return items


def _next_entry(text: str, pos: int) -> int:
    """Return where the next entry may start: a line opening with ``@`` after ``pos``."""
    found = re.compile(r"^\s*@", re.MULTILINE).search(text, pos)
    return found.start() if found else len(text)


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
    key_match = re.compile(r"[^\s,{}()=\"#%']+").match(cursor.text, cursor.pos)
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
    match = re.compile(r"[A-Za-z][\w:.+-]*").match(cursor.text, cursor.pos)
    if match is None:
        found = cursor.text[cursor.pos : cursor.pos + 1] or "the end of the file"
        raise BibError(cursor.line(), f"expected a field name but found '{found}'")
    cursor.pos = match.end()
    _expect(cursor, "=")
    parts = [_value(cursor, strings)]
    while True:
        cursor.skip_space()
        if not cursor.text.startswith("#", cursor.pos):
            return match.group(0).lower(), "".join(parts)
        cursor.pos += 1
        parts.append(_value(cursor, strings))


def _value(cursor: _Cursor, strings: dict[str, str]) -> str:
    """Read one braced, quoted, numeric or @string-named value."""
    cursor.skip_space()
    text, start = cursor.text, cursor.pos
    if text.startswith("{", start) or text.startswith('"', start):
        depth, pos = 0, start
        quoted = text[start] == '"'
        while pos < len(text):
            char = text[pos]
            if char == "\\":
                pos += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            if (depth == 0 and not quoted and char == "}") or (
                quoted and depth == 0 and char == '"' and pos > start
            ):
                cursor.pos = pos + 1
                return text[start + 1 : pos]
            pos += 1
        raise BibError(cursor.line(start), f"unclosed '{text[start]}' in a field value")
    match = re.compile(r"[\w:.+/-]+").match(text, start)
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
