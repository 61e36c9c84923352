"""Notice edits to a build's inputs with watchfiles (inotify on Linux, FSEvents on macOS).

The watched set is what the last build read (sources, a book's manifest, the images it
used), the config file, and the theme's folder. Their folders are watched, not the files, so
an editor that saves by writing a new file and renaming it over the old one is still seen;
only changes to the files of the set (or anything in the theme's folder) count. Folders are
watched one level deep: a source in a big tree does not make the watcher walk the tree.
The callers hold the set in an ``Inputs``, set as each build finds its inputs; the filter
reads it on every event, so a file a build has just found counts at once.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

STEP_MS = 30  # quiet time that ends a burst of changes: an editor's save is one burst
DEBOUNCE_MS = 300  # the longest a burst is grouped before it is reported
RECHECK_MS = 500  # how often a watcher with nothing to watch looks again
# A file's time may come from a coarse clock, a tick (4-10 ms) behind time_ns() (0 seen here).
CLOCK_TICK_NS = 20_000_000


@dataclass(frozen=True)
class Watched:
    """The files whose changes count, and the folders any change in which counts."""

    files: frozenset[Path]
    folders: frozenset[Path] = frozenset()

    @classmethod
    def of(cls, files: Iterable[Path], folders: Iterable[Path] = ()) -> Watched:
        """Make a Watched set from paths, resolved so that events compare equal."""
        return cls(
            frozenset(_real(p) for p in files),
            frozenset(_real(p) for p in folders if Path(p).is_dir()),
        )

    def roots(self) -> list[Path]:
        """Return the folders to watch: each file's folder and the whole folders."""
        found = {p.parent for p in self.files} | set(self.folders)
        return sorted(p for p in found if p.is_dir())

    def matters(self, path: Path) -> bool:
        """Tell whether a change to ``path`` should rebuild."""
        real = _real(path)
        return real in self.files or any(real.is_relative_to(f) for f in self.folders)


def _real(path: Path) -> Path:
    """Resolve a path as the watcher reports it (symlinks followed, absolute)."""
    return Path(os.path.realpath(path))


class Inputs:
    """The latest build's inputs, held for the watcher: set when a build finishes, read per event.

    The watcher's filter runs on every file-system event, so it reads this holder (memory
    only) instead of asking for the inputs (the manifest, config and theme: file I/O). A
    filter bound to the set as it was when the folders were watched rejected a chapter the
    first build had just found until the next recheck: a save within 0.5 s was lost.
    """

    def __init__(self, watched: Watched) -> None:
        self.set(watched)

    def set(self, watched: Watched) -> None:
        """Hold ``watched`` and its roots (found here, once, not per event)."""
        # One assignment: a reader in another thread sees the old pair or the new one.
        self._latest = (watched, tuple(watched.roots()))

    @property
    def watched(self) -> Watched:
        """The files and folders whose changes count now."""
        return self._latest[0]

    @property
    def roots(self) -> tuple[Path, ...]:
        """The folders to watch for them."""
        return self._latest[1]


@dataclass(frozen=True)
class _Until:
    """Stop watchfiles' loop when asked to, or when the inputs need a folder not watched.

    watchfiles asks ``is_set`` every STEP_MS: a new folder is watched that soon after the
    build that found it, with no timer and no I/O.
    """

    stop: threading.Event
    inputs: Inputs
    roots: frozenset[Path]

    def is_set(self) -> bool:
        return self.stop.is_set() or not self.roots.issuperset(self.inputs.roots)


def watch(inputs: Inputs, on_change: Callable[[list[Path]], None], stop: threading.Event) -> None:
    """Call ``on_change`` with the changed paths after each burst of edits until ``stop``.

    Each event is judged by ``inputs`` as they are when it comes. The folders are watched
    again only when the inputs need a new one (a chapter in another folder): a folder no
    longer needed stays watched until then, as watching again drops the events under way.
    """
    import watchfiles

    while not stop.is_set():
        roots = inputs.roots
        if not roots:
            stop.wait(RECHECK_MS / 1000)
            continue
        for changes in watchfiles.watch(
            *roots,
            watch_filter=lambda _change, name: inputs.watched.matters(Path(name)),
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=_Until(stop, inputs, frozenset(roots)),
            recursive=False,
            raise_interrupt=False,
        ):
            on_change(sorted({Path(name) for _change, name in changes}))


def stamps(files: Iterable[Path]) -> dict[Path, tuple[int, int] | None]:
    """Return each file's (mtime in ns, size), or None where it is missing.

    Compared before and after a build that failed, they tell whether an input changed while
    it was being read (a save caught half written), which the watcher may have reported
    before the build read it, or folded into the event that started the build.
    """
    found: dict[Path, tuple[int, int] | None] = {}
    for path in files:
        try:
            info = path.stat()
        except OSError:
            found[path] = None
        else:
            found[path] = (info.st_mtime_ns, info.st_size)
    return found


def changed_since(seen: dict[Path, tuple[int, int] | None]) -> list[Path]:
    """Return the files of ``seen`` (``stamps``) whose stamp is not the same now."""
    now = stamps(seen)
    return [path for path in seen if now[path] != seen[path]]


@dataclass(frozen=True)
class Before:
    """What the watcher covered as a build started, to tell when it ends which saves it missed."""

    stamps: dict[Path, tuple[int, int] | None]
    started_ns: int

    @classmethod
    def now(cls, watched: Iterable[Path]) -> Before:
        """Stamp the watched files and the time, just before a build."""
        return cls(stamps(watched), time.time_ns())

    def missed(self, found: Iterable[Path] | None) -> list[Path]:
        """Return the inputs changed during the build that no watcher event may tell of.

        ``found`` is what the build read, None if it failed. After a failure: the watched
        files whose stamps moved (a save caught half written, whose event came before the
        build read the file or was folded into the one that started it). After a success:
        the inputs the build found that were not watched as it started (a book's chapters,
        on its first build) and were changed since it started, perhaps after it read them.
        """
        if found is None:
            return changed_since(self.stamps)
        since = self.started_ns - CLOCK_TICK_NS
        new = stamps(p for p in found if p not in self.stamps)
        return [p for p, stamp in new.items() if stamp is not None and stamp[0] >= since]


def inputs_of(
    sources: Iterable[str], read: Iterable[Path], theme: str | os.PathLike[str] | None
) -> Watched:
    """Return what to watch for a build: its sources and what it read, config and theme."""
    from exporter.book import find_manifest
    from exporter.config import find
    from exporter.errors import ExporterError
    from exporter.themes import load_theme

    files = [Path(p) for p in read]
    for name in sources:
        manifest = find_manifest(name)
        files.append(manifest or Path(name))
    folders: list[Path] = []
    start = Path(next(iter(sources), ".")).resolve().parent
    # The config file beside the sources, even before it exists or while it is broken.
    files += [start / "exporter.toml", start / "pyproject.toml"]
    try:
        config = find(start).path
        if config is not None:
            files.append(config)
    except ExporterError:  # a broken config: the rebuild shows it
        pass
    with contextlib.suppress(ExporterError):  # an unknown theme: the rebuild shows it
        folders.append(load_theme(theme).path)
    return Watched.of((f for f in files if not f.is_dir()), folders)
