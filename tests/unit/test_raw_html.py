"""Authors' raw HTML in Markdown gives valid XHTML: figures, anchors, notes, details, ..."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

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
