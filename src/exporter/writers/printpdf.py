"""The print-ready parts of a PDF: bleed and marks in CSS, then boxes and output intent.

WeasyPrint lays out ``@page { bleed; marks: crop cross }``: the MediaBox grows by the CSS
bleed, the TrimBox is the page, and the marks are drawn in the outer half of that margin.
So that the marks stay outside the printed bleed (3 mm), the CSS bleed is the bleed plus a
slug of at least 3 mm, and this module sets the BleedBox to exactly the bleed (WeasyPrint
puts it at most 10 pt out). WeasyPrint's PDF/X variants write no output intent unless one
is asked for: sRGB (the ICC profile it ships) is given, or the user's profile is put in.
WeasyPrint does not convert colours to CMYK, so PDF/X-1a, which allows CMYK only, is
refused for a PDF that draws in RGB.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pydyf

from exporter.errors import UsageError
from exporter.press import PT, PrintSpec

SLUG = 3 * PT["mm"]  # the least room for marks beyond the bleed
_RGB_OPS = (b" rg\n", b" RG\n", b" rg ", b" RG ")


def css_bleed(press: PrintSpec, page_css: str) -> float:
    """Return the CSS bleed in points: the bleed, plus a slug for the marks when drawn."""
    bleed = press.bleed_for(page_css)
    return bleed + max(bleed, SLUG) if press.marks else bleed


def page_rules(press: PrintSpec, page_css: str) -> str:
    """Return the @page rule that gives every page its bleed and marks."""
    marks = "crop cross" if press.marks else "none"
    return f"\n@page {{ bleed: {css_bleed(press, page_css):.3f}pt; marks: {marks}; }}\n"


def write_options(press: PrintSpec | None, variant: str) -> dict[str, Any]:
    """Return WeasyPrint's write_pdf options for a PDF/X: sRGB as output intent by default."""
    if variant.startswith("pdf/x") and not (press and press.output_intent):
        return {"output_intent": "srgb"}
    return {}


def finish(
    pdf: pydyf.PDF, press: PrintSpec | None, page_css: str, variant: str, ident: bytes
) -> None:
    """Set the BleedBox to the bleed, put the output intent in, refuse RGB in a PDF/X-1a.

    ``ident`` (the PDF's stable identifier) also becomes the XMP DocumentID that WeasyPrint
    draws at random for a PDF/X, so that the same book gives the same bytes.
    """
    if variant == "pdf/x-1a":
        _refuse_rgb(pdf, marks=bool(press and press.marks))
        _check_x1a_intent(press)
    if variant.startswith("pdf/x"):
        _stable_document_id(pdf, ident)
    if press is None:
        return
    bleed = press.bleed_for(page_css)
    for page in _pages(pdf):
        left, bottom, right, top = (float(v) for v in page["TrimBox"])
        page["BleedBox"] = pydyf.Array([left - bleed, bottom - bleed, right + bleed, top + bleed])
    if press.output_intent:
        _intent(pdf, press)


def _check_x1a_intent(press: PrintSpec | None) -> None:
    """Fail unless a PDF/X-1a has a CMYK output intent (the only kind it may have)."""
    if press is None or press.intent_colours() != 4:
        raise UsageError(
            "--pdf-variant pdf/x-1a needs a CMYK output intent: give --output-intent with "
            "your printer's CMYK .icc profile, or use pdf/x-4."
        )


def _stable_document_id(pdf: pydyf.PDF, ident: bytes) -> None:
    """Replace the random xmp.did UUID in the XMP metadata with one made from ``ident``."""
    number = int(bytes(pdf.catalog.get("Metadata", b"0 0 R")).split()[0])
    stream = pdf.objects[number] if 0 < number < len(pdf.objects) else None
    if isinstance(stream, pydyf.Stream) and stream.stream:
        stable = f"xmp.did:{uuid.UUID(hex=ident.decode()[:32])}".encode()
        stream.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", stable, part) for part in stream.stream]


def _pages(pdf: pydyf.PDF) -> list[pydyf.Dictionary]:
    return [
        obj
        for obj in pdf.objects
        if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page"
    ]


def _intent(pdf: pydyf.PDF, press: PrintSpec) -> None:
    """Make the user's ICC profile the PDF's one output intent."""
    profile = pydyf.Stream(
        [press.output_intent], pydyf.Dictionary({"N": press.intent_colours()}), compress=True
    )
    pdf.add_object(profile)
    name = pydyf.String(press.intent_name or "Custom")
    intent = pydyf.Dictionary(
        {
            "Type": "/OutputIntent",
            "S": "/GTS_PDFX",
            "OutputConditionIdentifier": name,
            "Info": name,
            "DestOutputProfile": profile.reference,
        }
    )
    pdf.catalog["OutputIntents"] = pydyf.Array([intent])


def _refuse_rgb(pdf: pydyf.PDF, marks: bool) -> None:
    """Fail when the PDF draws in RGB: its page content or its images.

    WeasyPrint draws crop and cross marks in RGB (an SVG stroked "black"), so a PDF/X-1a
    with marks is always refused; the message says so when marks were asked for.
    """
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Stream):
            continue
        if obj.extra.get("ColorSpace") == "/DeviceRGB" or any(
            op in _content(obj) for op in _RGB_OPS
        ):
            marked = ", crop marks (WeasyPrint draws them in RGB: add --no-marks)" if marks else ""
            raise UsageError(
                "--pdf-variant pdf/x-1a allows CMYK colours only, and this PDF has RGB ones "
                f"(the theme's colours, images{marked}; WeasyPrint does not convert them). "
                "Use --pdf-variant pdf/x-4 (the --print default)."
            )


def _content(stream: pydyf.Stream) -> bytes:
    parts = getattr(stream, "stream", [])
    return b"\n".join(p if isinstance(p, bytes) else str(p).encode() for p in parts) + b"\n"
