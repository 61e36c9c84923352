"""Print-ready PDFs (--print) and full-wrap covers, read back from the files built.

Three builds, one per fixture: the sample book from the CLI (A5, marks, default sRGB
intent), an article from the API (6x9, no marks, a given ICC profile, a big image, and its
cover asked for with ``-f cover``), and a book whose book.toml has a [print] table.
"""

from __future__ import annotations

import itertools
import re
import shutil
import struct
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image, ImageCms

import exporter
from exporter.cli import cli
from exporter.press import PrintSpec, ean13
from exporter.themes import load_theme

MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)
WHITE = 0.002252 * 72  # KDP's white paper, points per page


def boxes(path: Path, index: int = 0) -> dict[str, list[float]]:
    """Return a page's MediaBox, TrimBox and BleedBox as lists of floats."""
    with pikepdf.open(path) as pdf:
        page = pdf.pages[index]
        return {
            box: [float(v) for v in page[f"/{box}"]] for box in ("MediaBox", "TrimBox", "BleedBox")
        }


def pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def leaves(count: int) -> int:
    return -(-count // 2) * 2


@pytest.fixture(scope="module")
def book(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("book")
    result = CliRunner().invoke(
        cli, ["build", str(samples / "book"), "--print", "--page-size", "A5", "-f", "pdf",
              "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return {"pdf": out / "book.pdf", "cover": out / "book-cover.pdf"}


@pytest.fixture(scope="module")
def icc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("icc") / "press-rgb.icc"
    path.write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    return path


@pytest.fixture(scope="module")
def article(samples: Path, icc: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("article")
    Image.new("RGB", (3000, 1500), (40, 90, 160)).save(folder / "wide.png")
    text = (samples / "features.md").read_text(encoding="utf-8")
    (folder / "article.md").write_text(text + "\n\n![A blue field](wide.png)\n", encoding="utf-8")
    press = PrintSpec.of(marks=False, output_intent=icc)
    made = exporter.convert(
        [folder / "article.md"], ["pdf", "cover"], folder, press=press, page_size="6x9",
        max_image_size=100,
    )  # fmt: skip
    return dict(zip(["pdf", "cover"], made, strict=True))


def test_pages_are_bled_and_trimmed(book: dict[str, Path]) -> None:
    bleed = 3 * MM  # A5 is a metric size: 3 mm
    got = boxes(book["pdf"], 5)
    assert got["TrimBox"] == pytest.approx([0, 0, *A5], abs=0.01)
    assert got["BleedBox"] == pytest.approx(
        [-bleed, -bleed, A5[0] + bleed, A5[1] + bleed], abs=0.01
    )
    assert got["BleedBox"][0] == pytest.approx(-8.504, abs=1e-3)
    # Marks sit in a slug beyond the bleed: the media is wider than the bleed box.
    assert got["MediaBox"] == pytest.approx([-2 * bleed, -2 * bleed, A5[0] + 2 * bleed,
                                             A5[1] + 2 * bleed], abs=0.01)  # fmt: skip


def dark(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Count the dark pixels of a region of a rendered page."""
    grey = image.convert("L").crop(box)
    return sum(1 for value in grey.tobytes() if value < 128)


def test_crop_and_cross_marks_are_drawn_outside_the_bleed(book: dict[str, Path]) -> None:
    scale = 4  # pixels per point
    document = pdfium.PdfDocument(book["pdf"])
    image = document[0].render(scale=scale).to_pil()
    document.close()
    slug = int(3 * MM * scale)  # the slug strip, outside the BleedBox
    trim = int(6 * MM * scale)  # where the TrimBox starts
    width, height = image.size
    # Crop marks at the corners (in the slug along the trim lines), a cross mark mid-edge.
    assert dark(image, (0, trim - 6, slug - 2, trim + 6)) > 20  # top left, horizontal
    assert dark(image, (trim - 6, 0, trim + 6, slug - 2)) > 20  # top left, vertical
    assert dark(image, (width - slug + 2, height - trim - 6, width, height - trim + 6)) > 20
    assert dark(image, (0, height // 2 - slug, slug, height // 2 + slug)) > 20  # a cross
    # Nothing between the bleed box and the trim box at a corner: the marks stop short.
    assert dark(image, (slug + 3, slug + 3, trim - 3, trim - 3)) == 0


def test_no_marks_leaves_the_media_at_the_bleed(article: dict[str, Path]) -> None:
    got = boxes(article["pdf"])
    assert got["TrimBox"] == pytest.approx([0, 0, 432, 648])
    assert got["MediaBox"] == pytest.approx([-9, -9, 441, 657])  # 0.125 in for inches
    assert got["BleedBox"] == pytest.approx(got["MediaBox"])


def test_pdf_x4_with_the_srgb_output_intent_and_still_tagged(book: dict[str, Path]) -> None:
    srgb = Path(pikepdf.__file__).parents[1] / "weasyprint" / "pdf" / "sRGB2014.icc"
    for path in book.values():
        with pikepdf.open(path) as pdf:
            (intent,) = pdf.Root.OutputIntents
            assert intent.S == "/GTS_PDFX"
            assert int(intent.DestOutputProfile.N) == 3
            assert intent.DestOutputProfile.read_bytes() == srgb.read_bytes()
            assert pdf.open_metadata()["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
            assert "/StructTreeRoot" in pdf.Root


def test_a_given_icc_profile_is_the_output_intent(article: dict[str, Path], icc: Path) -> None:
    for path in article.values():
        with pikepdf.open(path) as pdf:
            (intent,) = pdf.Root.OutputIntents
            assert intent.DestOutputProfile.read_bytes() == icc.read_bytes()
            assert str(intent.OutputConditionIdentifier) == "press-rgb.icc"


def test_images_keep_their_full_resolution(article: dict[str, Path]) -> None:
    with pikepdf.open(article["pdf"]) as pdf:
        sizes = {
            (int(obj.Width), int(obj.Height))
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        }
    assert (3000, 1500) in sizes  # --max-image-size is the EPUB's, not the print PDF's


def cover_spine(cover: Path, trim_width: float) -> float:
    return boxes(cover)["TrimBox"][2] - 2 * trim_width


def test_cover_width_follows_the_page_count(
    book: dict[str, Path], article: dict[str, Path]
) -> None:
    book_pages, article_pages = pages(book["pdf"]), pages(article["pdf"])
    assert book_pages != article_pages
    assert cover_spine(book["cover"], A5[0]) == pytest.approx(leaves(book_pages) * WHITE, abs=0.01)
    assert cover_spine(article["cover"], 432) == pytest.approx(
        leaves(article_pages) * WHITE, abs=0.01
    )
    got = boxes(book["cover"])
    assert got["TrimBox"][3] == pytest.approx(A5[1], abs=0.01)
    bleed = 3 * MM
    assert got["BleedBox"] == pytest.approx(
        [-bleed, -bleed, got["TrimBox"][2] + bleed, A5[1] + bleed], abs=1e-3
    )


@pytest.fixture(scope="module")
def manifest_book(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("pbook") / "pressbook"
    shutil.copytree(samples / "book" / "chapters", root / "chapters")
    (root / "book.toml").write_text(
        'title = "Type on the Shelf"\nauthors = ["Ada Writer"]\nlanguage = "en"\n'
        'isbn = "978-0-306-40615-7"\n'
        # Longer than the back holds: it is cut above the barcode, which stays.
        f'description = "{"Letters, spacing and the books that hold them. " * 60}"\n'
        'chapters = ["chapters/*/*.md"]\n\n'
        '[print]\nbleed = "5mm"\nmarks = false\npaper_thickness = "0.7mm"\n',
        encoding="utf-8",
    )
    made = exporter.convert([root], ["pdf"], root.parent, page_size="A5")
    return dict(zip(["pdf", "cover"], made, strict=True))


def test_a_print_table_makes_a_book_print_ready(manifest_book: dict[str, Path]) -> None:
    assert manifest_book["cover"].name == "pressbook-cover.pdf"
    got = boxes(manifest_book["pdf"])
    assert got["BleedBox"][0] == pytest.approx(-5 * MM, abs=0.01)
    assert got["MediaBox"] == pytest.approx(got["BleedBox"], abs=0.01)  # marks = false
    spine = cover_spine(manifest_book["cover"], A5[0])
    assert spine == pytest.approx(leaves(pages(manifest_book["pdf"])) * 0.7 * MM, abs=0.01)


def test_the_cover_has_spine_text_and_the_isbn_barcode(manifest_book: dict[str, Path]) -> None:
    spine = cover_spine(manifest_book["cover"], A5[0])
    assert spine >= 6 * MM
    document = pdfium.PdfDocument(manifest_book["cover"])
    text = document[0].get_textpage()
    on_spine = text.get_text_bounded(left=A5[0], right=A5[0] + spine, bottom=0, top=A5[1])
    back = text.get_text_bounded(left=0, right=A5[0], bottom=0, top=A5[1])
    document.close()
    assert "Type on the Shelf" in on_spine.replace("\n", " ")
    assert "Letters, spacing" in back
    for digits in ("ISBN 978-0306406157", "780306", "406157"):
        assert digits in back


def test_the_front_is_the_manifests_cover_image(samples: Path, tmp_path: Path) -> None:
    root = tmp_path / "pictured"
    shutil.copytree(samples / "book" / "chapters", root / "chapters")
    Image.new("RGB", (600, 900), (20, 160, 60)).save(root / "front.png")
    (root / "book.toml").write_text(
        'title = "Green Cover"\nauthors = ["Ada Writer"]\nlanguage = "en"\n'
        'cover = "front.png"\nchapters = ["chapters/*/*.md"]\n\n[print]\nmarks = false\n',
        encoding="utf-8",
    )
    _, cover = exporter.convert([root], ["pdf"], tmp_path / "out", page_size="A5")
    spine = cover_spine(cover, A5[0])
    document = pdfium.PdfDocument(cover)
    page, scale = document[0], 1
    x0, _, _, y1 = page.get_mediabox()
    image = page.render(scale=scale).to_pil().convert("RGB")
    document.close()

    def colour(x: float, y: float) -> tuple[int, int, int]:
        return image.getpixel((int((x - x0) * scale), int((y1 - y) * scale)))

    front = [colour(A5[0] + spine + A5[0] * fx, A5[1] * fy) for fx in (0.1, 0.5, 0.9)
             for fy in (0.1, 0.5, 0.9)]  # fmt: skip
    assert all(abs(r - 20) < 12 and abs(g - 160) < 12 and abs(b - 60) < 12 for r, g, b in front)
    back = colour(A5[0] / 2, A5[1] / 2)
    assert abs(back[1] - 160) > 40  # the back is the theme's, not the picture


def bar_runs(cover: Path, width: float, band: float) -> int:
    """Return the commonest count of dark runs per pixel row of the back's lower right.

    The rows run from ``band`` above the trimmed bottom edge to it (not into the marks).
    """
    document = pdfium.PdfDocument(cover)
    page, scale = document[0], 4
    x0, _, _, y1 = page.get_mediabox()
    grey = page.render(scale=scale).to_pil().convert("L")
    document.close()
    box = (int((width / 2 - x0) * scale), int((y1 - band) * scale), int((width - 1 - x0) * scale))
    counts: dict[int, int] = {}
    for y in range(box[1], int(y1 * scale)):
        row = grey.crop((box[0], y, box[2], y + 1)).tobytes()
        runs = sum(1 for a, b in itertools.pairwise(row) if b < 128 <= a)
        counts[runs] = counts.get(runs, 0) + 1
    counts.pop(0, None)
    return max(counts, key=lambda runs: counts[runs]) if counts else 0


def test_the_isbn_barcode_has_the_bars_of_its_digits(manifest_book: dict[str, Path]) -> None:
    bars = ean13.modules("9780306406157")
    assert bar_runs(manifest_book["cover"], A5[0], 45 * MM) == len(bars.replace("0", " ").split())


def test_a_thin_spine_has_no_text_and_no_isbn_no_barcode(book: dict[str, Path]) -> None:
    spine = cover_spine(book["cover"], A5[0])
    assert 0 < spine < 6 * MM  # the sample book is thin: spine text needs 6 mm
    document = pdfium.PdfDocument(book["cover"])
    text = document[0].get_textpage()
    on_spine = text.get_text_bounded(left=A5[0], right=A5[0] + spine, bottom=0, top=A5[1])
    back = text.get_text_bounded(left=0, right=A5[0], bottom=0, top=A5[1])
    document.close()
    assert on_spine.strip() == ""
    assert "Notes on Making Books" in back and "ISBN" not in back
    assert bar_runs(book["cover"], A5[0], 45 * MM) == 0  # nothing drawn where a barcode goes


def test_pdf_x1a_is_refused_for_rgb_content(samples: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["build", str(samples / "mali-intervention.txt"), "--print", "--pdf-variant",
              "pdf/x-1a", "-f", "pdf", "-o", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "pdf/x-1a allows CMYK colours only" in result.output
    assert "Use --pdf-variant pdf/x-4" in result.output
    assert not list(tmp_path.iterdir())


def cmyk_theme(folder: Path) -> Path:
    """Copy the classic theme with every colour given in CMYK (black), body text included."""
    theme = folder / "cmyk"
    shutil.copytree(load_theme("classic").path, theme)
    for css in theme.glob("*.css"):
        text = re.sub(
            r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", "device-cmyk(0 0 0 1)", css.read_text()
        )
        css.write_text(text + "\nhtml { color: device-cmyk(0 0 0 1); }\n")
    return theme


def cmyk_profile(folder: Path) -> Path:
    """Write the header of a CMYK output profile (colour space CMYK, PCS Lab, 'acsp')."""
    header = bytearray(132)
    struct.pack_into(">II", header, 0, 132, 0)
    header[8:24] = b"\x02\x10\x00\x00prtrCMYKLab "
    header[36:40] = b"acsp"
    (folder / "press-cmyk.icc").write_bytes(bytes(header))
    return folder / "press-cmyk.icc"


def test_pdf_x1a_is_written_for_cmyk_content_without_marks(samples: Path, tmp_path: Path) -> None:
    args = ["build", str(samples / "mali-intervention.txt"), "--theme", str(cmyk_theme(tmp_path)),
            "--print", "--pdf-variant", "pdf/x-1a", "--output-intent",
            str(cmyk_profile(tmp_path)), "-f", "pdf", "-o", str(tmp_path / "out")]  # fmt: skip
    result = CliRunner().invoke(cli, [*args, "--no-marks"])
    assert result.exit_code == 0, result.output
    with pikepdf.open(tmp_path / "out" / "mali-intervention.pdf") as pdf:
        assert pdf.open_metadata()["pdfxid:GTS_PDFXVersion"] == "PDF/X-1a:2003"
        (intent,) = pdf.Root.OutputIntents
        assert int(intent.DestOutputProfile.N) == 4
        drawn = b"".join(p.Contents.read_bytes() for p in pdf.pages)
        assert b" scn\n" in drawn and not re.search(rb" (rg|RG)\n", drawn)
    # WeasyPrint draws crop marks in RGB: with them, the same theme is refused, saying so.
    result = CliRunner().invoke(cli, [*args, "--marks"])
    assert result.exit_code == 2
    assert "crop marks (WeasyPrint draws them in RGB: add --no-marks)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bleed", "3mm"], "--bleed applies to print-ready PDFs: add --print."),
        (["--print", "--pdf-variant", "pdf/a-2b"], "--pdf-variant pdf/a-2b is not one"),
        (["--print", "--bleed", "wide"], "--bleed 'wide' is not a length"),
    ],
)
def test_print_options_are_checked(
    samples: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(
        cli, ["build", str(samples / "features.md"), "-o", str(tmp_path), *args]
    )
    assert result.exit_code == 2
    assert message in result.output


def test_print_pdfs_are_reproducible(article: dict[str, Path], icc: Path, tmp_path: Path) -> None:
    # PDF/X makes WeasyPrint draw a random XMP DocumentID and stamp the time: both are
    # replaced by the build's own, so the same sources give the same bytes.
    press = PrintSpec.of(marks=False, output_intent=icc)
    again = exporter.convert(
        [article["pdf"].with_name("article.md")], ["pdf", "cover"], tmp_path, press=press,
        page_size="6x9", max_image_size=100,
    )  # fmt: skip
    for first, second in zip(article.values(), again, strict=True):
        assert first.read_bytes() == second.read_bytes()
