"""Load a bibliography (BibTeX, BibLaTeX, CSL-JSON or CSL-YAML) as CSL-JSON items.

A bibliography named in a source's front matter or a book's manifest must lie inside the
folders the sources may read from (as images must); one given on the command line or by an
API caller is the builder's own choice and is read where it is.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from exporter.citations.bibtex import parse_bibtex
from exporter.errors import SourceError
from exporter.reading import ledger

log = logging.getLogger("exporter")

BIBTEX_SUFFIXES = (".bib", ".bibtex", ".biblatex")
MAX_BIBLIOGRAPHY_BYTES = 50 * 1024 * 1024


def confine(
    path: Path, roots: Sequence[Path], named_in: str, option: str = "--bibliography"
) -> Path:
    """Return ``path``'s real path, or fail (exit 3) when it lies outside every root."""
    real = Path(os.path.realpath(path))
    for root in roots:
        if real.is_relative_to(os.path.realpath(root)):
            return real
    what = "CSL style" if option == "--csl" else "bibliography file"
    raise SourceError(
        f"{named_in}: {what} '{path.name}' is outside the source's folder; refused. Move it "
        f"beside the source, give it with {option}, or pass --resource-root {real.parent}."
    )


def read_file(path: Path, what: str = "bibliography") -> str:
    """Return a bibliography or style file's text, failing (exit 3) with its name and the fix."""
    try:
        if not path.is_file():
            raise FileNotFoundError
        if path.stat().st_size > MAX_BIBLIOGRAPHY_BYTES:
            raise SourceError(f"{path}: this {what} is over 50 MB; split it.")
        data = path.read_bytes()
        ledger.record(path, data)  # batch rebuilds when the bibliography or the style changes
        return data.decode("utf-8-sig")
    except FileNotFoundError:
        raise SourceError(f"{path}: {what} file not found. Check the path.") from None
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path}: {what} is not UTF-8 (byte {exc.start}); save it as UTF-8."
        ) from None
    except OSError as exc:
        raise SourceError(f"{path}: {what} cannot be read ({exc.strerror}).") from None


def load_items(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Return every entry of the bibliography files, the first of a duplicated key winning."""
    items: dict[str, dict[str, Any]] = {}
    for path in paths:
        for item in _items_of(path, read_file(path)):
            key = str(item.get("id", ""))
            if not key:
                continue
            if key.lower() in items:
                log.warning("%s: citation key '%s' is defined twice; the first is used", path, key)
                continue
            items[key.lower()] = item
    return list(items.values())


def _items_of(path: Path, text: str) -> list[dict[str, Any]]:
    """Parse one file by its suffix."""
    suffix = path.suffix.lower()
    if suffix in BIBTEX_SUFFIXES:
        return parse_bibtex(text, str(path))
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceError(f"{path}:{exc.lineno}: not valid CSL-JSON ({exc.msg}).") from None
    elif suffix in (".yaml", ".yml"):
        data = _yaml(path, text)
    else:
        raise SourceError(
            f"{path}: unknown bibliography type '{path.suffix}'. "
            "Give a .bib (BibTeX or BibLaTeX), .json (CSL-JSON) or .yaml (CSL-YAML) file."
        )
    if isinstance(data, dict):
        data = data.get("references", [])
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise SourceError(f"{path}: CSL data must be a list of entries, each with an 'id'.")
    return [_normalised(item) for item in data]


def _normalised(item: dict[str, Any]) -> dict[str, Any]:
    """Return a CSL item with a string id and its dates as date parts.

    CSL-YAML (pandoc's) writes dates as ``issued: 2001`` or ``issued: 2001-05-03``;
    citeproc-py reads only ``{"date-parts": [[2001, 5, 3]]}``.
    """
    item = dict(item, id=str(item.get("id", "")))
    for name in ("issued", "accessed", "original-date", "event-date"):
        value = item.get(name)
        if value is not None and not isinstance(value, dict):
            text = str(value)
            parts = [[int(n) for n in re.findall(r"\d+", part)[:3]] for part in text.split("/")]
            parts = [p for p in parts if p]
            item[name] = {"date-parts": parts} if parts else {"literal": text}
    return item


def _yaml(path: Path, text: str) -> Any:
    """Parse CSL-YAML (pandoc's ``references:`` block, or a bare list)."""
    import yaml

    from exporter.readers.yamlcheck import safe_load

    try:
        return safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise SourceError(
            f"{path}{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})."
        ) from None
