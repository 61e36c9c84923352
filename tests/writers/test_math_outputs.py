"""Math through the whole pipeline: MathML in the EPUB and HTML, drawings in the tagged PDF."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from lxml import etree

import exporter

MATHML = "{http://www.w3.org/1998/Math/MathML}"
TEXS = ["a_b * c_d", r"\frac{1}{2}", r"\int_0^\infty e^{-x^2}\,dx", "E = mc^2", "y_1"]
ARTICLE = r"""---
title: Formulas
lang: en
---

# First

Inline $a_b * c_d$ sits on the line, as does \(\frac{1}{2}\); $5 and $10 stay text.

$$
\int_0^\infty e^{-x^2}\,dx
$$ {#eq:gauss}

<div class="equation" id="eq:energy"><span class="math-tex">E = mc^2</span><span class="eqno">(2.1)</span></div>

- an item with $y_1$
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, epubcheck) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("math")
    source = folder / "formulas.md"
    source.write_text(ARTICLE, encoding="utf-8")
    paths = exporter.convert([source], ["pdf", "epub", "html"], folder / "out")
    made = {path.suffix[1:]: path for path in paths}
    epubcheck.queue(made["epub"])
    return made


def test_the_epub_holds_mathml_with_alttext_and_declares_it(built):
    with zipfile.ZipFile(built["epub"]) as book:
        opf = etree.fromstring(book.read("EPUB/content.opf"))
        pages = {n: book.read(n) for n in book.namelist() if n.endswith(".xhtml")}
    maths = {
        name: list(etree.fromstring(data).iter(f"{MATHML}math")) for name, data in pages.items()
    }
    found = [m.get("alttext") for ms in maths.values() for m in ms]
    assert found == TEXS
    items = {i.get("href"): i.get("properties") or "" for i in opf.iter("{*}item")}
    for name, ms in maths.items():
        href = name.removeprefix("EPUB/")
        assert ("mathml" in items[href].split()) == bool(ms), href


def test_the_epub_passes_epubcheck_now(built, epubcheck):
    epubcheck.assert_clean(built["epub"])


def test_the_epub_passes_ace(built, ace):
    ace.assert_clean(built["epub"])


def test_the_html_page_keeps_mathml_and_draws_nothing(built):
    html = built["html"].read_text()
    assert len(re.findall(r'<math xmlns="http://www.w3.org/1998/Math/MathML"', html)) == 5
    assert (
        'id="eq-gauss"' in html
    )  # the cross-reference label, as every output has it and "math-inline" in html
    assert '<img class="math' not in html


def _figures(pdf: pikepdf.Pdf) -> list[str]:
    """Return the /Alt of every Figure in the structure tree, in reading order."""
    alts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.S == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return alts


def test_every_pdf_formula_is_a_figure_whose_alt_is_its_tex(built):
    with pikepdf.open(built["pdf"]) as pdf:
        assert _figures(pdf) == TEXS
    text = pypdfium2.PdfDocument(built["pdf"])[0].get_textpage().get_text_range()
    assert "$5 and $10" in text and "\\frac" not in text


def test_a_display_formula_is_centred_and_its_number_at_the_right_margin(built):
    page = pypdfium2.PdfDocument(built["pdf"])[0]
    texts = page.get_textpage()
    chars = [texts.get_charbox(i) for i in range(texts.count_chars())]
    left = min(box[0] for box in chars if box[2] > box[0])
    right = max(box[2] for box in chars)
    search = texts.search("(2.1)")
    start, count = search.get_next()
    number = texts.get_charbox(start + count - 1)
    assert number[2] == pytest.approx(right, abs=3.0)  # flush with the right margin (a bearing)
    middle = (number[1] + number[3]) / 2
    drawn = [
        obj.get_bounds()
        for obj in page.get_objects(max_depth=3)
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH
        and abs((obj.get_bounds()[1] + obj.get_bounds()[3]) / 2 - middle) < 12
    ]
    x0, x1 = min(b[0] for b in drawn), max(b[2] for b in drawn)
    assert x1 < number[0] - 20  # the formula does not run into its number
    assert (x0 + x1) / 2 == pytest.approx((left + right) / 2, abs=2.0)  # centred
