"""The installed version of a package, read once a process.

``importlib.metadata`` scans ``sys.path`` for each lookup (about 7 ms here); the caches'
keys and tags (incremental.cache, math.store) and the checks of pinned internals
(writers.pdf_formulas) all ask for the same few names.
"""

from __future__ import annotations

import functools


@functools.cache
def installed(package: str) -> str:
    """Return the installed version of ``package``, or "unknown"."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"
