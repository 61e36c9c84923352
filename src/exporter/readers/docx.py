"""Read a Word .docx manuscript (mammoth): its body as HTML, its media, its properties.

The zip is checked before mammoth opens it (``docx_package``). mammoth maps Word's styles to
HTML through the style map below; its footnotes and endnotes are rewritten into the
Python-Markdown shape the cleaning stage turns into real notes, and its images are handed
over as ``files``. Comments and tracked deletions never reach the HTML: mammoth skips
``w:del`` runs and, without a ``comment-reference`` mapping, comments. A style the map does
not know is one warning naming it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from typing import Any
from xml.parsers.expat import ExpatError

from exporter.errors import SourceError
from exporter.formats import RawChapter, SourceText
from exporter.guard.resources import IMAGE_SUFFIXES
from exporter.readers.docx_notes import shape_html
from exporter.readers.docx_package import core_metadata, open_package

log = logging.getLogger("exporter")


def _headings() -> str:
    # Title is the document's title (h1); Heading N sits below it, so the first Heading 1 is
    # a section, not the book's title. HTML stops at h6: Heading 5 to 9 share it.
    lines = []
    for n in range(1, 10):
        level = min(n + 1, 6)
        lines.append(f"p[style-name='Heading {n}'] => h{level}:fresh")
        lines.append(f"p.Heading{n} => h{level}:fresh")
    return "\n".join(lines)


# Word's built-in names (matched without regard to case), pandoc's DOCX styles, and ids
# for the styles python-docx and others reference without defining them.
STYLE_MAP = f"""
p[style-name='Title'] => h1.title:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
{_headings()}
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Block Text'] => blockquote > p:fresh
p[style-name='Code'] => pre:separator('\\n')
p[style-name='Source Code'] => pre:separator('\\n')
p[style-name='HTML Preformatted'] => pre:separator('\\n')
p[style-name='Plain Text'] => pre:separator('\\n')
p[style-name='Caption'] => p.caption:fresh
p[style-name='Image Caption'] => p.caption:fresh
p[style-name='Table Caption'] => p.caption:fresh
p[style-name='List Paragraph'] => p:fresh
p[style-name='No Spacing'] => p:fresh
p[style-name='Body Text'] => p:fresh
p[style-name='First Paragraph'] => p:fresh
p[style-name='Compact'] => p:fresh
p[style-name='Normal (Web)'] => p:fresh
p.FootnoteText => p:fresh
p.EndnoteText => p:fresh
p.CommentText => p:fresh
# The book makes its own table of contents: Word's is page numbers and links to them.
p[style-name='TOC Heading'] => !
{chr(10).join(f"p[style-name='toc {n}'] => !" for n in range(1, 10))}
r[style-name='Emphasis'] => em
r[style-name='Subtle Emphasis'] => em
r[style-name='Intense Emphasis'] => strong
r[style-name='Book Title'] => cite
r[style-name='Code Char'] => code
r[style-name='HTML Code'] => code
r[style-name='Verbatim Char'] => code
r[style-name='Subtle Reference'] =>
r[style-name='Intense Reference'] =>
r[style-name='Placeholder Text'] =>
r.FootnoteReference =>
r.EndnoteReference =>
r.CommentReference =>
small-caps => span.smallcaps
strike => s
# A table's style is only borders and shading; its structure is kept, the theme styles it.
table => table:fresh
"""

_UNRECOGNISED = re.compile(r"Unrecognised (\w+) style: (.*) \(Style ID: (.*)\)$")
_UNDEFINED = re.compile(r"\w+ style with ID .* was referenced but not defined")
# Word may also hold TIFF and BMP: named so, then refused by the image check with its reason.
_EXTENSIONS = {**IMAGE_SUFFIXES, "image/tiff": "tif", "image/bmp": "bmp"}
_VECTOR_TYPES = ("image/x-emf", "image/x-wmf", "image/emf", "image/wmf")


def read(src: SourceText) -> RawChapter:
    """Return a .docx's body as an HTML fragment, its embedded images and its properties."""
    import mammoth

    with open_package(src.data, src.name) as archive:
        properties = core_metadata(archive, src.name)
    images = _ImageCollector(src.name)
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(src.data),
            style_map=STYLE_MAP,
            convert_image=mammoth.images.img_element(images.convert),
            # A map stored inside the document could show comments or invent markup.
            include_embedded_style_map=False,
            external_file_access=False,  # linked (not embedded) images stay out
        )
    except (LookupError, ValueError, ExpatError, zipfile.BadZipFile, EOFError) as exc:
        raise SourceError(
            f"{src.name}: cannot be read as a Word document ({type(exc).__name__}: {exc}); "
            "open it in Word and save it again as .docx."
        ) from None
    _report(result.messages, src.name)
    html, metadata = shape_html(result.value, properties)
    return RawChapter(html=html, metadata=metadata, files=dict(images.files))


class _ImageCollector:
    """Give each embedded image a generated name in ``files``; EMF/WMF become their alt text."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.files: dict[str, bytes] = {}
        self._by_digest: dict[str, str] = {}

    def convert(self, image: Any) -> dict[str, str]:
        """Return the attributes of the ``<img>`` mammoth writes for one image."""
        with image.open() as stream:
            data = stream.read()
        content_type = (image.content_type or "").lower()
        if content_type in _VECTOR_TYPES or _is_metafile(data):
            alt = image.alt_text or ""
            log.warning(
                "%s: image%s is a Windows metafile (EMF/WMF), which cannot be converted "
                "here; its alt text stands in for it. Save the image as PNG or SVG in the "
                "document to keep it.",
                self.name,
                f" '{alt}'" if alt else "",
            )
            return {"class": "docx-missing-image"}
        digest = hashlib.sha256(data).hexdigest()
        if digest not in self._by_digest:
            ext = _EXTENSIONS.get(content_type, "bin")
            file = f"docx-image-{len(self._by_digest) + 1}.{ext}"
            self._by_digest[digest] = file
            self.files[file] = data
        return {"src": self._by_digest[digest]}


def _is_metafile(data: bytes) -> bool:
    """Tell EMF (" EMF" at byte 40) and WMF (placeable or plain header) from their bytes."""
    emf = data[:4] == b"\x01\x00\x00\x00" and data[40:44] == b" EMF"
    wmf = data[:4] == b"\xd7\xcd\xc6\x9a" or data[:4] in (b"\x01\x00\x09\x00", b"\x02\x00\x09\x00")
    return emf or wmf


def _report(messages: list[Any], name: str) -> None:
    """Log mammoth's messages: one warning per unmapped style, the rest as they come."""
    seen: set[str] = set()  # unmapped styles as "kind:name", other messages as they read
    for message in messages:
        text = str(message.message)
        if _UNDEFINED.match(text) or text.startswith("Image of type"):
            # A style used but not defined is formatting only, and images are checked here.
            log.debug("%s: %s", name, text)
            continue
        match = _UNRECOGNISED.match(text)
        if match:
            kind, style, style_id = match.groups()
            style = style_id if style == "None" else style
            if f"{kind}:{style}" in seen:
                continue
            seen.add(f"{kind}:{style}")
            log.warning(
                "%s: the Word %s style '%s' has no HTML equivalent, so its text is kept "
                "without it; give that text a Heading, Quote or Normal style to change "
                "that, or ignore this warning.",
                name,
                kind,
                style,
            )
        elif text not in seen:
            seen.add(text)
            log.warning("%s: %s", name, text)
