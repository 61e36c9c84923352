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


# Files people rename or pass by mistake; latin-1 decodes any bytes, so it would take them.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a zip archive (DOCX, EPUB, ...)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
)
_BINARY_CONTROLS = re.compile(b"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_SAMPLE = 8192  # how much of the start the NUL count looks at, as git's binary check does


def _refuse_binary(data: bytes, name: str, codec: str) -> None:
    """Fail when the bytes are plainly not text: a known file signature, or many NULs.

    A stray NUL or two in a real text file is removed later with a warning; when control
    bytes (NUL, ...; not tab, line breaks or escape) are over 5% of the first 8 KB the file is
    binary: random bytes have about 10%, text none (UTF-16 and UTF-32 excepted, where NULs
    are half the bytes of ASCII text).
    """
    kind = next((what for magic, what in _SIGNATURES if data.startswith(magic)), None)
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        kind = "a WebP image"
    if kind is None and not codec.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
        controls = len(_BINARY_CONTROLS.findall(data[:_SAMPLE]))
        if controls > max(4, min(len(data), _SAMPLE) // 20):
            kind = "binary data (NUL and other control bytes)"
    if kind:
        raise SourceError(
            f"{name}: this is {kind}, not a text source; give the Markdown, text or HTML "
            "file (a DOCX is read by its .docx suffix or --from docx)."
        )


def check_encoding(encoding: str) -> str:
    """Return a codec name Python knows, or fail naming the option."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise UsageError(
            f"Unknown encoding '{encoding}'. Use a Python codec name such as utf-8, cp1252 "
            "or latin-1."
        ) from None


_XML_DECLARATION = re.compile(rb"""<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z][\w.:-]*)["']""")


def _declared(data: bytes, name: str) -> str | None:
    """Return the codec an XML declaration (``<?xml ... encoding="..."?>``) names, if any:
    an XHTML file says how it is encoded, and XML readers take its word for it."""
    match = _XML_DECLARATION.match(data[:200])
    if match is None:
        return None
    declared = match.group(1).decode("ascii")
    try:
        return codecs.lookup(declared).name
    except LookupError:
        raise SourceError(
            f"{name}: its XML declaration names the encoding '{declared}', which Python does "
            "not know; fix the declaration or pass --encoding."
        ) from None


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode a source's bytes: a BOM wins, then ``encoding``, then the encoding an XML
    declaration names, else strict UTF-8.

    Fails with the byte offset of the first bad byte, and removes control characters with a
    warning (they are invisible and not allowed in XML).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], codec
            break
    codec = encoding or _declared(data, name) or "utf-8"
    _refuse_binary(data, name, codec)
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
