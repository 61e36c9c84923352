"""A small book written for the layout tests: three chapters, notes, sections, an imprint."""

from __future__ import annotations

from pathlib import Path

BOOK_TITLE = "The Test Book"
CHAPTERS = ("Chapter Alpha", "Chapter Beta", "Chapter Gamma")
# Paragraphs per chapter: Beta is long enough to span several pages in every theme.
LENGTHS = (14, 60, 9)
FILLER = (
    "Type is set for the reader, not for the writer: the measure, the leading and the "
    "margins decide whether a page is read or merely looked at, and every choice here is "
    "one a typesetter would make by hand."
)


def note_text(chapter: int, n: int) -> str:
    return f"Note text {'abc'[chapter]}{n} at the foot."


def write_book(folder: Path) -> list[Path]:
    """Write the three chapter sources into ``folder``; return their paths in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for c, (title, length) in enumerate(zip(CHAPTERS, LENGTHS, strict=True)):
        lines = [
            "---",
            f"title: {title}",
            "rights: © 2026 Test Authors",
            "publisher: Test Press",
            "---",
            "",
        ]
        notes = []
        for i in range(1, length + 1):
            if i % 6 == 1:
                lines += [f"## Section {'abc'[c]}{i}", ""]
            if i % 5 == 2:
                n = len(notes) + 1
                lines += [f"Call {'abc'[c]}{n} here.[^n{n}] {FILLER}", ""]
                notes.append(f"[^n{n}]: {note_text(c, n)}")
            else:
                lines += [FILLER, ""]
        path = folder / f"{c + 1:02d}-{title.split()[1].lower()}.md"
        path.write_text("\n".join(lines + notes) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def note_count(chapter: int) -> int:
    return sum(1 for i in range(1, LENGTHS[chapter] + 1) if i % 5 == 2)
