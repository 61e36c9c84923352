"""Forking a build's child safely: no Pango thread mid-work, no Ctrl-C lost, no orphan.

Fork only when no thread of Pango's holds a lock the child would inherit.

Pango 1.50 runs fontconfig's work in short-lived threads of its own (``g_thread_new`` in
libpangoft2: "[pango] FcInit", "[pango] FcFontSetMatch", "[pango] FcFontSetSort"). A
process forked while one of them holds fontconfig's or Pango's lock gets that lock locked
forever: the child hangs in its first layout. Seen here: both layout workers of a ``-j 2``
book build stuck in ``pango_layout_get_first_line`` until the 125 s limit, and an
article's build stopped at CI's 120 s limit right after the parent's first render in a
new theme; about one build in 20 on a loaded machine.

Only "[pango] FcInit" carries its name: GLib names a thread with ``pthread_setname_np``,
which refuses a name over 15 bytes, so the match and sort threads keep the name of the
thread that started them (gdb on ``pthread_create``; /proc shows them as "python"). A
transient is therefore any thread Python's ``threading`` does not know that is either named
"[pango]..." or bears the name of one of our own threads. ``settle`` waits for them to end
before each fork (``guard.isolate.start``); they live for milliseconds. A foreign thread
that outlives the limit (a library's resident worker) is not waited for again.

``fork`` holds Ctrl-C off across the fork, and ``die_with`` makes a child die with the
process that forked it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

_PANGO = "[pango]"  # the start of the only name GLib manages to give a Pango thread
_resident: set[int] = set()  # foreign threads that outlived a settle: never waited for again
WATCHDOG = "exporter-watchdog"  # the thread that ends a child whose parent died (not Linux)


def fork() -> tuple[int, set[int | signal.Signals]]:
    """Fork once no transient thread runs; return the pid and the signal mask to restore.

    Ctrl-C is held off across the fork: one arriving during it reached Python inside an
    at-fork hook (logging's), which ignores the KeyboardInterrupt, and the build went on.
    Each side puts the mask back when it is ready (``signal.pthread_sigmask``); the parent
    then gets a Ctrl-C held meanwhile.
    """
    settle()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    return os.fork(), held


def settle(limit: float = 5.0) -> None:
    """Wait, at most ``limit`` seconds, until no transient foreign thread is running."""
    deadline = time.monotonic() + limit
    while waiting := transients():
        if time.monotonic() >= deadline:
            _resident.update(waiting)
            return
        time.sleep(0.001)


def transients() -> set[int]:
    """Return the ids of this process's threads a fork must not copy mid-work.

    Those are the threads named "[pango]...", and the threads unknown to ``threading``
    that bear the name of a thread it knows (an unnamed native thread, as Pango's match
    and sort threads are). Empty where /proc is missing.
    """
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return set()
    if len(tasks) == 1:  # the usual case: this thread alone
        return set()
    known = {thread.native_id for thread in threading.enumerate()}
    names = {_name(tid) for tid in known if tid is not None} - {""}
    found = set()
    for task in tasks:
        tid = int(task)
        if tid in _resident:
            continue
        name = _name(tid)
        if name.startswith(_PANGO) or (tid not in known and name in names):
            found.add(tid)
    return found


def _name(tid: int) -> str:
    try:
        with open(f"/proc/self/task/{tid}/comm", encoding="utf-8") as comm:
            return comm.read().rstrip("\n")
    except OSError:  # it ended meanwhile
        return ""


def die_with(parent: int) -> None:
    """Make this child die when ``parent`` does, killed at its limit or by a user."""
    if not _parent_death_signal():
        threading.Thread(target=_watch, args=(parent,), name=WATCHDOG, daemon=True).start()
    if os.getppid() != parent:  # it died before the signal was armed
        os._exit(70)


def _parent_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; tell whether it will."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        # PR_SET_PDEATHSIG (1) fires when the *thread* that forked exits: ours waits for us.
        return libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    """Elsewhere, notice the parent's death (we are adopted by another) and exit."""
    while os.getppid() == parent:
        time.sleep(0.1)
    os._exit(70)
