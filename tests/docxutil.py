"""Build .docx manuscripts for the reader's tests with python-docx (and its oxml layer).

python-docx has no API for footnotes, endnotes or tracked changes, so those are written as
WordprocessingML into the document and into their own parts, as Word writes them.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from PIL import Image

W = nsdecls("w")
# The smallest header EMF readers accept: record type 1, " EMF" at byte 40.
EMF = b"\x01\x00\x00\x00\x58\x00\x00\x00" + b"\x00" * 32 + b" EMF" + b"\x00" * 44


def png(width: int = 4, height: int = 3, colour: str = "red") -> bytes:
    """Return a small PNG made with Pillow."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def new_document() -> Document:
    """Return an empty document whose properties say only its date (the template's say more)."""
    document = docx.Document()
    props = document.core_properties
    props.author = props.comments = props.subject = props.keywords = props.title = ""
    props.language = ""
    props.created = props.modified = dt.datetime(2024, 5, 6, 7, 8, 9)  # not the template's
    return document


def saved(document: Document) -> bytes:
    """Return the document's .docx bytes."""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_note_call(paragraph, kind: str, note_id: int) -> None:
    """Append a footnote or endnote call to a paragraph, as Word writes it."""
    style = "FootnoteReference" if kind == "footnote" else "EndnoteReference"
    paragraph._p.append(
        parse_xml(
            f'<w:r {W}><w:rPr><w:rStyle w:val="{style}"/></w:rPr>'
            f'<w:{kind}Reference w:id="{note_id}"/></w:r>'
        )
    )


def add_notes_part(document: Document, kind: str, notes: dict[int, str]) -> None:
    """Add word/footnotes.xml or word/endnotes.xml with Word's two separator notes first."""
    tag = kind  # "footnote" or "endnote"
    separators = (
        f'<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>'
        f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        f"<w:continuationSeparator/></w:r></w:p></w:{tag}>"
    )
    bodies = "".join(
        f'<w:{tag} w:id="{n}"><w:p><w:r><w:{tag}Ref/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{tag}>'
        for n, text in notes.items()
    )
    xml = f"<w:{tag}s {W}>{separators}{bodies}</w:{tag}s>"
    content_type = CT.WML_FOOTNOTES if kind == "footnote" else CT.WML_ENDNOTES
    relation = RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES
    part = Part(PackURI(f"/word/{kind}s.xml"), content_type, xml.encode(), document.part.package)
    document.part.relate_to(part, relation)


def add_tracked_changes(paragraph, deleted: str, inserted: str) -> None:
    """Append a tracked deletion and a tracked insertion to a paragraph."""
    stamp = 'w:author="Editor" w:date="2024-01-01T00:00:00Z"'
    paragraph._p.append(
        parse_xml(
            f'<w:del {W} w:id="901" {stamp}><w:r><w:delText>{deleted}</w:delText></w:r></w:del>'
        )
    )
    paragraph._p.append(
        parse_xml(f'<w:ins {W} w:id="902" {stamp}><w:r><w:t>{inserted}</w:t></w:r></w:ins>')
    )


def add_emf_picture(document: Document, alt: str) -> None:
    """Add a picture whose image part is an EMF (python-docx cannot add one itself)."""
    document.add_picture(io.BytesIO(png(colour="blue")))
    inline = document.inline_shapes[-1]._inline
    inline.docPr.set("descr", alt)
    part = Part(PackURI("/word/media/chart.emf"), "image/x-emf", EMF, document.part.package)
    rid = document.part.relate_to(part, RT.IMAGE)
    blip = inline.graphic.graphicData.pic.blipFill.blip
    blip.set("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed", rid)


def rezip(
    data: bytes,
    *,
    extra: dict[str, bytes] | None = None,
    drop: str = "",
    method: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """Return a .docx's entries written again: some dropped, some added, another method."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", method) as dst:
        for info in src.infolist():
            if info.filename != drop:
                dst.writestr(info.filename, src.read(info))
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def set_encrypted_flag(data: bytes, name: str) -> bytes:
    """Return the zip with one entry marked encrypted (zipfile cannot write such entries)."""
    raw = bytearray(data)
    encoded = name.encode()
    at = raw.find(b"PK\x01\x02")  # the first central directory header
    while at != -1:
        name_length = int.from_bytes(raw[at + 28 : at + 30], "little")
        if raw[at + 46 : at + 46 + name_length] == encoded:
            raw[at + 8] |= 0x1
            return bytes(raw)
        at = raw.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{name} not in the zip")
