"""Read an mdBook project as a book: book.toml's ``[book]`` table and SUMMARY.md's order.

SUMMARY.md (https://rust-lang.github.io/mdBook/format/summary.html) is read line by line:
a ``#`` heading before any chapter is the summary's own title (ignored); plain links before
the first list item are prefix chapters (front matter); list items (``-`` or ``*``) are
numbered chapters, nested by indentation (a nested item is a chapter of its own, at a deeper
``level``); a later ``#`` heading starts a part; plain links after the numbered chapters are
suffix chapters (back matter). ``---`` separators are ignored, and draft chapters
(``[Title]()``, no file yet) are left out with a note in the log. Paths are relative to the
source folder (``[book] src``, default ``src``). A chapter whose file is missing is left out
with a warning: mdBook would create it empty, which a typeset book has no use for.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from exporter.book.files import manifest_text, read_toml
from exporter.book.manifest import BACK_TYPES, FRONT_TYPES, Book, Entry, is_ours
from exporter.errors import SourceError
from exporter.model import Metadata

log = logging.getLogger("exporter")

SUMMARY = "SUMMARY.md"
DIALECTS = ("gfm", "markdown")
_ITEM = re.compile(r"^(?P<indent>[ \t]*)[-*][ \t]+(?P<rest>.*)$")
_LINK = re.compile(r"^\[(?P<title>(?:\\.|[^\]\\])*)\]\((?P<path>[^)]*)\)\s*$")
_HEADING = re.compile(r"^#[ \t]+(?P<title>.*?)[ \t#]*$")
_SEPARATOR = re.compile(r"^-{3,}\s*$")


def is_mdbook(manifest: Path) -> bool:
    """Tell whether a manifest is mdBook's: a SUMMARY.md, or a book.toml that is not ours."""
    return manifest.name == SUMMARY or not is_ours(read_toml(manifest))


def load_mdbook(manifest: Path) -> Book:
    """Return the book an mdBook project describes (its book.toml, or a bare SUMMARY.md)."""
    if manifest.name == SUMMARY:
        data: dict[str, Any] = {}
        src = manifest.parent
        summary = manifest
    else:
        data = read_toml(manifest)
        settings = data.get("book", {})
        src_name = settings.get("src", "src") if isinstance(settings, dict) else "src"
        if not isinstance(src_name, str):
            raise SourceError(f'{manifest}: [book] src must be a folder name such as "src".')
        src = manifest.parent / src_name
        summary = src / SUMMARY
    if not summary.is_file():
        raise SourceError(
            f"{summary}: no such file. An mdBook project lists its chapters in "
            f"{SUMMARY} inside its source folder; write one, or set [book] src."
        )
    entries = tuple(parse_summary(manifest_text(summary), summary))
    if not any(e.kind == "bodymatter" for e in entries):
        raise SourceError(
            f"{summary}: lists no chapter whose file exists. Add '- [Title](file.md)' lines."
        )
    root = manifest.parent
    return Book(
        manifest,
        _metadata(data, manifest, root),
        entries,
        dialect=_dialect(data, manifest),
        site_root=src,
        includes=("mdbook",),
    )


def parse_summary(text: str, summary: Path) -> list[Entry]:
    """Return the chapters a SUMMARY.md lists, in reading order (drafts and missing left out)."""
    entries: list[Entry] = []
    src = summary.parent
    part, numbered, seen_any = "", False, False
    indents: list[int] = []  # the indentation of each open nesting level
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence or not stripped or _SEPARATOR.match(stripped):
            continue
        where = f"{summary}:{number}"
        heading = _HEADING.match(stripped)
        if heading:
            if seen_any:  # the first heading, before any chapter, is the summary's title
                part = heading.group("title")
            seen_any = True
            continue
        item = _ITEM.match(line)
        if item:
            numbered = seen_any = True
            width = len(item.group("indent").expandtabs(4))
            while indents and width < indents[-1]:
                indents.pop()
            if not indents or width > indents[-1]:
                indents.append(width)
            entry = _entry(item.group("rest").strip(), where, src, "bodymatter", part)
            if entry:
                entries.append(replace(entry, level=len(indents)))
            continue
        if _LINK.match(stripped):
            seen_any = True
            kind = "backmatter" if numbered else "frontmatter"
            entry = _entry(stripped, where, src, kind, "")
            if entry:
                entries.append(entry)
            continue
        log.warning("%s: '%s' is not a chapter link, part title or separator; ignored",
                    where, stripped[:60])  # fmt: skip
    return entries


def _entry(text: str, where: str, src: Path, kind: str, part: str) -> Entry | None:
    """Return the chapter a ``[Title](path)`` link names, or None (a draft, a missing file)."""
    link = _LINK.match(text)
    if not link:
        log.warning("%s: '%s' is not a '[Title](file.md)' link; ignored", where, text[:60])
        return None
    title = re.sub(r"\\(.)", r"\1", link.group("title")).strip()
    target = unquote(link.group("path").strip().strip("<>"))
    if not target:
        log.info("%s: draft chapter '%s' has no file yet; left out", where, title)
        return None
    path = src / target.split("#", 1)[0]
    if not path.is_file():
        log.warning(
            "%s: chapter '%s' names '%s', which does not exist (paths are relative to %s); "
            "left out",
            where, title, target, src.name,
        )  # fmt: skip
        return None
    # A prefix chapter called "Foreword" is one: give it that EPUB type.
    types = {"frontmatter": FRONT_TYPES, "backmatter": BACK_TYPES}.get(kind, ())
    named = title.lower().replace(" ", "-")
    return Entry(path, kind, named if named in types else "chapter", part, title, origin=where)


def _metadata(data: dict[str, Any], manifest: Path, root: Path) -> Metadata:
    book = data.get("book", {})
    if not isinstance(book, dict):
        book = {}
    authors = book.get("authors", [])
    if isinstance(authors, str):
        authors = [authors]
    title = book.get("title")
    return Metadata(
        # mdBook needs no title; the folder's name is what its HTML would fall back to.
        title=str(title).strip() if title else root.resolve().name,
        authors=tuple(str(a).strip() for a in authors if str(a).strip()),
        lang=str(book.get("language", "") or "").strip(),
        description=str(book.get("description", "") or "").strip(),
    )


def _dialect(data: dict[str, Any], manifest: Path) -> str:
    """Return the Markdown dialect: gfm (what mdBook's pulldown-cmark reads) unless told.

    A project says otherwise with ``[output.exporter] dialect = "markdown"``: mdBook passes
    each ``[output.NAME]`` table to the renderer of that name, so the table is ours.
    """
    output = data.get("output", {})
    ours = output.get("exporter", {}) if isinstance(output, dict) else {}
    dialect = ours.get("dialect", "gfm") if isinstance(ours, dict) else "gfm"
    if dialect not in DIALECTS:
        raise SourceError(
            f"{manifest}: [output.exporter] dialect '{dialect}' is unknown. "
            f"Use one of: {', '.join(DIALECTS)}."
        )
    return str(dialect)
