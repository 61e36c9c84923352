"""What each article of a batch was built from, kept in the output folder between runs.

A job is skipped when its outputs exist and every file it read still has the bytes it had,
under the same options (a config file's values among them), theme files and exporter
version. The files a build read are its sources, their images, and whatever a stage recorded
in the ledger (``exporter.reading.ledger.record``): includes and snippets, a bibliography,
a CSL style, and any file a new stage reads once it records itself there.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from exporter import __version__

if TYPE_CHECKING:
    from exporter.batch import Job, Result
    from exporter.settings import Settings as Options

STATE_FILE = ".exporter-batch.json"
log = logging.getLogger("exporter")


def _well_formed(entries: object) -> bool:
    """Tell whether ``entries`` has the shape ``State.save`` writes."""
    return isinstance(entries, dict) and all(
        isinstance(entry, dict)
        and isinstance(entry.get("options"), str)
        and isinstance(entry.get("inputs"), dict)
        and all(isinstance(p, str) and isinstance(d, str) for p, d in entry["inputs"].items())
        for entry in entries.values()
    )


class State:
    """What each article's outputs were built from, kept in OUTDIR between runs."""

    def __init__(self, outdir: Path, options: Options) -> None:
        self.path = outdir / STATE_FILE
        self.key = _options_key(options)
        self.entries: dict[str, dict] = {}
        try:
            text = self.path.read_text("utf-8")
        except OSError:  # no state yet: a first run builds everything
            return
        try:
            entries = json.loads(text)["entries"]
        except (ValueError, KeyError, TypeError):
            entries = None
        if not _well_formed(entries):
            # A hand-edited or foreign file ({"entries": []}) would crash the skip test
            # later; it only costs a full rebuild, which then writes a good one.
            log.warning("%s: not a batch state file exporter wrote; rebuilding every "
                        "article and writing a new one", self.path)  # fmt: skip
            return
        self.entries = entries

    def unchanged(self, job: Job) -> bool:
        """Tell whether the job's outputs exist and were made from what is there now."""
        entry = self.entries.get(job.name)
        if not entry or entry.get("options") != self.key:
            return False
        if not all(t.is_file() for t in job.targets.values()):
            return False
        return all(_digest(Path(p)) == d for p, d in entry.get("inputs", {}).items())

    def record(self, job: Job, result: Result) -> None:
        """Remember what a successful job read, by content: the bytes the build read, so
        that a source edited during its build is seen as changed by the next run."""
        inputs = {p: result.read_as.get(p) or _digest(Path(p)) for p in result.used}
        if any(d is None for d in inputs.values()):  # e.g. a remote image: always rebuild
            self.entries.pop(job.name, None)
            return
        self.entries[job.name] = {"options": self.key, "inputs": inputs}

    def forget(self, job: Job) -> None:
        """Drop what is known of a job, so that the next run builds it."""
        self.entries.pop(job.name, None)

    def save(self) -> None:
        """Write the state to OUTDIR (atomically)."""
        from exporter.guard.output import write_atomic

        body = {"version": 1, "entries": self.entries}
        write_atomic(self.path, json.dumps(body, indent=1, sort_keys=True).encode())


# Larger than any file a build reads (a source is at most --max-input-size, 5 MB unless
# raised; an image 50 MB), smaller than /proc/kcore's 128 TB.
_MAX_INPUT_BYTES = 1024 * 1024 * 1024


def _digest(path: Path) -> str | None:
    """Hash a file a build read; None (so: changed) for one that is gone or unusual.

    The paths come from the state file in OUTDIR: a hand-made one may name /dev/zero or a
    FIFO, which would never end or never answer.
    """
    try:
        if not path.is_file() or path.stat().st_size > _MAX_INPUT_BYTES:
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _options_key(options: Options) -> str:
    """Hash the options, the theme's files and exporter's version: a change rebuilds all."""
    from exporter.themes import load_theme

    digest = hashlib.sha256(f"{__version__}\n{options!r}".encode())
    theme = load_theme(options.theme)
    root = theme.path.resolve()
    # Only what a build may read: a symlink leaving the theme (a config file beside untrusted
    # sources can choose the theme) is refused by the build, and is not read here either.
    inside = (p for p in theme.path.rglob("*") if p.resolve().is_relative_to(root))
    for path in sorted(p for p in inside if p.is_file()):
        digest.update(path.relative_to(theme.path).as_posix().encode())
        try:
            digest.update(path.read_bytes())
        except OSError:  # a file no build reads (only its CSS and fonts are): no failure here
            digest.update(b"\0unreadable")
    return digest.hexdigest()
