"""The one place that orchestrates: read sources, transform, render the outputs, write them."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from exporter.book import find_manifest
from exporter.errors import OutputError, SourceError, StrictError
from exporter.formats import TRANSFORMS, WRITERS, writer_order
from exporter.guard import isolate, verify
from exporter.guard.output import write_atomic
from exporter.guard.policy import using
from exporter.model import Document
from exporter.press.manifest import with_print_profile
from exporter.reading import Source, read
from exporter.rendering.dates import build_date
from exporter.settings import DEFAULT_FORMATS, RenderOptions, Settings
from exporter.themes import Theme, load_theme
from exporter.warm import preload_engines, prepare
from exporter.writers import write

__all__ = [
    "Produced",
    "RenderOptions",
    "Settings",
    "Source",
    "build_date",
    "convert",
    "prepare",
    "produce",
    "read",
    "render",
    "transform",
]

log = logging.getLogger("exporter")


def render(
    doc: Document,
    fmt: str,
    theme: Theme | None = None,
    options: Settings | None = None,
    **option_values: Any,
) -> bytes:
    """Render a Document to the bytes of one format (pdf, epub, html or a plugin's), in memory.

    Layout choices come as ``options`` (a Settings) or as its fields by name
    (``page_size="Letter"``, ``toc_depth=2``, ...).
    """
    settings = Settings.of({"options": options, **option_values})
    return write(doc, fmt, theme or load_theme(settings.theme), settings, {})


def transform(doc: Document, settings: Settings) -> Document:
    """Run the transforms (numbering, citations, an index...) in priority order.

    The built-in ones always run; a plugin's runs when the settings name it (``transforms``),
    as pandoc runs the filters it is given: an installed package never changes a build
    unasked, and no build pays for looking through every installed package for plugins.
    """
    specs = [*TRANSFORMS.registered(), *(TRANSFORMS.get(name) for name in settings.transforms)]
    for spec in sorted(dict.fromkeys(specs), key=lambda s: s.priority):
        doc = spec.load()(doc, settings)
    return doc


@dataclass(frozen=True)
class Produced:
    """What a build made: bytes per format, the files it read, the warnings it logged."""

    outputs: dict[str, bytes]
    inputs: tuple[Path, ...]  # sources (and a book's manifest) and the images they use
    warnings: tuple[str, ...]
    css_parses: int = 0  # theme CSS parsed by this build: 0 when a prepared one was reused
    kept: dict[str, bytes] = field(default_factory=dict)  # keep_html: WeasyPrint's input files
    digests: dict[str, str] = field(default_factory=dict)  # sha256 of each source as read


def produce(
    sources: Sequence[Source | str | os.PathLike[str]],
    formats: Sequence[str] | None = None,
    settings: Settings | None = None,
    **values: Any,
) -> Produced:
    """Read and render sources into each format in memory; return the bytes per format.

    The choices come as ``settings`` or as its fields by name (theme, metadata, encoding,
    strict, cover, policy, page_size, layout, ...; see Settings). The work runs under the
    policy (default: safe for untrusted sources), in a child process that is killed at its
    time and memory limits. Every failure is an ExporterError. ``keep_html`` also returns the
    PDF's WeasyPrint input. ``warm_up`` first loads and exercises the renderer in this
    process (once), so that this and every later build's child starts warm; a one-shot
    command turns it off, as the warm-up would cost more than it saves for a single build.
    """
    if formats is not None:
        values["formats"] = tuple(formats)
    settings = with_print_profile(Settings.of({"options": settings, **values}), sources)
    order = writer_order(list(settings.formats))
    chosen = load_theme(settings.theme)

    def make(fmts: Sequence[str], doc: Document | None = None) -> tuple[Document, Produced]:
        """Read (unless given the document) and render ``fmts``: the work of a child."""
        parses = _css_parses()
        with _strict_mode(settings.strict) as warnings:
            if doc is None:
                doc = transform(read(sources, settings=settings), settings)
                log.info("read %d source(s): %s", len(doc.chapters), doc.metadata.title)
            outputs: dict[str, bytes] = {}
            for fmt in fmts:
                outputs[fmt] = write(doc, fmt, chosen, settings, outputs)
                log.info("rendered %s (%d bytes)", fmt, len(outputs[fmt]))
            keep = settings.keep_html and "pdf" in fmts
            kept = _engine_input(doc, chosen, settings) if keep else {}
        if "pdf" in outputs:  # checked in the child: the parse runs in parallel in a batch
            verify.check_pdf(outputs["pdf"])
        used = doc.sources + tuple(a.path for a in doc.assets)
        made = Produced(
            outputs, used, tuple(warnings.messages), _css_parses() - parses, kept, doc.digests
        )
        return doc, made

    heavy: list[str] = []
    for fmt in order:  # the engine's formats, and those that read their bytes, after them
        spec = WRITERS.get(fmt)
        if spec.needs_pdf_engine or set(spec.after) & set(heavy):
            heavy.append(fmt)
    light = [f for f in order if f not in heavy]
    with using(settings.policy) as active:
        if settings.warm_up:
            prepare(chosen, settings)
        if not (active.isolate and heavy and _can_relay(light, heavy)):
            return isolate.run(lambda: make(order)[1], active)
        # A one-shot build (the PDF engine not loaded here): one child loads WeasyPrint, the
        # theme's print CSS and fonts while another reads the sources and makes the other
        # formats, each on its own core; the document then goes to the first for layout.
        # (Loading WeasyPrint here and forking the layout from this process instead cost
        # as much as it saved: the child's copy-on-write faults on the loaded library.)

        def lay_out(receive: Callable[[], Document]) -> Produced:
            preload_engines(chosen, replace(settings, formats=tuple(heavy)))
            return make(heavy, receive())[1]

        first, second = isolate.relay(lambda: make(light), lay_out, active)
        outputs = {**first.outputs, **second.outputs}
        return Produced(
            {fmt: outputs[fmt] for fmt in settings.formats},
            first.inputs,
            first.warnings + second.warnings,
            first.css_parses + second.css_parses,
            second.kept,
            first.digests,
        )


def _can_relay(light: list[str], heavy: list[str]) -> bool:
    """Tell whether the layout child may work apart: its engine is not loaded here yet,
    and no other format reads what it makes."""
    loaded = any(WRITERS.get(f).module in sys.modules for f in heavy)
    return not loaded and not any(set(WRITERS.get(f).after) & set(heavy) for f in light)


def _engine_input(doc: Document, theme: Theme, settings: Settings) -> dict[str, bytes]:
    """Return the PDF's exact WeasyPrint input files (``--keep-html``)."""
    from exporter.writers.pdf import input_files

    if settings.layout:
        doc = replace(doc, layout=settings.layout)
    return input_files(doc, theme, settings)


def _css_parses() -> int:
    pdf = sys.modules.get("exporter.writers.pdf")
    return pdf.css_parses() if pdf else 0


def convert(
    sources: Sequence[Source | str | os.PathLike[str]],
    formats: Sequence[str] | None = DEFAULT_FORMATS,
    output_dir: str | os.PathLike[str] = ".",
    **settings: Any,
) -> list[Path]:
    """Convert sources into each format in ``output_dir``; return the paths written.

    Outputs are named after the first source (``article.md`` -> ``article.pdf``); ``formats``
    None takes those of ``settings=Settings(...)``. Every
    format is rendered before any file is written, and each file is written atomically.
    ``settings`` are Settings' fields by name (theme, metadata, encoding, strict, cover,
    policy, page_size, layout, toc_depth, split_level, max_image_size, embed_fonts, press
    (a PrintSpec: print-ready PDF and cover), ...),
    or ``settings=Settings(...)``; ``keep_html=True`` also writes ``<stem>.pdf-html/``
    (index.html, style.css, fonts, images), the exact input the PDF writer gave WeasyPrint.
    """
    stem = _stem(sources)
    if not stem.isprintable():
        # The CLI prints one path per line for scripts to read: a newline in a name would
        # split one output into two lines. Refused rather than quoted, so that the
        # contract stays "one plain path per line".
        raise SourceError(
            f"{stem!r}: a file name with a line break or control character would make "
            "output names that break 'one path per line'; rename the source."
        )
    made = produce(sources, formats, **settings)
    targets = {fmt: Path(output_dir) / f"{stem}{WRITERS.get(fmt).suffix}" for fmt in made.outputs}
    # --keep-html: beside the PDF, the folder the WeasyPrint CLI can take.
    folder = Path(output_dir) / f"{stem}.pdf-html"
    kept = {folder / name: data for name, data in made.kept.items()}
    inputs = {p.resolve() for p in made.inputs}
    for path in [*targets.values(), *kept]:  # checked before anything is written
        if path.resolve() in inputs:
            raise OutputError(
                f"{path}: is one of the sources and would be overwritten; "
                "choose another --output-dir."
            )
    for fmt, data in made.outputs.items():
        write_atomic(targets[fmt], data, check=functools.partial(verify.check_written, fmt, data))
    for path, data in kept.items():
        write_atomic(path, data)
    return list(targets.values())


def _stem(sources: Sequence[Source | str | os.PathLike[str]]) -> str:
    first = sources[0]
    manifest = None if isinstance(first, Source) else find_manifest(first)
    if manifest:  # a book is named after its folder: my-novel/book.toml -> my-novel.epub
        return manifest.resolve().parent.name or "book"
    if isinstance(first, Source):
        return first.path.stem if first.path else "output"
    return Path(first).stem


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _strict_mode(strict: bool) -> Iterator[_WarningCounter]:
    """Collect warnings; under strict mode, fail when there was any, before any file is written."""
    counter = _WarningCounter()
    loggers = [logging.getLogger("exporter"), logging.getLogger("weasyprint")]
    for logger in loggers:
        logger.addHandler(counter)
    try:
        yield counter
    finally:
        for logger in loggers:
            logger.removeHandler(counter)
    if strict and counter.messages:
        raise StrictError(
            f"strict mode: {len(counter.messages)} warning(s), first: {counter.messages[0]}"
        )
