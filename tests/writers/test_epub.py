"""EPUBs read back as zip + XML, and checked by EPUBCheck (0 errors, 0 warnings)."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

import exporter
from epubutil import NS


def opf(path):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("EPUB/content.opf"))


def xml(path, name):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


@pytest.fixture(scope="module")
def article(sample_outputs):
    return sample_outputs["mali-intervention.txt"]["epub"]


@pytest.fixture(scope="module")
def tour(sample_outputs):
    return sample_outputs["features.md"]["epub"]


def test_mimetype_first_and_stored(article):
    with zipfile.ZipFile(article) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/epub+zip"
        # Generated names only: no user path reaches the archive.
        assert all(n.isascii() and " " not in n and ".." not in n for n in z.namelist())


def test_package_metadata(tour):
    root = opf(tour)
    assert root.findtext(".//dc:title", namespaces=NS) == "A Tour of exporter"
    assert root.findtext(".//dc:language", namespaces=NS) == "en"
    assert [e.text for e in root.iterfind(".//dc:creator", NS)] == ["Ada Writer", "Max Editor"]
    assert root.findtext(".//dc:identifier", namespaces=NS).startswith("urn:uuid:")
    assert [e.text for e in root.iterfind(".//dc:subject", NS)] == [
        "sample",
        "markdown",
        "typesetting",
    ]
    assert root.findtext(".//dc:rights", namespaces=NS).startswith("© 2026")
    modified = root.find(".//opf:meta[@property='dcterms:modified']", NS).text
    assert len(modified) == 20 and modified.endswith("Z")


def test_manifest_spine_and_images(tour):
    root = opf(tour)
    items = {i.get("href"): i.get("media-type") for i in root.iterfind(".//opf:item", NS)}
    assert items["chapter-001.xhtml"] == "application/xhtml+xml"
    assert items["style/book.css"] == "text/css"
    images = sorted(t for h, t in items.items() if h.startswith("images/") and "cover" not in h)
    assert images == ["image/png", "image/svg+xml"]
    spine = [i.get("idref") for i in root.iterfind(".//opf:itemref", NS)]
    assert spine == ["cover", "nav", "chapter-001"]


def test_nav_lists_the_sections_and_every_target_exists(article):
    nav = xml(article, "EPUB/nav.xhtml")
    links = [(a.get("href"), a.text) for a in nav.iterfind(".//x:nav[@epub:type='toc']//x:a", NS)]
    assert links == [
        ("chapter-001.xhtml#some-background", "Some background"),
        ("chapter-001.xhtml#momentum-for-intervention", "Momentum for Intervention"),
    ]
    chapter = xml(article, "EPUB/chapter-001.xhtml")
    ids = {e.get("id") for e in chapter.iter() if e.get("id")}
    assert {href.split("#")[1] for href, _ in links} <= ids
    ncx = xml(article, "EPUB/toc.ncx")
    labels = [t.text for t in ncx.iterfind(".//ncx:navPoint/ncx:navLabel/ncx:text", NS)]
    assert labels == ["Some background", "Momentum for Intervention"]


def test_content_is_strict_xhtml_with_language_and_every_paragraph(article, samples):
    chapter = xml(article, "EPUB/chapter-001.xhtml")
    assert chapter.get("lang") == "en"
    assert chapter.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    paragraphs = ["".join(p.itertext()) for p in chapter.iterfind(".//x:p", NS)]
    source = (samples / "mali-intervention.txt").read_text(encoding="utf-8")
    expected = [b.strip() for b in source.split("\n\n")[1:] if len(b.strip()) > 30]
    assert paragraphs == expected  # every paragraph, word for word, in order
    assert paragraphs[-1].endswith("And soon.")
    assert (
        chapter.findtext(".//x:h1", namespaces=NS)
        == "Pieces Starting to Align for Mali Intervention"
    )


def test_footnotes_are_epub3_popups_with_a_way_back(tour):
    chapter = xml(tour, "EPUB/chapter-001.xhtml")
    refs = chapter.findall(".//x:a[@epub:type='noteref']", NS)
    notes = chapter.findall(".//x:aside[@epub:type='footnote']", NS)
    assert [r.get("href") for r in refs] == ["#fn-1-1", "#fn-1-2"]
    assert [n.get("id") for n in notes] == ["fn-1-1", "fn-1-2"]
    assert all(r.get("role") == "doc-noteref" for r in refs)
    assert all(n.get("role") == "doc-footnote" for n in notes)
    backs = [a.get("href") for n in notes for a in n.iterfind(".//x:a[@role='doc-backlink']", NS)]
    assert backs == ["#fnref-1-1", "#fnref-1-2"]
    assert "".join(notes[0].itertext()).startswith("1. The same Markdown footnote")


def test_a_book_has_a_title_page_and_nested_nav(samples, tmp_path, epubcheck):
    (path,) = exporter.convert(
        [samples / "mali-intervention.md", samples / "features.md"], ["epub"], tmp_path
    )
    epubcheck.queue(path)
    root = opf(path)
    spine = [i.get("idref") for i in root.iterfind(".//opf:itemref", NS)]
    assert spine == ["cover", "title-page", "nav", "chapter-001", "chapter-002"]
    nav = xml(path, "EPUB/nav.xhtml")
    top = nav.findall(".//x:nav[@epub:type='toc']/x:ol/x:li", NS)
    assert ["".join(li[0].itertext()) for li in top] == [
        "Pieces Starting to Align for Mali Intervention",
        "A Tour of exporter",
    ]
    assert len(top[1].findall("./x:ol/x:li", NS)) == 6


def test_rebuilds_are_byte_identical(samples, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (a,) = exporter.convert([samples / "features.md"], ["epub"], tmp_path / "a")
    (b,) = exporter.convert([samples / "features.md"], ["epub"], tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_all_sample_epubs_pass_epubcheck(sample_outputs, epubcheck):
    epubcheck.assert_clean(*(built["epub"] for built in sample_outputs.values()))


def test_epubcheck_harness_catches_a_broken_epub(article, tmp_path, epubcheck):
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(article) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "EPUB/chapter-001.xhtml":
                data = data.replace(b'href="style/book.css"', b'href="style/missing.css"')
            dst.writestr(info, data)
    (result,) = epubcheck.check(broken)
    assert result.errors >= 1 and "missing.css" in result.messages
