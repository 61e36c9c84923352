"""The warm worker: rebuild a book through the ordinary API and keep the last good rendering.

Design: this long-lived process is the warm worker. It loads the readers, WeasyPrint, the
theme's parsed CSS and fonts once (``produce(..., warm_up=True)`` runs ``prepare`` a single
time), and every rebuild is the same ``api.produce`` call ``build`` makes, so each one runs
in a child forked from this warm process under the build's time and memory limits: a
runaway source is killed at its limit and the preview keeps going, and the child starts
with everything already loaded (fork shares it copy-on-write). A pool of long-lived warm
children would save the fork (a few ms) but could not be given a fresh memory limit per
rebuild, nor be killed at the time limit without losing its warmth. Whatever the API caches
across builds (incremental layout) is used here unchanged, as it sits behind ``produce``.

One build makes the HTML and the PDF (the sources are read once, and only
those changed since the last build: ``reading.memo``), and tells its progress
through a pipe (``live.progress``): the author sees the new text as soon as it is rendered,
then, for a book, the pages of each chapter laid out again as soon as they are made, in
place of that chapter's old pages; the contents, the chapters after it and the assembled
PDF follow, and replace them all. The PDF of a round is always finished, even
when the author saved again meanwhile: with autosave every second and a layout that takes
longer, skipping it would never show pages at all.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from exporter.api import Produced, Source, produce
from exporter.errors import ExporterError
from exporter.live.pages import Page, pages_of, spliced
from exporter.live.progress import relayed
from exporter.live.watcher import Before
from exporter.reading import memo
from exporter.settings import Settings

log = logging.getLogger("exporter")


@dataclass(frozen=True)
class Snapshot:
    """What the preview shows: the last good rendering, its warnings, and the last error."""

    version: int = 0  # bumped on every change the page must show
    html: bytes | None = None
    html_version: int = 0  # bumped when new HTML is ready
    pdf: bytes | None = None
    pdf_version: int = 0  # bumped when new PDF pages are ready (a chapter's, or all)
    pages: tuple[Page, ...] = ()  # the pages shown: the PDF's, or chapters laid out since
    warnings: tuple[str, ...] = ()
    error: str = ""  # the last rebuild's one-line error; the rendering is the last good one
    busy: str = ""  # the stage under way: "html", "pdf" or ""
    inputs: tuple[Path, ...] = ()  # the files the last good build read (sources, images)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, last build


@dataclass
class _Round:
    """One rebuild under way: when it began, and the pages shown so far."""

    start: float
    pages: tuple[Page, ...]
    placed: dict[str, int] = field(default_factory=dict)  # unit -> its pages, as shown now
    timings: dict[str, float] = field(default_factory=dict)

    def place(self, data: dict[str, Any], serial: int) -> tuple[Page, ...] | None:
        """Put a unit's new pages where its old ones are; None when that is not known."""
        was = self.placed.get(data["unit"], data["was"])
        if was is None or data["at"] + was > len(self.pages):
            return None
        new = pages_of(data["pdf"], serial)
        self.pages = spliced(self.pages, data["at"], was, new)
        self.placed[data["unit"]] = len(new)
        return self.pages


class Worker:
    """Rebuild ``sources`` on request, one build at a time, keeping the latest Snapshot.

    ``configure`` returns the build's Settings afresh for each rebuild, so an edited config
    file counts (an invalid one is shown as the error). ``on_change`` is told each new
    Snapshot (the CLI prints one line per rebuild).
    """

    def __init__(
        self,
        sources: Sequence[Source | str],
        configure: Callable[[], Settings],
        on_change: Callable[[Snapshot], None] | None = None,
    ) -> None:
        self.sources = list(sources)
        self.configure = configure
        self.on_change = on_change or (lambda snapshot: None)
        self._state = Snapshot()
        self._changed = threading.Condition()
        self._dirty = threading.Event()
        self._round: _Round | None = None
        self._serial = itertools.count(1)
        # The files a save of which rebuilds (set by the CLI to the watcher's, which it
        # updates from ``on_change``): a build that changed one the watcher could not report
        # is run again (``Before.missed``: a save caught half written, a chapter the first
        # build found and that was saved while it ran).
        self.watched: Callable[[], Iterable[Path]] = lambda: ()
        memo.enable()  # each build reads again only the sources changed since the last
        # A book's PDF chapter by chapter, its pieces kept for this session only: after an
        # edit only the chapters that changed or moved are laid out again.
        self._cache = tempfile.mkdtemp(prefix="exporter-preview-")
        atexit.register(shutil.rmtree, self._cache, ignore_errors=True)

    def snapshot(self) -> Snapshot:
        """Return the latest Snapshot."""
        with self._changed:
            return self._state

    def wait_newer(self, version: int, timeout: float) -> Snapshot:
        """Wait up to ``timeout`` s for a Snapshot newer than ``version``; return the latest."""
        with self._changed:
            self._changed.wait_for(lambda: self._state.version > version, timeout)
            return self._state

    def request(self) -> None:
        """Ask for a rebuild (an input changed); the builder thread picks it up."""
        self._dirty.set()

    def serve(self, stop: threading.Event) -> None:
        """Build now, then again after every request, until ``stop`` is set."""
        self._dirty.set()
        while not stop.is_set():
            if self._dirty.wait(0.2):
                self._dirty.clear()
                before = Before.now(self.watched())
                try:
                    made = self.rebuild()
                    if before.missed(None if made.error else self.watched()):
                        self._dirty.set()
                except KeyboardInterrupt:  # Ctrl-C reached the build's child: we stop too
                    return
                except Exception as exc:  # a bug: say so on the page, keep serving
                    self._update(
                        error=f"internal error: {type(exc).__name__}: {exc}. This is a bug "
                        "in exporter; please report it.",
                        busy="",
                    )

    def rebuild(self) -> Snapshot:
        """Make the HTML and the PDF in one build, showing each part as soon as it is made.

        The HTML is shown when rendered, a book's re-laid-out chapters when placed (over the
        pages of the last build), then the assembled PDF; on an error the last good
        rendering stays.
        """
        start = time.monotonic()
        last = self.snapshot()
        round_ = _Round(start, last.pages)
        with self._changed:
            self._round = round_
        self._update(busy="html")
        try:
            settings = self.configure()
            with relayed(self._progress):
                made = self._produce(settings)
        except ExporterError as exc:
            return self._failed(exc, last)
        finally:
            with self._changed:
                self._round = None
        timings = round_.timings
        if "html" not in made.outputs:
            return self._failed(made.failed["html"], last)
        state = self.snapshot()
        changes: dict[str, object] = {"warnings": made.warnings, "inputs": made.inputs}
        if state.html != made.outputs["html"]:  # not told (a build that was not isolated)
            changes.update(html=made.outputs["html"], html_version=state.html_version + 1)
        if "pdf" not in made.outputs:  # the text is new, the pages stay the last good ones
            self._update(**changes)
            return self._failed(made.failed["pdf"], last)
        timings["pdf"] = time.monotonic() - start
        return self._update(
            **changes,
            pdf=made.outputs["pdf"],
            pdf_version=state.pdf_version + 1,
            pages=pages_of(made.outputs["pdf"], next(self._serial)),
            error="",
            busy="",
            timings=timings,
        )

    def _progress(self, event: str, data: dict[str, Any]) -> None:
        """Show what the build has made so far: the HTML, then each chapter laid out."""
        if event == "read":  # a source's read, kept for the next builds (reading.memo)
            memo.keep(data)
            return
        with self._changed:
            round_ = self._round
        if round_ is None:
            return
        now = time.monotonic() - round_.start
        if event == "rendered" and data["format"] == "html":
            round_.timings["html"] = now
            state = self.snapshot()
            self._update(
                html=data["data"],
                html_version=state.html_version + 1,
                inputs=tuple(dict.fromkeys(state.inputs + data["inputs"])),  # watched at once
                error="",
                busy="pdf",
                timings=dict(round_.timings),
            )
        elif event == "placed" and round_.pages:
            pages = round_.place(data, next(self._serial))
            if pages is not None:
                round_.timings.setdefault("pages", now)
                state = self.snapshot()
                self._update(pages=pages, pdf_version=state.pdf_version + 1)

    def _produce(self, settings: Settings) -> Produced:
        """Run the build through the API, warm, under the build's own limits."""
        chosen = replace(settings, formats=("html", "pdf"), warm_up=True, keep_html=False)
        if chosen.cache_dir is None:
            chosen = replace(chosen, incremental=True, cache_dir=self._cache)
        return produce(self.sources, settings=chosen)

    def _failed(self, exc: ExporterError, last: Snapshot) -> Snapshot:
        """Show the error; the last good pages stay (or come back, if chapters were shown)."""
        if self.snapshot().pages is not last.pages:
            state = self.snapshot()
            return self._update(
                error=str(exc), busy="", pages=last.pages, pdf_version=state.pdf_version + 1
            )
        return self._update(error=str(exc), busy="")

    def _update(self, **changes: object) -> Snapshot:
        """Replace fields of the Snapshot, bump its version and wake the waiting pages."""
        with self._changed:
            current = self._state
            self._state = replace(current, version=current.version + 1, **changes)  # type: ignore[arg-type]
            self._changed.notify_all()
            state = self._state
        self.on_change(state)
        return state
