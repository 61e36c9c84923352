"""Read an MkDocs project (mkdocs.yml) as a book: its metadata, nav and Markdown extensions.

mkdocs.yml files carry YAML tags that MkDocs resolves by running code or reading the
environment: ``!!python/name:module.attr`` imports, ``!ENV [VAR, default]`` reads a variable,
``!relative`` names a folder. Here every tag is an inert value (``Tagged``): nothing is
imported, executed or read from the environment, so a project cannot run code or pull a
secret into a book by being built. ``!ENV`` takes its default (its last item).

The ``nav`` gives the order: a top-level section becomes a part and the pages inside it its
chapters (pages in sections nested deeper get a deeper ``level``); a page's nav label is its
title when the page has no heading of its own; external links are skipped; a folder in the
nav (as mkdocs-literate-nav writes it) is its index page with the folder's other pages
nested under it. Without a nav,
every Markdown file under docs_dir is a chapter, sorted, each folder's index.md first.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from exporter.book.files import manifest_text
from exporter.book.manifest import Book, Entry
from exporter.errors import SourceError
from exporter.model import Metadata
from exporter.readers.yamlcheck import CheckedLoader

log = logging.getLogger("exporter")

# Extensions the Markdown reader knows, or that reading honours elsewhere (includes.py reads
# snippets and markdown-include; links and heading ids are the cleaning stage's). Others are
# named in one warning: their syntax is read as plain Markdown.
SUPPORTED_EXTENSIONS = {
    "abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code",
    "footnotes", "md_in_html", "meta", "sane_lists", "smarty", "tables", "toc", "nl2br",
    "markdown_include.include",
    "pymdownx.arithmatex", "pymdownx.betterem", "pymdownx.caret", "pymdownx.details",
    "pymdownx.emoji", "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.keys",
    "pymdownx.magiclink", "pymdownx.mark", "pymdownx.smartsymbols", "pymdownx.snippets",
    "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.tasklist", "pymdownx.tilde",
    "pymdownx.blocks.admonition", "pymdownx.blocks.details", "pymdownx.blocks.tab",
}  # fmt: skip
_EXTENSION_PREFIX = "markdown.extensions."
INDEX_NAMES = ("index.md", "README.md")


@dataclass(frozen=True)
class Tagged:
    """A YAML value under a tag MkDocs would resolve (``!ENV``, ``!!python/name:``): inert."""

    tag: str
    value: Any


class InertLoader(CheckedLoader):
    """A safe loader that accepts any tag and keeps what it tags as a plain value."""


def _inert(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    value: Any
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)  # type: ignore[arg-type]
        # !!python/name:module.attr keeps its whole value in the tag: keep that, as text.
        named = re.match(r"tag:yaml\.org,2002:python/[\w/]+:(.+)", node.tag)
        value = value or (named.group(1) if named else value)
    return Tagged(node.tag, value)


# Every tag SafeLoader does not know ("" is a prefix of all of them) ends here.
InertLoader.add_multi_constructor("", _inert)


def load_yaml(text: str, name: str) -> Any:
    """Parse YAML with every custom tag kept inert; fail naming the file and the line."""
    try:
        return yaml.load(text, Loader=InertLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise SourceError(
            f"{name}{where}: not valid YAML: {getattr(exc, 'problem', exc)}. Fix the file."
        ) from None


def plain(value: Any) -> Any:
    """Return a value with tags resolved inertly: ``!ENV [VAR, default]`` gives the default."""
    if isinstance(value, Tagged):
        if value.tag == "!ENV":
            items = value.value if isinstance(value.value, list) else [value.value]
            return plain(items[-1]) if len(items) > 1 else None
        return plain(value.value)
    return value


def load_mkdocs(manifest: Path) -> Book:
    """Return the book an MkDocs project describes."""
    data = load_yaml(manifest_text(manifest), str(manifest))
    if not isinstance(data, dict):
        raise SourceError(f"{manifest}: must be a mapping of settings such as 'site_name: ...'.")
    root = manifest.parent
    docs_name = plain(data.get("docs_dir")) or "docs"
    docs = root / str(docs_name)
    if not docs.is_dir():
        raise SourceError(f"{manifest}: docs_dir '{docs_name}' is not a folder; create it or fix "
                          "docs_dir.")  # fmt: skip
    nav = plain(data.get("nav"))
    entries = _nav_entries(nav, docs, manifest) if nav else _all_pages(docs)
    if not entries:
        raise SourceError(f"{manifest}: no Markdown page was found under {docs_name}/. "
                          "Add pages, or list them under nav.")  # fmt: skip
    extensions = _extensions(plain(data.get("markdown_extensions")) or [], manifest)
    names = {name for name, _ in extensions}
    includes, bases = [], []
    for syntax, extension in (("snippets", "pymdownx.snippets"),
                              ("markdown-include", "markdown_include.include")):  # fmt: skip
        if extension in names:
            includes.append(syntax)
            base = plain(dict(extensions).get(extension, {}).get("base_path", ".")) or "."
            for folder in base if isinstance(base, list) else [base]:
                bases.append(root / str(plain(folder)))  # as MkDocs runs: from the project
    return Book(
        manifest,
        _metadata(data, root),
        tuple(entries),
        dialect="markdown",
        site_root=docs,
        extensions=tuple(extensions),
        includes=tuple(includes),
        include_bases=tuple(dict.fromkeys(bases)),
    )


def _metadata(data: dict[str, Any], root: Path) -> Metadata:
    theme = plain(data.get("theme"))
    lang = ""
    if isinstance(theme, dict):
        lang = str(plain(theme.get("language")) or plain(theme.get("locale")) or "")
    author = plain(data.get("site_author")) or ""
    return Metadata(
        title=str(plain(data.get("site_name")) or root.resolve().name).strip(),
        authors=(str(author).strip(),) if str(author).strip() else (),
        lang=lang.strip().replace("_", "-"),
        description=str(plain(data.get("site_description")) or "").strip(),
        rights=str(plain(data.get("copyright")) or "").strip(),
    )


def _nav_entries(nav: Any, docs: Path, manifest: Path) -> list[Entry]:
    """Walk the nav: top-level sections are parts; deeper sections nest their pages."""
    entries: list[Entry] = []
    seen: set[Path] = set()

    def walk(items: Any, part: str, depth: int) -> None:
        for item in items if isinstance(items, list) else [items]:
            item = plain(item)
            title, value = "", item
            if isinstance(item, dict) and len(item) == 1:
                title, value = next(iter(item.items()))
                title, value = str(plain(title)), plain(value)
            if isinstance(value, list):  # a section
                if depth == 0:
                    walk(value, title, 1)
                else:
                    walk(value, part, depth + 1)
            elif isinstance(value, str):
                level = max(depth, 1)
                path = _page(value, title, docs, manifest)
                pages = [(path, title, level)] if path else []
                folder = docs / PurePosixPath(value)
                if path and folder.is_dir():  # a folder (literate-nav): its index, then the rest
                    pages += [(p.path, "", level + 1) for p in _all_pages(folder)[1:]]
                for page, label, at in pages:
                    if page.resolve() in seen:  # MkDocs allows it; a book reads it once
                        log.warning("%s: nav lists '%s' twice; kept the first", manifest, page)
                        continue
                    seen.add(page.resolve())
                    entries.append(Entry(page, part=part, title=label, level=at, origin="nav"))
            else:
                log.warning("%s: nav entry %r is not a page, link or section; ignored",
                            manifest, item)  # fmt: skip

    walk(nav, "", 0)
    return entries


def _page(target: str, title: str, docs: Path, manifest: Path) -> Path | None:
    """Return a nav page's file, or None for a web link or a missing page (with a warning)."""
    if "://" in target or target.startswith(("/", "mailto:", "#")):
        log.info("%s: nav link '%s' (%s) leads off the book; left out", manifest, title,
                 target)  # fmt: skip
        return None
    path = docs / PurePosixPath(target)
    if path.is_dir():
        path = next((path / n for n in INDEX_NAMES if (path / n).is_file()), path)
    if not path.is_file():
        log.warning("%s: nav page '%s' is not in %s/; left out", manifest, target,
                    docs.name)  # fmt: skip
        return None
    return path


def _all_pages(docs: Path) -> list[Entry]:
    """Every Markdown page under docs, sorted by folder, each folder's index first."""

    def key(path: Path) -> tuple[tuple[str, ...], bool, str]:
        rel = path.relative_to(docs)
        return rel.parent.parts, rel.name not in INDEX_NAMES, rel.name

    pages = sorted((p for p in docs.rglob("*.md") if p.is_file()), key=key)
    return [Entry(p) for p in pages]


def _extensions(value: Any, manifest: Path) -> list[tuple[str, dict[str, Any]]]:
    """Return (name, options) for each extension; warn once naming the unsupported ones."""
    found: list[tuple[str, dict[str, Any]]] = []
    for item in value if isinstance(value, list) else [value]:
        item = plain(item)
        if isinstance(item, dict):
            for name, options in item.items():
                opts = plain(options)
                found.append((str(name), opts if isinstance(opts, dict) else {}))
        elif isinstance(item, str):
            found.append((item, {}))
    found = [(n.removeprefix(_EXTENSION_PREFIX), o) for n, o in found]
    unknown = [n for n, _ in found if n not in SUPPORTED_EXTENSIONS]
    if unknown:
        log.warning(
            "%s: markdown_extensions not supported, their syntax is read as plain Markdown: %s",
            manifest, ", ".join(unknown),
        )  # fmt: skip
    return found
