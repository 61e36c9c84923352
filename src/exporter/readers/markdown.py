"""Read Markdown with YAML front matter through Python-Markdown and its extensions."""

from __future__ import annotations

import re
from typing import Any

import markdown
import yaml

from exporter.errors import SourceError
from exporter.model import Metadata
from exporter.readers.meta import metadata_from_mapping

# Heading anchors are not the toc extension's: the cleaning stage gives every heading of
# every reader an id that is unique in the whole publication.
EXTENSIONS = [
    "tables",
    "footnotes",
    "fenced_code",
    "codehilite",
    "attr_list",
    "def_list",
    "abbr",
    "smarty",
    "sane_lists",
]
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    # Pygments classes under .highlight; the theme supplies the palette.
    "codehilite": {"css_class": "highlight", "guess_lang": False},
    # Numbers only: the back-link text is the renderer's business.
    "footnotes": {"BACKLINK_TEXT": "", "SUPERSCRIPT_TEXT": "{}"},
}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def read(text: str) -> tuple[str, Metadata]:
    """Convert Markdown to an HTML fragment; front matter gives the metadata."""
    values, body = _split_front_matter(text)
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    html = md.convert(body)
    return html, metadata_from_mapping(values, "front matter") if values else Metadata()


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        values = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        # The context mark points at the construct that is open (an unclosed bracket), the
        # problem mark at where the parser gave up, often the end of the block.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise SourceError(
            f"front matter is not valid YAML{where}: {getattr(exc, 'problem', exc)}. "
            "Fix the block between the '---' lines."
        ) from None
    if not isinstance(values, dict):
        raise SourceError("front matter must be a mapping of 'key: value' lines.")
    # Keep the line numbers of the body equal to the file's for later messages.
    body = "\n" * match.group(0).count("\n") + text[match.end() :]
    return values, body
