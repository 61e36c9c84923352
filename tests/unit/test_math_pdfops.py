"""Formulas put on the PDF page as operators (math.pdfops, writers.pdf_formulas) look the
same as WeasyPrint's own drawing of their SVG, and anything else is left to WeasyPrint."""

from __future__ import annotations

import io
from xml.etree import ElementTree

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops
from weasyprint import HTML

from exporter.math import draw, pdfops
from exporter.math.transform import mathml
from exporter.writers.pdf_formulas import FormulaImages

FORMULAS = [
    (r"\frac{1}{x+1} + \sqrt{7 + n} - \|v_{12}\|_2", False),
    (r"\sum_{i=1}^{7} i^2 = \frac{7(7+1)(2 \cdot 7+1)}{6}", True),
    (r"\begin{pmatrix} 86 & 1 \\ 0 & 86 \end{pmatrix}^n", True),
    (r"\lim_{n \to \infty} \left(1 + \frac{k}{n}\right)^n = e^{k}", True),
]


def _page(html: str, cache: dict) -> tuple[Image.Image, bytes]:
    """Return the first page as a grey image, and its content stream."""
    pdf = HTML(string=html).render(cache=cache).write_pdf()
    page = pdfium.PdfDocument(pdf)[0].render(scale=3).to_pil().convert("L")
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        content = opened.pages[0].Contents.read_bytes()
    return page, content


@pytest.mark.parametrize(("tex", "display"), FORMULAS)
def test_the_operators_draw_what_weasyprint_draws_from_the_svg(tex: str, display: bool) -> None:
    draw.drawing.cache_clear()
    html = f'<p style="font-size: 40px">x {draw.draw_all(mathml(tex, display))} y</p>'
    assert draw.VECTORS, "the drawing was kept as operators"
    by_weasyprint, svg_content = _page(html, {})
    from_operators, our_content = _page(html, FormulaImages())
    assert our_content != svg_content  # the operators were used, not the SVG
    assert len(our_content) < len(svg_content)
    diff = ImageChops.difference(by_weasyprint, from_operators).histogram()
    inked = sum(by_weasyprint.point(lambda v: v < 128).convert("L").histogram()[1:])
    assert inked > 500  # the formula is there, large
    assert sum(diff[64:]) <= inked // 200  # antialiasing of an edge here and there, no more


def test_quadratics_become_cubics_two_thirds_of_the_way_to_their_control() -> None:
    svg = ElementTree.fromstring(
        '<svg width="10" height="10" viewBox="0 -5 10 10">'
        '<path d="M 0 0 Q 3 3 6 0 T 12 0 H 12.5 V -1 L 0 -1 Z" fill="black"/>'
        '<rect x="1" y="-2" width="3" height="0.5" fill="black"/></svg>'
    )
    found = pdfops.vector(svg)
    assert found is not None
    assert found.viewbox == (0, -5, 10, 10)
    assert found.operators.decode().split("\n") == [
        "0 0 m",  # in hundredths of a px
        "200 200 400 200 600 0 c",
        "800 -200 1000 -200 1200 0 c",  # T: the control mirrored, (9, -3)
        "1250 0 l",
        "1250 -100 l",
        "0 -100 l",
        "h",
        "f",
        "100 -200 300 50 re",
        "f",
    ]


@pytest.mark.parametrize(
    "child",
    [
        '<path d="M 0 0 L 1 1 Z" fill="red"/>',  # a colour: WeasyPrint's colour space
        '<path d="m 0 0 l 1 1 z"/>',  # relative commands
        '<path d="M 0 0 C 1 1 2 2 3 3 Z"/>',  # a cubic: not what ziamath writes
        '<g><path d="M 0 0 L 1 1 Z"/></g>',
        '<path d="M 0 0 L 1 1 Z" transform="scale(2)"/>',
        '<path d="M 0 0 L 1"/>',
    ],
)
def test_anything_else_is_left_to_weasyprint(child: str) -> None:
    svg = ElementTree.fromstring(f'<svg width="1" height="1" viewBox="0 0 1 1">{child}</svg>')
    assert pdfops.vector(svg) is None


def test_a_formula_in_colour_is_drawn_by_weasyprint() -> None:
    draw.drawing.cache_clear()
    drawn = draw.drawing(mathml(r"\color{red}{x+1}", False))
    assert drawn.picture.startswith("<img") and drawn.vector is None


@pytest.mark.parametrize(("tex", "display"), FORMULAS)
def test_operators_made_with_the_outline_are_those_read_back_from_it(tex, display) -> None:
    root, known, *_ = draw._layout(mathml(tex, display))
    assert known  # paths.outline wrote them in its one pass
    assert pdfops.vector(root, known) == pdfops.vector(root)


def test_only_a_checked_weasyprint_is_handed_the_operators(monkeypatch) -> None:
    """The image interface is WeasyPrint's own: another version draws the SVG itself."""
    import weasyprint

    from exporter.writers import pdf_formulas

    assert pdf_formulas.weasyprint_version() == weasyprint.__version__
    assert weasyprint.__version__.startswith(pdf_formulas.CHECKED)  # what the tests above ran
    assert isinstance(pdf_formulas.image_cache(), FormulaImages)
    monkeypatch.setattr(pdf_formulas, "weasyprint_version", lambda: "99.0")
    other = pdf_formulas.image_cache()
    assert type(other) is dict and not other
    tex, display = FORMULAS[0]
    html = f'<p style="font-size: 40px">{draw.draw_all(mathml(tex, display))}</p>'
    by_weasyprint, content = _page(html, other)
    _, svg_content = _page(html, {})
    assert content == svg_content  # WeasyPrint read and drew the SVG itself
    assert by_weasyprint.getextrema()[0] < 128  # and the formula is on the page
