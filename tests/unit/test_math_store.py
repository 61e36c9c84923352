"""Formula drawings kept in the build cache (math.store): a warm build draws none again."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from exporter.api import produce
from exporter.guard.policy import Policy, using
from exporter.math import draw, store
from exporter.math.transform import mathml

TEX = [r"\frac{1}{x+1}", r"\sqrt{7 + n}", r"\left(1 + \frac{k}{n}\right)^n", "x"]
HTML = "".join(f"<p>a {mathml(tex, i % 2 == 0)} b</p>" for i, tex in enumerate(TEX))


def _ahead(folder: Path) -> str:
    """Draw HTML's formulas ahead with ``folder`` as the store, in this process; return
    the HTML with its drawings."""
    draw.drawing.cache_clear()
    with using(Policy(read_processes=1)):
        draw.draw_ahead([HTML], folder)
    return draw.draw_all(HTML)


def test_a_second_build_takes_every_drawing_from_the_store(tmp_path, monkeypatch) -> None:
    first = _ahead(tmp_path)
    kept = json.loads((tmp_path / store.NAME).read_text("utf-8"))
    assert len(kept["drawings"]) == len(TEX)

    def no_drawing(markup: str) -> None:
        raise AssertionError("drawn again")

    monkeypatch.setattr(draw, "_layout", no_drawing)
    assert _ahead(tmp_path) == first
    assert len(draw.VECTORS) >= len(TEX)  # the stored operators are used in the PDF too


@pytest.mark.parametrize("damage", ["{not json", '{"tag": "an older exporter", "drawings": {}}'])
def test_a_damaged_or_older_store_is_drawn_again_and_rewritten(tmp_path, damage) -> None:
    first = _ahead(tmp_path)
    (tmp_path / store.NAME).write_text(damage, "utf-8")
    assert _ahead(tmp_path) == first
    kept = json.loads((tmp_path / store.NAME).read_text("utf-8"))
    assert kept["tag"] == store.tag(draw._SIZE, draw._MARGIN, draw.pdfops.UNIT)
    assert len(kept["drawings"]) == len(TEX)


def test_a_warm_book_is_the_same_pdf(tmp_path) -> None:
    sources = []
    for n in (1, 2):
        source = tmp_path / f"ch{n}.md"
        source.write_text(
            f"# Chapter {n}\n\nText $\\frac{{{n}}}{{x+1}}$ and $x$.\n\n$$\ne^{n}\n$$\n"
        )
        sources.append(source)
    options = {"layout": "book", "jobs": 1, "cache_dir": str(tmp_path / "cache")}
    cold = produce(sources, ["pdf"], **options).outputs["pdf"]
    assert (tmp_path / "cache" / store.NAME).exists()
    warm = produce(sources, ["pdf"], **options).outputs["pdf"]
    assert warm == cold
    pages = PdfReader(io.BytesIO(warm)).pages
    assert any("Chapter 2" in page.extract_text() for page in pages)


def test_a_store_someone_else_wrote_is_not_used(tmp_path) -> None:
    """The drawings go into the HTML as they are: a store edited by someone else (its seal
    no longer verifies) is drawn again, and nothing of it reaches the HTML."""
    first = _ahead(tmp_path)
    kept = json.loads((tmp_path / store.NAME).read_text("utf-8"))
    for entry in kept["drawings"].values():
        entry[0] = '<img src="x" onerror="alert(1)">'
    (tmp_path / store.NAME).write_text(json.dumps(kept), "utf-8")
    again = _ahead(tmp_path)
    assert again == first and "onerror" not in again
    assert "onerror" not in (tmp_path / store.NAME).read_text("utf-8")  # written anew
