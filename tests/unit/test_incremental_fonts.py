"""An assembled book embeds one subset per font, merged from its pieces' subsets.

Two pieces are laid out by WeasyPrint with different text in one font (a CFF and a TrueType
one from the themes) and joined by ``assemble``: the book must embed the font once, draw
each page as its piece drew it and read back as the pieces' text. Pieces whose subsets of
a "same" font disagree on a glyph keep their own programs. An image both pieces show is
embedded once.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont
from weasyprint import HTML

from exporter.incremental.assemble import assemble
from exporter.writers.pdf_units import Piece

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "styles" / "classic" / "fonts"
TEXTS = ("Quick zephyrs blow, vexing daft Jim.", "Sphinx of black quartz, judge my vow 42!")


def _piece(font: str, text: str, more: str = "") -> Piece:
    html = (
        f"<style>@font-face {{ font-family: T; src: url({(FONTS / font).as_uri()}) }}"
        f"body {{ font-family: T; font-size: 12pt }}</style><p>{text}</p>{more}"
    )
    pdf = HTML(string=html).write_pdf(pdf_identifier=b"0" * 32)
    return Piece(pdf, (None,), {}, (), ())


def _programs(data: bytes) -> set[tuple[int, int]]:
    pdf = pikepdf.open(io.BytesIO(data))
    found = set()
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            found |= {descriptor[k].objgen for k in ("/FontFile2", "/FontFile3") if k in descriptor}
    return found


def _image(data: bytes, index: int) -> bytes:
    return pdfium.PdfDocument(data)[index].render(scale=1).to_pil().convert("L").tobytes()


def _text(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("font", ["LinLibertine_R.otf", "JetBrainsMono-Regular.ttf"])
def test_the_pieces_subsets_of_a_font_become_one(font):
    pieces = [_piece(font, text) for text in TEXTS]
    book = assemble(pieces)
    assert len(_programs(book)) == 1
    assert sum(len(_programs(piece.pdf)) for piece in pieces) == 2
    assert _text(book) == [_text(piece.pdf)[0] for piece in pieces]
    assert [t.strip() for t in _text(book)] == list(TEXTS)
    for index, piece in enumerate(pieces):
        assert _image(book, index) == _image(piece.pdf, 0), f"page {index + 1} drawn otherwise"


def _swap_a_glyph(piece: Piece) -> Piece:
    """Give the piece's font another outline for 'a' (a glyph both pieces use: 'u' is not,
    Libertine sets "Qu" as one glyph)."""
    pdf = pikepdf.open(io.BytesIO(piece.pdf))
    font = next(iter(pdf.pages[0].Resources.Font.values()))
    descriptor = font.DescendantFonts[0].FontDescriptor
    key = next(k for k in ("/FontFile2", "/FontFile3") if k in descriptor)
    program = TTFont(io.BytesIO(descriptor[key].read_bytes()))
    cmap = program.getBestCmap()
    if "glyf" in program:
        program["glyf"].glyphs[cmap[ord("a")]] = program["glyf"].glyphs[cmap[ord("o")]]
    else:
        strings = program["CFF "].cff.topDictIndex[0].CharStrings
        strings[cmap[ord("a")]] = strings[cmap[ord("o")]]
    buffer = io.BytesIO()
    program.save(buffer)
    descriptor[key].write(buffer.getvalue())
    if "/Length1" in descriptor[key]:
        descriptor[key].Length1 = len(buffer.getvalue())
    out = io.BytesIO()
    pdf.save(out)
    return Piece(out.getvalue(), piece.folios, piece.anchors, piece.bookmarks, piece.phantoms)


@pytest.mark.parametrize("font", ["LinLibertine_R.otf", "JetBrainsMono-Regular.ttf"])
def test_subsets_that_disagree_on_a_glyph_are_kept_apart(font):
    pieces = [_piece(font, TEXTS[0]), _swap_a_glyph(_piece(font, TEXTS[1]))]
    book = assemble(pieces)
    assert len(_programs(book)) == 2
    assert _image(book, 1) == _image(pieces[1].pdf, 0)  # still its own (odd) 'a'
    assert _image(book, 1) != _image(_piece(font, TEXTS[1]).pdf, 0)  # the swap shows
    assert [t.strip() for t in _text(book)] == list(TEXTS)


def test_an_image_two_pieces_show_is_embedded_once():
    image = f'<img src="{(ROOT / "samples" / "images" / "displaced.png").as_uri()}" width=200>'
    pieces = [_piece("LinLibertine_R.otf", text, image) for text in TEXTS]
    book = assemble(pieces)
    pdf = pikepdf.open(io.BytesIO(book))
    images = {
        xobject.objgen
        for page in pdf.pages
        for xobject in page.Resources.XObject.values()
        if xobject.Subtype == "/Image"
    }
    assert len(images) == 1 and len(pdf.pages) == 2
    for index, piece in enumerate(pieces):
        assert _image(book, index) == _image(piece.pdf, 0), f"page {index + 1} drawn otherwise"
