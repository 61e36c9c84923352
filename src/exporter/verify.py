"""Check finished outputs before they are handed over: the last line of defence.

A PDF must carry no embedded file, no JavaScript and no launch action, whatever the source
tried; an EPUB must open as a zip whose first entry is ``mimetype``, stored uncompressed, with
a container, a package document and a navigation document. A failure here is exporter's
own bug (the stages before should have stopped it), so it fails the build loudly.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from exporter.errors import ExporterError

EPUB_MIMETYPE = b"application/epub+zip"
_PDF_FORBIDDEN_KEYS = {"/EmbeddedFiles", "/EmbeddedFile", "/JavaScript", "/JS", "/AA"}
_PDF_FORBIDDEN_VALUES = {"/Launch", "/JavaScript", "/FileAttachment", "/EmbeddedFile"}


class VerifyError(ExporterError):
    """A finished output broke a rule it must keep: a bug in exporter, exit code 1."""

    exit_code = 1


def check(fmt: str, data: bytes) -> None:
    """Check the bytes of one output format; raise VerifyError when they break a rule."""
    if fmt == "pdf":
        check_pdf(data)
    elif fmt == "epub":
        check_epub(data)


def check_pdf(data: bytes) -> None:
    """Refuse a PDF with embedded files, JavaScript or launch actions in any object."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if not data.startswith(b"%PDF-"):
        raise VerifyError("internal: the PDF writer produced no PDF")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        size = int(reader.trailer["/Size"])
        objects = [reader.trailer, *(reader.get_object(n) for n in range(1, size))]
    except Exception as exc:  # pypdf's own error types vary between versions
        raise VerifyError(f"internal: the PDF cannot be read back ({exc})") from None
    stack = [o for o in objects if o is not None]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            continue
        if isinstance(node, DictionaryObject):
            bad = _PDF_FORBIDDEN_KEYS & set(node.keys())
            bad |= {str(v) for v in node.values() if not isinstance(v, IndirectObject)
                    and str(v) in _PDF_FORBIDDEN_VALUES}  # fmt: skip
            if bad:
                raise VerifyError(
                    f"internal: the PDF contains {', '.join(sorted(bad))}; it was not "
                    "written. Please report this as a bug."
                )
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)


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
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(archive.read(opf_path))
        navs = [i for i in opf.iter("{*}item") if "nav" in (i.get("properties") or "").split()]
        if not navs:
            problems.append("the package has no navigation document")
        base = opf_path.rpartition("/")[0]
        for nav in navs:
            archive.read(f"{base}/{nav.get('href')}" if base else nav.get("href"))
    except (zipfile.BadZipFile, KeyError, IndexError, AttributeError, etree.XMLSyntaxError) as exc:
        problems = [f"it cannot be re-opened ({exc})"]
    if problems:
        raise VerifyError(
            f"internal: the EPUB is broken: {'; '.join(problems)}. It was not written; "
            "please report this as a bug."
        )
