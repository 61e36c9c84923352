"""Read a manifest's text: UTF-8 (a byte-order mark allowed), from a regular file, with every
failure one line naming the file and the fix (exit 3). Manifests come with the sources."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from exporter.errors import SourceError


def read_toml(manifest: Path) -> dict[str, Any]:
    """Parse a TOML file, failing with its name and the fix."""
    if sys.version_info >= (3, 11):  # here, not at the top: an article never pays for it
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data = tomllib.loads(manifest_text(manifest))
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{manifest}: not valid TOML: {exc}. Fix the file.") from None
    return data


def manifest_text(path: Path) -> str:
    """Return a manifest's text (UTF-8, a BOM allowed), failing (exit 3) with its name."""
    try:
        if path.exists() and not path.is_file():  # a FIFO would never answer
            raise SourceError(f"{path}: is not a regular file. Give the manifest itself.")
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file. Check the path.") from None
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path}: not valid UTF-8 at byte {exc.start} (0x{exc.object[exc.start]:02x}); "
            "save it as UTF-8."
        ) from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror}).") from None
