"""Read an HTML fragment or document: the body's content, and metadata from the head."""

from __future__ import annotations

import re

import lxml.html

from exporter.errors import SourceError
from exporter.formats import RawChapter, SourceText
from exporter.readers.meta import metadata_from_mapping

# <meta name=...> spellings seen in the wild, mapped onto front-matter keys.
_META_NAMES = {
    "author": "author",
    "dc.creator": "author",
    "dcterms.creator": "author",
    "description": "description",
    "dc.description": "description",
    "keywords": "keywords",
    "dc.subject": "keywords",
    "dc.date": "date",
    "dcterms.date": "date",
    "dcterms.created": "date",
    "date": "date",
    "dc.rights": "rights",
    "dc.publisher": "publisher",
    "dc.identifier": "identifier",
    "dc.language": "lang",
    "dc.title": "title",
}

_XML_DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]*\?>")


def read(src: SourceText) -> RawChapter:
    """Return the body's inner HTML and the metadata the head declares."""
    try:
        # The text is already decoded: an XHTML file's <?xml encoding="..."?> has done its
        # job, and lxml refuses a str that still carries one.
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", src.text, count=1))
    except (lxml.etree.ParserError, ValueError) as exc:
        raise SourceError(f"cannot parse the HTML: {exc}") from None
    values: dict[str, object] = {}
    title = root.findtext(".//head/title")
    if title and title.strip():
        values["title"] = " ".join(title.split())
    for meta in root.iterfind(".//head/meta"):
        key = _META_NAMES.get((meta.get("name") or "").lower())
        content = (meta.get("content") or "").strip()
        if key and content:
            values[key] = content
    if root.get("lang"):
        values.setdefault("lang", root.get("lang"))
    body = root.find("body")
    if body is None:
        return RawChapter("", metadata_from_mapping(values, "head"))
    inner = (body.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in body
    )
    return RawChapter(inner, metadata_from_mapping(values, "head"))
