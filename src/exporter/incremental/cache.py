"""A persistent cache of laid-out book units: one PDF piece and one JSON record per key.

The key (``unit_key``) is a SHA-256 of everything that decides a unit's layout: its whole
HTML document (its content, and what the book before it hands in: page counter, side,
counters, the pages of the anchors it links to), the print CSS, the bytes of every theme
file (fonts included) and of the images it uses, a digest of the system's fonts (where
fallback glyphs come from: ``writers.pdf_units.system_fonts``), the PDF variant, and the
versions of exporter and WeasyPrint. Sources, includes, a bibliography or a CSL style reach
a unit only through its HTML, so they are in the key too.

A unit's record also names its *body key* (``walk``: the key of its HTML without the page
counter before it) and what its margin boxes need (``pdf_margins.Margins``); a small
``body-<body key>.json`` names the last entry laid out under each body key, so that a unit
that only moved finds its body. That pointer is only a hint: the entry it names must carry
the same body key under its seal.

The cache is never trusted blindly: a record names the SHA-256 of its piece and carries a
seal of itself under this user's key (guard.seal: an output folder may come with the
sources, cache and all), and an entry whose JSON does not parse, whose piece is missing or
truncated, whose digest differs or whose seal does not verify is dropped and laid out
again, with a note. It is safe to delete at any time, and kept under
its size bound by removing the least recently used entries (by modification time, which a
hit refreshes).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from exporter.guard import seal
from exporter.versions import installed
from exporter.writers.pdf_margins import Margins
from exporter.writers.pdf_units import Piece

DEFAULT_LIMIT = 500 * 1024 * 1024  # bytes kept on disk, at most
FORMAT = "3"  # bump when a record's shape changes
_HEX = re.compile(r"[0-9a-f]{64}")


def unit_key(html: str, css: str, files: Iterable[bytes], variant: str) -> str:
    """Return the cache key of a unit laid out from this HTML, CSS and files (bytes)."""
    digest = hashlib.sha256()
    for part in (FORMAT, installed("exporter"), installed("weasyprint"), variant, css, html):
        digest.update(hashlib.sha256(part.encode()).digest())
    for data in files:
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


class Cache:
    """Pieces on disk under ``root``: ``<key>.pdf`` and ``<key>.json``."""

    def __init__(self, root: Path, limit: int = DEFAULT_LIMIT) -> None:
        self.root = root
        self.limit = limit
        seal.key()  # made here, before layout workers are forked: theirs is the same

    def get(self, key: str, body: str = "") -> Piece | None:
        """Return the piece stored under ``key``, or None (a bad entry is removed).

        With ``body``, only a piece whose body was laid out under that body key."""
        record, pdf = self.root / f"{key}.json", self.root / f"{key}.pdf"
        if not record.exists():
            return None
        try:
            meta = json.loads(record.read_text("utf-8"))
            if not seal.sealed(meta.pop("seal", None), key.encode(), _canonical(meta)):
                raise ValueError("it was not written by this user's exporter")
            data = pdf.read_bytes()
            if hashlib.sha256(data).hexdigest() != meta["sha256"]:
                raise ValueError("its PDF does not match its record")
            piece = Piece(
                data,
                tuple(tuple(f) if f else None for f in meta["folios"]),
                {str(k): int(v) for k, v in meta["anchors"].items()},
                tuple(tuple(b) for b in meta["bookmarks"]),
                tuple(meta["phantoms"]),
                Margins.from_json(meta["margins"]) if meta["margins"] else None,
            )
            if body and meta["body"] != body:
                return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # A note, not a warning: a damaged cache is no fault of the sources, and must
            # not fail a --strict build.
            print(
                f"note: cache entry {record} was unreadable ({exc}); laying the unit out again",
                file=sys.stderr,
            )
            self._remove(key)
            return None
        now = None  # a hit counts as a use: the least recently used go first
        for path in (record, pdf):
            os.utime(path, now)
        return piece

    def with_body(self, body: str) -> Piece | None:
        """Return a piece whose body was laid out under the body key ``body``, or None."""
        try:
            key = json.loads((self.root / f"body-{body}.json").read_text("utf-8"))["key"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return self.get(str(key), body) if _HEX.fullmatch(str(key)) else None

    def put(self, key: str, piece: Piece, body: str = "") -> None:
        """Store ``piece`` under ``key`` (atomically: a crash leaves no half entry), and
        name it as the last piece laid out under ``body`` (``walk``'s body key)."""
        self.root.mkdir(parents=True, exist_ok=True)
        meta = {
            "sha256": hashlib.sha256(piece.pdf).hexdigest(),
            "folios": piece.folios,
            "anchors": piece.anchors,
            "bookmarks": piece.bookmarks,
            "phantoms": piece.phantoms,
            "margins": piece.margins.to_json() if piece.margins else None,
            "body": body,
        }
        meta["seal"] = seal.seal(key.encode(), _canonical(meta))
        self._write(self.root / f"{key}.pdf", piece.pdf)
        self._write(self.root / f"{key}.json", json.dumps(meta).encode())
        if body:  # a pointer only: the entry it names is checked, its body key too
            self._write(self.root / f"body-{body}.json", json.dumps({"key": key}).encode())

    def prune(self) -> None:
        """Remove the least recently used entries until the cache fits its size bound."""
        if not self.root.is_dir():
            return
        files = [p for p in self.root.iterdir() if p.suffix in (".pdf", ".json")]
        stats = {p: p.stat() for p in files}
        total = sum(s.st_size for s in stats.values())
        for path in sorted(files, key=lambda p: stats[p].st_mtime):
            if total <= self.limit:
                break
            total -= stats[path].st_size
            path.unlink(missing_ok=True)

    def _write(self, path: Path, data: bytes) -> None:
        handle, name = tempfile.mkstemp(dir=self.root, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(name, path)

    def _remove(self, key: str) -> None:
        for suffix in (".json", ".pdf"):
            (self.root / f"{key}{suffix}").unlink(missing_ok=True)


def _canonical(meta: Mapping[str, object]) -> bytes:
    """Return a record's fields as the same bytes before writing and after reading."""
    return json.dumps(meta, sort_keys=True).encode()
