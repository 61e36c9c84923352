"""Open a DOCX as the zip it is, within limits, before any XML parser sees it; read its properties.

A DOCX is a zip of XML parts and media. A few KB of zip can inflate to gigabytes, and a part
can carry a DOCTYPE with entities, so the archive is checked from its directory first (entry
count, sizes, compression ratio, encryption, compression method), then every XML part is
checked for a DOCTYPE. Python's zipfile never returns more bytes than an entry declares (it
stops at the declared size and checks the CRC), so the declared sizes are safe upper bounds.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from exporter.errors import LimitError, SourceError
from exporter.guard.policy import MiB, current
from exporter.model import Metadata

MAX_ENTRIES = 10_000  # Word writes a few dozen; a book with many images a few hundred
# Everything unpacked, media included, and any one XML part, as multiples of the source
# limit (5 MiB by default: 100 MiB and 10 MiB). mammoth took 16 s and 200 MiB of memory for
# a 3.8 MB document.xml (20,000 paragraphs), so the XML bound is what keeps reading in time.
UNPACKED_FACTOR = 20
XML_PART_FACTOR = 2
# Deflate cannot do better than about 1030:1, and zip bombs sit near that. A legitimate
# python-docx file with a 2,000-row empty table reached 222:1, so 100:1 would refuse real
# manuscripts; the unpacked-size bound above catches what this ratio lets through.
MAX_RATIO = 500
RATIO_FLOOR = 1 * MiB  # small entries may compress as well as they like

DOCUMENT_PART = "word/document.xml"
CORE_PART = "docProps/core.xml"
# A password-protected DOCX and an old binary .doc are OLE compound files, not zips.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}


@dataclass(frozen=True)
class Limits:
    """The bounds one DOCX is held to, derived from the build's policy."""

    entries: int
    unpacked: int
    xml_part: int

    @classmethod
    def from_policy(cls) -> Limits:
        """Return the limits for the current policy's source size."""
        source = current().max_source_bytes
        return cls(MAX_ENTRIES, UNPACKED_FACTOR * source, XML_PART_FACTOR * source)


def open_package(data: bytes, name: str) -> zipfile.ZipFile:
    """Return the DOCX's zip once its directory and XML parts are within the limits."""
    if data.startswith(_OLE_MAGIC):
        raise SourceError(
            f"{name}: is a password-protected document or an old Word .doc file, not a .docx; "
            "open it in Word and save it as .docx without a password."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise SourceError(
            f"{name}: not a Word .docx document (it is not a zip archive); "
            "save it from your word processor as .docx."
        ) from None
    infos = archive.infolist()
    limits = Limits.from_policy()
    _check_directory(infos, name, limits)
    if DOCUMENT_PART not in archive.namelist():
        raise SourceError(
            f"{name}: not a Word .docx document (it has no {DOCUMENT_PART}); "
            "save it from your word processor as .docx."
        )
    for info, part in _xml_parts(archive, infos, name, limits.xml_part):
        if b"<!DOCTYPE" in part or b"<!ENTITY" in part:
            raise SourceError(
                f"{name}: its part '{info.filename}' declares a DOCTYPE, which Word never "
                "writes; open the document in Word and save it again."
            )
    return archive


def _check_directory(infos: list[zipfile.ZipInfo], name: str, limits: Limits) -> None:
    """Refuse archives whose directory promises too much, or that we could not read."""
    if len(infos) > limits.entries:
        raise LimitError(
            f"{name}: the .docx holds {len(infos):,} files, over the limit of "
            f"{limits.entries:,}; it is not a normal Word document."
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise SourceError(
                f"{name}: '{info.filename}' inside the .docx is encrypted; "
                "save the document without a password."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise SourceError(
                f"{name}: '{info.filename}' inside the .docx uses a compression Word never "
                "writes; open the document in Word and save it again."
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise LimitError(
                f"{name}: '{info.filename}' inside the .docx inflates {ratio:,.0f} times "
                f"(over the limit of {MAX_RATIO}:1); this looks like a zip bomb."
            )
        total += info.file_size
    if total > limits.unpacked:
        raise LimitError(
            f"{name}: the .docx unpacks to {total:,} bytes, over the limit of "
            f"{limits.unpacked:,}; split it into chapters or shrink its images "
            "(or raise --max-input-size)."
        )


def _xml_parts(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str, limit: int
) -> Iterator[tuple[zipfile.ZipInfo, bytes]]:
    """Yield each XML part's bytes, refusing one larger than the XML limit."""
    for info in infos:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        if info.file_size > limit:
            raise LimitError(
                f"{name}: '{info.filename}' inside the .docx is {info.file_size:,} bytes, "
                f"over the limit of {limit:,} for one part; split the document into "
                "chapters (or raise --max-input-size)."
            )
        yield info, read_part(archive, info.filename, name)


def read_part(archive: zipfile.ZipFile, part: str, name: str) -> bytes:
    """Return one part's bytes; a damaged entry is the source's fault, not ours."""
    try:
        return archive.read(part)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise SourceError(
            f"{name}: '{part}' inside the .docx is damaged ({exc}); "
            "open the document in Word and save it again."
        ) from None


def core_metadata(archive: zipfile.ZipFile, name: str) -> Metadata:
    """Return what docProps/core.xml says (title, authors, language, date, ...), if anything."""
    if CORE_PART not in archive.namelist():
        return Metadata()
    # No entities, no network, no huge trees: the part is untrusted like the rest.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(read_part(archive, CORE_PART, name), parser)
    except etree.XMLSyntaxError:
        return Metadata()  # Word rewrites a broken core.xml; the text is still worth reading

    def text(path: str) -> str:
        return " ".join((root.findtext(path, default="", namespaces=_NS) or "").split())

    # Word joins several authors with ";" and never uses "," as a separator ("Doe, Jane").
    authors = tuple(a.strip() for a in text("dc:creator").split(";") if a.strip())
    keywords = text("cp:keywords").replace(";", ",")
    created = text("dcterms:created")
    return Metadata(
        title=text("dc:title"),
        authors=authors,
        lang=text("dc:language"),
        date=created[:10] if len(created) >= 10 else created,
        description=text("dc:description") or text("dc:subject"),
        keywords=tuple(k.strip() for k in keywords.split(",") if k.strip()),
    )
