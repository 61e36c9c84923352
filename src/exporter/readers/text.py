"""Read a plain-text article: a title line, short lines as headings, blank-line paragraphs.

The words are kept exactly as written (no quote or dash is changed); only the structure is
inferred: the first non-empty line is the title; a short line with no closing punctuation,
alone between blank lines, is a section heading; hard-wrapped lines of a paragraph are joined;
lines starting with ``-``, ``*`` or ``1.`` make lists; ``* * *`` or ``***`` is a scene break.

Two things are read as more than structure:

* a byline, the first line after the title when it is alone before a blank line and reads
  ``By Ines Calder``, ``by A. Writer and B. Writer`` or ``— Ines Calder``, gives the authors
  (``Metadata.authors``) and is not set as a heading. Each name is up to five words, every
  word capitalised (``A.``, ``O'Neil``) or a particle such as ``de``/``van``; names are
  split at ``,``, ``&`` and ``and``. ``By the Numbers`` is therefore still a heading;
* an ALL-CAPS title or heading is set in title case, acronyms kept (see ``casing``), so it
  does not shout beside the small capitals of the themes.
"""

from __future__ import annotations

import re
from html import escape

from exporter.formats import RawChapter, SourceText
from exporter.model import Metadata
from exporter.readers.casing import Vocabulary, is_shouting, title_case
from exporter.scripts import join_wide_lines

_SCENE_BREAK = re.compile(r"^\s*(\*\s*){3,}$|^\s*(-\s*){3,}$")
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s+(.*)$")
# What ends a sentence, looking through closing quotes and brackets.
_CLOSING = ".!?:;,…"
_WRAPPERS = "\"'”’»)]"
_MAX_HEADING_CHARS = 70
_MAX_HEADING_WORDS = 12
_BYLINE = re.compile(r"^\s*(?:[Bb]y|BY)\s+(.+?)\s*$|^\s*(?:—|–|--)\s*(.+?)\s*$")
_NAME_SPLIT = re.compile(r"\s*(?:,\s*and\s+|,|&|\band\b)\s*")
_NAME_WORD = re.compile(
    r"^(?:[A-Z][\w'’.-]*|[A-Z]\.)$|^(?:de|da|di|du|del|der|van|von|la|le|bin|al)$"
)
_MAX_NAME_WORDS = 5


def read(src: SourceText) -> RawChapter:
    """Turn an article's text into an HTML fragment and its title."""
    lines = [line.rstrip() for line in src.text.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    title = lines.pop(0).strip() if lines else ""
    authors = _take_byline(lines)
    vocabulary = Vocabulary(lines)
    blocks = _blocks(lines)
    html = "\n".join(_render(block, vocabulary) for block in blocks)
    return RawChapter(html, Metadata(title=title_case(title, vocabulary), authors=authors))


def _take_byline(lines: list[str]) -> tuple[str, ...]:
    """Remove a byline from the head of the lines and return its names; () if there is none."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or (first + 1 < len(lines) and lines[first + 1].strip()):
        return ()
    names = byline_names(lines[first])
    if names:
        del lines[: first + 1]
    return names


def byline_names(line: str) -> tuple[str, ...]:
    """The names of a byline (``By A and B``, ``— A``), or () if the line is not one."""
    match = _BYLINE.match(line)
    text = line.strip()
    if not match or len(text) > _MAX_HEADING_CHARS or re.search(r"\w\w[.!?:;,…]$", text):
        return ()  # too long, or a sentence ("By Monday.")
    names = _NAME_SPLIT.split(match.group(1) or match.group(2))
    for name in names:
        words = name.split()
        if not 0 < len(words) <= _MAX_NAME_WORDS or not all(map(_NAME_WORD.match, words)):
            return ()
        if not _NAME_WORD.match(words[0]) or words[0].islower():
            return ()
    return tuple(_name(name) for name in names)


def _name(name: str) -> str:
    name = " ".join(name.split())
    return name.title() if is_shouting(name) else name


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _render(block: list[str], vocabulary: Vocabulary) -> str:
    if len(block) == 1 and _SCENE_BREAK.match(block[0]):
        return '<hr class="scene-break"/>'
    if _BULLET.match(block[0]):
        return _list(block, _BULLET, "ul")
    if _NUMBERED.match(block[0]):
        return _list(block, _NUMBERED, "ol")
    if len(block) == 1 and _is_heading(block[0]):
        heading = title_case(block[0].strip(), vocabulary)
        return f"<h2>{escape(heading, quote=False)}</h2>"
    return f"<p>{escape(_join(block), quote=False)}</p>"


def _is_heading(line: str) -> bool:
    text = line.strip()
    core = text.rstrip(_WRAPPERS)
    return (
        len(text) <= _MAX_HEADING_CHARS
        and len(text.split()) <= _MAX_HEADING_WORDS
        and bool(core)
        and core[-1] not in _CLOSING
    )


def _join(lines: list[str]) -> str:
    joined = join_wide_lines("\n".join(line.strip() for line in lines))  # none in Chinese
    return joined.replace("\n", " ")


def _list(block: list[str], marker: re.Pattern[str], tag: str) -> str:
    items: list[list[str]] = []
    start = None
    for line in block:
        match = marker.match(line)
        if match:
            items.append([match.groups()[-1]])
            if start is None and tag == "ol":
                start = int(match.group(1))
        elif items:
            items[-1].append(line)
    body = "".join(f"<li>{escape(_join(item), quote=False)}</li>" for item in items)
    start_attr = f' start="{start}"' if start not in (None, 1) else ""
    return f"<{tag}{start_attr}>{body}</{tag}>"
