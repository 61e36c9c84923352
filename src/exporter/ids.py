"""Ids of the publication: slugs, unique ids, and the ids the render stage reserves.

Below both the reading stage (which gives every element a unique id) and the render stage
(which names chapters and its own pages), so neither imports the other.
"""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    """Make an ASCII, lowercase, hyphenated id that is a valid XML name."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug:
        return "section"
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
