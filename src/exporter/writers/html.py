"""Write one standalone HTML file: the theme's CSS inlined and images as data: URLs."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping

from exporter.model import Document
from exporter.rendering import HTML, Target, has_code, render_document
from exporter.settings import Settings
from exporter.themes import Theme
from exporter.themes.css import stylesheet

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
    css = stylesheet(theme, HTML.stylesheet, code=has_code(doc))
    html = _without_epub_attributes(render_document(doc, Target.of(HTML, theme, settings), css))
    for asset in doc.assets:
        data = base64.b64encode(asset.data).decode("ascii")
        html = html.replace(f'src="{asset.name}"', f'src="data:{asset.media_type};base64,{data}"')
    return html.encode("utf-8")
