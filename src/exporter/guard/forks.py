"""Fork only when no thread of Pango's holds a lock the child would inherit.

Pango 1.50 runs fontconfig's work in short-lived threads of its own ("[pango] FcInit",
"[pango] FcFontSetMatch", "[pango] FcFontSetSort"). A process forked while one of them
holds fontconfig's or Pango's lock gets that lock locked forever: the child hangs in its
first layout. Seen here: both layout workers of a ``-j 2`` book build stuck in
``pango_layout_get_first_line`` until the 125 s limit, about one build in 20 on a loaded
machine (``py-spy dump`` of the workers). Such threads live for milliseconds, so
``settle`` waits for them to end before each fork (``guard.isolate.start``).
"""

from __future__ import annotations

import os
import time

_PANGO = "[pango]"  # the start of the names Pango gives its threads (/proc/.../comm)


def settle(limit: float = 5.0) -> None:
    """Wait, at most ``limit`` seconds, until no thread of Pango's is running."""
    deadline = time.monotonic() + limit
    while pango_threads() and time.monotonic() < deadline:
        time.sleep(0.001)


def pango_threads() -> int:
    """Return how many of this process's threads are Pango's (0 where /proc is missing)."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 0
    if len(tasks) == 1:  # the usual case: this thread alone
        return 0
    found = 0
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/comm", encoding="utf-8") as name:
                found += name.read().startswith(_PANGO)
        except OSError:  # it ended meanwhile
            continue
    return found
