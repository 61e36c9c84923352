"""Authors' raw HTML in Markdown gives valid XHTML: figures, anchors, notes, details, ..."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

import exporter
from exporter import Source, read

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
IMG = '<img src="p.png" alt="A">'
OUT = '<img src="p.png" alt="A"/>'


def clean(text: str, tmp_path: Path) -> str:
    """The cleaned chapter HTML of ``text``, read as ``a.md`` beside an image ``p.png``."""
    (tmp_path / "p.png").write_bytes(PNG)
    source = Source("a.md", text.encode(), "md", path=tmp_path / "a.md")
    return re.sub(r'src="images/[^"]+"', 'src="p.png"', read([source]).chapters[0].html)


def chapter_html(text: str) -> str:
    return read([Source("a.md", text.encode(), "md")]).chapters[0].html


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (f"<figure>{IMG}<figcaption>Cap</figcaption></figure>",
         f"<figure>{OUT}<figcaption>Cap</figcaption></figure>"),
        (f"<figure><figcaption>Cap</figcaption>{IMG}</figure>",
         f"<figure><figcaption>Cap</figcaption>{OUT}</figure>"),
        (f"<figure><figcaption>Cap</figcaption><br>{IMG}</figure>",
         f"<figure><figcaption>Cap</figcaption>{OUT}</figure>"),
        (f"<figure>{IMG}<figcaption>Cap</figcaption><br></figure>",
         f"<figure>{OUT}<figcaption>Cap</figcaption></figure>"),
        (f"<figure>{IMG}<div><figcaption>Cap</figcaption></div></figure>",
         f"<figure>{OUT}<figcaption>Cap</figcaption></figure>"),
        (f"<figure>{IMG}{IMG}<figcaption>Two</figcaption></figure>",
         f"<figure>{OUT}{OUT}<figcaption>Two</figcaption></figure>"),
        (f"<figure><figcaption>One</figcaption>{IMG}<figcaption>Two</figcaption></figure>",
         f"<figure><figcaption>One</figcaption>{OUT}<p>Two</p></figure>"),
        (f"<figure>{IMG}<figcaption>Mid</figcaption>{IMG}</figure>",
         f"<figure>{OUT}{OUT}<figcaption>Mid</figcaption></figure>"),
        ("<figcaption>Alone</figcaption>", "<p>Alone</p>"),
    ],
)  # fmt: skip
def test_figures_have_one_caption_first_or_last(raw: str, expected: str, tmp_path: Path):
    assert clean(raw + "\n", tmp_path) == expected


def test_a_figure_spread_over_markdown_paragraphs_keeps_its_image(tmp_path: Path):
    html = clean(f"<figure markdown>\n\n{IMG}\n\n<figcaption>Cap</figcaption>\n</figure>\n",
                 tmp_path)  # fmt: skip
    html = "".join(html.split())
    assert "<p>" not in html
    assert html.count("<figure") == 1
    assert html.endswith("<figcaption>Cap</figcaption></figure>")


@pytest.mark.parametrize("attribute", ['id="x"', 'name="x"'])
def test_an_empty_anchor_before_a_heading_becomes_its_id(attribute: str):
    html = chapter_html(f"Intro.\n\n<a {attribute}></a>\n## Heading\n\nSee [it](#x).\n")
    assert '<h2 id="x">Heading</h2>' in html
    assert 'href="#x"' in html
    assert "<a id" not in html and "name=" not in html and "<p></p>" not in html


def test_an_anchor_before_a_heading_with_its_own_id_stays_inside_it():
    html = chapter_html('Intro.\n\n<a id="x"></a>\n## Heading {#h}\n\n[a](#x) [b](#h)\n')
    assert '<h2 id="h"><span id="x"/>Heading</h2>' in html
    assert 'href="#x"' in html and 'href="#h"' in html


def test_an_anchor_on_the_title_heading_links_to_the_chapter_start(caplog):
    with caplog.at_level(logging.WARNING, "exporter"):
        html = chapter_html('<a id="top"></a>\n# Title\n\nBack to [top](#top).\n')
    assert 'href="#chapter-1"' in html
    assert "not an id" not in caplog.text


def test_links_in_footnotes_are_checked_like_any_other(caplog):
    text = "# T\n\n## Here\n\nText[^1].\n\n[^1]: See [gone](#missing) and [here](#here).\n"
    with caplog.at_level(logging.WARNING, "exporter"):
        notes = read([Source("a.md", text.encode(), "md")]).chapters[0].notes
    assert notes == (("fn-1-1", '<p>See gone and <a href="#here">here</a>.</p>'),)
    assert "a.md:7: link '#missing' points to '#missing'" in caplog.text


def test_details_are_kept_and_shown_open():
    html = chapter_html("<details><summary>More</summary>\n<p>Hidden</p>\n</details>\n")
    assert html.startswith('<details open="open"><summary>More</summary>')
    assert "<p>Hidden</p>" in html


@pytest.mark.parametrize("opening", ['<div markdown="1">', "<div markdown>"])
def test_markdown_inside_html_blocks(opening: str):
    html = chapter_html(f"{opening}\n*em* and **strong**\n</div>\n")
    assert "<p><em>em</em> and <strong>strong</strong></p>" in html
    assert "markdown" not in html


def test_markdown_in_html_is_loaded_only_when_asked_for():
    assert chapter_html("<div>\n*em*\n</div>\n") == "<div>\n*em*\n</div>"


def test_unknown_elements_are_unwrapped_and_their_content_kept(caplog):
    with caplog.at_level(logging.WARNING, "exporter"):
        html = chapter_html('<center>Centred</center>\n\nA <font color="red">red</font> word.\n')
    assert "Centred" in html and "<p>A red word.</p>" in html
    assert "center" not in html and "font" not in html
    assert "<p></p>" not in html and "<p/>" not in html


def test_an_unknown_element_with_a_caption_becomes_a_figure(caplog):
    text = '<Listing caption="A listing">\n<pre>code</pre>\n</Listing>\n\nAfter.\n'
    with caplog.at_level(logging.WARNING, "exporter"):
        html = chapter_html(text)
    assert "".join(html.split()) == (
        "<figure><figcaption>Alisting</figcaption><pre>code</pre></figure><p>After.</p>"
    )
    assert "listing>" not in caplog.text


def test_a_captioned_unknown_element_among_titled_known_ones_still_becomes_a_figure():
    from exporter.guard.sanitize import TAGS
    from exporter.reading import rawhtml

    known_only = '<p><a title="Back" href="#x">1</a> <img src="a.png" title="T"/></p>'
    assert rawhtml.prepare(known_only, TAGS) is known_only  # nothing it could change
    mixed = known_only + '<Listing caption="L"><pre>code</pre></Listing>'
    assert "<figure><figcaption>L</figcaption><pre>code</pre></figure>" in rawhtml.prepare(
        mixed, TAGS
    )


ALL_CASES = f"""# Raw HTML

Intro with a note[^n].

[^n]: A note linking [nowhere](#nowhere) and [back](#cases).

<a id="cases"></a>
## Cases

<figure>{IMG}<figcaption>Last</figcaption><br></figure>

<figure><figcaption>First</figcaption><br>{IMG}</figure>

<figure>{IMG}<div><figcaption>Deep</figcaption></div></figure>

<figure>{IMG}{IMG}<figcaption>Two images</figcaption></figure>

<figcaption>Stray caption</figcaption>

<details><summary>More</summary>
<p>Hidden</p>
</details>

<div markdown="1">
*Markdown* inside.
</div>

<Listing caption="A listing">
<pre>code</pre>
</Listing>

<center>Centred</center> and <font color="red">red</font>.

<a name="old"></a>
## Old anchor

<a id="other"></a>
## Own id {{#own}}

See [cases](#cases), [old](#old) and [other](#other).
"""


def test_a_page_of_raw_html_gives_a_valid_epub_and_pdf(tmp_path: Path, epubcheck, caplog):
    (tmp_path / "p.png").write_bytes(PNG)
    source = tmp_path / "raw.md"
    source.write_text(ALL_CASES, encoding="utf-8")
    with caplog.at_level(logging.DEBUG):
        paths = exporter.convert([source], ["epub", "pdf"], tmp_path / "out", strict=False)
    epub = next(p for p in paths if p.suffix == ".epub")
    epubcheck.assert_clean(epub)
    assert "Anchor defined twice" not in caplog.text
    typesetting = [r for r in caplog.records if r.name.startswith("weasyprint")]
    assert not [r.getMessage() for r in typesetting if r.levelno >= logging.WARNING]
    assert "points to '#nowhere'" in caplog.text
