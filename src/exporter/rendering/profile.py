"""What each kind of output asks of the HTML intermediate: a profile per target.

The render stage reads these switches instead of branching on a format's name, so a new
writer chooses the profile its output is closest to (or makes its own) without touching it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from exporter.settings import DEFAULT_TOC_DEPTH
from exporter.themes.css import CODE, CONTENTS, CROSSREF, PAGE_SIZE, PRINT_BASICS_PART

if TYPE_CHECKING:
    from exporter.settings import Settings
    from exporter.themes import Theme


@dataclass(frozen=True)
class Profile:
    """The intermediate HTML's shape and stylesheet for one kind of output."""

    name: str  # the body's target-NAME class
    epub_types: bool = False  # epub:type on structural elements (EPUB structural semantics)
    notes_in_flow: bool = False  # each footnote at its call (float: footnote), not after
    printed_front_matter: bool = False  # a book's imprint and printed contents (page numbers)
    linked_contents: bool = False  # a book's contents as links after its title (no numbers)
    initials: bool = False  # mark a book chapter's first letter (a theme's drop cap)
    typeset: bool = False  # mark names, heading ends and short tables for line breaking
    draws_math: bool = False  # formulas as pictures (exporter.math.draw), not MathML
    # The stylesheet, in cascade order: theme files by name and the parts above.
    stylesheet: tuple[str, ...] = ("base.css", CROSSREF, "epub.css", CODE)


PDF = Profile(
    "pdf",
    notes_in_flow=True,
    printed_front_matter=True,
    initials=True,
    typeset=True,
    draws_math=True,  # WeasyPrint cannot lay out MathML
    stylesheet=(PAGE_SIZE, "fonts.css", "base.css", CROSSREF, PRINT_BASICS_PART, "pdf.css", CODE),
)
EPUB = Profile(
    "epub", epub_types=True, stylesheet=("base.css", CROSSREF, CONTENTS, "epub.css", CODE)
)
HTML = Profile(
    "html",
    linked_contents=True,
    stylesheet=("base.css", CROSSREF, "epub.css", CODE, CONTENTS, "html.css"),
)
PROFILES = {profile.name: profile for profile in (PDF, EPUB, HTML)}


@dataclass(frozen=True)
class Target:
    """One output's view of a build: its profile and the choices the render stage reads."""

    profile: Profile
    toc_depth: int = DEFAULT_TOC_DEPTH  # levels of the printed contents
    note_numbering: str = "chapter"  # "chapter": notes restart per chapter; "book": they run on
    modified: str = ""  # the build's time (ISO 8601), for the PDF's metadata
    words: tuple[tuple[str, str], ...] = ()  # the theme's [words], over the language's
    code_columns: int = 0  # characters of code a printed line holds; 0: the engine wraps

    @classmethod
    def of(cls, profile: Profile, theme: Theme, settings: Settings, modified: str = "") -> Target:
        """Return the target a writer renders for, from the theme and the build's settings."""
        return cls(profile, settings.toc_depth, theme.note_numbering, modified, theme.words)

    @property
    def name(self) -> str:
        """Return the profile's name (pdf, epub, html)."""
        return self.profile.name

    def epub_type(self, term: str) -> str:
        """Return an ``epub:type`` attribute for EPUB targets, else ''."""
        return f' epub:type="{term}"' if self.profile.epub_types else ""
