"""Progress events of a build, for whoever listens (the live preview): none by default.

A build tells what it has made as soon as it has made it: each format's bytes
(``rendered``) and, for a book laid out unit by unit, each unit's pages once they are
placed in the book (``placed``). A listener is any callable; it runs in the process that
tells, which for an isolated build is the build's child: the preview installs one that
writes to a pipe before the child is forked (``exporter.live.progress``). Telling costs
nothing when no one listens, and a listener's failure never fails the build.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger("exporter")
Listener = Callable[[str, dict[str, Any]], None]
_listeners: list[Listener] = []


def tell(event: str, **data: Any) -> None:
    """Tell every listener that ``event`` happened, with its data."""
    for listener in list(_listeners):
        try:
            listener(event, data)
        except Exception as exc:  # a preview's pipe closed: the build goes on
            log.debug("progress listener failed: %s", exc)


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Have ``listener`` told every event while the block runs (and in children forked in it)."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
