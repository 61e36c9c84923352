"""Check finished outputs before they are handed over: the last line of defence.

A PDF must carry no embedded file, no JavaScript and no launch action, whatever the source
tried; an EPUB must open as a zip whose first entry is ``mimetype``, stored uncompressed, with
a container, a package document and a navigation document. A failure here is exporter's
own bug (the stages before should have stopped it), so it fails the build loudly.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from lxml import etree

from exporter.errors import ExporterError

EPUB_MIMETYPE = b"application/epub+zip"
# Names that embed a file or run code: as keys (/JS, /AA) or as values (/S /Launch).
_FORBIDDEN = re.compile(
    rb"/(EmbeddedFiles|EmbeddedFile|FileAttachment|JavaScript|JS|AA|Launch)(?=[\s/<>\[\]()%]|$)"
)
# "stream" opening a stream's data (not the end of "endstream").
_STREAM = re.compile(rb"(?<![A-Za-z])stream\r?\n")
_LENGTH = re.compile(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)")
# String literals, where any text (a title naming "/JS") may stand: one level of nesting.
_LITERAL = re.compile(rb"\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)", re.DOTALL)


class VerifyError(ExporterError):
    """A finished output broke a rule it must keep: a bug in exporter, exit code 1."""

    exit_code = 1


def check_written(fmt: str, made: bytes, read_back: bytes) -> None:
    """Check a file read back before its rename: the bytes made, and an EPUB that opens.

    The PDF was checked where it was made; parsing it again here would double the cost
    for nothing that byte equality does not prove.
    """
    if read_back != made:
        raise VerifyError("internal: the file read back differs from what was written")
    if fmt == "epub":
        check_epub(read_back)


def check_pdf(data: bytes) -> None:
    """Refuse a PDF with embedded files, JavaScript or launch actions in any object.

    It reads the PDF's object syntax itself rather than through pypdf, whose import alone
    costs more than a short article's layout: every dictionary is in the file's plain text
    or in a compressed object stream, so those are scanned for the forbidden names, with
    string literals and the contents of other streams (text, images) left out.
    """
    if not data.startswith(b"%PDF-"):
        raise VerifyError("internal: the PDF writer produced no PDF")
    try:
        syntax = _object_syntax(data)
    except (zlib.error, ValueError) as exc:
        raise VerifyError(f"internal: the PDF cannot be read back ({exc})") from None
    bad = sorted({"/" + m.group(1).decode() for m in _FORBIDDEN.finditer(syntax)})
    if bad:
        raise VerifyError(
            f"internal: the PDF contains {', '.join(bad)}; it was not written. "
            "Please report this as a bug."
        )


def _object_syntax(data: bytes) -> bytes:
    """Return the PDF's objects as text: stream data cut out, object streams unpacked."""
    parts, pos = [], 0
    for match in _STREAM.finditer(data):
        start = match.end()
        if start <= pos:
            continue
        obj = data.rfind(b" obj", pos, match.start())
        head = data[obj if obj != -1 else pos : match.start()]
        length = _LENGTH.search(head)
        end = start + int(length.group(1)) if length else data.find(b"endstream", start)
        if end < start:
            raise ValueError("a stream has no end")
        parts.append(data[pos : match.start()])
        if b"/ObjStm" in head:  # compressed objects: dictionaries live here
            body = data[start:end]
            parts.append(zlib.decompress(body) if b"/FlateDecode" in head else body)
        pos = end
    parts.append(data[pos:])
    return _LITERAL.sub(b"()", b"\n".join(parts))


def check_epub(data: bytes) -> None:
    """Re-open an EPUB: mimetype first and stored, container, package and nav present."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        first = archive.infolist()[0]
        problems = []
        if first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
            problems.append("mimetype is not the first entry, stored")
        elif archive.read("mimetype") != EPUB_MIMETYPE:
            problems.append("mimetype has the wrong content")
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        rootfile = container.find(".//{*}rootfile")
        opf_path = rootfile.get("full-path") if rootfile is not None else None
        if opf_path is None:
            raise KeyError("META-INF/container.xml names no package document")
        opf = etree.fromstring(archive.read(opf_path))
        navs = [i for i in opf.iter("{*}item") if "nav" in (i.get("properties") or "").split()]
        if not navs:
            problems.append("the package has no navigation document")
        base = opf_path.rpartition("/")[0]
        for nav in navs:
            href = nav.get("href")
            if href is None:
                raise KeyError("the navigation document's manifest item has no href")
            archive.read(f"{base}/{href}" if base else href)
    except (zipfile.BadZipFile, KeyError, IndexError, AttributeError, etree.XMLSyntaxError) as exc:
        problems = [f"it cannot be re-opened ({exc})"]
    if problems:
        raise VerifyError(
            f"internal: the EPUB is broken: {'; '.join(problems)}. It was not written; "
            "please report this as a bug."
        )
