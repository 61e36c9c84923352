"""Turn loosely typed metadata (YAML front matter, HTML <meta>, CLI options) into Metadata."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from exporter.model import Metadata

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
_LISTS = {"authors", "keywords"}


def metadata_from_mapping(values: Mapping[str, Any], source: str) -> Metadata:
    """Build Metadata from a mapping, warning about keys that mean nothing to exporter."""
    fields: dict[str, Any] = {}
    # Contributors with roles come from a book manifest only (pairs, not loose text).
    known = set(Metadata.__dataclass_fields__) - {"contributors"}
    for raw_key, value in values.items():
        key = _ALIASES.get(str(raw_key).lower(), str(raw_key).lower())
        if key not in known:
            continue  # front matter often carries keys for other tools (layout, tags, ...)
        if value is None:
            continue
        fields[key] = _as_list(value) if key in _LISTS else _as_text(value)
    return Metadata(**fields)


def _as_text(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(_as_text(v) for v in value)
    if isinstance(value, Mapping):
        # {name: ..., role: ...} author entries and the like: keep the name.
        return _as_text(value.get("name", ""))
    return str(value).strip()


def _as_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        parts = value.split(";") if ";" in value else value.split(",")
        return tuple(p.strip() for p in parts if p.strip())
    if isinstance(value, (list, tuple)):
        return tuple(t for v in value if (t := _as_text(v)))
    return (_as_text(value),)
