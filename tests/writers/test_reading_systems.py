"""What readers see outside a PDF: the standalone HTML's contents and fonts, the EPUB's nav."""

from __future__ import annotations

import base64
import re
import zipfile
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

import exporter

BOOK = Path(__file__).resolve().parents[2] / "samples" / "book"
STYLES = Path(__file__).resolve().parents[2] / "styles"
XHTML = "http://www.w3.org/1999/xhtml"
NAV = f"{{{XHTML}}}nav"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module")
def book(tmp_path_factory, epubcheck):
    out = tmp_path_factory.mktemp("reading")
    html, epub = exporter.convert([BOOK], ["html", "epub"], out)
    epubcheck.queue(epub)
    return {"html": html, "epub": epub}


def test_the_standalone_html_of_a_book_opens_with_its_contents(book):
    root = lxml.html.fromstring(book["html"].read_bytes())
    (toc,) = root.xpath("//nav[@role='doc-toc']")
    targets = [a.get("href") for a in toc.iter("a")]
    chapters = root.xpath("//section[contains(concat(' ', @class, ' '), ' chapter ')]")
    order = list(root.iter())
    after = [c for c in chapters if order.index(c) > order.index(toc)]
    # Only a dedication (set before the contents, as in print) comes before them.
    assert len(after) >= 5 and len(chapters) - len(after) <= 1
    for chapter in after:  # every chapter is listed
        assert f"#{chapter.get('id')}" in targets
    ids = set(root.xpath("//@id"))
    assert all(t.startswith("#") and t[1:] in ids for t in targets)  # every link lands


def test_the_standalone_html_carries_the_theme_fonts_and_hyphenates(book):
    root = lxml.html.fromstring(book["html"].read_bytes())
    css = root.findtext(".//style")
    embedded = re.findall(r'url\("data:font/(?:otf|ttf);base64,([A-Za-z0-9+/=]+)"\)', css)
    theme_fonts = {p.read_bytes() for p in (STYLES / "classic" / "fonts").glob("*.[ot]tf")}
    assert len(embedded) == len(theme_fonts)
    assert {base64.b64decode(data) for data in embedded} == theme_fonts
    assert "url(fonts/" not in css  # no reference to a file beside the page
    assert root.get("lang") == "en" and "hyphens: auto" in css


def test_the_epub_landmarks_are_hidden_and_text_hyphenates(book):
    with zipfile.ZipFile(book["epub"]) as epub:
        nav = etree.fromstring(epub.read("EPUB/nav.xhtml"))
        css = epub.read("EPUB/style/book.css").decode()
    navs = {n.get(EPUB_TYPE): n for n in nav.iter(NAV)}
    assert navs["landmarks"].get("hidden") == ""
    assert navs["toc"].get("hidden") is None
    assert "-epub-hyphens: auto" in css
    assert re.search(r"h1, h2, h3, h4, h5, h6[^{};]*\{[^}]*break-after: avoid", css)


@pytest.mark.parametrize("theme", ["classic", "modern", "technical"])
def test_every_theme_keeps_headings_with_their_text_and_hyphenates_in_the_epub(
    theme, tmp_path, epubcheck
):
    (epub, html) = exporter.convert([BOOK], ["epub", "html"], tmp_path, theme=theme)
    with zipfile.ZipFile(epub) as book:
        css = book.read("EPUB/style/book.css").decode()
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    assert re.search(r"h1, h2, h3, h4, h5, h6[^{};]*\{[^}]*(?<!-)break-after: avoid", css)
    assert re.search(r"\bp\b[^{}]*\{[^}]*-epub-hyphens: auto", css) or re.search(
        r"body \{[^}]*-epub-hyphens: auto", css
    )
    assert re.search(r"\bdt\b[^{};]*\{[^}]*(?<!-)break-after: avoid", css)  # a glossary term
    # Engines that ignore break-after (calibre's) keep a block whole: a heading and the
    # paragraph after it are one block (calibre left "Leading" alone at a page's foot).
    assert re.search(r"div\.keep-with-next \{[^}]*(?<!-)break-inside: avoid", css)
    with zipfile.ZipFile(epub) as book:
        glossary = etree.fromstring(book.read("EPUB/chapter-006.xhtml"))
    kept = glossary.findall(f".//{{{XHTML}}}div[@class='keep-with-next']")
    assert [[el.tag.split("}")[1] for el in div] for div in kept] == [["h2", "p"]] * 4
    assert [div[0].text for div in kept] == ["Bulk", "Grain", "Leading", "Measure"]
    assert {n.get(EPUB_TYPE): n.get("hidden") for n in nav.iter(NAV)}["landmarks"] == ""
    # The contents in the reading order: nested links, no numbers (calibre showed "1. 1. 1.").
    assert [n.get("role") for n in nav.iter(NAV) if n.get(EPUB_TYPE) == "toc"] == ["doc-toc"]
    assert re.search(r'nav\[role="doc-toc"\] ol[^{]*\{[^}]*list-style: none', css)
    assert re.search(r'nav\[role="doc-toc"\] li[^{]*\{[^}]*text-align: left', css)
    epubcheck.queue(epub)
    page = lxml.html.fromstring(html.read_bytes())
    assert page.xpath("//nav[@role='doc-toc']")  # a book's contents
    style = page.findtext(".//style")
    assert "hyphens: auto" in style and re.search(r"url\(\"data:font/(?:otf|ttf);", style)
