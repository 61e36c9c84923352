"""The sample technical book (samples/technical) built to PDF, EPUB and HTML, read back.

It uses the four features of a technical book together: formulas, numbered figures, tables,
equations and listings referenced across chapters, citations from a BibTeX file, and an
index. Each test reads an output: MathML with its TeX in the EPUB, drawn formulas carrying
their TeX in the tagged PDF, reference numbers equal to their targets' numbers, the printed
page of a reference equal to its target's page, citations linked to their entries, and index
pages where the terms are.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree
from pypdf import PdfReader

import exporter

SAMPLE = Path(__file__).parents[2] / "samples" / "technical"
X = "{http://www.w3.org/1999/xhtml}"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module")
def built(tmp_path_factory, epubcheck, ace) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("technical")
    paths = exporter.convert([SAMPLE], ["pdf", "epub", "html"], out)
    found = {p.suffix[1:]: p for p in paths}
    epubcheck.queue(found["epub"])
    ace.assert_clean(found["epub"])
    return found


@pytest.fixture(scope="module")
def chapters(built) -> list[etree._Element]:
    with zipfile.ZipFile(built["epub"]) as z:
        names = sorted(n for n in z.namelist() if re.search(r"chapter-\d+\.xhtml$", n))
        return [etree.fromstring(z.read(n)) for n in names]


@pytest.fixture(scope="module")
def pages(built) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(built["pdf"]).pages]


def text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def test_every_formula_is_mathml_with_its_tex_and_the_manifest_says_so(built, chapters):
    maths = [m for page in chapters for m in page.iter(f"{MATHML}math")]
    assert len(maths) >= 12
    assert all(m.get("alttext") for m in maths)
    assert any(r"\frac{W}{c \, s}" in m.get("alttext") for m in maths)
    with zipfile.ZipFile(built["epub"]) as z:
        opf = z.read("EPUB/content.opf").decode()
    assert opf.count('properties="mathml"') >= 3


def test_the_pdf_draws_each_formula_with_its_tex_as_alternative_text(built):
    with pikepdf.open(built["pdf"]) as pdf:
        alts = [
            str(node.Alt)
            for node in _structure(pdf.Root.StructTreeRoot)
            if node.get("/S") == "/Figure" and "/Alt" in node
        ]
    formulas = [alt for alt in alts if "\\" in alt or "=" in alt]
    assert any(r"s_k = s_0 \, r^k" in alt for alt in formulas)
    assert len(formulas) >= 12


def _structure(node: pikepdf.Object) -> list[pikepdf.Object]:
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Dictionary):
            found.append(item)
            kids = item.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        elif isinstance(item, pikepdf.Array):
            stack.extend(item)
    return found


def test_references_carry_their_targets_numbers_across_chapters(chapters):
    captions = {}
    for page in chapters:
        for el in page.iter():
            if el.get("id", "").startswith(("fig-", "tbl-", "lst-", "eq-")):
                captions[el.get("id")] = text(el)
    links = [a for page in chapters for a in page.iter(f"{X}a") if "xref" in a.get("class", "")]
    assert len(links) >= 10
    for a in links:
        target = a.get("href").split("#")[1]
        if not target.startswith(("fig-", "tbl-", "lst-", "eq-")):
            assert re.fullmatch(r"(Chapter )?\d+(\.\d+)*", text(a)), text(a)
            continue
        number = re.search(r"\d+\.\d+", text(a)).group(0)
        assert number in captions[target], (text(a), target)
    grid = text(chapters[1])
    assert "Eq. (1.1)" in grid and "Table 1.1" in grid  # chapter 2 refers back to chapter 1


def test_a_printed_reference_gives_its_targets_page(pages):
    where = next(i for i, page in enumerate(pages) if "Table 1.1: The minor-third scale" in page)
    folio = re.search(r"\b(\d+)$", pages[where]).group(1)  # the page's folio, at its foot
    referring = [page for page in pages if "Table 1.1, p." in page]
    assert referring and all(f"Table 1.1, p. {folio}" in page for page in referring)


def test_each_citation_links_to_its_entry(chapters, built):
    with zipfile.ZipFile(built["epub"]) as z:
        docs = {
            n.rsplit("/", 1)[-1]: etree.fromstring(z.read(n))
            for n in z.namelist()
            if n.endswith(".xhtml")
        }
    ids = {(name, el.get("id")) for name, doc in docs.items() for el in doc.iter() if el.get("id")}
    cites = [a for page in chapters for a in page.iter(f"{X}a") if "#ref-" in (a.get("href") or "")]
    assert len(cites) >= 6
    for a in cites:
        name, anchor = a.get("href").split("#")
        assert (name or "?", anchor) in ids
    entries = "".join(
        text(doc) for doc in docs.values() if "csl-bib-body" in etree.tostring(doc).decode()
    )
    assert "Knuth, Donald E., and Michael F. Plass. 1981" in entries
    assert "1119–84" in entries  # the article's page range, not the cited page


def test_every_index_page_holds_its_term(pages):
    index = next(i for i, page in enumerate(pages) if page.startswith("Index"))
    folios = {
        found.group(1): page for page in pages[:index] if (found := re.search(r"\b(\d+)$", page))
    }
    entries = re.findall(r"(contrast ratio|hyphenation|measure), (\d+)", pages[index])
    assert len(entries) == 3
    for term, folio in entries:
        assert term in folios[folio].lower()


def test_the_html_carries_mathml(built):
    html = built["html"].read_text(encoding="utf-8")
    assert html.count("<math") >= 12 and 'alttext="' in html
    assert "<img" not in html.split("<math", 1)[1].split("</math>", 1)[0]
