"""The contract of a format: what readers take and give, the specs, and a registry of them."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from exporter.errors import UsageError
from exporter.model import Metadata

if TYPE_CHECKING:
    from exporter.model import Document
    from exporter.settings import Settings
    from exporter.themes import Theme

log = logging.getLogger("exporter")


def _load(target: str) -> Any:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


# --- what readers take and give ------------------------------------------------------------


@dataclass(frozen=True)
class SourceText:
    """One source as a reader receives it."""

    name: str  # for messages: the path as given, or "<stdin>"
    path: Path | None  # None for text in memory
    data: bytes = field(repr=False)  # the bytes as read
    text: str = field(repr=False, default="")  # decoded and normalised; "" for binary readers
    # A project's Markdown extensions with their options, as (name, options): an mkdocs.yml's
    # markdown_extensions. Readers honour the ones they know (readers/mkdocs_options.py).
    extensions: tuple[tuple[str, Mapping[str, Any]], ...] = ()


@dataclass(frozen=True)
class RawChapter:
    """A reader's result: an HTML fragment (not yet cleaned) and what the source declares.

    ``files`` are images the source carries inside itself (a DOCX's media), keyed by the
    ``src`` the HTML gives them; the cleaning stage accepts them like any image (sniffed,
    size-limited), so a reader never has to write them anywhere.
    """

    html: str
    metadata: Metadata = field(default_factory=Metadata)
    files: Mapping[str, bytes] = field(default_factory=dict)


ReadFunction = Callable[[SourceText], RawChapter]


@dataclass(frozen=True)
class ReaderSpec:
    """A source format: its name, the suffixes it claims and its read function."""

    name: str
    function: str  # "module:function", (SourceText) -> RawChapter
    suffixes: tuple[str, ...] = ()  # lower-case, with the dot: (".md", ".markdown")
    aliases: tuple[str, ...] = ()  # other names --from accepts ("md" for markdown)
    binary: bool = False  # True: given the bytes undecoded (DOCX); else decoded text
    includes: bool = False  # True: mdBook/MkDocs include directives are expanded first
    description: str = ""

    def load(self) -> ReadFunction:
        """Import and return the read function."""
        return _load(self.function)


# --- what writers take and give ------------------------------------------------------------

WriteFunction = Callable[["Document", "Theme", "Settings", Mapping[str, bytes]], bytes]


@dataclass(frozen=True)
class WriterSpec:
    """An output format: its name, file suffix, media type and write function.

    The write function takes the Document, the Theme, the build's Settings and the outputs
    already made by the formats named in ``after`` (a writer may depend on another's
    result: an EPUB page-list from the PDF's pages, a cover sized by the page count).
    """

    name: str
    function: str  # "module:function", see WriteFunction
    suffix: str  # with the dot: ".pdf"
    media_type: str
    needs_pdf_engine: bool = False  # True: imports WeasyPrint (laid out in its own child)
    after: tuple[str, ...] = ()  # formats whose bytes this writer reads, when also built
    preload: str = ""  # "module:function", (Theme, Settings): load the engine ahead of builds
    description: str = ""

    def load(self) -> WriteFunction:
        """Import and return the write function."""
        return _load(self.function)

    def load_preload(self) -> Callable[[Theme, Settings], None]:
        """Import and return the preload function (a writer that has one)."""
        return _load(self.preload)

    @property
    def module(self) -> str:
        """Return the name of the module that holds the write function."""
        return self.function.partition(":")[0]


# --- projects and transforms ---------------------------------------------------------------


@dataclass(frozen=True)
class ProjectSpec:
    """A manifest format that turns one file into a book of many sources.

    ``files`` are the manifest names it recognises in a folder ("book.toml"); its function
    takes the manifest's path and returns an ``exporter.book.Book``. When two formats use
    the same file name (ours and mdBook's book.toml), ``claims`` tells from the file's
    content whether it is this format's.
    """

    name: str
    function: str
    files: tuple[str, ...]
    claims: str = ""  # "module:function", (Path) -> bool; "" claims every file named so
    description: str = ""

    def load(self) -> Callable[[Path], Any]:
        """Import and return the manifest loader."""
        return _load(self.function)

    def accepts(self, manifest: Path, name: str = "") -> bool:
        """Tell whether ``manifest`` (read as if named ``name``) is of this format."""
        if (name or manifest.name) not in {Path(n).name for n in self.files}:
            return False
        return not self.claims or bool(_load(self.claims)(manifest))


@dataclass(frozen=True)
class TransformSpec:
    """A stage between reading and rendering that sees the whole Document.

    Its function takes the Document and the Settings and returns a Document (numbered
    cross-references, citations, an index, math); transforms run in ``priority`` order.
    """

    name: str
    function: str
    priority: int = 50
    description: str = ""

    def load(self) -> Callable[[Document, Settings], Document]:
        """Import and return the transform."""
        return _load(self.function)


# --- the registries ------------------------------------------------------------------------

S = TypeVar("S", ReaderSpec, WriterSpec, ProjectSpec, TransformSpec)


class Registry(Generic[S]):
    """Specs by name: the built-in ones, then those entry points add (loaded lazily)."""

    def __init__(self, kind: str, group: str, builtins: tuple[S, ...]) -> None:
        self.kind, self.group = kind, group
        self._specs: dict[str, S] = {spec.name: spec for spec in builtins}
        self._plugins_loaded = False

    def register(self, spec: S) -> None:
        """Add a spec (a plugin's, or a test's); a later one with the same name wins."""
        self._specs[spec.name] = spec

    def builtin_names(self) -> tuple[str, ...]:
        """Return the names registered in this process, without looking for plugins."""
        return tuple(self._specs)

    def registered(self) -> tuple[S, ...]:
        """Return the specs registered in this process, without looking for plugins."""
        return tuple(self._specs.values())

    def names(self) -> tuple[str, ...]:
        """Return every format name, plugins' included, without importing any plugin."""
        return tuple(dict.fromkeys([*self._specs, *_entry_point_names(self.group)]))

    def first(self, wanted: Callable[[S], bool]) -> S | None:
        """Return the first spec ``wanted`` accepts: built-ins first, plugins only if none."""
        for loaded in (False, True):
            if loaded:
                self._load_plugins()
            found = next((spec for spec in self._specs.values() if wanted(spec)), None)
            if found is not None or self._plugins_loaded:
                return found
        return None

    def all(self) -> tuple[S, ...]:
        """Return every spec, loading the plugins' specs."""
        self._load_plugins()
        return tuple(self._specs.values())

    def get(self, name: str) -> S:
        """Return the spec for a name or an alias, or fail naming the choices."""
        spec = self._find(name)
        if spec is None and not self._plugins_loaded:
            self._load_plugins()
            spec = self._find(name)
        if spec is None:
            raise UsageError(
                f"Unknown {self.kind} '{name}'. Use one of: {', '.join(self.names())}."
            )
        return spec

    def _find(self, name: str) -> S | None:
        if name in self._specs:
            return self._specs[name]
        for spec in self._specs.values():
            if name in getattr(spec, "aliases", ()):
                return spec
        return None

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        for entry in _entry_points(self.group):
            try:
                spec = entry.load()
            except Exception as exc:  # a broken plugin must not break the built-in formats
                log.warning(
                    "the %s plugin '%s' (%s) could not be loaded: %s: %s",
                    self.kind, entry.name, entry.value, type(exc).__name__, exc,
                )  # fmt: skip
                continue
            if spec.name != entry.name:
                log.warning(
                    "the %s plugin '%s' names itself '%s'; using '%s'",
                    self.kind, entry.name, spec.name, entry.name,
                )  # fmt: skip
            self._specs.setdefault(entry.name, spec)


@cache
def _entry_points(group: str) -> tuple[Any, ...]:
    from importlib.metadata import entry_points

    return tuple(entry_points(group=group))


def _entry_point_names(group: str) -> Iterator[str]:
    return (entry.name for entry in _entry_points(group))
