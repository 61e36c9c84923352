"""Books: a manifest (ours, mdBook's, MkDocs' or a plugin's) names a book's sources in order.

Which format a manifest is comes from the project registry (``exporter.formats.PROJECTS``):
each format names the files it recognises, and where two share a name (book.toml) the
format tells from the content whether the file is its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from exporter.book.manifest import Book, Entry
from exporter.errors import SourceError
from exporter.formats import PROJECTS, READERS
from exporter.guard.policy import refuse_outside

__all__ = ["Book", "Entry", "find_manifest", "load_book"]

# A manifest of any name is read by its suffix: novel.toml as a book.toml, site.yml as an
# mkdocs.yml.
_BY_SUFFIX = {".toml": "book.toml", ".yml": "mkdocs.yml", ".yaml": "mkdocs.yml"}


def find_manifest(path: str | os.PathLike[str]) -> Path | None:
    """Return the manifest ``path`` names, or the one its folder holds; None for a source."""
    candidate = Path(path)
    if candidate.is_dir():
        spec = PROJECTS.first(lambda s: any((candidate / n).is_file() for n in s.files))
        if spec is None:
            return None
        return next(candidate / n for n in spec.files if (candidate / n).is_file())
    name = _BY_SUFFIX.get(candidate.suffix.lower(), candidate.name)
    builtin_names = {Path(n).name for spec in PROJECTS.registered() for n in spec.files}
    if name in builtin_names:
        return candidate
    # A source file (article.md) is not looked up among plugins' manifests: that costs a
    # scan of every installed package, for what a source suffix already answers.
    suffix = candidate.suffix.lower()
    if any(suffix in spec.suffixes for spec in READERS.registered()):
        return None
    return candidate if PROJECTS.first(lambda s: name in {Path(n).name for n in s.files}) else None


def load_book(manifest: Path) -> Book:
    """Parse and check a manifest of any registered format; return the book it describes."""
    name = _BY_SUFFIX.get(manifest.suffix.lower(), manifest.name)
    spec = PROJECTS.first(lambda s: s.accepts(manifest, name))
    if spec is None:
        raise SourceError(
            f"{manifest}: not a book manifest exporter knows. Give a book.toml, an mkdocs.yml "
            "or an mdBook SUMMARY.md (or the folder holding one)."
        )
    book: Book = spec.load()(manifest)
    return confine(book)


def confine(book: Book) -> Book:
    """Refuse a book whose manifest names files outside its folder; return it when none is.

    A manifest comes with the sources and may be hostile: ``../../home/me/.ssh/id_rsa`` as a
    chapter, or a glob such as ``../../*.md``, would put a file the author never had into the
    book. Real paths are compared, so a symlink leaving the folder is refused the same way;
    ``--resource-root`` names folders the operator allows besides.
    """
    named = [(book.site_root, "the source folder")] if book.site_root else []
    named += [(book.cover, "cover")] if book.cover else []
    named += [(e.path, e.origin or "a chapter") for e in book.entries]
    for path, origin in named:
        # SUMMARY.md entries carry their own "file:line"; the others are a manifest's key.
        on_line = origin.rpartition(":")[2].isdigit()
        refuse_outside(path, book.root, origin if on_line else f"{book.manifest}: {origin}")
    return book
