"""Defaults from a config file: ``exporter.toml``, or ``[tool.exporter]`` in ``pyproject.toml``.

The nearest file wins, searched from the sources' folder upwards. Command-line options win
over it. A config file sits beside sources that may be untrusted, so it can set how a book
looks and what it says about itself, never the safety switches or limits: those come from
the operator's command line only.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exporter.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# key -> (kind, what the value must be)
KEYS: dict[str, type] = {
    "theme": str,
    "formats": list,
    "page_size": str,
    "title": str,
    "authors": list,
    "lang": str,
    "date": str,
    "encoding": str,
    "strict": bool,
    "source_format": str,
    "css": list,  # stylesheets inside the config file's folder (exporter.themes.user)
}
_ALIASES = {"format": "formats", "author": "authors", "from": "source_format"}


@dataclass(frozen=True)
class Config:
    """The defaults a config file gives, and where it is."""

    path: Path | None
    values: dict[str, Any]


def find(start: Path) -> Config:
    """Return the nearest config at or above ``start`` (a folder), or an empty one."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "exporter.toml"
        if own.is_file():
            return Config(own, _validate(own, _load(own)))
        project = candidate / "pyproject.toml"
        if project.is_file():
            table = _load(project).get("tool", {}).get("exporter")
            if table is not None:
                return Config(project, _validate(project, table))
    return Config(None, {})


def _load(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read as TOML ({exc}); fix or remove it.") from None


def _validate(path: Path, table: Any) -> dict[str, Any]:
    where = f"{path} [tool.exporter]" if path.name == "pyproject.toml" else str(path)
    if not isinstance(table, dict):
        raise UsageError(f"{where}: must be a table of 'key = value' lines.")
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = _ALIASES.get(raw_key.replace("-", "_"), raw_key.replace("-", "_"))
        kind = KEYS.get(key)
        if kind is None:
            known = ", ".join(k.replace("_", "-") for k in KEYS)
            raise UsageError(
                f"{where}: unknown key '{raw_key}'. Known keys: {known}. Safety options "
                "(--allow-remote, --trusted-input, limits) are only taken from the command line."
            )
        if kind is list and isinstance(value, str):
            value = [value]
        if not isinstance(value, kind) or (
            isinstance(value, list) and not all(isinstance(v, str) for v in value)
        ):
            raise UsageError(f"{where}: '{raw_key}' must be {_describe(kind)}.")
        values[key] = _checked(path, where, raw_key, key, value)
    return values


def _checked(path: Path, where: str, raw_key: str, key: str, value: Any) -> Any:
    """Check a value the way its option would be, failing with the config file's name.

    Without this an unknown codec or theme set here surfaced later as if an option had been
    mistyped on the command line, and the user looked for it in the wrong place.
    """
    from exporter.formats import READERS, WRITERS
    from exporter.model import is_valid_lang
    from exporter.reading.decode import check_encoding
    from exporter.settings import check_date
    from exporter.themes import load_theme, page_size_css
    from exporter.themes.user import inside

    if key == "css":
        return inside(value, path.parent, where)
    try:
        if key == "formats":
            for name in value:
                WRITERS.get(name)
        elif key == "source_format":
            READERS.get(value)
        elif key == "lang" and not is_valid_lang(value):
            raise UsageError("not a BCP 47 tag; use one like 'en' or 'pt-BR'.")
        elif key == "encoding":
            check_encoding(value)
        elif key == "page_size":
            page_size_css(value)
        elif key == "date":
            check_date(value)
        elif key == "theme":
            beside = path.parent / value  # a theme folder is named relative to this file
            value = str(beside) if "/" in value or beside.is_dir() else value
            load_theme(value)
    except UsageError as exc:
        raise UsageError(f"{where}: {raw_key} = {value!r}: {exc}") from None
    return tuple(value) if isinstance(value, list) else value


def _describe(kind: type) -> str:
    return {str: "a string", list: "a list of strings", bool: "true or false"}[kind]
