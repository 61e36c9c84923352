"""Write one standalone HTML file: the theme's CSS and fonts inlined, images as data: URLs.

A book gets its contents as links after the title. The theme's fonts travel inside the
page as ``data:`` URLs, as pandoc's ``--embed-resources`` does, so the page looks the same
on a machine without them; whole files, since subsetting them with fontTools cost about
0.4 s per face (2-3 s a book), more than the rest of the HTML build.
"""

from __future__ import annotations

import base64
import posixpath
import re
from collections.abc import Mapping

from exporter.model import Document
from exporter.rendering import HTML, Target, direction, has_code, render_document
from exporter.settings import Settings
from exporter.themes import Theme, font_files
from exporter.themes.css import screen_css
from exporter.themes.user import user_css

_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")

# EPUB's attributes that a chapter may carry itself (the generated index's epub:type): not
# HTML's, so a page served as text/html goes without them, as the render stage's own do.
_TAG = re.compile(r"<[a-zA-Z][^<>]*>")  # text has its '<' escaped: these are tags
_EPUB_ATTRIBUTES = re.compile(r' (?:epub:type|xmlns:epub)="[^"]*"')


def _without_epub_attributes(html: str) -> str:
    """Return ``html`` with epub:type and the epub prefix taken out of its tags (not text)."""
    if "epub:" not in html:
        return html
    return _TAG.sub(lambda tag: _EPUB_ATTRIBUTES.sub("", tag.group(0)), html)


def write(doc: Document, theme: Theme, settings: Settings, made: Mapping[str, bytes]) -> bytes:
    """Return the publication as a single self-contained HTML page."""
    css = screen_css(theme, HTML.stylesheet, has_code(doc), direction(doc.metadata) == "rtl")
    css = inline_fonts(theme) + "\n" + css + user_css("html", doc.metadata.css, settings.css)
    html = _without_epub_attributes(render_document(doc, Target.of(HTML, theme, settings), css))
    for asset in doc.assets:
        data = base64.b64encode(asset.data).decode("ascii")
        html = html.replace(f'src="{asset.name}"', f'src="data:{asset.media_type};base64,{data}"')
    return html.encode("utf-8")


def inline_fonts(theme: Theme) -> str:
    """Return the theme's ``fonts.css`` with each font file as a ``data:`` URL."""
    files = {name: (data, media_type) for name, data, media_type in font_files(theme)}

    def inline(match: re.Match[str]) -> str:
        data, media_type = files[posixpath.normpath(match.group(1).strip())]
        return f'url("data:{media_type};base64,{base64.b64encode(data).decode("ascii")}")'

    return _URL.sub(inline, theme.css("fonts.css"))
