"""Books from a manifest: the sample book read back as zip + XML and PDF, and EPUBCheck."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

import exporter
from epubutil import NS
from exporter.check import check_epub

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_xml(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(f"EPUB/{name}"))


@pytest.fixture(scope="module")
def book(samples, tmp_path_factory, epubcheck) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("book")
    paths = exporter.convert([samples / "book"], ["pdf", "epub"], out)
    built = {p.suffix[1:]: p for p in paths}
    epubcheck.queue(built["epub"])
    return built


def test_the_manifest_gives_metadata_and_names_the_outputs(book):
    assert book["epub"].name == "book.epub"
    opf = read_xml(book["epub"], "content.opf")
    assert opf.findtext(".//dc:title", namespaces=NS) == "Notes on Making Books"
    creators = [e.text for e in opf.iterfind(".//dc:creator", NS)]
    assert creators == ["Ada Writer", "Max Editor"]
    roles = {m.get("refines"): m.text for m in opf.iterfind(".//opf:meta[@property='role']", NS)}
    assert roles == {"#creator-1": "aut", "#contributor-1": "edt"}
    series = opf.find(".//opf:meta[@property='belongs-to-collection']", NS)
    assert series.text == "exporter Samples"
    assert opf.find(".//opf:meta[@property='group-position']", NS).text == "1"
    assert opf.findtext(".//dc:date", namespaces=NS) == "2026-03-01"


def test_cover_is_declared_both_ways_with_a_page_holding_it(book):
    opf = read_xml(book["epub"], "content.opf")
    (image,) = opf.findall(".//opf:item[@properties='cover-image']", NS)
    meta = opf.find(".//opf:meta[@name='cover']", NS)
    assert meta.get("content") == image.get("id")
    page = read_xml(book["epub"], "cover.xhtml")
    assert page.find(".//x:img", NS).get("src") == image.get("href")
    with zipfile.ZipFile(book["epub"]) as z:
        svg = z.read(f"EPUB/{image.get('href')}").decode()
    assert "Notes on Making Books" in svg and "Ada Writer" in svg


def test_landmarks_and_nav_order_equals_spine_order(book):
    nav = read_xml(book["epub"], "nav.xhtml")
    marks = {
        a.get("{http://www.idpf.org/2007/ops}type"): a.get("href")
        for a in nav.iterfind(".//x:nav[@epub:type='landmarks']//x:a", NS)
    }
    assert list(marks) == ["cover", "titlepage", "toc", "bodymatter", "backmatter"]
    opf = read_xml(book["epub"], "content.opf")
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", NS)}
    spine = [hrefs[i.get("idref")] for i in opf.iterfind(".//opf:itemref", NS)]
    assert spine[:3] == ["cover.xhtml", "title-page.xhtml", "nav.xhtml"]
    assert marks["bodymatter"] == "part-003.xhtml" and marks["backmatter"] == "chapter-006.xhtml"
    toc_files = [
        a.get("href").split("#")[0] for a in nav.iterfind(".//x:nav[@epub:type='toc']//x:a", NS)
    ]
    ordered = list(dict.fromkeys(toc_files))
    assert ordered == [f for f in spine if f in ordered]  # nav order is reading order
    assert ordered == [f for f in spine if f.startswith(("chapter-", "part-"))]
    top = nav.findall(".//x:nav[@epub:type='toc']/x:ol/x:li/x:a", NS)
    assert [a.text for a in top] == [
        "Dedication", "Preface", "Part One: Materials", "Part Two: Letters", "Glossary",
        "Acknowledgments",
    ]  # fmt: skip
    glossary = read_xml(book["epub"], marks["backmatter"])
    assert glossary.find(".//x:section[@epub:type='appendix']", NS) is not None


def test_links_between_chapters_land_on_the_right_file_and_fragment(book):
    with zipfile.ZipFile(book["epub"]) as z:
        names = set(z.namelist())
        docs = {n[5:]: etree.fromstring(z.read(n)) for n in names if n.endswith(".xhtml")}
    ids = {name: {e.get("id") for e in doc.iter() if e.get("id")} for name, doc in docs.items()}
    resolved = 0
    for name, doc in docs.items():
        assert doc.get("lang") == "en" and doc.get(XML_LANG) == "en", name
        for a in doc.iterfind(".//x:a[@href]", NS):
            file, _, fragment = a.get("href").partition("#")
            assert f"EPUB/{file or name}" in names, (name, a.get("href"))
            if fragment:
                assert fragment in ids[file or name], (name, a.get("href"))
            resolved += 1
    # The preface's link to the grid chapter's section, by the heading's slug:
    preface = docs["chapter-002.xhtml"]
    hrefs = [a.get("href") for a in preface.iterfind(".//x:p//x:a", NS)]
    assert hrefs == [
        "chapter-003.xhtml#chapter-3",
        "chapter-004.xhtml#the-canon-of-page-proportions",
        "chapter-006.xhtml#chapter-6",
    ]
    # "Leading" is a heading in two chapters: the glossary link goes to the glossary's.
    type_chapter = docs["chapter-005.xhtml"]
    assert "chapter-006.xhtml#leading-2" in [
        a.get("href") for a in type_chapter.iter(f"{{{NS['x']}}}a")
    ]
    assert "leading-2" in ids["chapter-006.xhtml"] and "leading" in ids["chapter-005.xhtml"]
    assert resolved > 20
    report = check_epub(book["epub"], use_epubcheck=False)
    assert report.problems == []


def test_accessibility_metadata_matches_the_content(book):
    opf = read_xml(book["epub"], "content.opf")
    meta: dict[str, list[str]] = {}
    for m in opf.iterfind(".//opf:meta[@property]", NS):
        meta.setdefault(m.get("property"), []).append(m.text)
    assert meta["schema:accessMode"] == ["textual", "visual"]  # the book has two figures
    assert meta["schema:accessModeSufficient"] == ["textual", "textual,visual"]
    assert "alternativeText" in meta["schema:accessibilityFeature"]
    summary = meta["schema:accessibilitySummary"][0]
    assert "Images with a text alternative: 2 of 2." in summary
    assert "Tables: 1, 1 with header cells." in summary
    assert "3 footnotes" in summary


def test_an_image_without_alt_text_withdraws_the_claims(tmp_path, epubcheck):
    shutil.copy(Path(__file__).parents[2] / "samples/images/displaced.png", tmp_path / "p.png")
    (tmp_path / "a.md").write_text("# A\n\n![](p.png)\n\nText.\n")
    (path,) = exporter.convert([tmp_path / "a.md"], ["epub"], tmp_path / "out")
    epubcheck.queue(path)
    opf = read_xml(path, "content.opf")
    sufficient = [
        m.text for m in opf.iterfind(".//opf:meta[@property='schema:accessModeSufficient']", NS)
    ]
    features = [
        m.text for m in opf.iterfind(".//opf:meta[@property='schema:accessibilityFeature']", NS)
    ]
    assert sufficient == ["textual,visual"] and "alternativeText" not in features


def test_pdf_has_a_bookmark_per_chapter_and_working_internal_links(book):
    reader = PdfReader(book["pdf"])
    top = [item["/Title"] for item in reader.outline if not isinstance(item, list)]
    assert top == [
        "Dedication", "Preface", "Part One: Materials", "Paper and Its Grain", "The Page Grid",
        "Part Two: Letters", "Type in Use", "Glossary", "Acknowledgments",
    ]  # fmt: skip
    titles = {}
    for number, page in enumerate(reader.pages):
        page_text = page.extract_text() or ""
        if page_text.startswith("Contents"):  # the printed contents names every section
            continue
        for text in ("Weight and bulk", "The canon of page proportions", "Glossary"):
            if text.upper() in page_text.upper() and text not in titles:
                titles[text] = number
    links = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link" and "/A" not in annot:
                links.append(annot["/Dest"])
    assert len(links) >= 8  # every cross-chapter and note link is internal
    targets = [reader.get_destination_page_number(_dest(reader, d)) for d in links]
    assert all(0 <= t < len(reader.pages) for t in targets)
    assert titles["The canon of page proportions"] in targets


def _dest(reader: PdfReader, dest):
    if isinstance(dest, (str, bytes)) or hasattr(dest, "encode"):
        return reader.named_destinations[str(dest)]
    from pypdf.generic import Destination

    return Destination("", dest[0], dest[1], *dest[2:])


def test_rebuilds_are_byte_identical_across_folders_and_times(samples, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    outputs = []
    for n, when in enumerate((1_000_000_000, 1_700_000_000)):
        folder = tmp_path / f"copy-{n}" / ("deeper/" * n) / "book"
        shutil.copytree(samples / "book", folder)
        for file in folder.rglob("*"):
            os.utime(file, (when, when))
        outputs.append(exporter.convert([folder], ["pdf", "epub"], tmp_path / f"out-{n}"))
    (pdf_a, epub_a), (pdf_b, epub_b) = outputs
    assert pdf_a.read_bytes() == pdf_b.read_bytes()
    assert epub_a.read_bytes() == epub_b.read_bytes()
    assert str(tmp_path).encode() not in pdf_a.read_bytes()
    with zipfile.ZipFile(epub_a) as z:  # the manifest's date, not the files' times
        assert {i.date_time for i in z.infolist()} == {(2026, 3, 1, 0, 0, 0)}
