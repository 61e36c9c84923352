"""Write output files atomically: temporary files in the target folders, renamed when whole.

A failure at any point leaves the previous files at those paths untouched and no temporary
file behind, so a pipeline never picks up half a PDF. A build's files are committed as one:
every file is written and checked beside its target first, then all are renamed, and the
previous version of each target is kept (a hard link) until the last rename; an I/O failure
on the way (a full disk on the second format) puts every replaced file back.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from exporter.errors import OutputError

Check = Callable[[bytes], None]


def write_atomic(path: Path, data: bytes, check: Check | None = None) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one.

    ``check`` is given the bytes read back from the temporary file before the rename, so what
    reaches ``path`` is what was checked, not only what was meant to be written.
    """
    commit([(path, data, check)])


def commit(files: Sequence[tuple[Path, bytes, Check | None]]) -> None:
    """Write several files as one: all of them, or (on any failure) none of them.

    Each is staged and checked as ``write_atomic`` does; only when all are staged are they
    renamed into place. If a rename fails, the files already replaced get their previous
    versions back and the files that did not exist before are removed.
    """
    staged: list[tuple[Path, str]] = []
    try:
        for path, data, check in files:
            staged.append((path, _stage(path, data, check)))
    except BaseException:
        _remove(tmp for _, tmp in staged)
        raise
    replaced: list[tuple[Path, str | None]] = []  # each target and its previous version
    current = staged[0][0] if staged else Path()
    try:
        for current, tmp in staged:
            backup = _keep(current)
            try:
                os.replace(tmp, current)
            except BaseException:
                _remove([backup] if backup else [])
                raise
            replaced.append((current, backup))
    except BaseException as exc:
        _restore(replaced)
        _remove(tmp for _, tmp in staged)
        if isinstance(exc, OSError):
            raise OutputError(
                f"{current}: could not be written ({exc.strerror}); nothing of this build was "
                "kept (the previous files are back). Check the disk and permissions."
            ) from None
        raise
    _remove(backup for _, backup in replaced if backup)


def _stage(path: Path, data: bytes, check: Check | None) -> str:
    """Write ``data`` to a new temporary file beside ``path``, checked; return its name."""
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
    except BaseException as exc:
        _remove([tmp])
        if isinstance(exc, OSError):
            raise OutputError(
                f"{path}: could not be written ({exc.strerror}); check the disk and permissions."
            ) from None
        raise
    return tmp


def _keep(path: Path) -> str | None:
    """Keep the file at ``path`` under a second name until the build is committed.

    A hard link costs no space (a full disk is the usual reason to roll back); where the
    file system has none, the file is copied.
    """
    if not os.path.isfile(path):
        return None
    fd, backup = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent)
    os.close(fd)
    os.unlink(backup)
    try:
        os.link(path, backup)
    except OSError:
        import shutil

        shutil.copy2(path, backup)
    return backup


def _restore(replaced: list[tuple[Path, str | None]]) -> None:
    """Put back what ``commit`` replaced, newest first; best effort."""
    for path, backup in reversed(replaced):
        with contextlib.suppress(OSError):
            if backup is None:
                os.unlink(path)
            else:
                os.replace(backup, path)


def _remove(names: Iterable[str]) -> None:
    """Delete temporary files, ignoring those already gone."""
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)
