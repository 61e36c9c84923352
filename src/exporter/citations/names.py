"""Split BibTeX name lists (``Last, First and First von Last and others``) into CSL names."""

from __future__ import annotations

import re
from typing import Any

from exporter.citations.latex import to_text


def split_top(text: str, separator: str) -> list[str]:
    """Split ``text`` at ``separator`` (a regex) where it is outside braces."""
    if "{" not in text:  # the common case, at C speed
        return [p.strip() for p in re.split(separator, text)]
    parts, depth, start = [], 0, 0
    pattern = re.compile(separator)
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and (match := pattern.match(text, pos)):
            parts.append(text[start:pos])
            pos = start = match.end()
            continue
        pos += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def parse_names(value: str) -> list[dict[str, Any]]:
    """Return CSL name objects for a BibTeX name list; ``and others`` becomes "others"."""
    names = []
    for raw in split_top(value.strip(), r"\s+and\s+"):
        if not raw:
            continue
        if raw.lower() == "others":
            names.append({"literal": "others"})
        else:
            names.append(_name(raw))
    return names


def _name(raw: str) -> dict[str, Any]:
    """Return one name: a literal (``{World Health Organization}``) or its parts."""
    if raw.startswith("{") and raw.endswith("}") and _balanced(raw[1:-1]):
        return {"literal": to_text(raw[1:-1])}
    parts = split_top(raw, r",")
    if len(parts) == 1:
        words = split_top(parts[0], r"\s+")
        # "First von Last": the von part starts at the first lower-case word.
        particle_at = next(
            (i for i, w in enumerate(words[:-1]) if i > 0 and _is_lower(w)), len(words) - 1
        )
        last_von = next(
            (i for i in range(len(words) - 2, particle_at - 1, -1) if _is_lower(words[i])),
            particle_at - 1,
        )
        given = words[:particle_at]
        particle = words[particle_at : last_von + 1]
        family = words[last_von + 1 :]
        jr: list[str] = []
    else:
        von_last = split_top(parts[0], r"\s+")
        count = next(
            (i for i, w in enumerate(von_last[:-1]) if not _is_lower(w)), len(von_last) - 1
        )
        particle, family = von_last[:count], von_last[count:]
        jr = parts[1:2] if len(parts) == 3 else []
        given = split_top(parts[-1], r"\s+") if parts[-1] else []
    name: dict[str, Any] = {"family": to_text(" ".join(family))}
    if given:
        name["given"] = to_text(" ".join(given))
    if particle:
        # As biblatex (useprefix=false) and pandoc: "van" is printed after the given name
        # in the list and left out of citations ("Beethoven 1990").
        name["dropping-particle"] = to_text(" ".join(particle))
    if jr:
        name["suffix"] = to_text(jr[0])
    return name


def _is_lower(word: str) -> bool:
    """Tell whether a word is a particle (``von``, ``de``): its first letter is lower case.

    Braced words are never particles (``{van} Beethoven`` keeps "van" in the family name).
    """
    if word.startswith("{") and not word.startswith("{\\"):
        return False
    letters = [c for c in to_text(word) if c.isalpha()]
    return bool(letters) and letters[0].islower()


def _balanced(text: str) -> bool:
    """Tell whether braces in ``text`` balance (so outer braces wrap the whole name)."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0
