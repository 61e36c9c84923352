"""Formula drawings kept between builds, in the build cache folder (``.exporter-cache``).

A warm build lays out no unchanged chapter again, but it needs each chapter's HTML to know
that, and the HTML holds the formulas' drawings: without this file every formula was drawn
again by ziamath (~15 ms each, the bulk of a warm book's math). One JSON file holds the
drawings of the last build's formulas, by a digest of each formula's MathML, under a tag of
everything else that decides a drawing (the versions of exporter and ziamath, the drawing
size and margin, the operators' unit), sealed under this user's key (guard.seal: the
drawings go into the HTML as they are, and an output folder may come with the sources). A
file that does not parse, has another tag or a seal that does not verify is ignored and
written again; like the rest of the cache it is safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from exporter.guard import seal
from exporter.math.pdfops import Vector
from exporter.versions import installed

NAME = "formulas.json"
FORMAT = "2"  # bump when an entry's shape changes


def tag(*decisive: object) -> str:
    """Return the tag of drawings made by these versions with these settings."""
    versions = (installed(package) for package in ("exporter", "ziamath", "ziafont"))
    return " ".join(map(str, (FORMAT, *versions, *decisive)))


def digest(markup: str) -> str:
    return hashlib.sha256(markup.encode()).hexdigest()


def load(root: Path, stamp: str) -> dict[str, tuple[str, str, str, Vector | None]]:
    """Return the stored drawings by digest (empty if none, unreadable or of another tag)."""
    try:
        data = json.loads((root / NAME).read_text("utf-8"))
        if data.get("tag") != stamp or not seal.sealed(data.pop("seal", None), _canonical(data)):
            return {}
        return {key: _entry(value) for key, value in data["drawings"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def save(root: Path, stamp: str, drawn: Mapping[str, tuple[Any, ...]]) -> None:
    """Store ``drawn`` (digest -> picture, error, url, vector) atomically; never fail a build."""
    entries = {key: [*value[:3], _vector(value[3])] for key, value in drawn.items()}
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=root, prefix=".tmp-")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            kept: dict[str, Any] = {"tag": stamp, "drawings": entries}
            json.dump({**kept, "seal": seal.seal(_canonical(kept))}, stream)
        os.replace(name, root / NAME)
    except OSError:  # a read-only or full disk costs the next build the drawing, no more
        pass


def _vector(vector: Vector | None) -> list[Any] | None:
    if vector is None:
        return None
    return [vector.width, vector.height, list(vector.viewbox), vector.operators.decode("ascii")]


def _entry(value: list[Any]) -> tuple[str, str, str, Vector | None]:
    picture, error, url, vector = value
    if vector is None:
        return str(picture), str(error), str(url), None
    width, height, box, ops = vector
    x, y, w, h = (float(n) for n in box)
    return str(picture), str(error), str(url), Vector(width, height, (x, y, w, h), ops.encode())


def _canonical(data: dict[str, Any]) -> bytes:
    """Return the file's fields as the same bytes before writing and after reading."""
    return json.dumps(data, sort_keys=True).encode()
