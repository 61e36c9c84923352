"""Ids of the publication: slugs, unique ids, and the ids the render stage reserves.

Below both the reading stage (which gives every element a unique id) and the render stage
(which names chapters and its own pages), so neither imports the other.
"""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    """Make a heading's id as GitHub does, valid as an XML name.

    Lower-cased, punctuation dropped, each space a hyphen, letters of every script kept
    (a Cyrillic, Chinese or Hebrew heading keeps its words: ``Введение`` -> ``введение``).
    An id must start with a letter or ``_``: others get ``s-`` in front; one with nothing
    left is ``section``.
    """
    text = unicodedata.normalize("NFC", text).strip().lower()
    slug = "".join(c for c in text if _kept(c)).replace(" ", "-")
    if not slug:
        return "section"
    return slug if slug[0].isalpha() or slug[0] == "_" else f"s-{slug}"


def _kept(char: str) -> bool:
    """Tell whether GitHub keeps a character: letters, marks, digits, ``_``, ``-``, space."""
    return char.isalnum() or char in "_- " or unicodedata.category(char)[0] == "M"


def ascii_slug(text: str) -> str:
    """Return the ASCII slug older links use (``Ça va`` -> ``ca-va``), or '' for none."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug:
        return ""
    return slug if slug[0].isalpha() else f"s-{slug}"


class IdRegistry:
    """Hand out ids that are unique across the whole publication."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, wanted: str) -> str:
        """Return ``wanted`` (made a valid XML id) or a numbered variant not yet used."""
        base = slugify(wanted)
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}-{n}"
        self.used.add(candidate)
        return candidate


def chapter_id(index: int) -> str:
    """Return the id of a chapter's section (indexes start at 1)."""
    return f"chapter-{index}"


def reserved_ids(count: int) -> list[str]:
    """Return the ids the renderer itself uses, so sources never claim them."""
    ids = ["title-page", "imprint", "contents"]
    for i in range(1, count + 1):
        ids += [chapter_id(i), f"{chapter_id(i)}-title", f"{chapter_id(i)}-part"]
    return ids
