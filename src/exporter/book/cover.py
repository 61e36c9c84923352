"""Make a book's cover: the image the user gave, or an SVG set from its metadata.

The generated cover takes its colours and type from the theme's ``[cover]`` table in
``theme.toml`` (``background``, ``foreground``, ``accent``, ``font``) and sets the title,
subtitle and authors on a 1600 x 2560 page, the 1:1.6 shape stores ask for. SVG text does
not wrap by itself, so titles are broken into lines here, at a size that fits them.
"""

from __future__ import annotations

import sys
import textwrap
from html import escape

from exporter.model import Asset, Document
from exporter.themes import Theme

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

WIDTH, HEIGHT = 1600, 2560
DEFAULT_STYLE = {
    "background": "#f4efe4",
    "foreground": "#222222",
    "accent": "#8b2e1f",
    "font": "Georgia, 'Times New Roman', serif",
}
# An average glyph is about half an em wide in the book faces the themes use.
_EM_RATIO = 0.52


def cover_for(doc: Document, theme: Theme) -> Asset:
    """Return the cover image: the one the document names, else a generated SVG."""
    if doc.cover is not None:
        return doc.cover
    svg = generated_cover(doc, cover_style(theme))
    return Asset("images/cover.svg", theme.path / "theme.toml", "image/svg+xml", svg)


def cover_style(theme: Theme) -> dict[str, str]:
    """Return the theme's cover colours and font, with defaults for what it leaves out."""
    try:
        table = tomllib.loads((theme.path / "theme.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        table = {}
    style = table.get("cover", {})
    return {k: str(style.get(k, v)) for k, v in DEFAULT_STYLE.items()}


def generated_cover(doc: Document, style: dict[str, str]) -> bytes:
    """Return an SVG cover showing the title, subtitle and authors."""
    meta = doc.metadata
    margin = WIDTH // 10
    size, lines = _fit(meta.title or "Untitled", WIDTH - 2 * margin, max_size=190, max_lines=5)
    y = int(HEIGHT * 0.30)
    parts = [
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{_a(style["background"])}"/>',
        f'<rect x="{margin // 2}" y="{margin // 2}" width="{WIDTH - margin}" '
        f'height="{HEIGHT - margin}" fill="none" stroke="{_a(style["accent"])}" '
        'stroke-width="6"/>',
    ]
    for line in lines:
        y += int(size * 1.15)
        parts.append(_text(line, y, size, style["foreground"], "700"))
    y += int(size * 0.8)
    parts.append(
        f'<rect x="{WIDTH // 2 - 120}" y="{y}" width="240" height="10" '
        f'fill="{_a(style["accent"])}"/>'
    )
    if meta.subtitle:
        sub_size, sub_lines = _fit(meta.subtitle, WIDTH - 2 * margin, max_size=90, max_lines=3)
        y += int(sub_size * 0.6)
        for line in sub_lines:
            y += int(sub_size * 1.25)
            parts.append(_text(line, y, sub_size, style["foreground"], "400", italic=True))
    if meta.authors:
        names = ", ".join(meta.authors)
        auth_size, auth_lines = _fit(names, WIDTH - 2 * margin, max_size=100, max_lines=2)
        y = int(HEIGHT * 0.86) - int(auth_size * 1.25) * (len(auth_lines) - 1)
        for line in auth_lines:
            parts.append(_text(line, y, auth_size, style["accent"], "400"))
            y += int(auth_size * 1.25)
    body = "\n".join(parts)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" font-family="{_a(style["font"])}">\n'
        f"<title>{escape(meta.title or 'Untitled')}</title>\n{body}\n</svg>\n"
    ).encode()


def _fit(text: str, width: int, *, max_size: int, max_lines: int) -> tuple[int, list[str]]:
    """Return the largest font size (down to a third of ``max_size``) and the lines."""
    size = max_size
    while True:
        chars = max(8, int(width / (size * _EM_RATIO)))
        lines = textwrap.wrap(text, chars, break_long_words=True) or [text]
        if len(lines) <= max_lines or size <= max_size // 3:
            return size, lines[:max_lines]
        size = int(size * 0.9)


def _text(line: str, y: int, size: int, colour: str, weight: str, italic: bool = False) -> str:
    style = ' font-style="italic"' if italic else ""
    return (
        f'<text x="{WIDTH // 2}" y="{y}" font-size="{size}" font-weight="{weight}"{style} '
        f'fill="{_a(colour)}" text-anchor="middle">{escape(line, quote=False)}</text>'
    )


def _a(value: str) -> str:
    return escape(value, quote=True)
