"""Find, load and check themes: folders of CSS and fonts with a small ``theme.toml``.

Built-in themes live in the repository's top-level ``styles/`` folder; a wheel carries them
as ``exporter/styles``. A theme folder holds ``theme.toml`` (name, description, page_size,
pygments_style), ``base.css`` (every output), ``pdf.css`` and ``fonts.css`` (PDF),
``epub.css`` (EPUB and HTML), optionally ``html.css`` (standalone HTML), and ``fonts/``.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from exporter.errors import ThemeError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_THEME = "classic"
REQUIRED_FILES = ("theme.toml", "base.css", "pdf.css", "epub.css")
CSS_FILES = ("base.css", "pdf.css", "epub.css", "fonts.css", "html.css")
NOTE_NUMBERINGS = ("chapter", "book")
# EPUB 3.3 core media types for fonts.
FONT_TYPES = {".otf": "font/otf", ".ttf": "font/ttf", ".woff": "font/woff", ".woff2": "font/woff2"}
PAGE_SIZES = {"A4": "A4", "LETTER": "letter", "A5": "A5", "6X9": "6in 9in"}


@dataclass(frozen=True)
class Theme:
    """A loaded theme: where its files are and what its manifest says."""

    name: str
    path: Path
    description: str
    page_size: str
    pygments_style: str
    note_numbering: str = "chapter"  # footnotes numbered per "chapter" or per "book"
    words: tuple[tuple[str, str], ...] = ()  # [words]: the theme's own "Contents", "Chapter {n}"

    def css(self, name: str) -> str:
        """Return the text of one of the theme's CSS files, or '' when it has none."""
        file = self.path / name
        if not file.is_file():
            return ""
        return _read_inside(self.path, file)

    @property
    def builtin(self) -> bool:
        """Tell whether this is one of exporter's themes (their colours are checked by Ace)."""
        return self.path.parent == styles_dir().resolve()


def styles_dir() -> Path:
    """Return the folder holding the built-in themes (inside a wheel, or the checkout)."""
    packaged = Path(__file__).parents[1] / "styles"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "styles"


def builtin_names() -> list[str]:
    """List the built-in theme names, sorted."""
    root = styles_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "theme.toml").is_file())


def list_themes() -> list[Theme]:
    """Load every built-in theme."""
    return [load_theme(name) for name in builtin_names()]


def load_theme(name_or_path: str | os.PathLike[str] | None = None) -> Theme:
    """Load a built-in theme by name, or a theme folder by path."""
    wanted = os.fspath(name_or_path or DEFAULT_THEME)
    candidate = Path(wanted)
    if wanted in builtin_names():
        return _load(styles_dir() / wanted)
    if candidate.is_dir() or "/" in wanted or wanted.startswith("."):
        return _load(candidate)
    available = ", ".join(builtin_names()) or "(none installed)"
    raise ThemeError(f"Unknown theme '{wanted}'. Available: {available}. Or pass a theme folder.")


@cache
def _load(path: Path) -> Theme:
    path = path.resolve()
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if missing:
        raise ThemeError(
            f"{path}: not a theme folder (missing {', '.join(missing)}). "
            "Copy a built-in theme from 'exporter themes' as a start."
        )
    # Checked on loading, not when a writer reads one: the error then names the config file
    # that chose this theme.
    _refuse_outside(path, *(path / name for name in CSS_FILES))
    try:
        manifest = tomllib.loads(_read_inside(path, path / "theme.toml"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ThemeError(f"{path / 'theme.toml'}: {exc}. Fix the file.") from None
    return Theme(
        name=str(manifest.get("name", path.name)),
        path=path,
        description=str(manifest.get("description", "")),
        page_size=page_size_css(str(manifest.get("page_size", "A4"))),
        pygments_style=str(manifest.get("pygments_style", "default")),
        note_numbering=_note_numbering(path, manifest),
        words=_words(path, manifest),
    )


def _read_inside(theme: Path, file: Path) -> str:
    """Return the text of one of a theme's files, refusing a symlink that leaves the theme."""
    _refuse_outside(theme, file)
    return file.read_text(encoding="utf-8")


def _refuse_outside(theme: Path, *files: Path) -> None:
    """Fail naming the first file that is a symlink to somewhere outside ``theme``.

    A theme folder may come with untrusted sources (a config file beside them can name
    it): a symlinked base.css or theme.toml must not carry a file from elsewhere into the
    book's stylesheet, or its first line into an error message.
    """
    root = os.path.realpath(theme)
    for file in files:
        if not Path(os.path.realpath(file)).is_relative_to(root):
            raise ThemeError(
                f"{file}: a symlink to a file outside the theme folder; refused. Copy the "
                "file into the theme."
            )


def _words(path: Path, manifest: dict) -> tuple[tuple[str, str], ...]:
    table = manifest.get("words", {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ThemeError(
            f"{path / 'theme.toml'}: [words] must map names to text, such as "
            'chapter = "Lesson {n}". Fix the file.'
        )
    return tuple(sorted(table.items()))


def _note_numbering(path: Path, manifest: dict) -> str:
    value = str(manifest.get("footnotes", "chapter"))
    if value not in NOTE_NUMBERINGS:
        raise ThemeError(
            f"{path / 'theme.toml'}: footnotes = '{value}' is not one of "
            f"{', '.join(NOTE_NUMBERINGS)}. Fix the file."
        )
    return value


def font_files(theme: Theme) -> list[tuple[str, bytes, str]]:
    """Return the font files ``fonts.css`` names: (path relative to the theme, bytes, type).

    Only files inside the theme folder are returned, so a theme cannot pull another file
    into an EPUB through a ``url(../..)``.
    """
    found = []
    root = theme.path.resolve()
    for ref in dict.fromkeys(re.findall(r"url\(\s*['\"]?([^'\")]+)", theme.css("fonts.css"))):
        file = (root / ref).resolve()
        media_type = FONT_TYPES.get(file.suffix.lower())
        if media_type is None or not file.is_relative_to(root) or not file.is_file():
            raise ThemeError(
                f"{root / 'fonts.css'}: '{ref}' is not a font file (.otf, .ttf, .woff, .woff2) "
                "inside the theme folder. Fix the url()."
            )
        found.append((file.relative_to(root).as_posix(), file.read_bytes(), media_type))
    return found


# What CSS's @page size takes besides lengths (CSS Paged Media 3), and what we name.
_CSS_PAGE_NAMES = {
    "a5", "a4", "a3", "b5", "b4", "jis-b5", "jis-b4", "letter", "legal", "ledger",
}  # fmt: skip
_ORIENTATIONS = {"portrait", "landscape"}
_LENGTH = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:mm|cm|in|pt|pc|px|q)", re.IGNORECASE)


def page_size_css(size: str) -> str:
    """Turn a page-size name (A4, Letter, A5, 6x9) or a CSS size into an @page size value.

    Anything else fails (exit 2): WeasyPrint would ignore it with a warning of its own and
    lay the book out on A4, which nobody asked for.
    """
    named = PAGE_SIZES.get(size.strip().upper().replace(" ", ""))
    if named:
        return named
    words = size.strip().lower().split()
    lengths = [w for w in words if _LENGTH.fullmatch(w)]
    names = [w for w in words if w in _CSS_PAGE_NAMES]
    turns = [w for w in words if w in _ORIENTATIONS]
    valid = (
        words
        and len(lengths) + len(names) + len(turns) == len(words)
        and ((len(lengths) in (1, 2) and not names and not turns)
             or (not lengths and len(names) <= 1 and len(turns) <= 1))
    )  # fmt: skip
    if not valid:
        raise ThemeError(
            f"Unknown page size '{size}'. Use A4, Letter, A5, 6x9, a CSS page name (B5, "
            "legal, ledger, ... with portrait or landscape) or lengths such as '170mm 240mm'."
        )
    return size.strip()
