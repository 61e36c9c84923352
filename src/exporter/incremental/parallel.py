"""Lay out a book's units on several cores: each in a child forked under the build's limits.

The children are forked from the layout process, so WeasyPrint, the parsed theme CSS and
the fonts are already loaded in each (copy-on-write); each gets the same address-space
limit and time limit as the build's layout child (``guard.isolate.start``), and dies with
the process that forked it. At most ``settings.jobs`` run at once; the results come back
in order. With one job, or one unit to lay out, the work stays in this process.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from exporter.guard import isolate
from exporter.guard.policy import current
from exporter.model import Asset
from exporter.settings import Settings
from exporter.themes import Theme
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
            job.html, css, theme, assets, job.first, job.stop, job.phantoms, settings.pdf_variant
        )

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
