"""The document model every reader produces and every writer consumes: plain data, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

# BCP 47 in the shape stores check: a primary tag and optional subtags ("en", "pt-BR",
# "zh-Hant-TW"). Locale names such as "C" or "en_US.UTF-8" are refused.
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


# The writing directions a source or manifest may declare ("" and "auto": found out).
DIRECTIONS = ("", "rtl", "ltr", "auto")


def is_valid_lang(tag: str) -> bool:
    """Tell whether a language tag has the shape BCP 47 requires."""
    return bool(_LANG_RE.match(tag))


@dataclass(frozen=True)
class Metadata:
    """What a publication says about itself."""

    title: str = ""
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    lang: str = ""
    # Writing direction: "rtl", "ltr", or "auto"/"" (from the language, or the prose's script)
    dir: str = ""
    date: str = ""
    description: str = ""
    keywords: tuple[str, ...] = ()
    rights: str = ""
    publisher: str = ""
    identifier: str = ""
    # Books (issue 4): people other than the authors as (name, MARC relator code such as
    # "edt", "trl", "ill"), and the series this title belongs to with its position in it.
    contributors: tuple[tuple[str, str], ...] = ()
    series: str = ""
    series_position: str = ""
    # The words exporter writes itself, as a book's manifest ([words]) replaces them.
    words: tuple[tuple[str, str], ...] = ()
    # Citations: the bibliography files and the CSL style the sources name (front matter
    # ``bibliography:`` / ``csl:``, a manifest's keys), as written; the citations transform
    # reads them relative to the first source, inside the sources' folders.
    bibliography: tuple[str, ...] = ()
    csl: str = ""
    # pandoc's ``nocite``: entries listed in the references though never cited, as written
    # (``@key1, @key2``; ``@*`` for every entry of the bibliography).
    nocite: tuple[str, ...] = ()
    # A book manifest's ``lists = ["figures", "tables"]``: as ``--list``, which wins.
    lists: tuple[str, ...] = ()
    # A book manifest's ``css = [...]``: its own stylesheets (absolute, inside its folder,
    # ``TARGET:`` kept), after the theme's and before --css (exporter.themes.user).
    css: tuple[str, ...] = ()

    def merged(self, other: Metadata) -> Metadata:
        """Return this metadata with every non-empty field of ``other`` laid over it."""
        changes = {
            name: value
            for name in self.__dataclass_fields__
            if (value := getattr(other, name)) not in ("", ())
        }
        return replace(self, **changes)


@dataclass(frozen=True)
class Heading:
    """A heading of the body, collected once for the PDF outline and the EPUB nav."""

    level: int
    text: str
    id: str


@dataclass(frozen=True)
class Asset:
    """A file a chapter uses (an image), under the generated name every output refers to."""

    name: str  # generated, ASCII, e.g. "images/3f2a9c1e0b.png"
    path: Path  # the real file it was read from
    media_type: str
    data: bytes = field(repr=False, default=b"")


@dataclass(frozen=True)
class Chapter:
    """One source's content: an XHTML body fragment and what was learnt from it."""

    title: str
    html: str  # the chapter's body, serialised XHTML (headings carry ids)
    headings: tuple[Heading, ...] = ()
    source: Path | None = None
    notes: tuple[tuple[str, str], ...] = ()  # (note id, note XHTML), in call order
    # Where the chapter stands in a book: frontmatter, bodymatter or backmatter; its EPUB
    # structural type (chapter, preface, foreword, dedication, appendix, ...); and the title
    # of the part it opens or belongs to ("" for none).
    kind: str = "bodymatter"
    type: str = "chapter"
    part: str = ""
    level: int = 1  # 2 and deeper: a sub-chapter of the chapter before it (mdBook, MkDocs)


@dataclass(frozen=True)
class Document:
    """A whole publication: metadata, chapters in reading order, and the assets they use."""

    metadata: Metadata
    chapters: tuple[Chapter, ...]
    assets: tuple[Asset, ...] = ()
    sources: tuple[Path, ...] = ()
    cover: Asset | None = None  # the cover image a book manifest or --cover names
    layout: str = ""  # "article" or "book"; empty: a book when there are several chapters
    # sha256 of the bytes each source file was read as (a later edit does not change it)
    digests: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_book(self) -> bool:
        """Tell whether the publication is laid out as a book (several chapters, or asked)."""
        if self.layout:
            return self.layout == "book"
        return len(self.chapters) > 1
