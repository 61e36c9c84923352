"""Find pandoc's citation syntax in text: ``[see @key, p. 33; @other]``, ``@key``, ``[-@key]``.

Citations are looked for after Markdown parsing, in text nodes only, so that code, links
and e-mail addresses (``ann@example.org``: the ``@`` follows a letter) are never read as
citations. Cross-references (``@fig:x``, ``@tbl-y``) belong to the cross-reference transform
and are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exporter.citations.style import Cite

# pandoc's key: a letter, digit or _ first, then those or internal punctuation; or @{...}.
_KEY = r"(?:\{(?P<braced>[^{}\s]+)\}|(?P<key>\w(?:[\w:.#$%&+?<>~/-]*\w)?))"
# The body is checked for an "@" afterwards: "[^\[\]]*@[^\[\]]*" backtracks over every
# "@" of an unclosed bracket (15 kB of "[@a @a ..." took 4 s).
_BRACKET = re.compile(r"\[(?P<body>[^\[\]]*)\](?![(\[:])")
_BARE = re.compile(r"(?<![\w@.+-])@" + _KEY + r"(?:\s\[(?P<locator>[^\[\]@]*)\](?![(\[:]))?")
_PART = re.compile(r"^(?P<prefix>.*?)(?P<minus>-?)@" + _KEY + r"(?P<suffix>.*)$", re.DOTALL)
# Cross-reference prefixes (pandoc-crossref and Quarto): never citation keys.
XREF = re.compile(r"^(?:fig|tbl|eq|lst|sec|thm|lem|def|tab|table)[:-]")
# Locator labels as pandoc reads them (English forms), by CSL locator term.
LABELS = {
    "p": "page", "pp": "page", "page": "page", "pages": "page",
    "chap": "chapter", "chaps": "chapter", "chapter": "chapter", "chapters": "chapter",
    "sec": "section", "secs": "section", "section": "section", "sections": "section",
    "fig": "figure", "figs": "figure", "figure": "figure", "figures": "figure",
    "vol": "volume", "vols": "volume", "volume": "volume", "volumes": "volume",
    "n": "note", "nn": "note", "note": "note", "notes": "note",
    "para": "paragraph", "paras": "paragraph", "paragraph": "paragraph",
    "l": "line", "ll": "line", "line": "line", "lines": "line",
    "col": "column", "cols": "column", "column": "column", "bk": "book", "book": "book",
    "pt": "part", "part": "part", "art": "article", "v": "verse", "vv": "verse",
    "verse": "verse", "verses": "verse", "op": "opus", "no": "issue",
    # The short forms of the languages exporter writes in (German, French, Spanish, ...).
    "s": "page", "seite": "page", "kap": "chapter", "abschn": "section", "abb": "figure",
    "bd": "volume", "bde": "volume", "anm": "note", "t": "volume",
    "pág": "page", "págs": "page", "cap": "chapter", "fasc": "issue", "blz": "page",
}  # fmt: skip
_LOCATOR = re.compile(
    r"^(?:(?P<label>[^\W\d_]+)\.?\s*)?(?P<value>[\dIVXLCDMivxlcdm]+(?:\s*[-–—,&]+\s*[\dIVXLCDMivxlcdm]+)*)"
    r"(?P<rest>.*)$",
    re.DOTALL,
)


@dataclass(frozen=True)
class Found:
    """A citation found in a text: where it is, what it cites, and its source text."""

    start: int
    end: int
    cites: tuple[Cite, ...]
    bracketed: bool
    text: str


def find_citations(text: str) -> list[Found]:
    """Return the citations in ``text``, bracketed ones and bare ``@key`` ones, in order."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for match in _BRACKET.finditer(text):
        if "@" not in match.group("body"):
            continue
        cites = _bracket_cites(match.group("body"))
        if cites:
            found.append(Found(match.start(), match.end(), cites, True, match.group(0)))
            taken.append((match.start(), match.end()))
    for match in _BARE.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        key = match.group("braced") or match.group("key")
        if XREF.match(key):
            continue
        locator, label, suffix = _locator(" " + (match.group("locator") or ""))
        cite = Cite(key, "", suffix, locator, label, "author-in-text")
        found.append(Found(match.start(), match.end(), (cite,), False, match.group(0)))
    return sorted(found, key=lambda f: f.start)


def _bracket_cites(body: str) -> tuple[Cite, ...]:
    """Return the cites of a bracket's parts, or () unless every part names a key."""
    cites = []
    for part in body.split(";"):
        match = _PART.match(part.strip())
        if match is None:
            return ()
        key = match.group("braced") or match.group("key")
        before = match.group("prefix")
        if XREF.match(key) or (before and not before[-1].isspace()):
            return ()  # "[a@b.c]" is an address; "[@fig:x]" is a cross-reference
        locator, label, suffix = _locator(match.group("suffix"))
        mode = "suppress-author" if match.group("minus") else "normal"
        cites.append(Cite(key, before, suffix, locator, label, mode))
    return tuple(cites)


def _locator(suffix: str) -> tuple[str, str, str]:
    """Split a suffix (``, pp. 33-35, emphasis added``) into locator, label and the rest."""
    text = suffix.strip()
    if text.startswith(","):
        text = text[1:].strip()
    elif suffix and not suffix[0].isspace():
        return "", "page", suffix  # glued to the key: not a locator
    match = _LOCATOR.match(text)
    if not text or match is None:
        return "", "page", suffix.rstrip()
    word = (match.group("label") or "").lower()
    if word and word not in LABELS:
        return "", "page", (", " + text) if text else ""
    rest = match.group("rest").rstrip()
    value = re.sub(r"\s*-+\s*", "–", match.group("value").strip())
    return value, LABELS.get(word, "page"), rest
