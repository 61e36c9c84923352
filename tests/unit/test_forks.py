"""A fork waits for Pango's short-lived fontconfig threads (guard.forks)."""

from __future__ import annotations

import contextlib
import ctypes
import threading
import time
from collections.abc import Iterator

from exporter.guard import forks

PR_SET_NAME = 15


@contextlib.contextmanager
def running(name: bytes, seconds: float) -> Iterator[None]:
    """Run a thread that names itself ``name`` (as Pango names its own) for ``seconds``."""
    started = threading.Event()

    def live() -> None:
        ctypes.CDLL(None).prctl(PR_SET_NAME, ctypes.c_char_p(name), 0, 0, 0)
        started.set()
        time.sleep(seconds)

    thread = threading.Thread(target=live)
    thread.start()
    started.wait()
    try:
        yield
    finally:
        thread.join()


def waited(limit: float = 5.0) -> float:
    """Return how long ``forks.settle`` waited."""
    begin = time.monotonic()
    forks.settle(limit)
    return time.monotonic() - begin


def test_settle_waits_for_a_pango_thread_and_no_longer():
    assert forks.pango_threads() == 0
    with running(b"[pango] FcInit", 0.3):
        assert forks.pango_threads() == 1
        assert 0.1 < waited() < 3  # until the thread ended
        assert forks.pango_threads() == 0


def test_settle_does_not_wait_for_other_threads():
    with running(b"worker", 0.5):
        assert waited() < 0.1


def test_settle_gives_up_at_its_limit():
    with running(b"[pango] FcFontS", 1.0):
        assert 0.15 < waited(limit=0.2) < 0.9
