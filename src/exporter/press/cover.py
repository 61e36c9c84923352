"""Lay out a full-wrap cover, back, spine and front on one sheet, as HTML and CSS.

The sheet is two trimmed pages and the spine wide (plus the bleed round it) and one page
tall; the spine is the page count times the paper's thickness per page (a leaf is two
pages, so an odd count is rounded up). The front is the book's cover image (scaled to fill
the panel and its bleed) or the cover generated in the theme's style (shown whole on the
theme's cover colour). The spine carries the title and authors, read top to bottom as in
English-language publishing, only when it is at least ``SPINE_TEXT`` wide: print-on-demand
services refuse spine text on thinner books (KDP from 79 pages up). The back has the
description, the publisher and, for a book with an ISBN, its EAN-13 barcode.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from exporter.book.cover import cover_for, cover_style
from exporter.model import Asset, Document
from exporter.press import PT, PrintSpec, ean13
from exporter.rendering.dates import build_date
from exporter.themes import Theme

SPINE_TEXT = 6 * PT["mm"]  # the narrowest spine that carries text
SAFE = 0.375 * PT["in"]  # text stays this far inside the trim (KDP: 0.25 in at least)
SPINE_SAFE = 0.0625 * PT["in"]  # spine text's room on each side (KDP)
BARCODE_NAME = "images/isbn-barcode.svg"
BARCODE_BAND = 30 * PT["mm"]  # the barcode's height and the room above it


@dataclass(frozen=True)
class Sheet:
    """A cover's measures in points: the trimmed page, the spine and the bleed."""

    width: float  # one trimmed page
    height: float
    spine: float
    bleed: float

    @property
    def trim_width(self) -> float:
        """Return the trimmed cover's width: back, spine and front."""
        return 2 * self.width + self.spine

    @property
    def media_width(self) -> float:
        """Return the cover's width with the bleed on both sides."""
        return self.trim_width + 2 * self.bleed

    @property
    def spine_text(self) -> bool:
        """Tell whether the spine is wide enough to carry text."""
        return self.spine >= SPINE_TEXT


def sheet(trim: tuple[float, float], pages: int, press: PrintSpec, page_css: str) -> Sheet:
    """Return the cover's measures for a book of ``pages`` pages of the ``trim`` size."""
    leaves = -(-pages // 2) * 2  # pages come in leaves of two
    return Sheet(trim[0], trim[1], press.spine(leaves), press.bleed_for(page_css))


def cover_page(doc: Document, theme: Theme, size: Sheet) -> tuple[str, str, tuple[Asset, ...]]:
    """Return the cover's HTML, its CSS (without @page bleed) and the images it uses."""
    style = cover_style(theme)
    meta = doc.metadata
    front = cover_for(doc, theme)
    generated = doc.cover is None
    assets = [front]
    digits = ean13.isbn13(meta.identifier) if meta.identifier else None
    barcode = ""
    if digits:
        svg = ean13.svg(digits, style["font"]).encode()
        assets.append(Asset(BARCODE_NAME, theme.path / "theme.toml", "image/svg+xml", svg))
        barcode = f'<img class="barcode" src="{BARCODE_NAME}" alt="{ean13.hyphenless(digits)}"/>'
    authors = ", ".join(meta.authors)
    modified = build_date(doc).strftime("%Y-%m-%dT%H:%M:%SZ")
    spine = ""
    if size.spine_text:
        who = f' <span class="by">{escape(authors)}</span>' if authors else ""
        spine = f'<div class="spine-text"><b>{escape(meta.title)}</b>{who}</div>'
    blurb = "".join(f"<p>{escape(p)}</p>" for p in meta.description.split("\n\n") if p.strip())
    publisher = f'<p class="publisher">{escape(meta.publisher)}</p>' if meta.publisher else ""
    html = (
        f'<!DOCTYPE html><html lang="{escape(meta.lang or "en")}"><head><meta charset="utf-8"/>'
        f"<title>{escape(meta.title)}: cover</title>"
        f'<meta name="dcterms.modified" content="{modified}"/></head><body>'
        f'<section class="back"><h1>{escape(meta.title)}</h1>'
        f"{f'<p class=authors>{escape(authors)}</p>' if authors else ''}"
        f'<div class="blurb">{blurb}</div>'
        f"{publisher}{barcode}</section>"
        f'<section class="spine">{spine}</section>'
        f'<section class="front {"generated" if generated else "image"}">'
        f'<img src="{front.name}" alt="{escape(meta.title)}"/></section>'
        "</body></html>"
    )
    return html, _css(theme, size, style), tuple(assets)


def _css(theme: Theme, size: Sheet, style: dict[str, str]) -> str:
    w, h, s, b = size.width, size.height, size.spine, size.bleed
    font = style["font"]
    spine_font = min(0.45 * s, 14.0)
    spine = (
        f".spine-text {{ position: absolute; width: {h - 2 * SAFE:.3f}pt; "
        f"height: {s - 2 * SPINE_SAFE:.3f}pt; left: {(s - h) / 2 + SAFE:.3f}pt; "
        f"top: {(h - s) / 2 + SPINE_SAFE:.3f}pt; transform: rotate(90deg); "
        f"font-size: {spine_font:.2f}pt; line-height: {s - 2 * SPINE_SAFE:.3f}pt; "
        "white-space: nowrap; overflow: hidden; text-align: center; }\n"
        f".spine-text .by {{ margin-left: 1.5em; color: {style['accent']}; }}\n"
        if size.spine_text
        else ""
    )
    return (
        theme.css("fonts.css")
        + spine
        + (
            f"@page {{ size: {size.trim_width:.3f}pt {h:.3f}pt; margin: 0; "
            f"background: {style['background']}; }}\n"
            f"html, body {{ margin: 0; font-family: {font}; color: {style['foreground']}; }}\n"
            "section { position: absolute; box-sizing: border-box; }\n"
            f".back {{ left: 0; top: 0; width: {w:.3f}pt; height: {h:.3f}pt; "
            f"padding: {SAFE:.3f}pt; font-size: 11pt; line-height: 1.45; }}\n"
            f".back h1 {{ font-size: 20pt; line-height: 1.2; margin: 0 0 4pt; "
            f"color: {style['accent']}; }}\n"
            ".back .authors { font-style: italic; margin: 0 0 18pt; }\n"
            ".back p { margin: 0 0 8pt; hyphens: auto; }\n"
            # The description stops above the barcode's band (a longer one is cut there).
            f".back .blurb {{ height: {h - 2 * SAFE - BARCODE_BAND - 60:.3f}pt; "
            "overflow: hidden; }\n"
            f".back .publisher {{ position: absolute; left: {SAFE:.3f}pt; bottom: {SAFE:.3f}pt; "
            "margin: 0; font-size: 9pt; }\n"
            f".back .barcode {{ position: absolute; right: {SAFE:.3f}pt; bottom: {SAFE:.3f}pt; }}\n"
            f".spine {{ left: {w:.3f}pt; top: 0; width: {s:.3f}pt; height: {h:.3f}pt; }}\n"
            f".front {{ left: {w + s:.3f}pt; }}\n"
            f".front.image {{ top: {-b:.3f}pt; width: {w + b:.3f}pt; "
            f"height: {h + 2 * b:.3f}pt; }}\n"
            f".front.generated {{ top: 0; width: {w:.3f}pt; height: {h:.3f}pt; }}\n"
            ".front img { display: block; width: 100%; height: 100%; }\n"
            ".front.image img { object-fit: cover; }\n"
            ".front.generated img { object-fit: contain; }\n"
        )
    )
