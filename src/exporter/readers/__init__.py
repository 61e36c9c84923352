"""Readers turn one source's text into a raw HTML fragment and the metadata it declares.

Each reader is a function ``read(text) -> (html, Metadata)`` keyed by file suffix; decoding
the bytes and cleaning the HTML are shared steps (``decode`` here, ``content`` after).
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from exporter.errors import SourceError, UsageError
from exporter.model import Metadata

log = logging.getLogger("exporter")

Reader = Callable[[str], "tuple[str, Metadata]"]

SUFFIXES = {".md": "md", ".markdown": "md", ".txt": "txt", ".html": "html", ".htm": "html"}
KINDS = ("md", "txt", "html")

# BOMs other than UTF-8's, longest first (UTF-32 LE starts like UTF-16 LE).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 and C1 controls other than tab, line feed and carriage return: invisible, and some of
# them are not allowed in XML at all.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def kind_of(path: Path) -> str:
    """Return the reader kind for a file name, or fail naming the supported suffixes."""
    try:
        return SUFFIXES[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(SUFFIXES))
        raise SourceError(
            f"{path}: unsupported file type '{path.suffix or '(none)'}'. "
            f"Supported: {known}. Rename the file with one of those suffixes."
        ) from None


def reader_for(kind: str) -> Reader:
    """Return the read function for a kind (md, txt or html); imports it lazily."""
    if kind == "md":
        from exporter.readers.markdown import read
    elif kind == "txt":
        from exporter.readers.text import read
    elif kind == "html":
        from exporter.readers.html import read
    else:
        raise UsageError(f"Unknown source kind '{kind}'. Use one of: {', '.join(KINDS)}.")
    return read


def check_encoding(encoding: str) -> str:
    """Return a codec name Python knows, or fail naming the option."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise UsageError(
            f"Unknown encoding '{encoding}'. Use a Python codec name such as utf-8, cp1252 "
            "or latin-1."
        ) from None


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode a source's bytes: a BOM wins, then ``encoding``, else strict UTF-8.

    Fails with the byte offset of the first bad byte, and removes control characters with a
    warning (they are invisible and not allowed in XML).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], codec
            break
    codec = encoding or "utf-8"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        hint = "pass the right --encoding" if encoding else "pass --encoding (e.g. cp1252)"
        raise SourceError(
            f"{name}: not valid {codec} at byte {exc.start} "
            f"(0x{data[exc.start]:02x}); {hint} if the file uses another encoding."
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned, count = _CONTROLS.subn("", text)
    if count:
        log.warning("%s: removed %d control character(s)", name, count)
    if not cleaned.strip():
        raise SourceError(f"{name}: the source is empty. Give it some text.")
    return unicodedata.normalize("NFC", cleaned)
