"""The one place that orchestrates: read sources, render the intermediate, write outputs."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import os
import stat
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from exporter import isolate, readers, verify
from exporter.book import Book, find_manifest, load_book
from exporter.content import IdRegistry, build_chapter
from exporter.errors import LimitError, OutputError, SourceError, StrictError, UsageError
from exporter.links import LinkTable
from exporter.model import Asset, Document, Metadata, is_valid_lang
from exporter.output import write_atomic
from exporter.policy import Policy, check_depth, current, using
from exporter.render import (
    DEFAULT_TOC_DEPTH,
    chapter_id,
    render_document,
    reserved_ids,
    stylesheet,
)
from exporter.resources import AssetStore
from exporter.themes import Theme, font_files, load_theme, page_size_css
from exporter.writers import FORMATS

log = logging.getLogger("exporter")

DEFAULT_FORMATS = ("pdf", "epub")
LAYOUTS = ("article", "book")
MAX_SOURCE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """Text to read, from a file or from memory (stdin, an API caller)."""

    name: str
    data: bytes
    kind: str
    path: Path | None = None

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], kind: str | None = None) -> Source:
        """Read a source file, failing with a message that names it."""
        file = Path(path)
        try:
            if file.is_dir():
                raise SourceError(
                    f"{file}: is a folder without a book.toml. Name the article file itself, "
                    "or run 'exporter init' there to start a book."
                )
            if not file.exists():
                raise FileNotFoundError
            kind = kind or readers.kind_of(file)
            info, limit = file.stat(), current().max_source_bytes
            if not stat.S_ISREG(info.st_mode):  # a FIFO or /dev/zero would never end
                raise SourceError(f"{file}: is not a regular file. Give the article file.")
            size = info.st_size
            if size > limit:
                raise LimitError(
                    f"{file}: {size} bytes is over the limit of {limit} bytes "
                    "for one source; split it into chapters (or raise --max-input-size)."
                )
            data = file.read_bytes()
        except FileNotFoundError:
            raise SourceError(f"{file}: no such file. Check the path.") from None
        except PermissionError:
            raise SourceError(f"{file}: permission denied. Make the file readable.") from None
        except OSError as exc:
            raise SourceError(f"{file}: cannot be read ({exc.strerror}).") from None
        return cls(str(file), data, kind, file)


def read(
    sources: Sequence[Source | str | os.PathLike[str]],
    *,
    encoding: str | None = None,
    metadata: Metadata | None = None,
    cover: str | os.PathLike[str] | None = None,
) -> Document:
    """Read sources (one chapter each, in order), or one book manifest, into a Document.

    ``metadata`` overrides what the sources declare (the CLI's --title, --author, ...);
    ``cover`` names a cover image (a manifest may name one too).
    """
    book = _book(sources)
    if book:
        sources = [e.path for e in book.entries]
    loaded = [s if isinstance(s, Source) else Source.from_path(s) for s in sources]
    if not loaded:
        raise UsageError("Give at least one source file.")
    if encoding:
        encoding = readers.check_encoding(encoding)
    ids = IdRegistry()
    ids.used.update(reserved_ids(len(loaded)))
    roots = [s.path.parent if s.path else Path.cwd() for s in loaded]
    assets = AssetStore(roots + ([book.root] if book else []))
    links = LinkTable()
    chapters, found = [], Metadata()
    limit = current().max_source_bytes
    for index, source in enumerate(loaded, start=1):
        if len(source.data) > limit:
            raise LimitError(
                f"{source.name}: {len(source.data)} bytes is over the limit of {limit} bytes "
                "for one source; split it into chapters (or raise --max-input-size)."
            )
        text = readers.decode(source.data, source.name, encoding)
        try:
            with isolate.translated(source.name):
                raw, meta = readers.reader_for(source.kind)(text)
        except SourceError as exc:
            raise SourceError(f"{source.name}: {exc}") from None
        base = source.path.parent if source.path else Path.cwd()
        chapter, meta = build_chapter(
            raw,
            meta,
            index=index,
            name=source.name,
            source=source.path,
            base_dir=base,
            ids=ids,
            assets=assets,
            links=links,
            text=text,
        )
        if book:
            entry = book.entries[index - 1]
            chapter = replace(chapter, kind=entry.kind, type=entry.type, part=entry.part)
        chapters.append(chapter)
        # The first source speaks for the publication; later ones only fill gaps.
        found = meta.merged(found) if index > 1 else meta
    chapters = links.resolve(chapters, chapter_id)
    if book:
        found = found.merged(book.metadata)
    merged = found.merged(metadata or Metadata())
    if len(chapters) > 1 and not (metadata and metadata.title) and not book:
        merged = replace(merged, title=_book_title(loaded, found))
    cover_asset = _cover(cover, book)
    paths = tuple(s.path for s in loaded if s.path) + ((book.manifest,) if book else ())
    doc = Document(merged, tuple(chapters), assets.assets, paths, cover_asset)
    return replace(doc, metadata=_complete(doc))


def _book(sources: Sequence[Source | str | os.PathLike[str]]) -> Book | None:
    """Return the book when the only source is a manifest (or a folder holding one)."""
    if len(sources) != 1 or isinstance(sources[0], Source):
        return None
    manifest = find_manifest(sources[0])
    return load_book(manifest) if manifest else None


def _cover(given: str | os.PathLike[str] | None, book: Book | None) -> Asset | None:
    """Read the cover image (--cover wins over the manifest's) as an asset."""
    path = Path(given) if given else (book.cover if book else None)
    if path is None:
        return None
    if not path.is_file():
        raise SourceError(f"{path}: cover image not found. Check the path.")
    store = AssetStore([path.parent])
    asset = store.add(path.name, path.parent, str(path))
    if asset is None:
        raise SourceError(f"{path}: cannot be used as the cover; give a PNG, JPEG or SVG file.")
    return replace(asset, name=f"images/cover.{asset.name.rsplit('.', 1)[1]}")


def _book_title(sources: list[Source], found: Metadata) -> str:
    """A book's title: the first source's declared one, else the first source's name."""
    first = sources[0]
    return found.title if found.title else (first.path.stem if first.path else "Untitled")


def _complete(doc: Document) -> Metadata:
    """Fill in what every output needs: a valid language and a stable identifier."""
    meta = doc.metadata
    lang = meta.lang
    if lang and not is_valid_lang(lang):
        log.warning("language '%s' is not a BCP 47 tag (like 'en' or 'pt-BR'); using 'en'", lang)
        lang = ""
    identifier = meta.identifier
    if not identifier:
        digest = hashlib.sha256()
        digest.update(repr(replace(meta, identifier="")).encode())
        for chapter in doc.chapters:
            digest.update(chapter.html.encode())
        identifier = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'exporter:' + digest.hexdigest())}"
    return replace(meta, lang=lang or "en", identifier=identifier)


def build_date(doc: Document) -> dt.datetime:
    """Return the build's timestamp: SOURCE_DATE_EPOCH, else the newest source's mtime.

    Both make a rebuild of unchanged sources give the same bytes. Without SOURCE_DATE_EPOCH,
    a full date in the metadata (YYYY-MM-DD) is used before the files' times, so a book with
    a date gives the same bytes wherever and whenever it is built.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise UsageError(
                f"SOURCE_DATE_EPOCH='{epoch}' is not a Unix time in seconds."
            ) from None
    with contextlib.suppress(ValueError):
        day = dt.date.fromisoformat(doc.metadata.date[:10])
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    mtimes = [p.stat().st_mtime for p in doc.sources if p.exists()]
    stamp = max(mtimes) if mtimes else dt.datetime.now(dt.timezone.utc).timestamp()
    return dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc)


def render(
    doc: Document,
    fmt: str,
    theme: Theme | None = None,
    *,
    page_size: str | None = None,
    split_level: int = 1,
    max_image_size: int | None = None,
    toc_depth: int = DEFAULT_TOC_DEPTH,
    embed_fonts: bool = False,
) -> bytes:
    """Render a Document to the bytes of one format (pdf, epub or html), in memory.

    ``toc_depth`` is the levels of the printed contents and of the EPUB nav (1: chapters
    only). EPUB only: ``split_level`` (1-6) starts a new file at headings of that level;
    ``max_image_size`` scales larger images down to that many pixels on their longer side;
    ``embed_fonts`` puts the theme's fonts in (a PDF always has them).
    """
    theme = theme or load_theme()
    _check_toc_depth(toc_depth)
    for number, chapter in enumerate(doc.chapters, start=1):
        check_depth(chapter.html, str(chapter.source or f"chapter {number}"))
    css = stylesheet(theme, fmt, page_size_css(page_size) if page_size else None)
    notes = theme.note_numbering
    if fmt == "pdf":
        from exporter.writers.pdf import write_pdf

        modified = build_date(doc).strftime("%Y-%m-%dT%H:%M:%SZ")
        html = render_document(
            doc, "pdf", modified=modified, toc_depth=toc_depth, note_numbering=notes
        )
        return write_pdf(html, css, theme, doc.assets)
    if fmt == "epub":
        from exporter.cover import cover_for
        from exporter.writers.epub import write_epub

        if not 1 <= split_level <= 6:
            raise UsageError(f"--split-level {split_level}: use a heading level from 1 to 6.")
        if max_image_size is not None and max_image_size < 16:
            raise UsageError(f"--max-image-size {max_image_size}: give at least 16 pixels.")
        fonts = font_files(theme) if embed_fonts else []
        if fonts:
            css = theme.css("fonts.css") + "\n" + css
        return write_epub(
            doc,
            css,
            build_date(doc),
            cover=cover_for(doc, theme),
            split_level=split_level,
            max_image_size=max_image_size,
            toc_depth=toc_depth,
            note_numbering=notes,
            fonts=fonts,
        )
    if fmt == "html":
        from exporter.writers.html import write_html

        return write_html(doc, css, note_numbering=notes)
    raise UsageError(f"Unknown format '{fmt}'. Use one of: {', '.join(FORMATS)}.")


def produce(
    sources: Sequence[Source | str | os.PathLike[str]],
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    theme: str | os.PathLike[str] | None = None,
    metadata: Metadata | None = None,
    encoding: str | None = None,
    page_size: str | None = None,
    strict: bool = False,
    cover: str | os.PathLike[str] | None = None,
    split_level: int = 1,
    max_image_size: int | None = None,
    layout: str | None = None,
    toc_depth: int = DEFAULT_TOC_DEPTH,
    embed_fonts: bool = False,
    policy: Policy | None = None,
) -> Produced:
    """Read and render sources into each format in memory; return the bytes per format.

    The work runs under ``policy`` (default: safe for untrusted sources), in a child process
    that is killed at its time and memory limits. Every failure is an ExporterError.
    ``layout`` ("article" or "book") overrides the choice made from the number of sources.
    """
    if layout not in (None, *LAYOUTS):
        raise UsageError(f"Unknown layout '{layout}'. Use one of: {', '.join(LAYOUTS)}.")
    _check_toc_depth(toc_depth)
    formats = list(dict.fromkeys(formats or DEFAULT_FORMATS))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"Unknown format '{unknown[0]}'. Use one of: {', '.join(FORMATS)}.")
    if metadata and metadata.lang and not is_valid_lang(metadata.lang):
        raise UsageError(
            f"--lang '{metadata.lang}' is not a BCP 47 tag; use one like 'en' or 'pt-BR'."
        )
    chosen = load_theme(theme)
    options = {
        "page_size": page_size,
        "split_level": split_level,
        "max_image_size": max_image_size,
        "toc_depth": toc_depth,
        "embed_fonts": embed_fonts,
    }
    with using(policy) as active:
        prepare(chosen, formats, page_size, set(readers.KINDS))

        def work() -> Produced:
            parses = _css_parses()
            with _strict_mode(strict) as warnings:
                doc = read(sources, encoding=encoding, metadata=metadata, cover=cover)
                if layout:
                    doc = replace(doc, layout=layout)
                log.info("read %d source(s): %s", len(doc.chapters), doc.metadata.title)
                outputs = {}
                for fmt in formats:
                    outputs[fmt] = render(doc, fmt, chosen, **options)
                    log.info("rendered %s (%d bytes)", fmt, len(outputs[fmt]))
            if "pdf" in outputs:  # checked in the child: the parse runs in parallel in a batch
                verify.check_pdf(outputs["pdf"])
            used = doc.sources + tuple(a.path for a in doc.assets)
            return Produced(outputs, used, tuple(warnings.messages), _css_parses() - parses)

        return isolate.run(work, active)


@dataclass(frozen=True)
class Produced:
    """What a build made: bytes per format, the files it read, the warnings it logged."""

    outputs: dict[str, bytes]
    inputs: tuple[Path, ...]  # sources (and a book's manifest) and the images they use
    warnings: tuple[str, ...]
    css_parses: int = 0  # theme CSS parsed by this build: 0 when a prepared one was reused


def _css_parses() -> int:
    import sys

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


_WARM_UP = (
    "# Warm-up\n\nSome *italic*, **bold** and `code` text, hyphenated where needed.[^1]\n\n"
    "## A section\n\n- an item\n\n```python\nprint('code')\n```\n\n[^1]: A note.\n"
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
    *,
    theme: str | os.PathLike[str] | None = None,
    metadata: Metadata | None = None,
    encoding: str | None = None,
    page_size: str | None = None,
    strict: bool = False,
    cover: str | os.PathLike[str] | None = None,
    split_level: int = 1,
    max_image_size: int | None = None,
    layout: str | None = None,
    toc_depth: int = DEFAULT_TOC_DEPTH,
    embed_fonts: bool = False,
    policy: Policy | None = None,
) -> list[Path]:
    """Convert sources into each format in ``output_dir``; return the paths written.

    Outputs are named after the first source (``article.md`` -> ``article.pdf``). Every
    format is rendered before any file is written, and each file is written atomically.
    ``layout`` ("article" or "book") overrides the choice made from the number of sources.
    """
    made = produce(
        sources, formats, theme=theme, metadata=metadata, encoding=encoding,
        page_size=page_size, strict=strict, cover=cover, split_level=split_level,
        max_image_size=max_image_size, layout=layout, toc_depth=toc_depth,
        embed_fonts=embed_fonts, policy=policy,
    )  # fmt: skip
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
        write_atomic(targets[fmt], data, check=lambda data, fmt=fmt: verify.check(fmt, data))
    return list(targets.values())


def _check_toc_depth(depth: int) -> None:
    if not isinstance(depth, int) or not 1 <= depth <= 6:
        raise UsageError(f"--toc-depth {depth} is out of range; use 1 (chapters only) to 6.")


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
