"""Read sources into a Document: the first stage of every build.

Sources are files, a book manifest, or text in memory (stdin, an API caller). Each becomes a
chapter through its reader and the shared cleaning stage; links between them are resolved
once all are read, and the metadata is completed (language, a stable identifier). A big
book's readers run on two cores (``readahead``); cleaning stays in order, in this process.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import re
import stat
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from exporter.book import Book, find_manifest, load_book
from exporter.errors import LimitError, SourceError, UsageError
from exporter.formats import READERS, RawChapter, ReadFunction, SourceText, reader_for_path
from exporter.guard import isolate
from exporter.guard.policy import current
from exporter.guard.resources import AssetStore
from exporter.ids import IdRegistry, chapter_id, reserved_ids
from exporter.model import Asset, Document, Metadata, is_valid_lang
from exporter.reading import ledger, memo, readahead
from exporter.reading.clean import Sanitized, build_chapter, find_running_title, sanitized
from exporter.reading.decode import check_encoding, decode
from exporter.reading.links import LinkTable
from exporter.scripts import settle_language

if TYPE_CHECKING:
    from exporter.settings import Settings

log = logging.getLogger("exporter")


@dataclass(frozen=True)
class Source:
    """A source to read, from a file or from memory (stdin, an API caller).

    ``kind`` names its reader (a name or alias in ``exporter.formats.READERS``: markdown or
    md, gfm, txt, html, docx, or a plugin's).
    """

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
            kind = kind or reader_for_path(file).name
            info = file.stat()
            if not stat.S_ISREG(info.st_mode):  # a FIFO or /dev/zero would never end
                raise SourceError(f"{file}: is not a regular file. Give the article file.")
            check_size(str(file), info.st_size)
            data = file.read_bytes()
        except FileNotFoundError:
            raise SourceError(f"{file}: no such file. Check the path.") from None
        except PermissionError:
            raise SourceError(f"{file}: permission denied. Make the file readable.") from None
        except OSError as exc:
            raise SourceError(f"{file}: cannot be read ({exc.strerror}).") from None
        return cls(str(file), data, kind, file)


def check_size(name: str, size: int) -> None:
    """Fail when one source is larger than the policy allows."""
    limit = current().max_source_bytes
    if size > limit:
        raise LimitError(
            f"{name}: {size} bytes is over the limit of {limit} bytes "
            "for one source; split it into chapters (or raise --max-input-size)."
        )


def read(
    sources: Sequence[Source | str | os.PathLike[str]],
    *,
    encoding: str | None = None,
    metadata: Metadata | None = None,
    cover: str | os.PathLike[str] | None = None,
    settings: Settings | None = None,
) -> Document:
    """Read sources (one chapter each, in order), or one book manifest, into a Document.

    ``metadata`` overrides what the sources declare (the CLI's --title, --author, ...);
    ``cover`` names a cover image (a manifest may name one too). ``settings`` gives all
    three, and the reader for every source (``source_format``), at once.
    """
    kind = None
    if settings is not None:
        encoding, metadata = settings.encoding, settings.metadata
        cover, kind = settings.cover, settings.source_format
    book = _book(sources)
    if book:
        sources = [e.path for e in book.entries]
    loaded = [
        s if isinstance(s, Source) else Source.from_path(s, kind or _dialect(s, book))
        for s in sources
    ]
    if not loaded:
        raise UsageError("Give at least one source file.")
    if encoding:
        encoding = check_encoding(encoding)
    ids = IdRegistry()
    ids.used.update(reserved_ids(len(loaded)))
    roots = [s.path.parent if s.path else Path.cwd() for s in loaded]
    site_root = book.site_root if book else None
    assets = AssetStore(roots + ([book.root] if book else []), site_root=site_root)
    links = LinkTable(site_root=site_root, roots=assets.roots)
    chapters, found = [], Metadata()
    with _read_raws(loaded, encoding, book) as reading:
        raws, running = find_running_title(memo.remember(reading), len(loaded))
        for index, (source, got) in enumerate(zip(loaded, raws, strict=True), start=1):
            text, raw, files, safe = got
            ledger.merge(files)  # what a read-ahead helper read (includes) for this build
            base = source.path.parent if source.path else Path.cwd()
            entry = book.entries[index - 1] if book else None
            declared = raw.metadata
            if entry and entry.title and not declared.title:  # the nav's label names it
                declared = replace(declared, title=entry.title)
            chapter, meta = build_chapter(
                raw.html,
                declared,
                index=index,
                name=source.name,
                source=source.path,
                base_dir=base,
                ids=ids,
                assets=assets,
                links=links,
                text=text,
                files=raw.files,
                running=running,
                safe=safe,
            )
            if entry:
                chapter = replace(
                    chapter, kind=entry.kind, type=entry.type, part=entry.part, level=entry.level
                )
            chapters.append(chapter)
            # The first source speaks for the publication; later ones only fill gaps.
            found = meta.merged(found) if index > 1 else meta
    chapters = links.resolve(chapters, chapter_id)
    if book:
        found = found.merged(book.metadata)
    merged = found.merged(metadata or Metadata())
    if len(chapters) > 1:  # a chapter's title names that chapter only
        merged = replace(merged, title=_book_title(loaded, metadata, book, running, found))
    cover_asset = _cover(cover, book)
    paths = tuple(s.path for s in loaded if s.path) + ((book.manifest,) if book else ())
    read_as = {str(s.path): hashlib.sha256(s.data).hexdigest() for s in loaded if s.path}
    doc = Document(merged, tuple(chapters), assets.assets, paths, cover_asset, digests=read_as)
    return replace(doc, metadata=_complete(doc))


def _read_raws(
    loaded: list[Source], encoding: str | None, book: Book | None = None
) -> contextlib.AbstractContextManager[Iterator[memo.Read]]:
    """Read each source's raw HTML, in order; a big book's later ones in a helper process."""
    for source in loaded:  # an unknown --from fails here, before any work
        READERS.get(source.kind)
    read = memo.Recall(functools.partial(_read_raw, encoding=encoding, book=book), encoding, book)
    # The reads kept from the last build (a preview's) cost nothing: only the others count.
    split = readahead.split_point([0 if read.kept(s) else len(s.data) for s in loaded])
    if split < len(loaded):  # imported before forking, so the helper has them too
        for kind in sorted({s.kind for s in loaded}):
            reader_function(kind)
    return readahead.mapped(read, loaded, split)


# "from: gfm" (or "dialect = ...") on a line of the front matter block, not past its end.
_DIALECT_LINE = re.compile(
    r"\A(?:---|\+\+\+)[ \t]*\n(?:(?!---|\+\+\+|\.\.\.).*\n)*?"
    r"(?:from|dialect)[ \t]*[:=][ \t]*[\"']?([\w-]+)"
)


def _front_matter_dialect(text: str) -> str | None:
    """Return the Markdown dialect a file's front matter names (``from: gfm``), if any."""
    match = _DIALECT_LINE.match(text) if text.startswith(("---", "+++")) else None
    if match is None:
        return None
    spec = READERS.get(match.group(1))
    if not spec.includes:  # only another Markdown dialect: a .md file stays Markdown
        raise SourceError(f"front matter 'from: {match.group(1)}' is not a Markdown dialect; "
                          "use markdown, gfm or commonmark.")  # fmt: skip
    return spec.name


def reader_function(kind: str) -> ReadFunction:
    """Return the read function of a reader, by name or alias (imported on first use)."""
    return READERS.get(kind).load()


def _read_raw(
    source: Source, encoding: str | None, book: Book | None = None
) -> tuple[str, RawChapter, dict[str, str], Sanitized]:
    """Decode one source (unless its reader takes bytes) and run its reader.

    The text returned is the source as written (before includes are expanded): links look
    their line numbers up in it. Then the files read for it (its includes), for the ledger:
    this may run in a read-ahead helper, whose records would not reach the build otherwise.
    Last, the reader's HTML sanitized: cleaning's first steps, made where the source is read.
    """
    check_size(source.name, len(source.data))  # in-memory sources were not checked yet
    spec = READERS.get(source.kind)
    text = "" if spec.binary else decode(source.data, source.name, encoding)
    chosen = _front_matter_dialect(text) if spec.includes else None
    if chosen and chosen != spec.name:  # "from: gfm" in a Markdown file's front matter
        spec = READERS.get(chosen)
        source = replace(source, kind=spec.name)
    try:
        with isolate.translated(source.name), ledger.collecting() as files:
            given = _expanded(text, source, book) if spec.includes else text
            raw = reader_function(source.kind)(
                SourceText(
                    source.name, source.path, source.data, given, book.extensions if book else ()
                )
            )
    except SourceError as exc:
        if exc.message.startswith(source.name):
            raise
        raise SourceError(f"{source.name}: {exc}") from None
    return text, raw, files, sanitized(raw.html)


def _expanded(text: str, source: Source, book: Book | None) -> str:
    """Expand a Markdown file's includes (reading.includes), confined to its book's folder."""
    if source.path is None:
        return text
    from exporter.reading.includes import expand_includes

    if book is None:  # a lone file may include what lies in its own folder tree
        return expand_includes(text, source.path, source.path.parent, source.name)
    return expand_includes(
        text, source.path, book.root, source.name,
        syntaxes=book.includes, bases=book.include_bases,
    )  # fmt: skip


def _book(sources: Sequence[Source | str | os.PathLike[str]]) -> Book | None:
    """Return the book when the only source is a manifest (or a folder holding one)."""
    if len(sources) != 1 or isinstance(sources[0], Source):
        return None
    manifest = find_manifest(sources[0])
    return load_book(manifest) if manifest else None


def _dialect(path: str | os.PathLike[str], book: Book | None) -> str | None:
    """Return the Markdown dialect a project's Markdown sources are in (mdBook's is gfm)."""
    if book is None or book.dialect == "markdown":
        return None
    if reader_for_path(Path(path)).name != "markdown":
        return None
    READERS.get(book.dialect)  # an unknown one fails here, naming the choices
    return book.dialect


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


def _book_title(
    sources: list[Source],
    given: Metadata | None,
    book: Book | None,
    running: str,
    found: Metadata,
) -> str:
    """A book's title: --title, the manifest's, or the name every file opens with.

    Failing those, the first source's title (or name), with a warning: a chapter's title
    is not the book's.
    """
    title = (given.title if given else "") or (book.metadata.title if book else "") or running
    if title:
        return title
    first = sources[0]
    fallback = found.title or (first.path.stem if first.path else "Untitled")
    log.warning(
        "%d sources and no book title: give --title (or a title in the manifest); using '%s'",
        len(sources),
        fallback,
    )
    return fallback


def _complete(doc: Document) -> Metadata:
    """Fill in what every output needs: a valid language, a direction, a stable identifier.

    A source that gives no language gets the one its prose's script implies (Hebrew, Chinese,
    ...; see ``exporter.scripts``), else English.
    """
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
    settled = settle_language(replace(meta, lang=lang), doc.chapters)
    return replace(settled, lang=settled.lang or "en", identifier=identifier)
