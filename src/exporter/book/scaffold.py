"""``exporter init``: write a commented starter book manifest and a first chapter."""

from __future__ import annotations

import os
from pathlib import Path

from exporter.errors import OutputError, UsageError
from exporter.guard.output import write_atomic

MANIFEST = """\
# {title}: a book for exporter. Build it with:  exporter build {folder}
# Every path is relative to this file; globs (*) expand in sorted order.

title = "{title}"
# subtitle = "A subtitle"
authors = ["Your Name"]            # or {{ name = "Max Editor", role = "editor" }}
language = "en"                    # a BCP 47 tag: en, en-GB, pt-BR, ...
# date = 2026-01-31                # also makes rebuilds byte-identical anywhere
# publisher = "Your Press"
# rights = "© 2026 Your Name, all rights reserved"
# description = "One paragraph for stores and library software."
# subjects = ["fiction", "sea stories"]
# isbn = "978-0-00-000000-2"       # or doi = "10.1234/abcd", or identifier = "urn:..."
# series = {{ name = "The Series", position = 1 }}
# cover = "cover.jpg"              # without one, a cover is set in the theme's style

# Top-level keys go above the first [table]: TOML puts every key below a table header
# into that table.
chapters = ["chapters/*.md"]
# appendices = ["appendices/*.md"]

# Front matter, in this order (dedication, epigraph, foreword, preface, prologue, ...):
# [front]
# dedication = "front/dedication.md"
# preface = "front/preface.md"

# Or group the chapters into parts (instead of 'chapters' above):
# [[parts]]
# title = "Part One"
# chapters = ["part-1/*.md"]

# Back matter (afterword, epilogue, acknowledgments, glossary, bibliography, colophon):
# [back]
# afterword = "back/afterword.md"

# Print-ready PDF (PDF/X-4, bleed, marks) and BOOK-cover.pdf (back, spine, front), always:
# [print]
# bleed = "3mm"                     # 0.125in for a page size in inches
# marks = false                     # print-on-demand services want no crop marks
# paper = "cream"                   # white, cream or coated: the spine's width per page
"""

CHAPTER = """\
---
title: The First Chapter   # or leave it out: the first heading is the title
---

Write here. Each Markdown file is a chapter; images and links are relative to the file.
A link to another chapter, written `[the next one](02-next.md)`, becomes a link inside
the book, and a footnote[^1] sits at the foot of the page in the PDF.

## A section

Sections start at `##`.

[^1]: Like this one.
"""


def init_book(folder: str | os.PathLike[str] = ".", title: str | None = None) -> list[Path]:
    """Write ``book.toml`` and ``chapters/01-first-chapter.md``; never overwrite a file."""
    root = Path(folder)
    if not str(root).isprintable():  # the paths written are printed one per line
        raise UsageError(
            f"{str(root)!r}: a folder name with a line break or control character would "
            "break 'one path per line'; choose another folder."
        )
    book, chapter = root / "book.toml", root / "chapters" / "01-first-chapter.md"
    for path in (book, chapter):
        if path.exists():
            raise OutputError(f"{path}: already exists; edit it, or run init in another folder.")
    name = title or (root.resolve().name.replace("-", " ").replace("_", " ").title() or "My Book")
    manifest = MANIFEST.format(
        title=name.replace('"', "'"), folder=str(root) if str(root) != "." else "."
    )
    files = {book: manifest, chapter: CHAPTER}
    for path, text in files.items():
        write_atomic(path, text.encode("utf-8"))
    return list(files)
