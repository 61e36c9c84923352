"""Turn loosely typed metadata (YAML front matter, HTML <meta>, CLI options) into Metadata."""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
from collections.abc import Mapping
from typing import Any

from exporter.errors import SourceError
from exporter.model import DIRECTIONS, Metadata

log = logging.getLogger("exporter")

# Accepted spellings, as pandoc and Jekyll users write them.
_ALIASES = {
    "author": "authors",
    "creator": "authors",
    "creators": "authors",
    "language": "lang",
    "subject": "keywords",
    "subjects": "keywords",
    "tags": "keywords",
    "copyright": "rights",
    "license": "rights",
    "isbn": "identifier",
    "id": "identifier",
    "abstract": "description",
    "summary": "description",
}
_LISTS = {"authors", "keywords", "bibliography", "nocite"}


def metadata_from_mapping(values: Mapping[str, Any], source: str) -> Metadata:
    """Build Metadata from a mapping, warning about keys that mean nothing to exporter."""
    fields: dict[str, Any] = {}
    # Contributors with roles and the lists of figures and tables come from a book manifest
    # only (pairs, not loose text; a book's own matter).
    known = set(Metadata.__dataclass_fields__) - {"contributors", "lists"}
    for raw_key, value in values.items():
        key = _ALIASES.get(str(raw_key).lower(), str(raw_key).lower())
        if key not in known:
            continue  # front matter often carries keys for other tools (layout, tags, ...)
        if value is None:
            continue
        fields[key] = _as_list(value) if key in _LISTS else as_text(value)
    if "dir" in fields:
        fields["dir"] = fields["dir"].lower()
        if fields["dir"] not in DIRECTIONS:
            raise SourceError(
                f"{source}: 'dir: {fields['dir']}' is not a writing direction; "
                "write dir: rtl, dir: ltr or dir: auto."
            )
    return Metadata(**fields)


def as_text(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(as_text(v) for v in value)
    if isinstance(value, Mapping):
        # {name: ..., role: ...} author entries and the like: keep the name.
        return as_text(value.get("name", ""))
    return str(value).strip()


def _as_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        parts = value.split(";") if ";" in value else value.split(",")
        return tuple(p.strip() for p in parts if p.strip())
    if isinstance(value, (list, tuple)):
        return tuple(t for v in value if (t := as_text(v)))
    return (as_text(value),)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split YAML front matter (between ``---`` lines at the top) from the body.

    The body keeps the file's line numbers (the block becomes blank lines), so later
    messages still point at the right line.
    """
    if text.startswith("+++"):
        return _toml_front_matter(text)
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    import yaml  # here: the HTML reader and book manifests use this module without YAML

    from exporter.readers.yamlcheck import safe_load

    try:
        values = safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        # The context mark points at the construct that is open (an unclosed bracket), the
        # problem mark at where the parser gave up, often the end of the block.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise SourceError(
            f"front matter is not valid YAML{where}: {getattr(exc, 'problem', exc)}. "
            "Fix the block between the '---' lines."
        ) from None
    if not isinstance(values, dict):
        raise SourceError("front matter must be a mapping of 'key: value' lines.")
    # Keep the line numbers of the body equal to the file's for later messages.
    body = "\n" * match.group(0).count("\n") + text[match.end() :]
    return values, body


_TOML_FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(?:\n|\Z)", re.DOTALL)


def _toml_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split Hugo's TOML front matter (between ``+++`` lines) from the body."""
    match = _TOML_FRONT_MATTER.match(text)
    if not match:
        return {}, text
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        values = tomllib.loads(match.group(1) or "")
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(
            f"front matter is not valid TOML: {exc}. Fix the block between the '+++' lines."
        ) from None
    body = "\n" * match.group(0).count("\n") + text[match.end() :]
    return values, body
