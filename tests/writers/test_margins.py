"""Chapters that only moved get new margin boxes, not a new layout (issue 16).

A chapter before them grows by pages: the chapters after it keep their bodies (they open
on a recto, so they move by an even number of pages) and only their folios change. The
warm build re-makes their margin boxes in one render of empty pages and must equal a
cold build of the edited book: text on every page, labels, outline, links, tags, images.
"""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import weasyprint
from test_incremental import THEMES, _doc, _facts, _parent_keys_resolve
from weasyprint import HTML

from bookutil import FILLER, write_book
from exporter.incremental.build import build_book
from exporter.incremental.cache import Cache
from exporter.settings import Settings
from exporter.themes import load_theme, styles_dir
from exporter.writers import margin_forms, pdf_margins


def _grow(paths: list[Path], times: int = 30) -> None:
    """Add paragraphs to the middle chapter (Beta): it grows by pages."""
    beta = paths[1].read_text("utf-8")
    paths[1].write_text(beta.replace(FILLER, f"{FILLER}\n\n" * times, 1), "utf-8")


def _builds(folder: Path, theme: str | Path) -> tuple[object, object, object]:
    """Build cold, grow Beta, build warm; and the edited book cold in a cache of its own."""
    paths = write_book(folder / "src")

    def settings(cache: str) -> Settings:
        return Settings(
            theme=str(theme), layout="book", jobs=1, cache_dir=str(folder / cache), formats=("pdf",)
        )

    loaded = load_theme(theme)
    first = build_book(_doc(paths, settings("cache")), loaded, settings("cache"))
    _grow(paths)
    warm = build_book(_doc(paths, settings("cache")), loaded, settings("cache"))
    cold = build_book(_doc(paths, settings("fresh")), loaded, settings("fresh"))
    return first, warm, cold


def _images(data: bytes) -> list[bytes]:
    pdf = pdfium.PdfDocument(data)
    return [pdf[i].render(scale=1).to_pil().convert("L").tobytes() for i in range(len(pdf))]


@pytest.mark.parametrize("theme", THEMES)
def test_a_moved_chapter_gets_new_margins_and_equals_a_cold_build(theme, tmp_path):
    first, warm, cold = _builds(tmp_path, theme)
    # Gamma moved (the labels of its pages changed) and was not laid out again.
    assert "chapter-3" not in warm.laid_out and warm.remargined == ["chapter-3"]
    assert "chapter-3" in cold.laid_out and not cold.remargined
    got, want = _facts(warm.pdf), _facts(cold.pdf)
    assert _facts(first.pdf)["labels"][-1] != want["labels"][-1]
    assert got == want
    assert want["labels"][-1] not in ("", "1") and want["outline"] and want["tags"]
    assert _parent_keys_resolve(warm.pdf)
    # The same pixels: the folios are drawn where and as a cold layout draws them.
    assert _images(warm.pdf) == _images(cold.pdf)


def test_a_margin_box_that_counts_all_pages_makes_the_moved_chapter_laid_out_again(tmp_path):
    """counter(pages) is the book's page count: an empty page cannot reproduce it."""
    theme = tmp_path / "theme"
    shutil.copytree(styles_dir() / "classic", theme)
    with (theme / "pdf.css").open("a", encoding="utf-8") as css:
        css.write("@page chapter:right { @top-right { content: counter(pages); } }\n")
    _, warm, cold = _builds(tmp_path, theme)
    assert "chapter-3" in warm.laid_out and not warm.remargined
    assert _facts(warm.pdf) == _facts(cold.pdf)


def test_pages_that_do_not_come_out_as_recorded_are_laid_out_in_full(tmp_path):
    """A record the empty pages do not reproduce (here: page counters changed in the cache):
    the moved chapter is laid out again, and the book is still the cold one."""
    paths = write_book(tmp_path / "src")
    settings = Settings(layout="book", jobs=1, cache_dir=str(tmp_path / "c"), formats=("pdf",))
    theme = load_theme(None)
    build_book(_doc(paths, settings), theme, settings)
    cache, changed = Cache(tmp_path / "c"), 0
    for path in (tmp_path / "c").glob("*.pdf"):
        piece = cache.get(path.stem)
        if piece is None or piece.margins is None or "chapter-3" not in piece.anchors:
            continue
        pages = tuple((n, s, b, c + 1, t) for n, s, b, c, t in piece.margins.pages)
        body = json.loads(path.with_suffix(".json").read_text())["body"]
        cache.put(path.stem, replace(piece, margins=replace(piece.margins, pages=pages)), body)
        changed += 1
    assert changed
    _grow(paths)
    warm = build_book(_doc(paths, settings), theme, settings)
    assert "chapter-3" in warm.laid_out and not warm.remargined
    fresh = replace(settings, cache_dir=str(tmp_path / "fresh"))
    assert _facts(warm.pdf) == _facts(build_book(_doc(paths, fresh), theme, fresh).pdf)


def test_a_piece_draws_its_margins_as_untagged_artifact_forms(tmp_path):
    paths = write_book(tmp_path / "src")
    settings = Settings(layout="book", jobs=1, cache_dir=str(tmp_path / "c"), formats=("pdf",))
    build_book(_doc(paths, settings), load_theme(None), settings)
    drawn = 0
    for path in (tmp_path / "c").glob("*.pdf"):
        pdf = pikepdf.open(path)
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        keys = {int(nums[i]) for i in range(0, len(nums), 2)}
        for page in pdf.pages:
            assert int(page.StructParents) in keys  # the margin pages' keys are gone
            form = page.get("/ExporterMargins")
            if form is None:
                continue
            content = form.read_bytes()
            assert content.startswith(b"/Artifact BMC") and b"/MCID" not in content
            assert b"TJ" in content and page.Contents.read_bytes().endswith(content + b"\nQ\n")
            drawn += 1
    assert drawn > 10


def test_weasyprint_internals_the_margins_rely_on():
    """Pinned on WeasyPrint 70.0: the layout functions wrapped, the page types and the
    string store read, the margin boxes among a page box's children."""
    assert weasyprint.__version__ == "70.0"
    css = "@page { @top-center { content: string(t) } @bottom-center { content: counter(page) } }"
    html = f"<style>{css} h1 {{ string-set: t content() }} .b {{ page: b; break-before: right }}"
    html += "</style><h1>One</h1><div class=b>x</div>"
    with pdf_margins.recording() as seen:
        document = HTML(string=html).render()
    assert seen[0][:4] == ("", "right", False, 1) and seen[0][4]
    assert seen[1][:3] == ("", "left", True) and seen[2][:3] == ("b", "right", False)
    assert dict(seen[-1].string_set["t"]) == {1: ["One"]}
    needs = pdf_margins.needs(seen, 1, 3)
    assert needs is not None and needs.carried == {"t": "One"} and needs.before == 1
    split = pdf_margins.split(document.pages)
    assert len(split) == 6 and not split[3].anchors
    assert all(type(c).__name__ == "MarginBox" for c in split[5]._page_box.children)
    folded = margin_forms.fold(document.copy(split).write_pdf())
    assert len(pikepdf.open(io.BytesIO(folded)).pages) == 3
