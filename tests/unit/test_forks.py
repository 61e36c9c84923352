"""A fork waits for Pango's short-lived fontconfig threads (guard.forks)."""

from __future__ import annotations

import _thread
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


@contextlib.contextmanager
def native(seconds: float) -> Iterator[None]:
    """Run a thread ``threading`` does not know, unnamed, as Pango's match and sort threads are."""
    started, ended = threading.Event(), threading.Event()

    def live() -> None:
        started.set()
        time.sleep(seconds)
        ended.set()

    _thread.start_new_thread(live, ())
    started.wait()
    try:
        yield
    finally:
        ended.wait()


def test_settle_waits_for_a_pango_thread_and_no_longer():
    assert forks.transients() == set()
    with running(b"[pango] FcInit", 0.3):
        assert len(forks.transients()) == 1
        assert 0.1 < waited() < 3  # until the thread ended
        assert forks.transients() == set()


def test_settle_waits_for_an_unnamed_native_thread():
    with native(0.3):
        assert len(forks.transients()) == 1
        assert 0.1 < waited() < 3


def test_pangos_unnamed_threads_are_seen_during_a_real_layout():
    # A new font configuration's first layout starts Pango's FcFontSetMatch/Sort threads,
    # which keep the name of the thread that started them.
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    seen: set[str] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.update(forks._name(tid) for tid in forks.transients())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(3):
            html = weasyprint.HTML(string="<p>Settle <b>me</b> <i>now</i> \u6f22\u5b57</p>")
            html.write_pdf(font_config=FontConfiguration())
    finally:
        done.set()
        watcher.join()
    assert any(name and not name.startswith("[pango]") for name in seen), seen
    forks.settle()
    assert forks.transients() == set()


def test_settle_does_not_wait_for_other_threads():
    with running(b"worker", 0.5):
        assert waited() < 0.1


def test_settle_gives_up_at_its_limit_and_never_waits_for_that_thread_again():
    with native(1.0):
        assert 0.15 < waited(limit=0.2) < 0.9
        assert waited(limit=0.2) < 0.1  # a resident now
