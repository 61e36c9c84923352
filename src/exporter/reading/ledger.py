"""The files a build read, by content: what batch's incremental state compares next time.

A stage that reads a file the output depends on (an include, a bibliography, a CSL style)
calls ``record(path, data)`` with the bytes it read. The build collects the records
(``collecting()``) and reports them as ``Produced.digests``; a batch then rebuilds an article
when any of those files has other bytes. Recording the bytes read, not the file's later state,
means a file edited during its build is seen as changed by the next run.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
from collections.abc import Iterator
from pathlib import Path

_FILES: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "exporter_read_files", default=None
)


def record(path: Path, data: bytes) -> None:
    """Note that the build read ``data`` from ``path`` (outside a build: nothing to do)."""
    files = _FILES.get()
    if files is not None:
        files[str(path)] = hashlib.sha256(data).hexdigest()


def merge(files: dict[str, str]) -> None:
    """Add files another process read for this build (a read-ahead helper's)."""
    current = _FILES.get()
    if current is not None:
        current.update(files)


@contextlib.contextmanager
def collecting() -> Iterator[dict[str, str]]:
    """Collect the files read inside the block (path -> sha256); an enclosing collection
    gets them too."""
    outer = _FILES.get()
    files: dict[str, str] = {}
    token = _FILES.set(files)
    try:
        yield files
    finally:
        _FILES.reset(token)
        if outer is not None:
            outer.update(files)
