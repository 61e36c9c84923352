"""A book in preview: an edited chapter's new pages are shown before the whole is assembled.

The worker runs the real build (a forked child, its progress through a pipe); the pages it
shows are read back with PDFium, and the last PDF is compared with a one-shot build's.
"""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from exporter.api import produce
from exporter.live.pages import PageImages
from exporter.live.worker import Worker
from exporter.settings import Settings
from pdfutil import squash

MANIFEST = 'title = "Preview Book"\nlanguage = "en"\nchapters = [{chapters}]\n'
WORDS = "Every chapter of this book says a little more about the preview as it goes. "
MARKER = "The gamma chapter now ends with a freshly saved sentence."


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """Snapshots of a 4-chapter book's first build and of the build after one edit."""
    folder = tmp_path_factory.mktemp("chapters")
    names = ["alpha", "beta", "gamma", "delta"]
    for name in names:
        body = "\n\n".join(f"{WORDS * 6} ({name} {n})" for n in range(6))
        (folder / f"{name}.md").write_text(f"# {name.title()}\n\n{body}\n")
    (folder / "book.toml").write_text(
        MANIFEST.format(chapters=", ".join(f'"{n}.md"' for n in names))
    )
    seen = []
    worker = Worker([str(folder)], Settings, seen.append)
    first = worker.rebuild()
    gamma = folder / "gamma.md"
    gamma.write_text(gamma.read_text() + f"\n{MARKER}\n")
    after = len(seen)
    last = worker.rebuild()
    return folder, first, seen[after:], last


def _texts(pages) -> list[str]:
    images = PageImages()
    return [squash(images.text(page)) for page in pages]


def test_the_edited_chapters_pages_are_shown_before_the_book_is_assembled(edited):
    _, first, during, last = edited
    assert first.error == "" and last.error == ""
    shown = [s for s in during if s.busy == "pdf" and s.pages is not first.pages]
    assert shown, "no pages were shown before the assembled PDF"
    early = shown[0]
    assert early.pdf == first.pdf  # the whole book was not assembled yet
    new = [i for i, page in enumerate(early.pages) if page not in first.pages]
    texts = _texts(early.pages)
    assert any(squash(MARKER) in texts[i] for i in new)  # the new sentence, on a new page
    assert all(squash(MARKER) not in text for i, text in enumerate(texts) if i not in new)
    # Only the edited chapter was laid out again: its pages, the others kept as they were.
    assert all("gamma" in texts[i] for i in new)
    assert len(early.pages) == len(first.pages)
    assert "pages" in last.timings and last.timings["pages"] <= last.timings["pdf"]


def test_the_last_pdf_says_what_a_one_shot_build_says(edited, tmp_path):
    folder, _, _, last = edited
    whole = produce([str(folder)], settings=Settings(formats=("pdf",))).outputs["pdf"]
    (tmp_path / "whole.pdf").write_bytes(whole)
    (tmp_path / "preview.pdf").write_bytes(last.pdf)
    expected = [page.extract_text() for page in PdfReader(tmp_path / "whole.pdf").pages]
    got = [page.extract_text() for page in PdfReader(tmp_path / "preview.pdf").pages]
    assert got == expected
    assert squash(MARKER) in squash(" ".join(got))
    assert len(last.pages) == len(got) and {page.pdf for page in last.pages} == {last.pdf}
