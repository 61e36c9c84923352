"""Write output files atomically: a temporary file in the target folder, renamed when whole.

A failure at any point leaves the previous file at that path untouched and no temporary file
behind, so a pipeline never picks up half a PDF.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from exporter.errors import OutputError


def write_atomic(path: Path, data: bytes, check: Callable[[bytes], None] | None = None) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one.

    ``check`` is given the bytes read back from the temporary file before the rename, so what
    reaches ``path`` is what was checked, not only what was meant to be written.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot write here ({exc.strerror}); choose another --output-dir."
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if check is not None:
            with open(tmp, "rb") as handle:
                check(handle.read())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(
                f"{path}: could not be written ({exc.strerror}); check the disk and permissions."
            ) from None
        raise
