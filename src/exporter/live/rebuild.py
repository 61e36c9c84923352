"""One watched build (``exporter build --watch``): produce warm, write each output atomically.

The same ``api.produce`` a one-shot build makes, with the warm-up on: the first build loads
the renderer in this process, and every later one runs in a child forked from it under the
build's limits. Unlike ``api.convert`` it also returns the files the build read, which the
watcher then watches (images included).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from exporter.api import Source, produce
from exporter.book import find_manifest
from exporter.errors import OutputError
from exporter.formats import WRITERS
from exporter.guard import verify
from exporter.guard.output import write_atomic
from exporter.settings import Settings


@dataclass(frozen=True)
class Written:
    """What one watched build wrote, and what it read."""

    paths: tuple[Path, ...]
    inputs: tuple[Path, ...]
    warnings: tuple[str, ...]


def build_once(
    sources: Sequence[Source | str], settings: Settings, output_dir: str | os.PathLike[str]
) -> Written:
    """Build ``sources`` into ``output_dir`` as ``convert`` names them; return what was done."""
    made = produce(sources, settings=replace(settings, warm_up=True))
    stem = output_stem(sources)
    targets = {fmt: Path(output_dir) / f"{stem}{WRITERS.get(fmt).suffix}" for fmt in made.outputs}
    folder = Path(output_dir) / f"{stem}.pdf-html"
    kept = {folder / name: data for name, data in made.kept.items()}
    read = {p.resolve() for p in made.inputs}
    for path in [*targets.values(), *kept]:
        if path.resolve() in read:
            raise OutputError(
                f"{path}: is one of the sources and would be overwritten; "
                "choose another --output-dir."
            )
    for fmt, data in made.outputs.items():
        write_atomic(targets[fmt], data, check=functools.partial(verify.check_written, fmt, data))
    for path, data in kept.items():
        write_atomic(path, data)
    return Written(tuple(targets.values()), made.inputs, made.warnings)


def output_stem(sources: Sequence[Source | str]) -> str:
    """Name outputs as ``convert`` does: after a book's folder, else the first source."""
    first = sources[0]
    if isinstance(first, Source):
        return first.path.stem if first.path else "output"
    manifest = find_manifest(first)
    if manifest:
        return manifest.resolve().parent.name or "book"
    return Path(first).stem
