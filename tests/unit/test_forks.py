"""A fork waits for Pango's short-lived fontconfig threads (guard.forks)."""

from __future__ import annotations

import ctypes
import threading
import time

from exporter.guard import forks

PR_SET_NAME = 15


def _named_thread(name: bytes, seconds: float, started: threading.Event) -> None:
    """A thread that names itself as Pango names its own, then lives ``seconds``."""
    ctypes.CDLL(None).prctl(PR_SET_NAME, ctypes.c_char_p(name), 0, 0, 0)
    started.set()
    time.sleep(seconds)


def test_settle_waits_for_a_pango_thread_and_no_longer():
    assert forks.pango_threads() == 0
    started = threading.Event()
    thread = threading.Thread(target=_named_thread, args=(b"[pango] FcInit", 0.3, started))
    thread.start()
    started.wait()
    assert forks.pango_threads() == 1
    begin = time.monotonic()
    forks.settle()
    assert 0.1 < time.monotonic() - begin < 3  # it waited for the thread to end
    assert forks.pango_threads() == 0
    thread.join()


def test_settle_does_not_wait_for_other_threads():
    started = threading.Event()
    thread = threading.Thread(target=_named_thread, args=(b"worker", 0.5, started))
    thread.start()
    started.wait()
    begin = time.monotonic()
    forks.settle()
    assert time.monotonic() - begin < 0.1
    thread.join()


def test_settle_gives_up_at_its_limit():
    started = threading.Event()
    thread = threading.Thread(target=_named_thread, args=(b"[pango] FcFontS", 1.0, started))
    thread.start()
    started.wait()
    begin = time.monotonic()
    forks.settle(limit=0.2)
    assert 0.15 < time.monotonic() - begin < 0.9
    thread.join()
