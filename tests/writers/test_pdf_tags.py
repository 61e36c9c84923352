"""Tagged PDF by default: PDF/UA-1's structure tree, language, title and identification."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

import exporter
from exporter.api import produce
from exporter.cli import cli
from exporter.errors import UsageError
from exporter.settings import PDF_VARIANTS, Settings

ROOT = Path(__file__).resolve().parents[2]
PDFUA = "{http://www.aiim.org/pdfua/ns/id/}part"
PDFA = "{http://www.aiim.org/pdfa/ns/id/}part"


def structure(path: Path) -> tuple[Counter, list[str]]:
    """Return the structure element kinds of a PDF (counted) and its figures' /Alt texts."""
    kinds: Counter = Counter()
    alts: list[str] = []
    with pikepdf.open(path) as pdf:
        pending = list(pdf.Root.StructTreeRoot.K)
        while pending:
            element = pending.pop()
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                continue  # marked-content ids and annotation references
            kinds[str(element.S)[1:]] += 1
            if element.S == "/Figure":
                alts.append(str(element.get("/Alt", "")))
            children = element.get("/K")
            if isinstance(children, pikepdf.Array):
                pending.extend(children)
            elif isinstance(children, pikepdf.Dictionary):
                pending.append(children)
    return kinds, alts


def test_every_pdf_is_pdf_ua_1_by_default(sample_outputs):
    path = sample_outputs["features.md"]["pdf"]
    with pikepdf.open(path) as pdf:
        assert pdf.pdf_version == "1.7"
        assert str(pdf.Root.Lang) == "en"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        assert bool(pdf.Root.MarkInfo.Marked) is True
        xmp = pdf.open_metadata()
        assert xmp[PDFUA] == "1"
        assert xmp["dc:title"] == "A Tour of exporter"
    kinds, alts = structure(path)
    for kind in ("Document", "H1", "H2", "P", "L", "LI", "Lbl", "LBody", "BlockQuote"):
        assert kinds[kind] >= 1, kind
    for kind in ("Table", "THead", "TBody", "TR", "TH", "TD", "Figure", "Caption", "Link"):
        assert kinds[kind] >= 1, kind
    assert kinds["H2"] == 6 and kinds["TH"] == 4
    assert sorted(alts) == [
        "Bar chart: 250,000 Malians fled abroad and 174,000 were displaced inside Mali",
        "The pipeline: a source becomes a Document, then HTML and CSS, then PDF, EPUB and HTML",
    ]


def test_a_book_is_tagged_too(samples, tmp_path):
    (path,) = exporter.convert([samples / "book"], ["pdf"], tmp_path)
    kinds, alts = structure(path)
    assert kinds["H1"] >= 6 and kinds["Figure"] == 2 and all(alts)


def test_none_gives_the_plain_untagged_pdf(samples, tmp_path):
    (path,) = exporter.convert(
        [samples / "mali-intervention.txt"], ["pdf"], tmp_path, pdf_variant="none"
    )
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" not in pdf.Root and "/MarkInfo" not in pdf.Root
        assert PDFUA not in pdf.open_metadata()


def test_an_archival_variant_is_identified_and_still_tagged(samples, tmp_path):
    (path,) = exporter.convert(
        [samples / "mali-intervention.txt"], ["pdf"], tmp_path, pdf_variant="pdf/a-2b"
    )
    with pikepdf.open(path) as pdf:
        assert pdf.open_metadata()[PDFA] == "2"
        assert "/StructTreeRoot" in pdf.Root
    kinds, _ = structure(path)
    assert kinds["P"] >= 5


def test_a_decorative_image_passes_strict_mode(tmp_path):
    shutil.copy(ROOT / "samples/images/displaced.png", tmp_path / "rule.png")
    (tmp_path / "a.md").write_text(
        "# A\n\nText ![](rule.png){.decorative} and ![A red square](rule.png).\n"
    )
    made = produce([tmp_path / "a.md"], ["pdf"], strict=True)
    assert made.warnings == ()


def test_an_unknown_variant_is_a_usage_error_naming_the_choices(samples, tmp_path):
    with pytest.raises(UsageError, match=r"Unknown PDF variant 'pdf/z'\. Use one of: pdf/ua-1"):
        Settings(pdf_variant="pdf/z")
    result = CliRunner().invoke(
        cli, ["build", str(samples / "features.md"), "--pdf-variant", "pdf/z", "-o", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "'pdf/z' is not one of" in result.stderr and "'pdf/a-2b'" in result.stderr


def test_the_choices_are_weasyprints_variants():
    from weasyprint.pdf import VARIANTS

    assert set(PDF_VARIANTS) == (set(VARIANTS) - {"debug"}) | {"none"}
