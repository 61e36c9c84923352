"""Write a Document as plain text: the title, then each block's words on a line."""

from __future__ import annotations

from collections.abc import Mapping

from lxml import html as lxml_html

from exporter.model import Document
from exporter.settings import Settings
from exporter.themes import Theme

BLOCKS = ("h2", "h3", "h4", "p", "li", "tr", "pre")


def write(doc: Document, theme: Theme, settings: Settings, made: Mapping[str, bytes]) -> bytes:
    lines = [doc.metadata.title, ""]
    for chapter in doc.chapters:
        root = lxml_html.fragment_fromstring(chapter.html, create_parent="div")
        for block in root.iter(*BLOCKS):
            if block.tag == "tr":
                lines.append(" | ".join(" ".join(c.text_content().split()) for c in block))
            else:
                lines.append(" ".join(block.text_content().split()))
    return ("\n".join(lines) + "\n").encode("utf-8")
