"""Mark what print line-breaking needs to know and CSS cannot see: title ends, tables.

WeasyPrint has no ``text-wrap: balance`` and cannot tell a short table from a long one.
(Names and acronyms are kept from hyphenation by the dictionary ``writers.linebreak``
gives WeasyPrint, with no markup.) This pass, on a body part's serialised XHTML, wraps

- the last two words of a heading in ``span.tie`` (``white-space: nowrap``), so a title
  never ends with one word alone on its last line. A span rather than a no-break space, so
  the outline, the running heads and a search still see a plain space. The same for the
  paragraphs of a dedication or an epigraph, centred lines where one word alone shows
  ("... whether they line / up.");
- tables of a few rows: their ``div.table-wrap`` gets the class ``short``, which the print
  basics keep on one page;
- a table whose longest word (an identifier in code, mostly) would not fit an equal share
  of the width: its columns get widths (``col``) as a browser's automatic layout gives
  them, each at least its longest word where the line allows. The print basics lay tables
  out fixed, at equal widths, which broke ``smartypants_enabled`` mid-word beside a column
  holding "true".

Text inside code, preformatted blocks and tags is left alone.
"""

from __future__ import annotations

import re

# hyphenate-limit-chars: 6 3 3 in the print basics: a shorter word is never hyphenated.
# A table of up to this many rows is moved whole to the next page rather than split.
SHORT_TABLE_ROWS = 12
# The last two words of a heading are tied when together they are at most this long.
TIE_LENGTH = 20
# Sizing a table's columns, in characters of a code block's line (as the PDF writer measures
# it; a table's code is smaller in some themes, so a code column may get a little more than
# it needs, never less): a line when unknown (classic's at A4, the shortest of the
# built-in themes'), a cell's padding, and a letter of prose (narrower than code's).
LINE_CODE_CHARS = 52
CELL_PADDING = 2
PROSE_CHAR = 0.85

_TOKENS = re.compile(r"(<[^>]*>)")
_HEADING = re.compile(r"(<h([1-6])\b[^>]*>)(.*?)(</h\2>)", re.S)
_TABLE = re.compile(r'<div class="table-wrap">(.*?)</div>', re.S)
_TABLE_START = re.compile(r"<table\b[^>]*>")
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", re.S)
_CODE = re.compile(r"<code\b[^>]*>(.*?)</code>", re.S)
_CENTRED = re.compile(
    r'<section class="chapter (?:dedication|epigraph)\b[^"]*"[^>]*>.*?</section>', re.S
)
_PARAGRAPH = re.compile(r"(<p\b[^>]*>)(.*?)((?:</[a-z]+>\s*)*</p>)", re.S)


def typeset(html: str, columns: int = 0) -> str:
    """Return a body part's XHTML with heading ends and short tables marked; ``columns``,
    characters of code a line holds (0: unknown), sizes tables."""
    html = _HEADING.sub(_tie_heading, html)
    html = _CENTRED.sub(lambda section: _PARAGRAPH.sub(_tie_end, section.group(0)), html)
    line = columns or LINE_CODE_CHARS
    return _TABLE.sub(lambda table: _mark_short_table(table, line), html)


def _tie_heading(match: re.Match[str]) -> str:
    start, _, content, end = match.groups()
    return _tie(start, content, end, match.group(0))


def _tie_end(match: re.Match[str]) -> str:
    """Tie a paragraph's last two words, inside the inline elements it ends with."""
    start, content, end = match.groups()
    return _tie(start, content, end, match.group(0))


def _tie(start: str, content: str, end: str, whole: str) -> str:
    cut = content.rstrip().rfind(" ")
    if cut < 0:
        return whole
    before = content[:cut].rstrip()
    space = before.rfind(" ")
    tail = content[space + 1 :].strip()
    if space < 0 or "<" in tail or ">" in tail or len(tail) > TIE_LENGTH:
        return whole
    return f'{start}{content[: space + 1]}<span class="tie">{tail}</span>{end}'


def _mark_short_table(match: re.Match[str], line: int) -> str:
    table = _sized(match.group(1), line)
    if table.count("<tr") > SHORT_TABLE_ROWS:
        return f'<div class="table-wrap">{table}</div>'
    return f'<div class="table-wrap short">{table}</div>'


def _sized(table: str, line: int) -> str:
    """Return the table with column widths when its longest words need them (see above)."""
    if "<colgroup" in table or "colspan" in table or "rowspan" in table:
        return table
    rows = [_CELL.findall(row) for row in _ROW.findall(table)]
    count = max(map(len, rows), default=0)
    if count < 2 or any(len(row) != count for row in rows):
        return table
    widths = [[_width(cell) for cell in column] for column in zip(*rows, strict=True)]
    least = [max(w[0] for w in column) + CELL_PADDING for column in widths]
    most = [max(w[1] for w in column) + CELL_PADDING for column in widths]
    if max(least) <= line / count:
        return table  # every word fits an equal share: the fixed layout is right
    if sum(most) <= line:
        chosen = most
    elif sum(least) < line:
        spare = (line - sum(least)) / (sum(most) - sum(least))
        chosen = [low + (high - low) * spare for low, high in zip(least, most, strict=True)]
    else:
        chosen = least
    total = sum(chosen)
    cols = "".join(f'<col style="width: {100 * w / total:.1f}%"/>' for w in chosen)
    return _TABLE_START.sub(lambda start: f"{start.group(0)}<colgroup>{cols}</colgroup>", table, 1)


def _width(cell: str) -> tuple[float, float]:
    """Return a cell's longest word and whole text, in characters of code."""
    code = " ".join(_CODE.findall(cell))
    prose = _TOKENS.sub(" ", _CODE.sub(" ", cell))
    words = [len(w) for w in code.split()] + [len(w) * PROSE_CHAR for w in prose.split()]
    return max(words, default=0), len(code) + len(" ".join(prose.split())) * PROSE_CHAR
