"""Write one standalone HTML file: the theme's CSS inlined and images as data: URLs."""

from __future__ import annotations

import base64
from collections.abc import Mapping

from exporter.model import Document
from exporter.rendering import HTML, Target, has_code, render_document
from exporter.settings import Settings
from exporter.themes import Theme
from exporter.themes.css import stylesheet


def write(doc: Document, theme: Theme, settings: Settings, made: Mapping[str, bytes]) -> bytes:
    """Return the publication as a single self-contained HTML page."""
    css = stylesheet(theme, HTML.stylesheet, code=has_code(doc))
    html = render_document(doc, Target.of(HTML, theme, settings), css)
    for asset in doc.assets:
        data = base64.b64encode(asset.data).decode("ascii")
        html = html.replace(f'src="{asset.name}"', f'src="data:{asset.media_type};base64,{data}"')
    return html.encode("utf-8")
