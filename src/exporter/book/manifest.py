"""Read a book manifest (``book.toml``): metadata, then the sources in reading order.

Every path and glob is relative to the manifest's folder; globs expand in sorted order. The
sources are grouped as front matter (``[front]``: dedication, foreword, preface, ...), the
chapters (``chapters = [...]``, or ``[[parts]]`` each with a ``title`` and its ``chapters``),
``appendices`` and back matter (``[back]``). Each becomes one chapter that knows its place
(``Chapter.kind``, ``type``, ``part``). Mistakes fail with the manifest's name and the fix.

``load_book`` also reads other tools' projects into the same ``Book``: mdBook's book.toml
(it has a ``[book]`` table) or bare SUMMARY.md (``mdbook.py``), and MkDocs' mkdocs.yml
(``mkdocs.py``).
"""

from __future__ import annotations

import glob
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

from exporter.book.files import read_toml
from exporter.errors import SourceError
from exporter.model import DIRECTIONS, Metadata, is_valid_lang
from exporter.readers.meta import as_text
from exporter.settings import LISTS
from exporter.themes.user import inside

MANIFEST = "book.toml"
# EPUB structural semantics (https://www.w3.org/TR/epub-ssv-11/) a manifest may use.
FRONT_TYPES = (
    "dedication", "epigraph", "foreword", "preface", "prologue", "introduction",
    "acknowledgments", "halftitlepage", "copyright-page",
)  # fmt: skip
BACK_TYPES = (
    "afterword", "epilogue", "conclusion", "acknowledgments", "glossary", "bibliography",
    "index", "colophon", "endnotes",
)  # fmt: skip
ROLES = {
    "author": "aut", "editor": "edt", "translator": "trl", "illustrator": "ill",
    "contributor": "ctb", "photographer": "pht", "foreword": "aui", "introduction": "aui",
    "afterword": "aft", "narrator": "nrt", "designer": "bkd",
}  # fmt: skip
KEYS = {
    "title", "subtitle", "authors", "author", "language", "lang", "identifier", "isbn", "doi",
    "publisher", "rights", "date", "description", "subjects", "keywords", "series", "cover",
    "front", "chapters", "parts", "appendices", "back", "words", "from", "bibliography", "csl",
    "nocite", "lists", "dir", "print",  # the print profile (exporter.press.manifest reads it)
    "css",  # the book's own stylesheets (exporter.themes.user)
}  # fmt: skip


@dataclass(frozen=True)
class Entry:
    """One source of the book and its place in it."""

    path: Path
    kind: str = "bodymatter"  # frontmatter | bodymatter | backmatter
    type: str = "chapter"  # its EPUB structural type
    part: str = ""
    title: str = ""  # the manifest's label for it (mdBook, MkDocs): used when the source has none
    level: int = 1  # 2 and deeper: nested under the chapter before it (mdBook sub-chapters)
    origin: str = ""  # where the manifest names it ("chapters", "SUMMARY.md:12"), for errors


@dataclass(frozen=True)
class Book:
    """A parsed manifest: what the book says about itself and its sources in order."""

    manifest: Path
    metadata: Metadata
    entries: tuple[Entry, ...]
    cover: Path | None = None
    # Other tools' projects (mdbook.py, mkdocs.py): the Markdown dialect the sources are in,
    # the folder site-root paths (/img/a.png) start from, the Markdown extensions the project
    # asks for as (name, options), and the include syntaxes its sources may use (includes.py)
    # with the folders snippets are looked up in besides the including file's.
    dialect: str = "markdown"
    site_root: Path | None = None
    extensions: tuple[tuple[str, dict[str, Any]], ...] = ()
    includes: tuple[str, ...] = ("mdbook", "snippets", "markdown-include")
    include_bases: tuple[Path, ...] = ()

    @property
    def root(self) -> Path:
        """Return the folder every path of the manifest is relative to."""
        return self.manifest.parent


MDBOOK_TABLES = {"book", "build", "rust", "output", "preprocessor"}


def is_ours(data: dict[str, Any]) -> bool:
    """Tell a book.toml of ours from mdBook's: theirs has a [book] table (or only tables of
    its own, when every [book] setting is left at mdBook's default)."""
    return not (isinstance(data.get("book"), dict) or (data and set(data) <= MDBOOK_TABLES))


def load_own(manifest: Path) -> Book:
    """Parse and check exporter's own book.toml; expand its globs into the sources."""
    return _load_own(manifest, read_toml(manifest))


def _load_own(manifest: Path, data: dict[str, Any]) -> Book:
    """Check exporter's own manifest; expand its globs into the ordered list of sources."""
    fail = _failer(manifest)
    unknown = sorted(set(data) - KEYS)
    if unknown:
        fail(f"unknown key '{unknown[0]}'. Known keys: {', '.join(sorted(KEYS))}")
    root = manifest.parent
    entries = _entries(data, root, fail)
    if not any(e.kind == "bodymatter" for e in entries):
        fail('lists no chapters. Add chapters = ["chapters/*.md"] or [[parts]]')
    seen: set[Path] = set()
    for entry in entries:
        real = entry.path.resolve()
        if real in seen:
            fail(f"'{_rel(entry.path, root)}' is listed twice; list each source once")
        seen.add(real)
    cover = None
    if "cover" in data:
        cover = root / _text(data["cover"], "cover", fail)
        if not cover.is_file():
            fail(f"cover '{data['cover']}' was not found (paths are relative to the manifest)")
    dialect = _text(data.get("from", "markdown"), "from", fail)  # the Markdown sources' reader
    metadata = replace(_metadata(data, fail), **_citation_files(data, root, fail))
    metadata = replace(metadata, css=inside(data.get("css", []), root, str(manifest)))
    return Book(manifest, metadata, tuple(entries), cover, dialect=dialect)


def _citation_files(data: dict[str, Any], root: Path, fail: _Fail) -> dict[str, Any]:
    """Return ``bibliography`` (a path or a list) and ``csl``, relative to the manifest;
    ``nocite``; and ``lists`` (of figures, of tables), which the same transforms read."""
    found: dict[str, Any] = {}
    given = data.get("bibliography", [])
    files = [given] if isinstance(given, str) else given
    if not isinstance(files, list):
        fail("'bibliography' must be a file name or a list of them")
    if files:
        found["bibliography"] = tuple(
            str((root / _text(f, "bibliography", fail)).absolute()) for f in files
        )  # absolute: the citations transform reads relative names from the first chapter's
    if "csl" in data:
        found["csl"] = str((root / _text(data["csl"], "csl", fail)).absolute())
    nocite = data.get("nocite", [])
    nocite = [nocite] if isinstance(nocite, str) else nocite
    if not isinstance(nocite, list):
        fail('\'nocite\' must be keys to list uncited, such as nocite = ["@key1", "@key2"]')
    if nocite:
        found["nocite"] = tuple(_text(k, "nocite", fail) for k in nocite)
    lists = data.get("lists", [])
    if not isinstance(lists, list) or not set(lists) <= set(LISTS):
        fail(f"'lists' names lists the book opens with; use lists = {list(LISTS)} or fewer")
    if lists:
        found["lists"] = tuple(lists)
    return found


_Fail = Callable[[str], NoReturn]  # raises SourceError naming the manifest


def _failer(manifest: Path) -> _Fail:
    def fail(message: str) -> NoReturn:
        raise SourceError(f"{manifest}: {message}.")

    return fail


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _text(value: Any, key: str, fail: _Fail) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        fail(f"'{key}' must be a string")
    return str(value).strip()


def _entries(data: dict[str, Any], root: Path, fail: _Fail) -> list[Entry]:
    entries: list[Entry] = []
    entries += _typed(data.get("front", {}), "front", FRONT_TYPES, "frontmatter", root, fail)
    if "chapters" in data and "parts" in data:
        fail("use either 'chapters' or '[[parts]]', not both")
    for path in _paths(data.get("chapters", []), "chapters", root, fail):
        entries.append(Entry(path, origin="chapters"))
    parts = data.get("parts", [])
    if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
        fail("'parts' must be [[parts]] tables, each with a title and chapters")
    for number, part in enumerate(parts, start=1):
        extra = sorted(set(part) - {"title", "chapters"})
        if extra:
            fail(
                f"[[parts]] number {number} has an unknown key '{extra[0]}' (a part holds "
                "title and chapters; put top-level keys such as appendices above the first "
                "[[parts]], since TOML puts every key below a table header into that table)"
            )
        title = _text(part.get("title", f"Part {number}"), "parts.title", fail)
        key = f"parts[{number}].chapters"
        for path in _paths(part.get("chapters", []), key, root, fail):
            entries.append(Entry(path, part=title, origin=key))
    for path in _paths(data.get("appendices", []), "appendices", root, fail):
        entries.append(Entry(path, kind="backmatter", type="appendix", origin="appendices"))
    entries += _typed(data.get("back", {}), "back", BACK_TYPES, "backmatter", root, fail)
    return entries


def _typed(
    table: Any, key: str, types: tuple[str, ...], kind: str, root: Path, fail: _Fail
) -> list[Entry]:
    if not isinstance(table, dict):
        fail(f"'[{key}]' must be a table such as {types[0]} = \"{key}/{types[0]}.md\"")
    entries: list[Entry] = []
    for name, value in table.items():
        if name not in types:
            fail(f"'[{key}]' has an unknown entry '{name}'. Use one of: {', '.join(types)}")
        where = f"{key}.{name}"
        entries += [Entry(p, kind, name, origin=where) for p in _paths(value, where, root, fail)]
    return entries


def _paths(value: Any, key: str, root: Path, fail: _Fail) -> list[Path]:
    """Expand a path, a glob, or a list of them, in order (each glob sorted)."""
    patterns = [value] if isinstance(value, str) else value
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        fail(f"'{key}' must be a path or a list of paths (globs allowed)")
    found: list[Path] = []
    for pattern in patterns:
        if glob.has_magic(pattern):
            matches = sorted(glob.glob(pattern, root_dir=root, recursive=True))
            files = [root / m for m in matches if (root / m).is_file()]
            if not files:
                fail(f"'{key}': '{pattern}' matches no file")
            found += files
        else:
            path = root / pattern
            if not path.is_file():
                fail(f"'{key}': '{pattern}' was not found (paths are relative to the manifest)")
            found.append(path)
    return found


def _metadata(data: dict[str, Any], fail: _Fail) -> Metadata:
    title = _text(data.get("title", ""), "title", fail)
    if not title:
        fail('has no title. Add title = "..."')
    lang = _text(data.get("language", data.get("lang", "")), "language", fail)
    if lang and not is_valid_lang(lang):
        fail(f'language \'{lang}\' is not a BCP 47 tag; use one like "en" or "pt-BR"')
    direction = _text(data.get("dir", ""), "dir", fail).lower()
    if direction not in DIRECTIONS:
        fail(f'dir \'{direction}\' is not one of rtl, ltr, auto; use dir = "rtl" or "ltr"')
    authors, contributors = _people(data.get("authors", data.get("author", [])), fail)
    series = data.get("series", {})
    if isinstance(series, str):
        series = {"name": series}
    if not isinstance(series, dict):
        fail("'series' must be a name or a table with name and position")
    words = data.get("words", {})
    if not isinstance(words, dict) or not all(isinstance(v, str) for v in words.values()):
        fail("'[words]' must map names to text, such as contents = \"Table of Contents\"")
    subjects = data.get("subjects", data.get("keywords", []))
    if isinstance(subjects, str):
        subjects = [subjects]
    return Metadata(
        title=title,
        subtitle=_text(data.get("subtitle", ""), "subtitle", fail),
        authors=authors,
        contributors=contributors,
        lang=lang,
        dir=direction,
        date=as_text(data.get("date", "")),
        description=_text(data.get("description", ""), "description", fail),
        keywords=tuple(_text(s, "subjects", fail) for s in subjects),
        rights=_text(data.get("rights", ""), "rights", fail),
        publisher=_text(data.get("publisher", ""), "publisher", fail),
        identifier=_identifier(data, fail),
        series=_text(series.get("name", ""), "series.name", fail),
        series_position=_text(series.get("position", ""), "series.position", fail),
        words=tuple(sorted(words.items())),
    )


def _people(value: Any, fail: _Fail) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Split people into authors and (name, MARC relator) contributors."""
    people = [value] if isinstance(value, (str, dict)) else value
    if not isinstance(people, list):
        fail("'authors' must be a list of names or { name = ..., role = ... } tables")
    authors, contributors = [], []
    for person in people:
        if isinstance(person, str):
            authors.append(person.strip())
            continue
        if not isinstance(person, dict) or not person.get("name"):
            fail('each author needs a name: { name = "...", role = "editor" }')
        role = str(person.get("role", "author")).strip().lower()
        code = ROLES.get(role, role)
        if not re.fullmatch(r"[a-z]{3}", code):
            fail(f"unknown role '{role}'. Use one of: {', '.join(ROLES)} or a MARC code")
        name = _text(person["name"], "authors.name", fail)
        (authors.append(name) if code == "aut" else contributors.append((name, code)))
    return tuple(authors), tuple(contributors)


def _identifier(data: dict[str, Any], fail: _Fail) -> str:
    """Return the identifier as a URN/URI: urn:isbn:..., urn:doi:... or as given."""
    if "isbn" in data:
        digits = re.sub(r"[\s-]", "", _text(data["isbn"], "isbn", fail)).upper()
        if not _valid_isbn(digits):
            fail(f"isbn '{data['isbn']}' is not a valid ISBN-10 or ISBN-13 (check digit)")
        return f"urn:isbn:{digits}"
    if "doi" in data:
        doi = _text(data["doi"], "doi", fail).removeprefix("https://doi.org/")
        if not doi.startswith("10."):
            fail(f"doi '{doi}' must start with '10.'")
        return f"urn:doi:{doi}"
    return _text(data.get("identifier", ""), "identifier", fail)


def _valid_isbn(digits: str) -> bool:
    if re.fullmatch(r"\d{13}", digits):
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
        return total % 10 == 0
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
        return total % 11 == 0
    return False
