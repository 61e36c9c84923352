"""Decode a source's bytes into the text readers take: one encoding rule for every reader."""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata

from exporter.errors import SourceError, UsageError

log = logging.getLogger("exporter")

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
