"""Labels, numbers and references on strings: every Markdown dialect, languages, citations.

Each test reads Markdown written to a file (as the build does), runs the crossref and
index transforms, and reads the chapter's XHTML back.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from exporter.crossref import number
from exporter.crossref.index import make_index, sort_key
from exporter.crossref.listings import fence_labels
from exporter.markup import parse_fragment
from exporter.model import Chapter, Document, Metadata
from exporter.reading import read
from exporter.settings import Settings

SOURCE = """# Start {#sec:start}

See @fig:map and [-@fig:map]; @Fig:map; @fig-map (Quarto).

![A map](map.png){#fig:map}

## Part two {#sec:two}

Back to @sec:two and [@lst:code].

Listing: Some code {#lst:code}

```python
x = "@fig:map"
```
"""
TABLE = """
| a | b |
|---|---|
| 1 | 2 |

: Sizes {#tbl:sizes}

See @tbl:sizes.
"""


def build(tmp_path: Path, text: str, dialect: str = "markdown", lang: str = "en") -> Document:
    """Read ``text`` as one source in ``dialect`` and run both transforms."""
    Image.new("RGB", (8, 8)).save(tmp_path / "map.png")
    source = tmp_path / "doc.md"
    source.write_text(text, encoding="utf-8")
    settings = Settings(source_format=dialect, metadata=Metadata(lang=lang))
    doc = read([source], settings=settings)
    return make_index(number(doc, settings), settings)


def links(doc: Document) -> list[tuple[str, str]]:
    """Return (href, text) of every cross-reference link of the first chapter."""
    root = parse_fragment(doc.chapters[0].html)
    return [(a.get("href"), a.text) for a in root.iter("a") if "xref" in a.get("class", "")]


def text_of(doc: Document, index: int = 0) -> str:
    """Return the chapter's text."""
    return "".join(parse_fragment(doc.chapters[index].html).itertext())


@pytest.mark.parametrize("dialect", ["markdown", "gfm", "commonmark"])
def test_every_dialect_numbers_and_links(tmp_path: Path, dialect: str) -> None:
    doc = build(tmp_path, SOURCE, dialect)
    root = parse_fragment(doc.chapters[0].html)
    (figure,) = [f for f in root.iter("figure") if f.get("class") == "figure"]
    assert figure.get("id") == "fig-map"
    caption = "".join(figure.find("figcaption").itertext())
    assert caption == "Figure 1: A map"
    assert links(doc) == [
        ("#fig-map", "1"),
        ("#fig-map", "1"),
        ("#fig-map", "1"),
        ("#fig-map", "1"),
        ("#sec-two", "1"),
        ("#lst-code", "1"),
    ]
    text = text_of(doc)
    assert "See Figure 1 and 1; Figure 1; Figure 1 (Quarto)." in text
    assert "Back to Section 1 and Listing 1." in text
    assert "{#" not in text and x_code(root) == 'x = "@fig:map"'
    assert [h.text for h in doc.chapters[0].headings] == ["Part two"]
    assert doc.chapters[0].title == "Start"
    (listing,) = [f for f in root.iter("figure") if f.get("class") == "listing"]
    assert "".join(listing.find("figcaption").itertext()) == "Listing 1: Some code"


def x_code(root: etree._Element) -> str:
    """Return the text of the first code block."""
    return "".join(next(root.iter("pre")).itertext()).strip()


@pytest.mark.parametrize("dialect", ["markdown", "gfm"])
def test_table_captions_after_the_table(tmp_path: Path, dialect: str) -> None:
    doc = build(tmp_path, "# T\n" + TABLE, dialect)
    root = parse_fragment(doc.chapters[0].html)
    (table,) = root.iter("table")
    assert table.get("id") == "tbl-sizes"
    assert "".join(table.find("caption").itertext()) == "Table 1: Sizes"
    assert links(doc) == [("#tbl-sizes", "1")]
    assert "Sizes {#" not in text_of(doc)


def test_fence_attributes_label_a_listing() -> None:
    text = '```{#lst:a .python caption="First"}\nx\n```\n\n~~~\ny\n~~~\n```{#lst-b}\nz\n```\n'
    assert fence_labels(text) == [("a", "First"), None, ("b", "")]


@pytest.mark.parametrize(
    ("lang", "caption", "reference"),
    [
        ("fr", "Figure 1\u00a0: A map", "See figure 1 and 1; Figure 1;"),
        ("de", "Abbildung 1: A map", "See Abbildung 1 and 1; Abbildung 1;"),
        ("es", "Figura 1: A map", "See figura 1 and 1; Figura 1;"),
    ],
)
def test_words_follow_the_language(tmp_path: Path, lang: str, caption: str, reference: str) -> None:
    doc = build(tmp_path, SOURCE, "markdown", lang)
    figure = next(parse_fragment(doc.chapters[0].html).iter("figure"))
    assert "".join(figure.find("figcaption").itertext()) == caption
    assert reference in text_of(doc)


def test_citations_and_unknown_prefixes_are_left_alone(tmp_path: Path) -> None:
    doc = build(tmp_path, "# C\n\nAs [@smith2020, p. 3] and [@fig:x; @doe] say, @jones.\n")
    assert "As [@smith2020, p. 3] and [@fig:x; @doe] say, @jones." in text_of(doc)


def test_a_missing_label_warns_with_file_and_line(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="exporter"):
        doc = build(tmp_path, "# M\n\nFirst line.\n\nSee @fig:nope here.\n\n@tbl-gone.\n")
    assert "See ??fig:nope here." in text_of(doc) and "??tbl:gone." in text_of(doc)
    messages = [r.getMessage() for r in caplog.records if "refers to no" in r.getMessage()]
    assert messages[0].startswith(f"{tmp_path / 'doc.md'}:5: @fig:nope refers to no figure")
    assert messages[1].startswith(f"{tmp_path / 'doc.md'}:7: @tbl:gone refers to no figure")


def test_equations_are_numbered_per_chapter_in_a_book() -> None:
    chapters = tuple(
        Chapter(title=f"C{n}", html=f'<p>See @eq:e{n}.</p><div class="equation" id="eq-e{n}">'
                f"x</div><div class=\"equation\" id=\"eq:f{n}\">y</div>")
        for n in (1, 2)
    )  # fmt: skip
    doc = number(Document(Metadata(title="B"), chapters, layout="book"), Settings())
    second = parse_fragment(doc.chapters[1].html)
    eqnos = [s.text for s in second.iter("span") if s.get("class") == "eqno"]
    assert eqnos == ["(2.1)", "(2.2)"]
    assert [el.get("id") for el in second.iter("div") if el.get("class") == "equation"] == [
        "eq-e2",
        "eq-f2",
    ]
    assert "See Eq. (2.1)." in "".join(second.itertext())


def test_index_entries_sort_nest_and_cross_refer(tmp_path: Path) -> None:
    text = (
        '# I\n\n[Zeta]{.index} and [émile]{.index} and [apple]{.index key="fruit!apple"},'
        ' [pear]{.index key="fruit!pear"} [x]{.index see="Zeta"} []{.index key="Hidden"}.\n\n'
        "`[code]{.index}`\n"
    )
    doc = build(tmp_path, text)
    assert doc.layout == "article" and doc.chapters[-1].type == "index"
    page = parse_fragment(doc.chapters[-1].html)
    ns = {"epub": "http://www.idpf.org/2007/ops"}
    top = page.xpath("//*[@epub:type='index-group']/ul/li/span[@class='index-term']", namespaces=ns)
    assert [t.text for t in top] == ["émile", "fruit", "Hidden", "x", "Zeta"]
    fruit = page.xpath("//li[span='fruit']/ul/li/span/text()")
    assert fruit == ["apple", "pear"]
    assert "See Zeta" in "".join(page.itertext())
    marked = parse_fragment(doc.chapters[0].html)
    spans = [s for s in marked.iter("span") if s.get("class") == "index-term"]
    assert [s.get("data-index") for s in spans] == [
        "Zeta", "émile", "fruit!apple", "fruit!pear", "x", "Hidden"
    ]  # fmt: skip
    assert "[code]{.index}" in text_of(doc)  # code is never read
    assert sort_key("Émile") == "emile"


def test_pdf_index_pages_merge_into_ranges() -> None:
    from exporter.crossref.pages import resolve, roman

    body = (
        '<p>x</p><div xmlns:epub="e" class="index-body"><section><ul>'
        '<li><span>term</span>, <a class="index-locator" href="#idx-1">A</a>, '
        '<a class="index-locator" href="#idx-2">A (2)</a>, '
        '<a class="index-locator" href="#idx-3">B</a>, '
        '<a class="index-locator" href="#idx-4">B (2)</a>. <span>See also x</span></li>'
        "</ul></section></div><p>after</p>"
    )
    pages = {"idx-1": 4, "idx-2": 5, "idx-3": 5, "idx-4": 7}
    folios = [roman(n) for n in range(1, 5)] + [str(n) for n in range(1, 9)]
    out = resolve(body, pages, folios)
    assert out is not None and out.startswith("<p>x</p>") and out.endswith("<p>after</p>")
    entry = etree.fromstring(out[len("<p>x</p>") : -len("<p>after</p>")].replace("xmlns:epub", "d"))
    assert "".join(entry.itertext()) == "term, 1\u20132, 4. See also x"
    assert [a.get("href") for a in entry.iter("a")] == ["#idx-1", "#idx-4"]
    assert resolve("<p>no index</p>", pages, folios) is None
    assert [roman(n) for n in (4, 9, 14, 1994)] == ["iv", "ix", "xiv", "mcmxciv"]


def figure_chapter(title: str, name: str, **place: str) -> Chapter:
    """Return a chapter with one labelled figure and a reference to it."""
    html = (
        f'<p>See @fig:{name}.</p><figure class="figure" id="fig-{name}">'
        f'<img src="a.png" alt="{title} art"/></figure>'
    )
    return Chapter(title=title, html=html, **place)


def test_appendices_are_lettered_and_front_matter_unprefixed(caplog) -> None:
    chapters = (
        figure_chapter("Preface", "pre", kind="frontmatter", type="preface"),
        figure_chapter("One", "one"),
        figure_chapter("Two", "two"),
        figure_chapter("Extra", "extra", type="appendix"),
    )
    meta = Metadata(title="B", words=(("ref-fig", "Fig. {n}"),))  # a book's [words] win
    doc = number(Document(meta, chapters, layout="book"), Settings())
    texts = ["".join(parse_fragment(c.html).itertext()) for c in doc.chapters]
    assert texts == [
        "See Fig. 1.Figure 1: Preface art",
        "See Fig. 1.1.Figure 1.1: One art",
        "See Fig. 2.1.Figure 2.1: Two art",
        "See Fig. A.1.Figure A.1: Extra art",
    ]


def test_a_label_given_twice_warns_and_keeps_ids_unique(caplog) -> None:
    chapters = (figure_chapter("One", "same"), figure_chapter("Two", "same"))
    with caplog.at_level(logging.WARNING, logger="exporter"):
        doc = number(Document(Metadata(title="B"), chapters, layout="book"), Settings())
    ids = [next(parse_fragment(c.html).iter("figure")).get("id") for c in doc.chapters]
    assert ids[0] == "fig-same" and ids[1] != ids[0]
    assert any(
        r.getMessage().startswith("Two: label fig:same is given to two things")
        for r in caplog.records
    )
    refs = [next(parse_fragment(c.html).iter("a")) for c in doc.chapters]
    assert [(a.get("href"), a.text) for a in refs] == [("#fig-same", "1.1")] * 2


def test_html_pages_lose_epub_attributes_but_not_text() -> None:
    from exporter.writers.html import _without_epub_attributes

    html = (
        '<div xmlns:epub="http://www.idpf.org/2007/ops" class="x"><li epub:type="index-entry">'
        '<code>a epub:type="noteref" b</code></li></div>'
    )
    assert _without_epub_attributes(html) == (
        '<div class="x"><li><code>a epub:type="noteref" b</code></li></div>'
    )
