"""Run one build's work in a forked child that is killed at the time and memory limits.

A hostile or broken source can make a renderer run away (nested SVG ``<use>``, huge sizes,
deep markup). The work runs in a child forked from the caller, so everything the caller
already loaded (WeasyPrint, the theme's parsed CSS, the font configuration) is shared for
free; the child gets an address-space limit, and the parent kills it when the time is up
instead of waiting. Whatever goes wrong comes back as an ``ExporterError``: the library never
leaks a WeasyPrint, lxml or EbookLib exception, and the child's log records are shown by the
caller's handlers. ``run`` waits for the child; ``start`` lets the caller work meanwhile (a
big book's read-ahead helper). A child dies with the process that forked it, so one killed
at its own limit never leaves a helper running.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import os
import pickle
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Generic, TypeVar

from exporter.errors import ExporterError, InternalError, LimitError
from exporter.guard import forks
from exporter.guard.policy import Policy, limit_memory

T = TypeVar("T")
V = TypeVar("V")
A = TypeVar("A")
B = TypeVar("B")

_TOO_COMPLEX = (RecursionError, MemoryError, ZeroDivisionError, OverflowError)


@contextlib.contextmanager
def translated(where: str = "") -> Iterator[None]:
    """Turn anything that is not an ExporterError into one, with the right category."""
    try:
        yield
    except ExporterError:
        raise
    except _TOO_COMPLEX as exc:
        prefix = f"{where}: " if where else ""
        raise LimitError(
            f"{prefix}the document is too complex to process ({type(exc).__name__}); "
            "simplify deeply nested markup or huge sizes."
        ) from None
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except Exception as exc:
        raise InternalError(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in exporter; please "
            "report it (rerun with --debug for the traceback).",
            traceback.format_exc(),
        ) from exc


def run(work: Callable[[], T], policy: Policy) -> T:
    """Return ``work()``, run in a child process under the policy's time and memory limits."""
    if not policy.isolate:
        with translated():
            return work()
    return start(work, policy).result()


def start(work: Callable[[], T], policy: Policy) -> Pending[T]:
    """Start ``work()`` in a forked child under the policy's limits; ``result()`` collects it.

    The child dies with this process (it may be killed at its own limit): never unsupervised.
    """
    parent = os.getpid()
    read_end, write_end = os.pipe()
    pid, held = forks.fork()
    if pid == 0:  # the child: never returns, never runs the parent's cleanup
        os.close(read_end)
        _child(work, policy, write_end, parent, held)
    os.close(write_end)
    pending: Pending[T] = Pending(pid, read_end, policy)
    signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C held off is raised here
    return pending


def relay(
    first: Callable[[Callable[[V], None]], A],
    second: Callable[[Callable[[], V]], B],
    policy: Policy,
) -> tuple[A, B | ExporterError]:
    """Run two children at once, the second taking over a value from the first.

    ``first(send)`` calls ``send(value)`` as soon as it has the value, then may go on with
    its own work; ``second(receive)`` gets ready on its own core, then ``receive()`` waits
    for the value, which goes straight from child to child through a pipe. Returns the
    first's result and the second's, or the second's error once the first succeeded (the
    caller keeps what the first made); the first's failure is raised. Both run against one
    clock: the time limit covers the whole of both, started together.
    """
    given, send = os.pipe()

    def receive() -> V:
        with os.fdopen(given, "rb") as pipe:
            return pickle.load(pipe)

    def hand_over(value: V) -> None:
        with contextlib.suppress(BrokenPipeError), os.fdopen(send, "wb") as pipe:
            pickle.dump(value, pipe, protocol=pickle.HIGHEST_PROTOCOL)

    def then() -> B:
        os.close(send)  # without a value (the first failed), receive() ends
        return second(receive)

    def before() -> A:
        os.close(given)
        return first(hand_over)

    later = start(then, policy)
    try:
        sooner = start(before, policy)
    finally:
        os.close(given)  # the children hold their ends now
        os.close(send)
    try:
        try:
            result = sooner.result()
        finally:
            sooner.cancel()
        try:
            outcome: B | ExporterError = later.result()
        except ExporterError as exc:
            outcome = exc
        return result, outcome
    finally:
        later.cancel()


class Pending(Generic[T]):
    """Work running in a forked child; ``result()`` waits for it, ``cancel()`` kills it."""

    def __init__(self, pid: int, fd: int, policy: Policy) -> None:
        self.pid, self.fd, self.policy = pid, fd, policy
        # A policy not sized to its input yet (None) gets the default for a small one.
        self.timeout = policy.for_input(0).timeout
        self.deadline = time.monotonic() + self.timeout if self.timeout else None
        self.done = False

    def result(self) -> T:
        """Wait for the work; return its value or raise its ExporterError.

        The child's log records go through this process's loggers first. At the time limit
        the child is killed instead.
        """
        self.done = True
        try:
            payload, status = _collect(self.pid, self.fd, self.deadline, self.timeout)
        except BaseException:
            _kill(self.pid)
            raise
        finally:
            os.close(self.fd)
        if payload:
            ok, value, records = pickle.loads(payload)
            replay(records)
            if ok:
                return value
            raise value
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT:
            raise KeyboardInterrupt
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else "no result"
        raise LimitError(
            f"the renderer died ({how}), most likely out of its memory limit of "
            f"{self.policy.max_memory // (1024 * 1024)} MB; simplify the document or raise "
            "--max-memory."
        )

    def cancel(self) -> None:
        """Kill the child unless its result was collected."""
        if not self.done:
            self.done = True
            _kill(self.pid)
            os.close(self.fd)


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def replay(records: list[logging.LogRecord]) -> None:
    """Show log records made in another process through this process's loggers.

    Its handlers show them as if they were this process's, and --strict counts them.
    """
    for record in records:
        logging.getLogger(record.name).handle(record)


def portable(exc: ExporterError, policy: Policy) -> ExporterError:
    """Return the error to send to the parent: picklable, and named for what caused it."""
    # Out of memory, C libraries fail in odd ways (lxml: "'ParseError' object is not
    # callable"); when a modest allocation fails too, memory was the cause. A MemoryError
    # there is the limit's doing, not the document's complexity: say which limit.
    out_of_memory = isinstance(exc, InternalError) or "(MemoryError)" in str(exc)
    if out_of_memory and _memory_exhausted(policy):
        exc = _out_of_memory(policy)
    exc.__cause__ = exc.__context__ = None  # a library's exception may not pickle
    exc.__traceback__ = None
    return exc


def _child(
    work: Callable[[], object],
    policy: Policy,
    fd: int,
    parent: int,
    mask: set[int | signal.Signals],
) -> None:
    code = 0
    try:
        forks.die_with(parent)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        faulthandler.disable()  # a crash here is reported by the parent, not as a C dump
        if policy.max_memory:
            limit_memory(policy.max_memory)
        with captured_logs() as records:
            try:
                with translated():
                    result: tuple[bool, object] = (True, work())
            except ExporterError as exc:
                result = (False, portable(exc, policy))
        data = pickle.dumps((*result, records), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(data)
    except BaseException:
        code = 70
    finally:
        _before_exit()
        os._exit(code)


def _before_exit() -> None:
    """Keep what the child compiled for the next run (``exporter.compiled``, which only
    the command installs): a child ends with ``os._exit``, past any exit handler."""
    kept = sys.modules.get("exporter.compiled")
    if kept is not None:
        with contextlib.suppress(Exception):
            kept.save()


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
        self.records.append(record)


@contextlib.contextmanager
def captured_logs() -> Iterator[list[logging.LogRecord]]:
    """Keep this block's log records instead of showing them.

    They are shown elsewhere (the parent, whose stderr may not be fd 2) or later. Handlers
    marked ``live`` (the terminal stage line) keep writing as it happens.
    """
    capture = _Capture()
    saved = []
    for name in ("exporter", "weasyprint"):
        logger = logging.getLogger(name)
        saved.append((logger, logger.handlers, logger.propagate))
        logger.handlers = [h for h in logger.handlers if getattr(h, "live", False)] + [capture]
        logger.propagate = False
    try:
        yield capture.records
    finally:
        for logger, handlers, propagate in saved:
            logger.handlers, logger.propagate = handlers, propagate


def _memory_exhausted(policy: Policy) -> bool:
    """Tell whether this process came within 32 MB of its address-space limit."""
    if not policy.max_memory:
        return False
    try:
        status = Path("/proc/self/status").read_text()
        peak = int(status.split("VmPeak:")[1].split()[0]) * 1024
    except (OSError, IndexError, ValueError):
        peak = 0
    return peak >= policy.max_memory - 32 * 1024 * 1024


def _out_of_memory(policy: Policy) -> LimitError:
    return LimitError(
        f"the document needs more than the memory limit of "
        f"{policy.max_memory // (1024 * 1024)} MB; simplify it or raise --max-memory."
    )


def _collect(pid: int, fd: int, deadline: float | None, timeout: float | None) -> tuple[bytes, int]:
    """Read the child's answer; kill it when the ``deadline`` (``timeout`` s) passes first."""
    chunks: list[bytes] = []
    while True:
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise LimitError(
                f"the build took longer than the limit of {timeout or 0:g} s and was stopped; "
                "simplify it or raise --timeout."
            )
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    return b"".join(chunks), status
