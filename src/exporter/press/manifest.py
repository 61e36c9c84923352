"""Find a book manifest's ``[print]`` profile before the build starts.

Read apart from the book itself (which is read in the build's child): the profile changes
the build's settings (a PDF/X, the cover as a second output), so it is known up front.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

from exporter.book import find_manifest
from exporter.book.files import read_toml
from exporter.book.manifest import is_ours
from exporter.press import PrintSpec, from_table
from exporter.settings import Settings


def manifest_spec(first_source: object) -> PrintSpec | None:
    """Return the ``[print]`` profile of a book manifest of ours given as the source, if any."""
    if not isinstance(first_source, (str, os.PathLike)):
        return None
    manifest = find_manifest(first_source)
    if manifest is None or manifest.suffix != ".toml":
        return None
    data = read_toml(manifest)
    if not is_ours(data) or "print" not in data:
        return None
    return from_table(data["print"], manifest)


def with_print_profile(settings: Settings, sources: Sequence[object]) -> Settings:
    """Return the settings with a book's [print] profile (unless given one) and its cover.

    A print-ready book (``press`` set, its ``cover`` on) also gets the ``cover`` format when
    its PDF is made: NAME-cover.pdf, sized for the interior.
    """
    if not sources:
        return settings
    press = settings.press or manifest_spec(sources[0])
    if press is None:
        return settings
    formats = settings.formats
    book = isinstance(sources[0], (str, os.PathLike)) and find_manifest(sources[0]) is not None
    if press.cover and book and "pdf" in formats and "cover" not in formats:
        formats = (*formats, "cover")
    return replace(settings, press=press, formats=formats)
