"""A machine without HarfBuzz-Subset: WeasyPrint subsets fonts with fontTools. That is a note
about the environment (once, never counted by --strict), and the PDF's bytes stay the same
from run to run without SOURCE_DATE_EPOCH."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from exporter.cli import cli

NOTE = "note: fonts are subset with fontTools, as HarfBuzz-Subset is not installed"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    source = tmp_path / "a.md"
    source.write_text("# A title\n\nSome *emphasis* and **strong** text.\n", "utf-8")
    return source


@pytest.fixture
def without_harfbuzz_subset(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make WeasyPrint take its fontTools path, as on a machine without the library (the
    build's child is forked from this process, so it inherits the change)."""
    import weasyprint.pdf.fonts

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def _build(source: Path, out: Path, *options: str) -> tuple[int, str, bytes]:
    result = CliRunner().invoke(cli, ["build", str(source), "-f", "pdf", "-o", out, *options])
    pdf = out / "a.pdf"
    return result.exit_code, result.stderr, pdf.read_bytes() if pdf.exists() else b""


def _font_times(pdf: bytes) -> set[int]:
    """Return the ``head.modified`` time of every embedded font program."""
    times = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            files = descriptor.get_object()
            stream = files.get("/FontFile2") or files["/FontFile3"]  # TrueType or OpenType
            times.add(TTFont(io.BytesIO(stream.get_object().get_data()))["head"].modified)
    return times


@pytest.mark.usefixtures("without_harfbuzz_subset")
def test_the_fonttools_notice_is_one_note_that_strict_does_not_count(
    article: Path, tmp_path: Path
) -> None:
    code, stderr, pdf = _build(article, tmp_path / "one", "--strict")
    assert code == 0, stderr
    assert stderr.splitlines() == [
        f"{NOTE} (on Debian: apt-get install libharfbuzz-subset0); the PDFs look the same "
        "and are reproducible, but take longer to make"
    ]
    assert pdf.startswith(b"%PDF")


@pytest.mark.usefixtures("without_harfbuzz_subset")
def test_fonttools_subsetting_gives_the_same_bytes_on_every_run(
    article: Path, tmp_path: Path
) -> None:
    first = _build(article, tmp_path / "one")[2]
    time.sleep(1.1)  # fontTools stamps whole seconds
    second = _build(article, tmp_path / "two")[2]
    assert first == second
    # The fonts carry the build's time (the source's), not the clock's.
    assert len(_font_times(first)) == 1
    mac_epoch = 2082844800  # fontTools counts from 1904
    assert _font_times(first) == {int(article.stat().st_mtime) + mac_epoch}


def test_with_harfbuzz_subset_there_is_no_note(article: Path, tmp_path: Path) -> None:
    import weasyprint.pdf.fonts

    if not weasyprint.pdf.fonts.harfbuzz_subset:
        pytest.skip("this machine has no HarfBuzz-Subset")
    code, stderr, _ = _build(article, tmp_path / "one", "--strict")
    assert code == 0 and stderr == ""
