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

from exporter import partial
from exporter.book import find_manifest
from exporter.errors import (
    ExporterError,
    OutputError,
    PartialError,
    SourceError,
    StrictError,
    UsageError,
)
from exporter.formats import TRANSFORMS, WRITERS, writer_order
from exporter.guard import isolate, verify
from exporter.guard.output import commit
from exporter.guard.policy import current, using
from exporter.model import Document
from exporter.press.manifest import with_print_profile
from exporter.reading import Source, ledger, read, readahead
from exporter.rendering.dates import build_date
from exporter.settings import DEFAULT_FORMATS, RenderOptions, Settings
from exporter.themes import Theme, load_theme
from exporter.warm import load_writers, preload_engines, prepare
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
    digests: dict[str, str] = field(default_factory=dict)  # sha256 of each file as read
    failed: dict[str, ExporterError] = field(default_factory=dict)  # formats not made, why
    held: tuple[logging.LogRecord, ...] = ()  # spare formats' log records, shown if used


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
    settings = Settings.of({"options": settings, **values})
    with using(settings.policy):  # a book.toml's [print] profile is confined as its chapters
        settings = with_print_profile(settings, sources)
    order = writer_order(list(settings.formats))
    chosen = load_theme(settings.theme)

    def make(
        fmts: Sequence[str],
        doc: Document | None = None,
        send: Callable[[Document], None] | None = None,
        spare: Sequence[str] = (),
    ) -> Produced:
        """Read (unless given the document) and render ``fmts``: the work of a child.

        ``send`` hands the document to the layout child as soon as it is read; ``spare``
        formats are made after ``fmts`` with their log records held back (the layout child
        makes them again, and logs). A format that fails to render fails alone
        (``Produced.failed``); strict mode fails the whole build.
        """
        parses = _css_parses()
        with _strict_mode(settings.strict) as warnings, ledger.collecting() as read_as:
            if doc is None:
                with readahead.meanwhile(functools.partial(load_writers, chosen, fmts)):
                    doc = transform(read(sources, settings=settings), settings)
                log.info("read %d source(s): %s", len(doc.chapters), doc.metadata.title)
            if send is not None:
                send(doc)
            outputs, failed = partial.render_each(doc, fmts, chosen, settings)
            with isolate.captured_logs() as held:
                more, failed_too = partial.render_each(doc, spare, chosen, settings)
            keep = settings.keep_html and "pdf" in outputs
            kept = _engine_input(doc, chosen, settings) if keep else {}
        used = doc.sources + tuple(a.path for a in doc.assets) + tuple(map(Path, read_as))
        return Produced(
            {**outputs, **more},
            tuple(dict.fromkeys(used)),
            tuple(warnings.messages),
            _css_parses() - parses,
            kept,
            {**read_as, **doc.digests},
            {**failed, **failed_too},
            tuple(held),
        )

    heavy: list[str] = []
    for fmt in order:  # the engine's formats, and those that read their bytes, after them
        spec = WRITERS.get(fmt)
        if spec.needs_pdf_engine or set(spec.after) & set(heavy):
            heavy.append(fmt)
    light = [f for f in order if f not in heavy]
    policy = (settings.policy or current()).for_input(partial.source_bytes(sources))
    with using(policy) as active:
        if settings.warm_up:
            prepare(chosen, settings)
        if not (active.isolate and heavy and _can_relay(light, heavy)):
            return partial.complete(isolate.run(lambda: make(order), active), order)
        # A one-shot build (the PDF engine not loaded here): one child loads WeasyPrint, the
        # theme's print CSS and fonts while another reads the sources and makes the other
        # formats, each on its own core; the document then goes to the first for layout.
        # (Loading WeasyPrint here and forking the layout from this process instead cost
        # as much as it saved: the child's copy-on-write faults on the loaded library.)
        # The reading child also makes the formats that only read the engine's output (the
        # EPUB's page-list), without it, once it has handed the document over: if the
        # layout dies at a limit, they are still written.
        spare = [f for f in heavy if not WRITERS.get(f).needs_pdf_engine]

        def lay_out(receive: Callable[[], Document]) -> Produced:
            preload_engines(chosen, replace(settings, formats=tuple(heavy)))
            return make(heavy, receive())

        first, second = isolate.relay(lambda send: make(light, None, send, spare), lay_out, active)
        if not isinstance(second, Produced):  # the spare formats stand in: show their logs
            isolate.replay(list(first.held))
        outputs, failed = partial.settled(first.outputs, second, heavy)
        done = second if isinstance(second, Produced) else Produced({}, (), ())
        return partial.complete(
            Produced(
                {fmt: outputs[fmt] for fmt in settings.formats if fmt in outputs},
                first.inputs,
                first.warnings + done.warnings,
                first.css_parses + done.css_parses,
                done.kept,
                first.digests,
                {**{f: e for f, e in first.failed.items() if f not in outputs}, **failed},
            ),
            order,
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
    None takes those of ``settings=Settings(...)``. Every format is rendered before any file
    is written, and the files are committed together (an I/O failure puts back every file
    replaced). A format that failed to render is left out: the others are written, then
    ``PartialError`` (``.written``, ``.failed``) reports it with the worst failure's code.
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
    if not str(output_dir).isprintable():  # the same for the folder every path starts with
        raise UsageError(
            f"{str(output_dir)!r}: an output folder with a line break or control character "
            "would break 'one path per line'; choose another --output-dir."
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
    # One commit: a failure writing any file puts back every file this build replaced.
    checked = [
        (targets[fmt], data, functools.partial(verify.check_written, fmt, data))
        for fmt, data in made.outputs.items()
    ]
    commit([*checked, *((path, data, None) for path, data in kept.items())])
    if made.failed:  # the formats that finished are written; the failure is still reported
        raise PartialError(list(targets.values()), made.failed)
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
