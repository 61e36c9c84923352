"""Keep each source's reader result across builds in a long-lived process (the live preview).

Off unless ``enable()`` was called: a one-shot build reads everything, as before. When on,
reading a source first looks for its last read here; that read is used again only when the
source's bytes, its reader, the encoding, the book's reading options and the policy are the
same, and every file the read recorded in the ledger (its includes) still has the bytes it
had. A read that logged a warning is never kept (a kept one would not warn again), nor one
that failed. The cleaning stage (``build_chapter``) runs on every build either way: ids,
links and images are the whole book's.

The preview builds in a child forked from its warm process, so what a child reads must come
back to be kept: ``remember`` tells it (an ``exporter.progress`` event, relayed to the
preview through its pipe), the preview's handler passes it to ``keep``, and the next build's
child, forked after that, inherits it. A read-ahead helper (a child of the child) only looks
reads up; its results are told by the build's child, the only writer of that pipe. Kept reads
are not counted when the reading is split with that helper: a save reads one source.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter import progress
from exporter.guard.policy import current
from exporter.readers import highlight

if TYPE_CHECKING:
    from exporter.book import Book
    from exporter.formats import RawChapter
    from exporter.reading import Source
    from exporter.reading.clean import Sanitized

# The text, the reader's result, the files read, the reader's HTML sanitized.
Got = tuple[str, "RawChapter", dict[str, str], "Sanitized"]
Key = tuple[str, str, str]  # the source's name, path and reader
_entries: dict[Key, tuple[str, Got]] | None = None  # key -> (fingerprint, its read)


@dataclass(frozen=True)
class Read:
    """One source's read, and what keeping it takes (None: not to be kept)."""

    got: Got
    note: tuple[Key, str] | None = None


def enable() -> None:
    """Keep reads in this process from now on (and in the children it forks)."""
    global _entries
    if _entries is None:
        _entries = {}


def keep(data: dict[str, Any]) -> None:
    """Keep a read a build told (``remember``'s event data), and its code languages' lexers
    made (the next build's child then finds them made, instead of compiling them again)."""
    if _entries is not None:
        _entries[data["key"]] = (data["fingerprint"], data["got"])
        highlight.warm(data.get("languages", ()))


class Recall:
    """A source's read function, wrapped: a kept read that still holds, else a fresh read."""

    def __init__(
        self, read: Callable[[Source], Got], encoding: str | None, book: Book | None
    ) -> None:
        self.read = read
        self.options = repr((encoding, current(), book and (book.root, book.extensions,
                             book.includes, book.include_bases)))  # fmt: skip

    def __call__(self, source: Source) -> Read:
        if _entries is None:
            return Read(self.read(source))
        kept = self.kept(source)
        if kept is not None:
            return Read(kept)
        key, fingerprint = self._stamp(source)
        with _warnings() as warned:
            got = self.read(source)
        return Read(got, None if warned.count else (key, fingerprint))

    def kept(self, source: Source) -> Got | None:
        """Return the kept read of ``source`` if it still holds."""
        if _entries is None:
            return None
        key, fingerprint = self._stamp(source)
        kept = _entries.get(key)
        if kept is not None and kept[0] == fingerprint and _unchanged(kept[1][2]):
            return kept[1]
        return None

    def _stamp(self, source: Source) -> tuple[Key, str]:
        digest = hashlib.sha256(source.data).hexdigest()
        fingerprint = hashlib.sha256(f"{digest}\0{self.options}".encode()).hexdigest()
        return (source.name, str(source.path), source.kind), fingerprint


def remember(reads: Iterator[Read]) -> Iterator[Got]:
    """Give each read on, telling the ones to keep (to the preview, through progress)."""
    for one in reads:
        if one.note is not None:
            languages = sorted(highlight.ASKED)
            progress.tell(
                "read", key=one.note[0], fingerprint=one.note[1], got=one.got, languages=languages
            )
        yield one.got


def _unchanged(files: dict[str, str]) -> bool:
    """Tell whether every file a read recorded still has the bytes it was read with."""
    for name, digest in files.items():
        try:
            data = Path(name).read_bytes()
        except OSError:
            return False
        if hashlib.sha256(data).hexdigest() != digest:
            return False
    return True


class _Seen(logging.Handler):
    """Count the warnings logged while installed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextlib.contextmanager
def _warnings() -> Iterator[_Seen]:
    """Count the warnings the exporter logs inside the block."""
    seen, logger = _Seen(), logging.getLogger("exporter")
    logger.addHandler(seen)
    try:
        yield seen
    finally:
        logger.removeHandler(seen)
