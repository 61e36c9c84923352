"""Notice edits to a build's inputs with watchfiles (inotify on Linux, FSEvents on macOS).

The watched set is what the last build read (sources, a book's manifest, the images it
used), the config file, and the theme's folder. Their folders are watched, not the files, so
an editor that saves by writing a new file and renaming it over the old one is still seen;
only changes to the files of the set (or anything in the theme's folder) count. Folders are
watched one level deep: a source in a big tree does not make the watcher walk the tree.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

STEP_MS = 30  # quiet time that ends a burst of changes: an editor's save is one burst
DEBOUNCE_MS = 300  # the longest a burst is grouped before it is reported
RECHECK_MS = 500  # how often the watched folders are compared with the latest inputs


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


def watch(
    current: Callable[[], Watched],
    on_change: Callable[[list[Path]], None],
    stop: threading.Event,
) -> None:
    """Call ``on_change`` with the changed paths after each burst of edits until ``stop``.

    ``current`` is asked again every RECHECK_MS, so inputs a rebuild added (a new image, a
    chapter in another folder) are watched from then on.
    """
    import watchfiles

    while not stop.is_set():
        watched = current()
        roots = watched.roots()
        if not roots:
            stop.wait(RECHECK_MS / 1000)
            continue
        for changes in watchfiles.watch(
            *roots,
            watch_filter=lambda _change, name, w=watched: w.matters(Path(name)),  # type: ignore[misc]
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=stop,
            rust_timeout=RECHECK_MS,
            yield_on_timeout=True,
            recursive=False,
            raise_interrupt=False,
        ):
            if changes:
                on_change(sorted({Path(name) for _change, name in changes}))
            if current() != watched:  # the inputs changed: watch the new set
                break


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
