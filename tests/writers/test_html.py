"""The standalone HTML page: self-contained, styled, complete."""

from __future__ import annotations

import lxml.html


def test_standalone_page_has_no_external_references(sample_outputs):
    page = sample_outputs["features.md"]["html"].read_text(encoding="utf-8")
    root = lxml.html.fromstring(page)
    assert root.get("lang") == "en"
    assert root.findtext(".//title") == "A Tour of exporter"
    assert "Exporter Libertine" in root.findtext(".//style")  # the theme's CSS, inlined
    assert not root.xpath("//link | //script")
    sources = [img.get("src") for img in root.iter("img")]
    assert len(sources) == 2 and all(s.startswith("data:image/") for s in sources)
    notes = root.xpath("//aside[@role='doc-footnote']")
    assert len(notes) == 2


def test_sample_text_article_reads_in_order(sample_outputs, samples):
    root = lxml.html.fromstring(sample_outputs["mali-intervention.txt"]["html"].read_bytes())
    assert [h.text_content() for h in root.iter("h2")] == [
        "Some background",
        "Momentum for Intervention",
    ]
    assert root.xpath("//p")[-1].text_content().endswith("And soon.")


def test_html_source_keeps_content_and_drops_scripts(sample_outputs):
    page = sample_outputs["field-report.html"]["html"].read_text(encoding="utf-8")
    assert "<script" not in page and "onclick" not in page and "alert(" not in page
    root = lxml.html.fromstring(page)
    assert root.findtext(".//h1") == "Field Report: Water Points in the Sahel"
    assert len(root.xpath("//table//tr")) == 4
