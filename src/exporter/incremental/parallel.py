"""Lay out a book's units on several cores: each in a child forked under the build's limits.

The children are forked from the layout process, so WeasyPrint, the parsed theme CSS and
the fonts are already loaded in each (copy-on-write); each gets the same address-space
limit and time limit as the build's layout child (``guard.isolate.start``), and dies with
the process that forked it. At most ``settings.jobs`` run at once; the results come back
in order. With one job, or one unit to lay out, the work stays in this process.

``lay_out_chain`` lays out a cold book's chapters before anyone knows their first folios,
on ``settings.jobs`` workers forked once: a worker lays out a chapter from page 0, reports
its page count and page-counter increments through a pipe when its pages are made, gets
its real first folio back (the chapters before it having reported) before its margin
boxes are made, then takes the next chapter not taken.
"""

from __future__ import annotations

import os
import pickle
import select
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from exporter.guard import isolate, pipes
from exporter.guard.policy import Policy, current
from exporter.model import Asset
from exporter.settings import Settings
from exporter.themes import Theme
from exporter.themes.css import page_css
from exporter.writers.pdf_units import Ask, Piece, lay_out


@dataclass(frozen=True)
class Job:
    """One unit to lay out: its cache key, its document and the pages to keep."""

    key: str
    html: str
    first: str | None  # the anchor of the unit's first page (None: from the first page)
    stop: str | None  # the anchor of the first page after the unit (None: to the end)
    phantoms: frozenset[str]  # anchors of other units the unit links to
    body: str = ""  # the key without its page counter ("": its body depends on its folios)
    page: int = 0  # the page counter before it


def lay_out_all(
    jobs: list[Job], css: str, theme: Theme, assets: tuple[Asset, ...], settings: Settings
) -> list[Piece]:
    """Return the pieces of ``jobs``, in order, laid out ``settings.jobs`` at a time."""

    def work(job: Job) -> Piece:
        return _lay_out(job, css, theme, assets, settings)

    if settings.jobs <= 1 or len(jobs) <= 1:
        return [work(job) for job in jobs]
    policy = current()
    running: deque[isolate.Pending[Piece]] = deque()
    pieces: list[Piece] = []
    waiting = deque(jobs)
    try:
        while waiting or running:
            while waiting and len(running) < settings.jobs:
                job = waiting.popleft()
                running.append(isolate.start(lambda job=job: work(job), policy))  # type: ignore[misc]
            pieces.append(running.popleft().result())
    finally:
        for pending in running:
            pending.cancel()
    return pieces


def lay_out_chain(
    jobs: list[Job],
    start: tuple[int, int],
    css: str,
    theme: Theme,
    assets: tuple[Asset, ...],
    settings: Settings,
    then: Callable[[dict[str, int]], Job] | None = None,
) -> tuple[list[tuple[Piece, int]], Piece | None]:
    """Lay out consecutive chapters laid out from page counter 0, each told its real one.

    ``start`` is (page counter before the first, pages before it). Returns (piece, page
    counter before it) for each chapter, in order; it stops early at a chapter that would
    open on a verso (its job was made for a recto): the walk lays out the rest itself.
    ``then`` is called once every chapter is told its page counter, with each anchor's
    (the counter of its page); the job it returns (the front matter, whose contents list
    those pages) is laid out by the first free worker, beside the last chapters, and its
    piece returned too (None without ``then``, or when the chain stopped early).

    ``settings.jobs`` workers are forked once and take the next chapter as soon as they are
    free: a worker keeps what it has loaded (fonts, shaping and style caches), which a
    child forked per chapter paid for again (about a quarter of a chapter's CPU).
    """
    policy = current()
    queue: deque[int] = deque(range(len(jobs)))
    workers: dict[int, _Worker] = {}  # report fd -> worker
    for _ in range(min(settings.jobs, len(jobs))):
        worker = _Worker.start(jobs, css, theme, assets, settings, policy, workers)
        workers[worker.report] = worker
    pieces: dict[int, Piece] = {}
    asked: dict[int, tuple[_Worker, list[str]]] = {}  # chapter -> (worker, its report)
    before: dict[int, int] = {}  # chapter -> page counter before it
    pages: dict[str, int] = {}  # anchor -> page counter of its page
    idle: list[_Worker] = []
    last: Job | None = None  # the job ``then`` gave, until a worker takes it
    page, total = start
    stop = len(jobs)  # the first chapter not kept
    try:
        while workers:
            ready, _, _ = select.select(list(workers), [], [])
            for fd in ready:
                worker = workers[fd]
                line = worker.read()
                if line is None:  # done (or dead: its error comes with the result)
                    del workers[fd]
                    pieces.update(worker.result())
                elif line[0] == "next":
                    idle.append(worker)
                else:
                    asked[int(line[1])] = (worker, line[2:])
            while len(before) < stop and len(before) in asked:
                index = len(before)
                waiting, report = asked.pop(index)
                if total % 2:  # it would open on a verso: the walk lays it out
                    stop = index
                    waiting.tell(page)  # its piece is dropped
                    break
                waiting.tell(page)
                before[index] = page
                for anchor, offset in (item.rsplit("=", 1) for item in report[2:]):
                    pages.setdefault(anchor, page + int(offset))
                page, total = page + int(report[1]), total + int(report[0])
                if index + 1 == len(jobs) and then is not None:
                    last = then(pages)
            for index in [i for i in asked if i >= stop]:
                asked.pop(index)[0].tell(0)
            while idle and queue and queue[0] < stop:
                idle.pop().tell(queue.popleft())
            if idle and last is not None:
                idle.pop().give(last)
                last, then = None, None
            if (not queue or queue[0] >= stop) and (then is None or stop < len(jobs)):
                while idle:  # nothing more will come
                    idle.pop().tell(None)
    finally:
        for worker in workers.values():
            worker.cancel()
    done = [(pieces[index], before[index]) for index in range(len(before)) if index < stop]
    return done, pieces.get(-1)


class _Worker:
    """A forked layout process taking chapters by index through a pipe, one at a time.

    It writes ``next`` when it is free and reads an index, a pickled job (``job SIZE``,
    kept as index -1) or an empty line (no more); it writes ``ask INDEX COUNT INCREMENTS
    ANCHOR=OFFSET...`` when a chapter's pages are made and reads its page counter back.
    At the end its pieces come back as its result (``isolate.start``).
    """

    def __init__(self, pending: isolate.Pending[dict[int, Piece]], report: int, tasks: int):
        self.pending, self.report, self.tasks = pending, report, tasks
        self.buffer = b""

    @classmethod
    def start(
        cls,
        jobs: list[Job],
        css: str,
        theme: Theme,
        assets: tuple[Asset, ...],
        settings: Settings,
        policy: Policy,
        others: dict[int, _Worker],
    ) -> _Worker:
        """Fork a worker for ``jobs``."""
        report_r, report_w = os.pipe()
        tasks_r, tasks_w = os.pipe()
        inherited = [fd for w in others.values() for fd in (w.report, w.tasks)]
        inherited += [report_r, tasks_w]

        def work() -> dict[int, Piece]:
            for fd in inherited:  # the others' pipes: a dead worker must show as an EOF
                os.close(fd)
            made: dict[int, Piece] = {}
            with os.fdopen(report_w, "w") as report, os.fdopen(tasks_r, "rb") as tasks:

                def say(text: str) -> str:
                    report.write(text + "\n")
                    report.flush()
                    return tasks.readline().decode().strip()

                while answer := say("next"):
                    if answer.startswith("job "):
                        job = pickle.loads(tasks.read(int(answer.split()[1])))
                        made[-1] = _lay_out(job, css, theme, assets, settings)
                        continue
                    number = int(answer)

                    def ask(
                        count: int, increments: int, anchors: dict[str, int], number: int = number
                    ) -> int:
                        found = " ".join(f"{a}={offset}" for a, offset in anchors.items())
                        return int(say(f"ask {number} {count} {increments} {found}"))

                    made[number] = _lay_out(jobs[number], css, theme, assets, settings, ask)
            return made

        pending = isolate.start(work, policy)
        os.close(report_w)
        os.close(tasks_r)
        return cls(pending, report_r, tasks_w)

    def read(self) -> list[str] | None:
        """Return the worker's next line, split (None: it closed its end)."""
        while b"\n" not in self.buffer:
            data = os.read(self.report, 65536)
            if not data:
                return None
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode().split()

    def tell(self, value: int | None) -> None:
        """Answer the worker: an index or a page counter (None: nothing more to do)."""
        self._write(f"{'' if value is None else value}\n".encode())

    def give(self, job: Job) -> None:
        """Answer the worker's ``next`` with a job it was not forked with."""
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        self._write(f"job {len(data)}\n".encode() + data)

    def _write(self, data: bytes) -> None:
        pipes.write_all(self.tasks, data)

    def result(self) -> dict[int, Piece]:
        """Return the pieces the worker made (raise its error if it failed)."""
        os.close(self.tasks)
        os.close(self.report)
        return self.pending.result()

    def cancel(self) -> None:
        """Kill the worker and close its pipes."""
        self.pending.cancel()
        os.close(self.tasks)
        os.close(self.report)


def _lay_out(
    job: Job,
    css: str,
    theme: Theme,
    assets: tuple[Asset, ...],
    settings: Settings,
    ask: Ask | None = None,
) -> Piece:
    """Lay out one job, print-ready when the build is (``--print``)."""
    return lay_out(
        job.html, css, theme, assets, job.first, job.stop, job.phantoms, settings.pdf_variant,
        ask, settings.press, page_css(theme, settings.page_size),
    )  # fmt: skip
