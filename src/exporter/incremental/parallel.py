"""Lay out a book's units on several cores: each in a child forked under the build's limits.

The children are forked from the layout process, so WeasyPrint, the parsed theme CSS and
the fonts are already loaded in each (copy-on-write); each gets the same address-space
limit and time limit as the build's layout child (``guard.isolate.start``), and dies with
the process that forked it. At most ``settings.jobs`` run at once; the results come back
in order. With one job, or one unit to lay out, the work stays in this process.

``lay_out_chain`` lays out a cold book's chapters before anyone knows their first folios:
each child lays out its chapter from page 0, reports its page count and page-counter
increments through a pipe when its pages are made, and gets its real first folio back
(the chapters before it having reported) before its margin boxes are made.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass

from exporter.guard import isolate
from exporter.guard.policy import current
from exporter.model import Asset
from exporter.settings import Settings
from exporter.themes import Theme
from exporter.themes.css import page_css
from exporter.writers.pdf_units import Piece, lay_out


@dataclass(frozen=True)
class Job:
    """One unit to lay out: its cache key, its document and the pages to keep."""

    key: str
    html: str
    first: str | None  # the anchor of the unit's first page (None: from the first page)
    stop: str | None  # the anchor of the first page after the unit (None: to the end)
    phantoms: frozenset[str]  # anchors of other units the unit links to


def lay_out_all(
    jobs: list[Job], css: str, theme: Theme, assets: tuple[Asset, ...], settings: Settings
) -> list[Piece]:
    """Return the pieces of ``jobs``, in order, laid out ``settings.jobs`` at a time."""

    def work(job: Job) -> Piece:
        return lay_out(
            job.html, css, theme, assets, job.first, job.stop, job.phantoms, settings.pdf_variant,
            press=settings.press, trim=page_css(theme, settings.page_size),
        )  # fmt: skip

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
) -> list[tuple[Piece, int]]:
    """Lay out consecutive chapters laid out from page counter 0, each told its real one.

    ``start`` is (page counter before the first, pages before it). Returns (piece, page
    counter before it) for each chapter, in order; it stops early at a chapter that would
    open on a verso (its job was made for a recto): the walk lays out the rest itself.
    """
    policy = current()
    channels: dict[int, tuple[int, int]] = {}
    pending: dict[int, isolate.Pending[Piece]] = {}

    def launch(index: int) -> None:
        report_r, report_w = os.pipe()
        reply_r, reply_w = os.pipe()
        inherited = [fd for pair in channels.values() for fd in pair] + [report_r, reply_w]

        def work() -> Piece:
            for fd in inherited:  # the others' pipes: a dead child must show as an EOF
                os.close(fd)

            def ask(count: int, increments: int) -> int:
                os.write(report_w, f"{count} {increments}\n".encode())
                with os.fdopen(reply_r) as reply:
                    return int(reply.readline())

            job = jobs[index]
            return lay_out(
                job.html, css, theme, assets, job.first, job.stop, job.phantoms,
                settings.pdf_variant, ask, settings.press, page_css(theme, settings.page_size),
            )  # fmt: skip

        pending[index] = isolate.start(work, policy)
        os.close(report_w)
        os.close(reply_r)
        channels[index] = (report_r, reply_w)

    done: list[tuple[Piece, int]] = []
    page, total = start
    try:
        for index in range(min(settings.jobs, len(jobs))):
            launch(index)
        for index in range(len(jobs)):
            report_r, reply_w = channels.pop(index)
            with os.fdopen(report_r) as report:
                line = report.readline()
            if not line or total % 2:  # died (its error comes with the result), or a verso
                os.close(reply_w)
                if line:
                    break
                pending.pop(index).result()
                break
            count, increments = map(int, line.split())
            with os.fdopen(reply_w, "w") as reply:
                reply.write(f"{page}\n")
            done.append((pending.pop(index).result(), page))
            page, total = page + increments, total + count
            if index + settings.jobs < len(jobs):
                launch(index + settings.jobs)
    finally:
        for waiting in pending.values():
            waiting.cancel()
        for pair in channels.values():
            for fd in pair:
                os.close(fd)
    return done
