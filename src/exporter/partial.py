"""Formats that fail alone: render each format on its own, and size a build's time limit.

A limit or a renderer's error while making one format costs that format, not the build:
the others are still made and written, and the failure decides the exit code. A format that
reads another's bytes (the EPUB's page-list, from the PDF) is made without them when that
one failed. Strict mode still fails the whole build, before anything is written.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from exporter import progress
from exporter.errors import ExporterError, StrictError
from exporter.formats import READERS, WRITERS
from exporter.guard import isolate, verify
from exporter.guard.policy import current
from exporter.model import Document
from exporter.reading import Source
from exporter.settings import Settings
from exporter.themes import Theme
from exporter.writers import write

if TYPE_CHECKING:
    from exporter.api import Produced

log = logging.getLogger("exporter")
MAX_FILES_COUNTED = 20_000  # a book folder's files looked at for its size


def render_each(
    doc: Document, fmts: Sequence[str], theme: Theme, settings: Settings
) -> tuple[dict[str, bytes], dict[str, ExporterError]]:
    """Render ``fmts`` in order; return the bytes of those made and the error of the others."""
    outputs: dict[str, bytes] = {}
    failed: dict[str, ExporterError] = {}
    for fmt in fmts:
        try:
            with isolate.translated(fmt):
                data = write(doc, fmt, theme, settings, outputs)
                if fmt == "pdf":  # checked in the child: in parallel in a batch
                    verify.check_pdf(data)
        except StrictError:
            raise
        except ExporterError as exc:
            failed[fmt] = isolate.portable(exc, current())  # sent to the parent: picklable
            log.info("%s failed: %s", fmt, exc)
            continue
        outputs[fmt] = data
        log.info("rendered %s (%d bytes)", fmt, len(data))
        inputs = doc.sources + tuple(a.path for a in doc.assets if a.path)
        progress.tell("rendered", format=fmt, data=data, inputs=inputs)
    return outputs, failed


def complete(made: Produced, formats: Sequence[str]) -> Produced:
    """Return what a build made; raise the first failure when no format was made.

    When some were made, say which of them lack what a failed format would have given them.
    """
    if not made.outputs and made.failed:
        raise next(made.failed[f] for f in formats if f in made.failed)
    for fmt in made.outputs:
        for before in WRITERS.get(fmt).after:
            if before in made.failed:
                log.warning(
                    "%s: made without the %s it reads (for an EPUB: the print page numbers), "
                    "as the %s failed",
                    fmt,
                    before,
                    before,
                )
    return made


def settled(
    made: Mapping[str, bytes], layout: Produced | ExporterError, heavy: Sequence[str]
) -> tuple[dict[str, bytes], dict[str, ExporterError]]:
    """Merge the reading child's formats with the layout child's outcome.

    The layout child's formats win; when it died (time, memory), its formats fail, except
    those the reading child made on its own (without the engine's output).
    """
    if isinstance(layout, StrictError):
        raise layout
    if isinstance(layout, ExporterError):
        return dict(made), {f: layout for f in heavy if f not in made}
    merged = {**made, **layout.outputs}
    return merged, {f: e for f, e in layout.failed.items() if f not in merged}


def source_bytes(sources: Sequence[Source | str | os.PathLike[str]]) -> int:
    """Count the bytes of source text a build will read: the default time limit scales
    with it. A book counts every source file in its folder (images are not counted)."""
    from exporter.book import find_manifest

    total = 0
    known = {s for spec in READERS.registered() for s in spec.suffixes}
    for source in sources:
        if isinstance(source, Source):
            total += len(source.data)
            continue
        manifest = find_manifest(source)
        paths = [Path(source)]
        if manifest is not None:
            found = itertools.islice(manifest.parent.rglob("*"), MAX_FILES_COUNTED)
            paths = [p for p in found if p.suffix.lower() in known]
        for path in paths:
            with contextlib.suppress(OSError):
                total += path.stat().st_size if path.is_file() else 0
    return total
