"""The one place that orchestrates: read sources, render the intermediate, write outputs."""

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

from exporter import readers
from exporter.guard import isolate, verify
from exporter.book.manifest import find_manifest
from exporter.errors import OutputError, StrictError, UsageError
from exporter.rendering import has_code, render_document, stylesheet
from exporter.model import Document, Metadata, is_valid_lang
from exporter.settings import RenderOptions
from exporter.guard.output import write_atomic
from exporter.guard.policy import Policy, check_depth, using
from exporter.reading import Source, build_date, read
from exporter.themes import Theme, font_files, load_theme, page_size_css
from exporter.writers import FORMATS

__all__ = [
    "Produced",
    "RenderOptions",
    "Source",
    "build_date",
    "convert",
    "produce",
    "read",
    "render",
]

log = logging.getLogger("exporter")

DEFAULT_FORMATS = ("pdf", "epub")


def render(
    doc: Document,
    fmt: str,
    theme: Theme | None = None,
    options: RenderOptions | None = None,
    **option_values: Any,
) -> bytes:
    """Render a Document to the bytes of one format (pdf, epub or html), in memory.

    Layout choices come as ``options`` or as its fields by name (``page_size="Letter"``,
    ``toc_depth=2``, ...; see RenderOptions).
    """
    opts = replace(options, **option_values) if options else RenderOptions.of(option_values)
    theme = theme or load_theme()
    if opts.layout:
        doc = replace(doc, layout=opts.layout)
    for number, chapter in enumerate(doc.chapters, start=1):
        check_depth(chapter.html, str(chapter.source or f"chapter {number}"))
    size = page_size_css(opts.page_size) if opts.page_size else None
    css = stylesheet(theme, fmt, size, code=has_code(doc))
    notes = theme.note_numbering
    if fmt == "pdf":
        from exporter.writers.pdf import write_pdf

        html = pdf_html(doc, theme, opts)
        return write_pdf(html, css, theme, doc.assets)
    if fmt == "epub":
        from exporter.book.cover import cover_for
        from exporter.writers.epub import write_epub

        fonts = font_files(theme) if opts.embed_fonts else []
        if fonts:
            css = theme.css("fonts.css") + "\n" + css
        return write_epub(
            doc,
            css,
            build_date(doc),
            cover=cover_for(doc, theme),
            split_level=opts.split_level,
            max_image_size=opts.max_image_size,
            toc_depth=opts.toc_depth,
            note_numbering=notes,
            fonts=fonts,
        )
    if fmt == "html":
        from exporter.writers.html import write_html

        return write_html(doc, css, note_numbering=notes)
    raise UsageError(f"Unknown format '{fmt}'. Use one of: {', '.join(FORMATS)}.")


def pdf_html(doc: Document, theme: Theme, opts: RenderOptions) -> str:
    """Return the HTML the PDF writer hands WeasyPrint (with ``stylesheet(theme, "pdf")``)."""
    modified = build_date(doc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return render_document(
        doc, "pdf", modified=modified, toc_depth=opts.toc_depth, note_numbering=theme.note_numbering
    )


def pdf_input_files(doc: Document, theme: Theme, opts: RenderOptions) -> dict[str, bytes]:
    """Return the PDF's exact WeasyPrint input as files: ``weasyprint -s style.css index.html``.

    The HTML and CSS are the ones the PDF writer uses; the theme's fonts and the document's
    images sit beside them under the relative names both already use.
    """
    if opts.layout:
        doc = replace(doc, layout=opts.layout)
    size = page_size_css(opts.page_size) if opts.page_size else None
    files = {
        "index.html": pdf_html(doc, theme, opts).encode(),
        "style.css": stylesheet(theme, "pdf", size).encode(),
    }
    files.update({name: data for name, data, _ in font_files(theme)})
    files.update({asset.name: asset.data for asset in doc.assets})
    return files


def produce(
    sources: Sequence[Source | str | os.PathLike[str]],
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    theme: str | os.PathLike[str] | None = None,
    metadata: Metadata | None = None,
    encoding: str | None = None,
    strict: bool = False,
    cover: str | os.PathLike[str] | None = None,
    policy: Policy | None = None,
    options: RenderOptions | None = None,
    warm_up: bool = True,
    keep_html: bool = False,
    **option_values: Any,
) -> Produced:
    """Read and render sources into each format in memory; return the bytes per format.

    The work runs under ``policy`` (default: safe for untrusted sources), in a child process
    that is killed at its time and memory limits. Every failure is an ExporterError.
    Layout choices come as ``options`` or as its fields by name (see RenderOptions).
    ``keep_html`` also returns the PDF's WeasyPrint input (see pdf_input_files).
    ``warm_up`` first loads and exercises the renderer in this process (once), so that
    this and every later build's child starts warm; a one-shot command turns it off, as
    the warm-up would cost more than it saves for a single build.
    """
    opts = replace(options, **option_values) if options else RenderOptions.of(option_values)
    formats = list(dict.fromkeys(formats or DEFAULT_FORMATS))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"Unknown format '{unknown[0]}'. Use one of: {', '.join(FORMATS)}.")
    if metadata and metadata.lang and not is_valid_lang(metadata.lang):
        raise UsageError(
            f"--lang '{metadata.lang}' is not a BCP 47 tag; use one like 'en' or 'pt-BR'."
        )
    chosen = load_theme(theme)

    def make(fmts: Sequence[str], doc: Document | None = None) -> tuple[Document, Produced]:
        """Read (unless given the document) and render ``fmts``: the work of a child."""
        parses = _css_parses()
        with _strict_mode(strict) as warnings:
            if doc is None:
                doc = read(sources, encoding=encoding, metadata=metadata, cover=cover)
                log.info("read %d source(s): %s", len(doc.chapters), doc.metadata.title)
            outputs = {}
            for fmt in fmts:
                outputs[fmt] = render(doc, fmt, chosen, opts)
                log.info("rendered %s (%d bytes)", fmt, len(outputs[fmt]))
            wanted = keep_html and "pdf" in fmts
            kept = pdf_input_files(doc, chosen, opts) if wanted else {}
        if "pdf" in outputs:  # checked in the child: the parse runs in parallel in a batch
            verify.check_pdf(outputs["pdf"])
        used = doc.sources + tuple(a.path for a in doc.assets)
        made = Produced(outputs, used, tuple(warnings.messages), _css_parses() - parses, kept)
        return doc, made

    with using(policy) as active:
        if warm_up:
            prepare(chosen, formats, opts.page_size, set(readers.KINDS))
        if not (active.isolate and "pdf" in formats and not _pdf_loaded()):
            return isolate.run(lambda: make(formats)[1], active)
        # A one-shot build (the PDF renderer not loaded here): one child loads WeasyPrint, the
        # theme's print CSS and fonts while another reads the sources and makes the other
        # formats, each on its own core; the document then goes to the first for layout.
        # (Loading WeasyPrint here and forking the layout from this process instead cost
        # as much as it saved: the child's copy-on-write faults on the loaded library.)

        def lay_out(receive: Callable[[], Document]) -> Produced:
            _preload_pdf(chosen, opts.page_size)
            return make(["pdf"], receive())[1]

        light = [f for f in formats if f != "pdf"]
        first, second = isolate.relay(lambda: make(light), lay_out, active)
        outputs = {**first.outputs, **second.outputs}
        return Produced(
            {fmt: outputs[fmt] for fmt in formats},
            first.inputs,
            first.warnings + second.warnings,
            first.css_parses + second.css_parses,
            second.kept,
        )


def _pdf_loaded() -> bool:
    return "exporter.writers.pdf" in sys.modules


def _preload_pdf(theme: Theme, page_size: str | None) -> None:
    from exporter.writers.pdf import preload

    preload(theme, stylesheet(theme, "pdf", page_size_css(page_size) if page_size else None))


@dataclass(frozen=True)
class Produced:
    """What a build made: bytes per format, the files it read, the warnings it logged."""

    outputs: dict[str, bytes]
    inputs: tuple[Path, ...]  # sources (and a book's manifest) and the images they use
    warnings: tuple[str, ...]
    css_parses: int = 0  # theme CSS parsed by this build: 0 when a prepared one was reused
    kept: dict[str, bytes] = field(default_factory=dict)  # keep_html: WeasyPrint's input files


def _css_parses() -> int:
    pdf = sys.modules.get("exporter.writers.pdf")
    return pdf.css_parses() if pdf else 0


def prepare(theme: Theme, formats: Sequence[str], page_size: str | None, kinds: set[str]) -> None:
    """Load what rendering needs once per process: libraries, parsed CSS, fonts, caches.

    Called before forking, so isolated builds and batch workers share it instead of paying
    for it per document: a small article is rendered once, which also fills the renderer's
    lazy caches (font faces, hyphenation patterns). Only the requested formats are loaded.
    """
    for kind in sorted(kinds):
        readers.reader_for(kind)
    _warm_up(theme, tuple(formats), page_size)


# Every character an article commonly uses, in every face and size the themes set (title,
# headings, body, italic, bold, code, quote, list, table, note): a forked build finds their
# glyphs, metrics and shaping already loaded by its parent. Measured on 20 articles, each
# in its own child after the warm-up: 201 ms an article against 346 ms after a two-line
# warm-up. No fenced code: compiling a Pygments lexer costs ~70 ms, for a language few
# articles use.
_GLYPHS = (
    "The quick brown fox jumps over the lazy dog; PACK MY BOX WITH FIVE DOZEN LIQUOR JUGS! "
    "0123456789 (a, b. c: d?) [e] {f} \"g\" 'h' & i/j @ k % l + m = n < o > p | q ~ r "
    "\u2014 s \u2013 t \u2026 \u201cu\u201d \u2018v\u2019 \u00e9\u00e8\u00e0\u00e7"
    "\u00f6\u00fc\u00f1\u00df \u00a7\u00b0\u20ac\u00a3 internationalisation"
)
_CELL = _GLYPHS.replace("|", "/")
_WARM_UP = (
    f"---\ntitle: 'Warm-up {_GLYPHS[:44]}'\nsubtitle: 'The lazy dog'\nauthor: A. Writer\n---\n\n"
    f"{_GLYPHS} {_GLYPHS.lower()}\n\n*{_GLYPHS}*\n\n**{_GLYPHS}**\n\n***{_GLYPHS}***\n\n"
    f"`{_GLYPHS}`\n\n## {_GLYPHS[:60]}\n\n### {_GLYPHS[:60]}\n\n> {_GLYPHS}\n\n"
    f"- {_GLYPHS}\n\n1. {_GLYPHS}\n\n| {_GLYPHS[:30]} | 2 |\n|--|--:|\n| {_CELL} | 3 |\n\n"
    f"A note.[^1]\n\n[^1]: {_GLYPHS}\n"
)


@functools.cache
def _warm_up(theme: Theme, formats: tuple[str, ...], page_size: str | None) -> None:
    doc = read([Source("warm-up.md", _WARM_UP.encode(), "md")])
    for fmt in formats:
        render(doc, fmt, theme, page_size=page_size)


def convert(
    sources: Sequence[Source | str | os.PathLike[str]],
    formats: Sequence[str] = DEFAULT_FORMATS,
    output_dir: str | os.PathLike[str] = ".",
    **settings: Any,
) -> list[Path]:
    """Convert sources into each format in ``output_dir``; return the paths written.

    Outputs are named after the first source (``article.md`` -> ``article.pdf``). Every
    format is rendered before any file is written, and each file is written atomically.
    ``settings`` are produce()'s: theme, metadata, encoding, strict, cover, policy, and the
    layout options (page_size, layout, toc_depth, split_level, max_image_size, embed_fonts),
    and keep_html: also write ``<stem>.pdf-html/`` (index.html, style.css, fonts, images),
    the exact input the PDF writer gave WeasyPrint.
    """
    made = produce(sources, formats, **settings)
    stem = _stem(sources)
    targets = {fmt: Path(output_dir) / f"{stem}.{fmt}" for fmt in made.outputs}
    inputs = {p.resolve() for p in made.inputs}
    for path in targets.values():
        if path.resolve() in inputs:
            raise OutputError(
                f"{path}: is one of the sources and would be overwritten; "
                "choose another --output-dir."
            )
    for fmt, data in made.outputs.items():
        write_atomic(targets[fmt], data, check=functools.partial(verify.check_written, fmt, data))
    if made.kept:  # --keep-html: beside the PDF, the folder the WeasyPrint CLI can take
        folder = Path(output_dir) / f"{stem}.pdf-html"
        for name, data in made.kept.items():
            write_atomic(folder / name, data)
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
