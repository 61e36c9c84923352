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

The HTML comes first, then the PDF: the author sees the new text as soon as it is read and
rendered, and the pages when layout is done. The PDF of a round is always finished, even
when the author saved again meanwhile: with autosave every second and a layout that takes
longer, skipping it would never show pages at all.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from exporter.api import Produced, Source, produce
from exporter.errors import ExporterError
from exporter.settings import Settings

log = logging.getLogger("exporter")


@dataclass(frozen=True)
class Snapshot:
    """What the preview shows: the last good rendering, its warnings, and the last error."""

    version: int = 0  # bumped on every change the page must show
    html: bytes | None = None
    html_version: int = 0  # bumped when new HTML is ready
    pdf: bytes | None = None
    pdf_version: int = 0  # bumped when new PDF pages are ready
    warnings: tuple[str, ...] = ()
    error: str = ""  # the last rebuild's one-line error; the rendering is the last good one
    busy: str = ""  # the stage under way: "html", "pdf" or ""
    inputs: tuple[Path, ...] = ()  # the files the last good build read (sources, images)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, last build


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
                try:
                    self.rebuild()
                except KeyboardInterrupt:  # Ctrl-C reached the build's child: we stop too
                    return
                except Exception as exc:  # a bug: say so on the page, keep serving
                    self._update(
                        error=f"internal error: {type(exc).__name__}: {exc}. This is a bug "
                        "in exporter; please report it.",
                        busy="",
                    )

    def rebuild(self) -> Snapshot:
        """Make the HTML, show it, then the PDF; on an error keep the last good rendering."""
        timings: dict[str, float] = {}
        self._update(busy="html")
        start = time.monotonic()
        try:
            settings = self.configure()
            made = self._produce(settings, "html")
        except ExporterError as exc:
            return self._failed(exc)
        timings["html"] = time.monotonic() - start
        self._update(
            html=made.outputs["html"],
            html_version=self.snapshot().html_version + 1,
            warnings=made.warnings,
            error="",
            inputs=made.inputs,
            busy="pdf",
            timings=dict(timings),
        )
        start = time.monotonic()
        try:
            made = self._produce(settings, "pdf")
        except ExporterError as exc:
            return self._failed(exc)
        timings["pdf"] = time.monotonic() - start
        state = self.snapshot()
        extra = tuple(w for w in made.warnings if w not in state.warnings)
        return self._update(
            pdf=made.outputs["pdf"],
            pdf_version=state.pdf_version + 1,
            warnings=state.warnings + extra,
            busy="",
            timings=timings,
        )

    def _produce(self, settings: Settings, fmt: str) -> Produced:
        """Run one format's build through the API, warm, under the build's own limits."""
        chosen = replace(settings, formats=(fmt,), warm_up=True, keep_html=False)
        if fmt == "pdf" and chosen.cache_dir is None:
            chosen = replace(chosen, incremental=True, cache_dir=self._cache)
        return produce(self.sources, settings=chosen)

    def _failed(self, exc: ExporterError) -> Snapshot:
        """Show the error; the last good rendering stays."""
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
