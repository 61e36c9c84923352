"""Math on strings: the readers' markup in every dialect, the transform, the sanitizer, drawing."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from lxml import etree

from exporter.formats import READERS, SourceText
from exporter.guard.sanitize import removals, sanitize
from exporter.math import syntax
from exporter.math.draw import draw_all, drawing
from exporter.math.transform import MATHML_NS, mathml, transform
from exporter.model import Chapter, Document, Metadata
from exporter.settings import Settings

DIALECTS = ("markdown", "gfm", "commonmark")
M = f"{{{MATHML_NS}}}"

TEXT = r"""# Math

Prices: $5 and $10. Inline $a_b * c_d$ and \(x^2\), code `$y$`, display $$\int_0^1 x\,dx$$ here.

$$
\frac{1}{2}
$$ {#eq:half}

\[
E = mc^2
\]

```math
a^2 + b^2 = c^2
```

    $z$ stays code

- an item $y_1$
"""


def read(dialect: str, text: str, name: str = "m.md") -> str:
    reader = READERS.get(dialect).load()
    return reader(SourceText(name, None, text.encode(), text)).html


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_marks_inline_and_display_math_and_leaves_code_alone(dialect):
    html = read(dialect, TEXT)
    assert "Prices: $5 and $10." in html  # pandoc's rule: no closing $ before a space
    assert '<span class="math-tex">a_b * c_d</span>' in html  # not emphasis
    assert "<em>" not in html
    assert '<span class="math-tex">x^2</span>' in html
    assert "<code>$y$</code>" in html
    assert '<span class="math-tex display">\\int_0^1 x\\,dx</span>' in html
    assert '<div class="math-tex display" title="eq:half">\\frac{1}{2}</div>' in html
    assert '<div class="math-tex display">E = mc^2</div>' in html
    assert '<div class="math-tex display">a^2 + b^2 = c^2</div>' in html
    assert "$z$ stays code" in html and 'math-tex">z' not in html
    assert '<span class="math-tex">y_1</span>' in html


@pytest.mark.parametrize("dialect", DIALECTS)
def test_dollars_in_a_raw_html_attribute_are_not_math(dialect):
    html = read(dialect, 'Text <abbr title="$x$ is x">X</abbr> and $y$.\n')
    assert '<abbr title="$x$ is x">X</abbr>' in html
    assert '<span class="math-tex">y</span>' in html


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("$5 and $10", []),
        ("$x$1", []),  # a digit after the closer: a price
        ("$ x$", []),
        ("$x $", []),
        (r"\$x$", []),
        ("$x$", [("x", False)]),
        ("a $$y$$ b", [("y", True)]),
        (r"\(x\) \[y\]", [("x", False), ("y", True)]),
        ("$a$ and $b$", [("a", False), ("b", False)]),
    ],
)
def test_dollars_follow_pandocs_rules(text, found):
    assert [syntax.parts(m) for m in syntax.INLINE.finditer(text)] == found


def test_a_display_block_needs_its_closer_and_keeps_its_label():
    assert syntax.display_block(["$$", "a", "", "b", "$$ {#eq:x}"]) == syntax.Display(
        "a\n\nb", "eq:x", 5
    )
    assert syntax.display_block(["$$", "a"]) is None
    assert syntax.display_block(["$$a$$ and text"]) is None


def chapter_doc(html: str, source: Path | None = None) -> Document:
    return Document(Metadata(title="T"), (Chapter("T", html, source=source),))


def test_the_transform_writes_mathml_with_alttext_and_wraps_display_math():
    html = read("gfm", TEXT)
    doc = transform(chapter_doc(html), Settings())
    root = etree.fromstring(f"<div>{doc.chapters[0].html}</div>")
    maths = list(root.iter(f"{M}math"))
    assert [m.get("alttext") for m in maths] == [
        "a_b * c_d", "x^2", r"\int_0^1 x\,dx", r"\frac{1}{2}", "E = mc^2", "a^2 + b^2 = c^2",
        "y_1",
    ]  # fmt: skip
    assert [m.get("class") for m in maths][:3] == ["math-inline", "math-inline", "math-display"]
    (labelled,) = [d for d in root.iter("div") if d.get("id") == "eq:half"]
    assert labelled.get("class") == "equation" and labelled[0].tag == f"{M}math"
    assert labelled[0].get("display") == "block"
    assert "math-tex" not in doc.chapters[0].html


def test_a_formula_that_does_not_parse_is_a_warning_with_file_and_line(tmp_path, caplog):
    text = "# T\n\nFine $x$.\n\nBroken $\\frac{1}{$ and $\\nosuch{x}$.\n"
    source = tmp_path / "ch.md"
    source.write_text(text)
    with caplog.at_level(logging.WARNING, "exporter"):
        doc = transform(chapter_doc(read("markdown", text), source), Settings())
    html = doc.chapters[0].html
    assert f"{source}:5: cannot read the formula `\\frac{{1}}{{`" in caplog.text
    assert "it is printed as text" in caplog.text
    assert f"{source}:5: cannot read the formula `\\nosuch{{x}}`: unknown command" in caplog.text
    assert '<code class="math-error">\\frac{1}{</code>' in html
    assert '<code class="math-error">\\nosuch{x}</code>' in html
    assert html.count("<math ") == 1


RAW = (
    '<p>a <math><mi href="javascript:alert(1)" mathvariant="bold">x</mi><mo>+</mo><mn>1</mn>'
    '</math> b <math display="block" style="background:url(http://x/)"><mfrac><mi>a</mi>'
    '<mi>b</mi></mfrac><annotation-xml encoding="text/html"><img src="x"/></annotation-xml>'
    '<mtext><b>so</b></mtext><maction actiontype="toggle"><mi>c</mi></maction></math></p>'
)


def test_raw_mathml_keeps_presentation_markup_and_loses_links_and_html():
    found = removals(RAW)
    assert {"href=", "<annotation-xml>", "<maction>", "style="} <= set(found)
    clean = sanitize(RAW)
    assert "javascript" not in clean and "annotation-xml" not in clean and "url(" not in clean
    assert '<mi mathvariant="bold">x</mi>' in clean and "<mfrac>" in clean
    doc = transform(chapter_doc(clean.replace("<p>", "<p>").strip()), Settings())
    root = etree.fromstring(f"<div>{doc.chapters[0].html}</div>")
    inline, block = root.iter(f"{M}math")
    assert inline.get("alttext") == "x+1" and inline.get("class") == "math-inline"
    assert block.get("class") == "math-display"
    assert not [el for el in block.iter() if not el.tag.startswith(M)]  # the <b> is gone
    assert "so" in "".join(block.itertext())


def test_a_drawing_is_an_img_with_the_tex_as_alt_sized_in_em_on_the_baseline():
    doc = transform(chapter_doc('<p>x <span class="math-tex">y_1^2</span></p>'), Settings())
    html = draw_all(doc.chapters[0].html)
    img = etree.fromstring(html).find("img")
    assert img.get("alt") == "y_1^2" and img.get("class") == "math-inline"
    style = dict(p.split(":") for p in img.get("style").split(";"))
    assert float(style["vertical-align"].removesuffix("em")) < 0  # a subscript goes below
    assert 0.5 < float(style["height"].removesuffix("em")) < 3
    assert img.get("src").startswith("data:image/svg+xml;base64,")


def test_each_distinct_formula_is_drawn_once():
    markup = f'<math xmlns="{MATHML_NS}" alttext="q"><mi>q</mi></math>'
    before = drawing.cache_info()
    assert draw_all(markup * 3).count("<img") == 3
    after = drawing.cache_info()
    assert after.misses - before.misses <= 1 and after.hits - before.hits >= 2


def test_mathml_that_cannot_be_drawn_stays_visible_as_text(caplog):
    markup = f'<math xmlns="{MATHML_NS}" alttext="a/"><mfrac><mi>a</mi></mfrac></math>'
    with caplog.at_level(logging.WARNING, "exporter"):
        html = draw_all(f"<p>{markup}</p>")
    assert html == '<p><code class="math-error">a/</code></p>'
    assert "cannot draw the formula `a/`: it cannot be laid out" in caplog.text


def test_a_source_cannot_reach_the_data_urls_the_pdf_fetcher_serves_for_drawings():
    # The PDF's asset fetcher serves data:image/svg+xml for the drawn formulas only
    # because no source's markup keeps a data: URL.
    raw = '<p><img src="data:image/svg+xml;base64,PHN2Zy8+" alt="x"/></p>'
    assert "data:" not in sanitize(raw)
    assert "data: URLs" in removals(raw)


def test_a_matrix_with_an_exponent_is_valid_mathml_and_is_drawn():
    # latex2mathml gives this msup four children; the transform groups the base.
    markup = mathml(r"\begin{pmatrix} a & 1 \\ 0 & a \end{pmatrix}^n", True)
    (msup,) = etree.fromstring(markup).iter(f"{M}msup")
    assert [etree.QName(c).localname for c in msup] == ["mrow", "mi"]
    picture, error = drawing(markup)[:2]
    assert error == "" and picture.startswith('<img class="math-display"')


def test_formulas_in_footnotes_become_mathml_too():
    note = '<p>A note with <span class="math-tex">n^2</span>.</p>'
    chapter = Chapter("T", "<p>Text.</p>", notes=(("fn-1-1", note),))
    doc = transform(Document(Metadata(title="T"), (chapter,)), Settings())
    ((note_id, converted),) = doc.chapters[0].notes
    assert note_id == "fn-1-1" and 'alttext="n^2"' in converted and "math-tex" not in converted


def test_a_construct_the_converter_leaves_as_bad_xml_is_a_formula_error():
    from exporter.math.transform import FormulaError, mathml

    with pytest.raises(FormulaError):
        mathml(r"\begin{aligned} a &= b \\ c &= d \end{aligned}", True)
