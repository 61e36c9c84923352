"""Tagged PDF by default: PDF/UA-1's structure tree, language, title and identification."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

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


def split_text(path: Path, index: int) -> tuple[str, str]:
    """Return a page's text inside /Artifact marked content, and the rest."""
    stack: list[str] = []
    found: dict[bool, list[str]] = {True: [], False: []}

    def before(op, args, cm, tm):
        if op in (b"BDC", b"BMC"):
            stack.append(str(args[0]))
        elif op == b"EMC" and stack:
            stack.pop()

    def text(t, cm, tm, font, size):
        found["/Artifact" in stack].append(t)

    PdfReader(path).pages[index].extract_text(visitor_operand_before=before, visitor_text=text)
    return " ".join(" ".join(found[True]).split()), " ".join(" ".join(found[False]).split())


def untreed_content(path: Path) -> list[tuple[int, int]]:
    """Return (page, MCID) of marked content that no element of the structure tree holds."""
    missing = []
    with pikepdf.open(path) as pdf:
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        reached = set()
        pending = list(pdf.Root.StructTreeRoot.K)
        while pending:
            element = pending.pop()
            if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                reached.add(element.objgen)
                kids = element.get("/K")
                pending.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        for number, page in enumerate(pdf.pages):
            mcids = [
                int(operands[1].MCID)
                for operands, op in pikepdf.parse_content_stream(page, "BDC")
                if isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]
            ]
            owners = parents[int(page.StructParents)]
            missing += [
                (number, mcid)
                for mcid in mcids
                if not isinstance(owners[mcid], pikepdf.Dictionary)
                or owners[mcid].objgen not in reached
            ]
    return missing


def test_running_heads_and_folios_are_artifacts_and_footnotes_content(sample_outputs):
    path = sample_outputs["features.md"]["pdf"]
    artifacts, content = split_text(path, 1)
    assert artifacts == "A Tour of exporter 2"  # the running head and the folio
    assert "A Tour of exporter" not in content and content.startswith("Steps to a book")
    notes = [split_text(path, i)[1] for i in range(3)]
    assert any("The same Markdown footnote gives both behaviours." in n for n in notes)
    assert untreed_content(path) == []  # all else is in the structure tree
    with pikepdf.open(path) as pdf:
        scopes = [
            str(o.A.Scope) for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/TH"
        ]  # fmt: skip
    assert scopes == ["/Column"] * 4


def test_a_book_is_tagged_too(samples, tmp_path):
    (path,) = exporter.convert([samples / "book"], ["pdf"], tmp_path)
    kinds, alts = structure(path)
    assert kinds["H1"] >= 6 and kinds["Figure"] == 2 and all(alts)
    assert untreed_content(path) == []
    pages = [split_text(path, i) for i in range(len(PdfReader(path).pages))]
    headed = [content for artifacts, content in pages if "Notes on Making Books" in artifacts]
    assert len(headed) >= 2  # the running head of the left-hand pages of chapters
    assert not any("Notes on Making Books" in content for content in headed)
    assert all(artifacts.split()[-1].isalnum() for artifacts, _ in pages[1:] if artifacts)


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


def test_a_decorative_image_passes_strict_mode_and_is_an_artifact(tmp_path):
    shutil.copy(ROOT / "samples/images/displaced.png", tmp_path / "rule.png")
    (tmp_path / "a.md").write_text(
        "# A\n\nText ![](rule.png){.decorative} and ![A red square](rule.png).\n"
    )
    made = produce([tmp_path / "a.md"], ["pdf"], strict=True)
    assert made.warnings == ()
    # The described image is a figure with its alt text; the decorative one an artifact.
    path = tmp_path / "a.pdf"
    path.write_bytes(made.outputs["pdf"])
    kinds, alts = structure(path)
    assert kinds["Figure"] == 1 and alts == ["A red square"]
    assert untreed_content(path) == []
    with pikepdf.open(path) as pdf:
        shown = [op for _, op in pikepdf.parse_content_stream(pdf.pages[0], "Do BMC EMC BDC")]
    # Both images are drawn (Do): the decorative one in /Artifact (BMC), the other tagged (BDC).
    drawn = [shown[i - 1] for i, op in enumerate(shown) if op == pikepdf.Operator("Do")]
    assert drawn == [pikepdf.Operator("BMC"), pikepdf.Operator("BDC")]


def test_an_unknown_variant_is_a_usage_error_naming_the_choices(samples, tmp_path):
    with pytest.raises(UsageError, match=r"Unknown PDF variant 'pdf/z'\. Use one of: pdf/ua-1"):
        Settings(pdf_variant="pdf/z")
    result = CliRunner().invoke(
        cli, ["build", str(samples / "features.md"), "--pdf-variant", "pdf/z", "-o", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "'pdf/z' is not one of" in result.stderr and "'pdf/a-2b'" in result.stderr


def identification(variant: str) -> tuple[str, str]:
    """Return the XMP key and value that identify a PDF variant: pdf/a-2u -> pdfaid 2, U."""
    family, _, version = variant[4:].partition("-")
    if family == "ua":
        return "{http://www.aiim.org/pdfua/ns/id/}part", version
    if family == "a":
        return "{http://www.aiim.org/pdfa/ns/id/}part", version[0]
    return "pdfxid:GTS_PDFXVersion", f"PDF/X-{version[0]}"


# Every variant from the command line; pdf/x-1a needs CMYK content (tests/writers/test_print).
@pytest.mark.parametrize("variant", [v for v in PDF_VARIANTS if v not in ("none", "pdf/x-1a")])
def test_every_variant_is_written_identified_and_tagged(variant, tmp_path):
    (tmp_path / "v.md").write_text("# Variant\n\nOne paragraph, and a [link](#variant).\n")
    result = CliRunner().invoke(
        cli, ["build", str(tmp_path / "v.md"), "-f", "pdf", "--pdf-variant", variant,
              "-o", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    key, value = identification(variant)
    with pikepdf.open(tmp_path / "v.pdf") as pdf:
        assert str(pdf.open_metadata()[key]).startswith(value), variant
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "en"
    kinds, _ = structure(tmp_path / "v.pdf")
    assert kinds["H1"] == 1 and kinds["P"] == 1 and kinds["Link"] == 1


def test_the_choices_are_weasyprints_variants():
    from weasyprint.pdf import VARIANTS

    assert set(PDF_VARIANTS) == (set(VARIANTS) - {"debug"}) | {"none"}
