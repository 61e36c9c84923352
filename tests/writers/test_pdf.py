"""PDFs read back with pypdf: metadata, outline, page size, text, footnotes, fonts."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

import exporter
from pdfutil import fonts, outline_titles, page_texts, squash

SAMPLE_TEXT = "mali-intervention.txt"


@pytest.fixture(scope="module")
def article_pdf(sample_outputs):
    return sample_outputs[SAMPLE_TEXT]["pdf"]


def test_metadata_title_author_language(article_pdf):
    reader = PdfReader(article_pdf)
    assert reader.metadata.title == "Pieces Starting to Align for Mali Intervention"
    assert reader.metadata.author == "Unknown"  # the article names no author, as calibre says
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_features_metadata(sample_outputs):
    reader = PdfReader(sample_outputs["features.md"]["pdf"])
    assert reader.metadata.title == "A Tour of exporter"
    assert reader.metadata.author == "Ada Writer, Max Editor"
    assert reader.metadata["/Keywords"] == "sample, markdown, typesetting"
    assert reader.metadata.creation_date.year == 2026


def test_outline_is_the_headings(article_pdf):
    assert outline_titles(article_pdf) == [
        "Pieces Starting to Align for Mali Intervention",
        ["Some background", "Momentum for Intervention"],
    ]


def test_a4_by_default_and_letter_on_request(article_pdf, samples, tmp_path):
    box = PdfReader(article_pdf).pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == (595.28, 841.89)
    (letter,) = exporter.convert([samples / SAMPLE_TEXT], ["pdf"], tmp_path, page_size="Letter")
    box = PdfReader(letter).pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612, 792)


def test_every_paragraph_is_in_the_text_and_the_end_is_last(article_pdf, samples):
    source = (samples / SAMPLE_TEXT).read_text(encoding="utf-8")
    blocks = [b.strip() for b in source.split("\n\n") if b.strip()]
    pages = page_texts(article_pdf)
    # A paragraph may run over a page: leave out the running head and the folio between.
    title = squash("Pieces Starting to Align for Mali Intervention").upper()
    body = []
    for number, page in enumerate(pages):
        lines = page.strip().splitlines()
        if lines and lines[-1].strip().isdigit():
            lines = lines[:-1]
        if number:  # the head: pypdf puts it first or last
            lines = [line for line in lines if squash(line).upper() != title]
        body.append("\n".join(lines))
    text = squash("".join(body))
    for block in blocks:
        assert squash(block) in text, block[:60]
    assert squash("will be in Mali. And soon.") in squash(pages[-1])
    # Page 1 carries the title block; the running head with the title starts on page 2.
    assert squash(pages[0]).startswith(squash("Pieces Starting to Align for Mali Intervention"))
    assert "PIECES STARTING" in pages[1].upper()
    assert pages[0].strip().endswith("1") and pages[1].strip().endswith("2")


def test_fonts_are_the_themes_and_all_embedded(article_pdf, sample_outputs):
    found = fonts(article_pdf)
    assert found and all(found.values()), found
    assert all("Exporter-Libertine" in name for name in found), found
    # The tour's SVG figure names a generic sans-serif, which the system provides.
    found = fonts(sample_outputs["features.md"]["pdf"])
    assert all(found.values()), found
    assert any("Exporter-Mono" in n for n in found), found


def test_footnotes_sit_on_the_page_of_their_call(sample_outputs):
    pages = page_texts(sample_outputs["features.md"]["pdf"])
    (call_page,) = [i for i, t in enumerate(pages) if "Footnotes are written once" in t]
    page = squash(pages[call_page])
    assert squash("The same Markdown footnote gives both behaviours.") in page
    assert squash("Notes can have several paragraphs, too.") in page


def test_images_are_embedded(sample_outputs):
    reader = PdfReader(sample_outputs["features.md"]["pdf"])
    images = [img for page in reader.pages for img in page.images]
    assert images, "the PNG figure should be an image XObject"


def test_same_sources_give_the_same_bytes(samples, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (a,) = exporter.convert([samples / "features.md"], ["pdf"], tmp_path / "a")
    (b,) = exporter.convert([samples / "features.md"], ["pdf"], tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()
    assert PdfReader(a).metadata.modification_date.year == 2023


def test_a_byline_is_the_pdf_author(samples, tmp_path):
    title, rest = (samples / SAMPLE_TEXT).read_text(encoding="utf-8").split("\n", 1)
    source = tmp_path / "byline.txt"
    source.write_text(f"{title}\n\nBy Ines Calder\n{rest}", encoding="utf-8")
    (pdf,) = exporter.convert([source], ["pdf"], tmp_path / "out")
    assert PdfReader(pdf).metadata.author == "Ines Calder"
