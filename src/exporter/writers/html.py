"""Write one standalone HTML file: the theme's CSS inlined and images as data: URLs."""

from __future__ import annotations

import base64

from exporter.rendering import render_document
from exporter.model import Document


def write_html(doc: Document, css: str, *, note_numbering: str = "chapter") -> bytes:
    """Return the publication as a single self-contained HTML page."""
    html = render_document(doc, "html", css=css, note_numbering=note_numbering)
    for asset in doc.assets:
        data = base64.b64encode(asset.data).decode("ascii")
        html = html.replace(f'src="{asset.name}"', f'src="data:{asset.media_type};base64,{data}"')
    return html.encode("utf-8")
