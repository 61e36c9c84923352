"""Read a plain-text article: a title line, short lines as headings, blank-line paragraphs.

The words are kept exactly as written (no quote or dash is changed); only the structure is
inferred: the first non-empty line is the title; a short line with no closing punctuation,
alone between blank lines, is a section heading; hard-wrapped lines of a paragraph are joined;
lines starting with ``-``, ``*`` or ``1.`` make lists; ``* * *`` or ``***`` is a scene break.
"""

from __future__ import annotations

import re
from html import escape

from exporter.formats import RawChapter, SourceText
from exporter.model import Metadata

_SCENE_BREAK = re.compile(r"^\s*(\*\s*){3,}$|^\s*(-\s*){3,}$")
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s+(.*)$")
# What ends a sentence, looking through closing quotes and brackets.
_CLOSING = ".!?:;,…"
_WRAPPERS = "\"'”’»)]"
_MAX_HEADING_CHARS = 70
_MAX_HEADING_WORDS = 12


def read(src: SourceText) -> RawChapter:
    """Turn an article's text into an HTML fragment and its title."""
    lines = [line.rstrip() for line in src.text.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    title = lines.pop(0).strip() if lines else ""
    blocks = _blocks(lines)
    return RawChapter("\n".join(_render(block) for block in blocks), Metadata(title=title))


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _render(block: list[str]) -> str:
    if len(block) == 1 and _SCENE_BREAK.match(block[0]):
        return '<hr class="scene-break"/>'
    if _BULLET.match(block[0]):
        return _list(block, _BULLET, "ul")
    if _NUMBERED.match(block[0]):
        return _list(block, _NUMBERED, "ol")
    if len(block) == 1 and _is_heading(block[0]):
        return f"<h2>{escape(block[0].strip(), quote=False)}</h2>"
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
    return " ".join(line.strip() for line in lines)


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
