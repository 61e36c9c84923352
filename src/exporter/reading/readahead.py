"""Read a book's sources on two cores: the later ones in a forked helper, read ahead.

Converting Markdown runs on one core and is most of a long book's reading. For a book big
enough to gain from it, a helper forked from this process reads the sources after a split
point while this one reads, and cleans, the ones before it. The helper's results come back
in source order, each as soon as it is read (so this process cleans them while the helper
reads on), each with the log records it made, and a failure at its own place, so that
warnings, --strict and the error reported (the earliest source's) are those of reading one
source after another. The cleaning stage stays in this process: it hands out ids and assets
unique in the publication. The split leaves this process less to read, as it also cleans.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import queue
import select
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar, cast

from exporter.errors import ExporterError
from exporter.guard import forks, isolate, pipes
from exporter.guard.policy import Policy, current

T = TypeVar("T")
S = TypeVar("S")

MIN_SOURCES = 4
# Measured: below this a fork, and copying the results back, cost about what they save.
MIN_BYTES = 100_000
# This process also cleans every chapter (about 0.2 of reading's time, now that the reading
# sanitizes), so it reads a smaller share of the bytes, 1 / (2 + 0.2): then both processes
# finish together (timed on the bench book: 0.4 left this one waiting, 0.5 the helper).
SHARE = 0.45


def split_point(sizes: Sequence[int], policy: Policy | None = None) -> int:
    """Return how many of the sources (their sizes in bytes) this process reads itself.

    The helper reads the rest; this process reads all of them when a helper is not allowed
    or would not pay for itself.
    """
    policy = policy or current()
    count = len(sizes)
    if policy.read_processes == 1 or count < 2:
        return count
    if policy.read_processes == 0 and not (
        count >= MIN_SOURCES and sum(sizes) >= MIN_BYTES and _cores() >= 2 and _one_thread()
    ):
        return count
    share, total = 0, sum(sizes) * SHARE
    for mine, size in enumerate(sizes[:-1], start=1):
        share += size
        if share >= total:
            return mine
    return count - 1


def may_fork(policy: Policy | None = None) -> bool:
    """Tell whether a helper may share some work now: the policy allows a second process
    (or asks for one), and, left to choose, there are two cores and one thread to fork."""
    policy = policy or current()
    if policy.read_processes == 1:
        return False
    return policy.read_processes >= 2 or (_cores() >= 2 and _one_thread())


def _one_thread() -> bool:
    """Tell whether this process runs one thread, our watchdog aside.

    A fork copies only the calling thread: a lock another one holds would never be released
    in the helper.
    """
    return sum(t.name != forks.WATCHDOG for t in threading.enumerate()) == 1


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


_MEANWHILE: contextvars.ContextVar[Callable[[], object] | None] = contextvars.ContextVar(
    "meanwhile", default=None
)


@contextlib.contextmanager
def meanwhile(work: Callable[[], object]) -> Iterator[None]:
    """Have ``work`` done, once, while this process waits for a helper's reads.

    When this process comes to the helper's sources and the helper has not sent the next
    one yet, what this process would do after the reading anyway (loading the writers) fills
    that wait instead. Not done when the helper's read is there already, nor without a
    helper. A failure is left for when the work is needed.
    """
    token = _MEANWHILE.set(work)
    try:
        yield
    finally:
        _MEANWHILE.reset(token)


@contextlib.contextmanager
def mapped(read: Callable[[S], T], items: Sequence[S], split: int) -> Iterator[Iterator[T]]:
    """Give an iterator over ``read(item)`` for each item, in order.

    The first ``split`` are read here as they are asked for; a helper started now reads the
    rest (and is killed on leaving, if still running).
    """
    helper, policy = None, current()
    first: list[Callable[[], T]] = []
    if 0 < split < len(items):
        # Read the first source before forking: the helper then inherits the reader's
        # modules (Markdown, its extensions, Pygments) instead of importing them again, which
        # saved about 0.15 s of CPU on the 31-chapter bench book for no wall time.
        first.append(_outcome(read, items[0]))
    stream, sink = os.pipe() if split < len(items) else (-1, -1)
    if split < len(items):  # under the same limits; it dies with this process
        work = functools.partial(_read_all, read, items[split:], policy, stream, sink)
        try:
            helper = isolate.start(work, policy)
        finally:
            os.close(sink)
    try:
        yield _results(read, items[len(first) : split], helper, stream, first)
    finally:
        if helper:
            helper.cancel()
            os.close(stream)


def _outcome(read: Callable[[S], T], item: S) -> Callable[[], T]:
    """Read ``item`` now; return what gives its result, or raises its error, when called."""
    try:
        value = read(item)
    except Exception as exc:  # raised again in order, when the caller reaches this item
        error = exc

        def fail() -> T:
            raise error

        return fail
    return lambda: value


def _results(
    read: Callable[[S], T],
    mine: Sequence[S],
    helper: isolate.Pending[int] | None,
    stream: int,
    first: Sequence[Callable[[], T]] = (),
) -> Iterator[T]:
    for outcome in first:
        yield outcome()
    for item in mine:
        yield read(item)
    if helper is None:
        return
    work = _MEANWHILE.get()
    with os.fdopen(os.dup(stream), "rb") as pipe:
        while True:
            if work is not None and not select.select([stream], [], [], 0)[0]:
                with contextlib.suppress(Exception):
                    work()
                work = None
            frame = pipes.read_frame(pipe)
            if frame is None:  # all sent, or the helper died: its result says which
                helper.result()
                return
            ok, value, records = frame
            isolate.replay(records)
            if not ok:
                raise cast(ExporterError, value)
            yield cast(T, value)


def _read_all(
    read: Callable[[S], T], items: Sequence[S], policy: Policy, stream: int, sink: int
) -> int:
    """In the helper: read items until one fails, sending each outcome (with its own log
    records) as soon as it is made; return how many were sent.

    A thread writes them to the pipe: this one reads on while the pipe is full, as this
    process has not come to the helper's sources yet.
    """
    os.close(stream)
    frames: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    writer = threading.Thread(target=_send, args=(frames, sink), name="exporter-send")
    writer.start()
    sent = 0
    try:
        for item in items:
            with isolate.captured_logs() as records:
                try:
                    with isolate.translated():
                        outcome: tuple[bool, object, list] = (True, read(item), records)
                except ExporterError as exc:
                    outcome = (False, isolate.portable(exc, policy), records)
            frames.put(pipes.framed(outcome))
            sent += 1
            if not outcome[0]:
                break
    finally:
        frames.put(None)
        writer.join()
    return sent


def _send(frames: queue.SimpleQueue[bytes | None], sink: int) -> None:
    """Write each frame to the pipe until the None that ends them; then close it."""
    try:
        while (frame := frames.get()) is not None:
            pipes.write_all(sink, frame)
    except BrokenPipeError:  # the reader is gone (it failed or stopped early)
        pass
    finally:
        os.close(sink)
