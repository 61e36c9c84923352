"""A book's PDF built chapter by chapter, from a warm cache, equals the whole-document PDF.

For every theme: build the test book cold (filling the cache), edit two chapters (one keeps
its page count, one grows by pages, so the chapters after it move), build again from the
cache, and compare with the edited book laid out as one WeasyPrint document: the same
pages, text, outline, links, page labels, structure tree and page images.
"""

from __future__ import annotations

import collections
import io
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from bookutil import FILLER, write_book
from exporter.api import read, transform
from exporter.cli import cli
from exporter.incremental import walk
from exporter.incremental.build import build_book
from exporter.settings import Settings
from exporter.themes import load_theme, styles_dir
from exporter.writers import pdf as whole

THEMES = ("classic", "modern", "technical")


def _doc(paths: list[Path], settings: Settings):
    return replace(transform(read(paths, settings=settings), settings), layout="book")


def _edit(paths: list[Path]) -> None:
    """Change a word of Alpha (same pages) and add paragraphs to Beta (more pages)."""
    alpha = paths[0].read_text("utf-8")
    paths[0].write_text(alpha.replace("Type is set", "Type is cast", 1), "utf-8")
    beta = paths[1].read_text("utf-8")
    paths[1].write_text(beta.replace(FILLER, f"{FILLER}\n\n" * 30, 1), "utf-8")


@pytest.fixture(scope="module", params=THEMES)
def built(request, tmp_path_factory):
    """Cold build, edit, warm build, and the edited book as one document (per theme)."""
    theme_name = request.param
    folder = tmp_path_factory.mktemp(f"book-{theme_name}")
    paths = write_book(folder / "src")
    settings = Settings(
        theme=theme_name, layout="book", jobs=1, cache_dir=str(folder / "cache"), formats=("pdf",)
    )
    theme = load_theme(theme_name)
    cold = build_book(_doc(paths, settings), theme, settings)
    _edit(paths)
    doc = _doc(paths, settings)
    warm = build_book(doc, theme, settings)
    reference = whole.write(doc, theme, settings, {})
    return cold, warm, reference


def _facts(data: bytes) -> dict[str, object]:
    """Return what a reader sees of a PDF: pages' text, outline, links, labels, tags."""
    reader = pypdf.PdfReader(io.BytesIO(data))

    def walk(items: list, depth: int = 0) -> list[tuple[int, str, int]]:
        found = []
        for item in items:
            if isinstance(item, list):
                found += walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))
        return found

    links = []
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            if "/Dest" in annot:
                dest = reader.named_destinations[str(annot["/Dest"])]
                links.append((index, str(annot["/Dest"]), reader.get_destination_page_number(dest)))
    kinds: collections.Counter[str] = collections.Counter()
    pdf = pikepdf.open(io.BytesIO(data))

    def count(element: pikepdf.Object) -> None:
        if isinstance(element, pikepdf.Dictionary) and "/S" in element:
            kinds[str(element.S)] += 1
            children = element.get("/K")
            for child in children if isinstance(children, pikepdf.Array) else [children]:
                count(child)

    for top in pdf.Root.StructTreeRoot.K:
        count(top)
    return {
        "pages": len(reader.pages),
        "text": [page.extract_text() for page in reader.pages],
        "outline": walk(reader.outline),
        "links": links,
        "labels": [reader.page_labels[i] for i in range(len(reader.pages))],
        "tags": dict(kinds),
        "lang": str(pdf.Root.Lang),
    }


def _parent_keys_resolve(data: bytes) -> bool:
    """Tell whether every page's and annotation's structure key is its own, in /ParentTree."""
    pdf = pikepdf.open(io.BytesIO(data))
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    tree = {int(nums[i]) for i in range(0, len(nums), 2)}
    keys = [int(p.StructParents) for p in pdf.pages]
    keys += [
        int(a.StructParent) for p in pdf.pages for a in p.get("/Annots", []) if "/StructParent" in a
    ]
    return len(keys) == len(set(keys)) and set(keys) <= tree


def test_only_the_edited_chapters_and_the_contents_are_laid_out_again(built):
    cold, warm, _ = built
    assert cold.laid_out[:4] == ["front", "chapter-1", "chapter-2", "chapter-3"]
    # Alpha and Beta changed; the contents show the new pages. Gamma moved (Beta grew):
    # only its margin boxes were made again (the rest of its piece is the cold build's).
    assert sorted(set(warm.laid_out)) == ["chapter-1", "chapter-2", "front"]
    assert warm.remargined == ["chapter-3"] and not cold.remargined
    assert warm.laid_out.count("front") == 1  # once, after the chapters it lists


def test_the_warm_build_reads_as_the_whole_document(built):
    cold, warm, reference = built
    got, want = _facts(warm.pdf), _facts(reference)
    # Gamma moved: the edit grew Beta, so the assembly had pages to shift.
    assert _facts(cold.pdf)["outline"][-1] != want["outline"][-1]
    for key in want:
        assert got[key] == want[key], key
    assert len(want["outline"]) > 5 and want["links"] and want["tags"]  # not vacuous
    # The keys are numbered in another order than WeasyPrint's, but each is unique and known.
    assert _parent_keys_resolve(warm.pdf)


def test_the_warm_build_looks_like_the_whole_document(built):
    _, warm, reference = built
    got, want = pdfium.PdfDocument(warm.pdf), pdfium.PdfDocument(reference)
    assert len(got) == len(want)
    for index in range(len(want)):
        a = got[index].render(scale=0.5).to_pil().convert("L")
        b = want[index].render(scale=0.5).to_pil().convert("L")
        differing = sum(1 for x, y in zip(a.tobytes(), b.tobytes(), strict=True) if abs(x - y) > 8)
        # PDFium may anti-alias a few edge pixels of one glyph differently in two subsets
        # of a font (seen, when each piece kept its own: under 400 pixels of a page, none
        # above 70/255). A line that moved changes thousands.
        assert differing < 0.002 * a.width * a.height, f"page {index + 1} differs"


def _font_programs(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """Return, per font the pages draw with (subset tag dropped), its embedded programs."""
    pdf = pikepdf.open(io.BytesIO(data))
    programs: dict[str, set[tuple[int, int]]] = collections.defaultdict(set)
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            name = str(descriptor.FontName).split("+", 1)[-1]
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in descriptor:
                    programs[name].add(descriptor[key].objgen)
    return programs


def test_the_book_embeds_each_font_once_as_the_whole_document_does(built):
    """The pieces' subsets of a font are merged into one: the size of the whole PDF."""
    cold, warm, reference = built
    got, want = _font_programs(warm.pdf), _font_programs(reference)
    assert sorted(got) == sorted(want) and len(want) >= 2
    assert all(len(programs) == 1 for programs in got.values()), got
    assert len(warm.pdf) < 1.1 * len(reference), (len(warm.pdf), len(reference))
    # The merged fonts draw every piece's glyphs and read back as the same text.
    assert _facts(cold.pdf)["text"] != _facts(reference)["text"]  # the cold book was not edited
    assert _facts(warm.pdf)["text"] == _facts(reference)["text"]


def test_a_corrupt_cache_entry_is_laid_out_again_with_a_note(tmp_path, capsys):
    paths = write_book(tmp_path / "src")
    settings = Settings(layout="book", jobs=1, cache_dir=str(tmp_path / "cache"), formats=("pdf",))
    theme = load_theme(None)
    first = build_book(_doc(paths, settings), theme, settings)
    piece = sorted((tmp_path / "cache").glob("*.pdf"))[0]
    piece.write_bytes(piece.read_bytes()[:100])  # truncated
    record = sorted((tmp_path / "cache").glob("*.json"))[-1]
    record.write_text("{not json")
    again = build_book(_doc(paths, settings), theme, settings)
    assert "cache entry" in capsys.readouterr().err
    assert 1 <= len(again.laid_out) <= 3
    assert _facts(again.pdf) == _facts(first.pdf)


def test_a_change_in_the_systems_fonts_lays_every_chapter_out_again(tmp_path, monkeypatch):
    """Fallback glyphs come from the system's fonts: installing one changes the chapters."""
    paths = write_book(tmp_path / "src")
    settings = Settings(layout="book", jobs=1, cache_dir=str(tmp_path / "cache"), formats=("pdf",))
    theme = load_theme(None)
    cold = build_book(_doc(paths, settings), theme, settings)
    same = build_book(_doc(paths, settings), theme, settings)
    chapters = {name for name in cold.laid_out if name.startswith("chapter-")}
    assert len(chapters) == 3 and not chapters & set(same.laid_out)
    monkeypatch.setattr(walk, "system_fonts", lambda: b"fonts-noto-cjk installed since")
    again = build_book(_doc(paths, settings), theme, settings)
    assert chapters <= set(again.laid_out)


def test_the_system_fonts_digest_follows_fontconfig(tmp_path):
    """A font file added to a folder fontconfig reads changes the digest; nothing else does."""
    extra = tmp_path / "extra"
    extra.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{extra}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        "utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    code = "from exporter.writers.pdf_units import system_fonts; print(system_fonts().hex())"

    def digest() -> str:
        run = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        return run.stdout.strip()

    before = digest()
    assert digest() == before
    shutil.copy(styles_dir() / "technical" / "fonts" / "CharisSIL-Regular.ttf", extra)
    assert digest() != before


def test_the_cli_keeps_a_cache_beside_the_outputs_and_no_cache_keeps_none(tmp_path):
    paths = [str(p) for p in write_book(tmp_path / "src")]
    runner = CliRunner()
    args = ["build", *paths, "-f", "pdf", "--layout", "book", "--incremental", "-j", "1", "-q"]
    done = runner.invoke(cli, [*args, "-o", str(tmp_path / "a")])
    assert done.exit_code == 0, done.output
    assert list((tmp_path / "a" / ".exporter-cache").glob("*.pdf"))
    done = runner.invoke(cli, [*args, "-o", str(tmp_path / "b"), "--no-cache"])
    assert done.exit_code == 0, done.output
    assert not (tmp_path / "b" / ".exporter-cache").exists()
    assert (tmp_path / "b" / "01-alpha.pdf").read_bytes()[:5] == b"%PDF-"
    done = runner.invoke(cli, [*args, "-o", str(tmp_path / "c"), "-j", "0"])
    assert done.exit_code == 2 and "-j" in done.output


def test_chapters_laid_out_at_once_on_two_cores_give_the_same_pdf(tmp_path):
    """-j 2 on a cold book: chapters laid out in parallel, each told its folio late."""
    paths = write_book(tmp_path / "src")
    made = {}
    for jobs in (1, 2):
        settings = Settings(theme="classic", layout="book", jobs=jobs, formats=("pdf",))
        made[jobs] = build_book(_doc(paths, settings), load_theme("classic"), settings)
    # Each chapter once: in parallel from page 0, not laid out again at its real folio.
    assert sorted(made[2].laid_out).count("chapter-3") == 1
    # The front matter once, after the chapters reported their pages (its contents list
    # them); one by one, it is laid out before the chapters and again with their pages.
    assert made[2].laid_out.count("front") == 1 and made[1].laid_out.count("front") == 2
    assert made[2].pdf == made[1].pdf
    assert _facts(made[2].pdf)["labels"][-1] != "1"  # folios came through


def test_the_sample_book_with_parts_front_matter_and_links_between_chapters(samples):
    """samples/book: a preface, parts, appendices and links from chapter to chapter."""
    from exporter.api import produce

    made = {
        incremental: produce(
            [samples / "book"], ["pdf"], incremental=incremental, jobs=2, warm_up=False
        ).outputs["pdf"]
        for incremental in (False, True)
    }
    got, want = _facts(made[True]), _facts(made[False])
    assert got == want
    # Links from the main matter into other chapters, not only the printed contents'.
    first_chapter = want["outline"][0][2]
    assert any(page > first_chapter + 1 for page, _, _ in want["links"])
