"""Print choices and the cover's measures: lengths, trim sizes, spines, EAN-13 of an ISBN."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from exporter.errors import SourceError, UsageError
from exporter.press import PAPERS, PrintSpec, ean13, from_table, length_pt, read_icc, trim_size
from exporter.press.cover import SPINE_TEXT, sheet

MM = 72 / 25.4

# 978-0-306-40615-7, the ISBN of Wikipedia's EAN-13 example, encoded by hand from the
# standard's tables: first digit 9 gives the parity LGGLGL for 7 8 0 3 0 6.
BARS_9780306406157 = (
    "101"
    "0111011" "0001001" "0100111" "0111101" "0100111" "0101111"  # 7L 8G 0G 3L 0G 6L
    "01010"
    "1011100" "1110010" "1010000" "1100110" "1001110" "1000100"  # 4 0 6 1 5 7, R code
    "101"
)  # fmt: skip


def test_lengths_in_points() -> None:
    assert length_pt("3mm", "--bleed") == pytest.approx(8.50394, abs=1e-4)
    assert length_pt("0.125in", "--bleed") == 9.0
    assert length_pt("12pt", "--bleed") == 12.0
    with pytest.raises(UsageError, match="--bleed 'three' is not a length"):
        length_pt("three", "--bleed")


def test_default_bleed_follows_the_page_size_units() -> None:
    spec = PrintSpec()
    assert spec.bleed_for("A5") == pytest.approx(3 * MM)
    assert spec.bleed_for("6in 9in") == 9.0
    assert spec.bleed_for("letter") == 9.0
    assert PrintSpec.of(bleed="5mm").bleed_for("6in 9in") == pytest.approx(5 * MM)


def test_trim_sizes() -> None:
    assert trim_size("6in 9in") == (432.0, 648.0)
    assert trim_size("A5") == pytest.approx((148 * MM, 210 * MM))
    assert trim_size("A4 landscape") == pytest.approx((297 * MM, 210 * MM))
    assert trim_size("170mm 240mm") == pytest.approx((170 * MM, 240 * MM))


def test_spine_grows_by_the_paper_thickness_per_page() -> None:
    white = PrintSpec()
    one, two = sheet((432, 648), 120, white, "6in 9in"), sheet((432, 648), 300, white, "6in 9in")
    assert two.trim_width - one.trim_width == pytest.approx(180 * 0.002252 * 72)
    assert one.media_width == pytest.approx(2 * 432 + 120 * 0.002252 * 72 + 2 * 9)
    cream = sheet((432, 648), 120, PrintSpec(paper="cream"), "6in 9in")
    assert cream.spine == pytest.approx(120 * 0.0025 * 72)
    # A leaf holds two pages: 121 printed pages take 122 pages of paper.
    assert sheet((432, 648), 121, white, "6in 9in").spine == one.spine + 2 * PAPERS["white"]
    given = PrintSpec.of(paper_thickness="0.1mm")
    assert sheet((432, 648), 100, given, "6in 9in").spine == pytest.approx(10 * MM)


def test_spine_text_only_on_a_wide_enough_spine() -> None:
    white = PrintSpec()
    assert not sheet((432, 648), 78, white, "6in 9in").spine_text  # 4.5 mm
    assert sheet((432, 648), 200, white, "6in 9in").spine_text  # 11.4 mm
    assert sheet((432, 648), 200, white, "6in 9in").spine >= SPINE_TEXT


def test_bad_choices_are_refused() -> None:
    with pytest.raises(UsageError, match="Unknown paper 'glossy'"):
        PrintSpec(paper="glossy")
    with pytest.raises(UsageError, match="between 0 and 1 in"):
        PrintSpec.of(bleed="30mm")


def test_output_intent_must_be_an_icc_profile(tmp_path: Path) -> None:
    from PIL import ImageCms

    good = tmp_path / "srgb.icc"
    good.write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    spec = PrintSpec.of(output_intent=good)
    assert spec.intent_colours() == 3 and spec.intent_name == "srgb.icc"
    bad = tmp_path / "photo.icc"
    bad.write_bytes(b"not a profile" * 20)
    with pytest.raises(SourceError, match=r"photo\.icc: not an RGB, CMYK or grey ICC profile"):
        read_icc(bad)


def test_an_output_intent_that_never_ends_is_refused_at_once(tmp_path: Path) -> None:
    import os
    import time

    fifo = tmp_path / "printer.icc"
    os.mkfifo(fifo)  # opening it would wait for a writer
    started = time.monotonic()
    for path in (Path("/dev/zero"), fifo):  # /dev/zero took 19 GB and never ended
        with pytest.raises(SourceError, match="not an RGB, CMYK or grey ICC profile"):
            read_icc(path)
    big = tmp_path / "big.icc"
    big.write_bytes(bytes(17 * 1024 * 1024))
    with pytest.raises(SourceError, match=r"big\.icc: over 16 MB, too big for an ICC profile"):
        read_icc(big)
    assert time.monotonic() - started < 5


def test_print_table_of_a_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "book.toml"
    spec = from_table({"bleed": "5mm", "marks": False, "paper": "cream"}, manifest)
    assert spec.bleed == pytest.approx(5 * MM)
    assert (spec.marks, spec.paper, spec.cover) == (False, "cream", True)
    with pytest.raises(SourceError, match=r"book.toml: \[print\] has an unknown key 'trim'"):
        from_table({"trim": "6x9"}, manifest)
    with pytest.raises(SourceError, match=r"book.toml: \[print\]: Unknown paper"):
        from_table({"paper": "glossy"}, manifest)


def test_ean13_check_digit_and_bars() -> None:
    assert ean13.check_digit("978030640615") == "7"
    assert ean13.check_digit("400638133393") == "1"
    assert ean13.modules("9780306406157") == BARS_9780306406157
    assert len(BARS_9780306406157) == 95
    with pytest.raises(ValueError):
        ean13.modules("9780306406158")


def test_ean13_svg_draws_the_bars() -> None:
    svg = ean13.svg("9780306406157")
    # One rectangle per run of dark modules, after the white background.
    runs = [r for r in BARS_9780306406157.split("0") if r]
    assert svg.count("<rect") == 1 + len(runs)
    assert "ISBN 978-0306406157" in svg and ">780306<" in svg and ">406157<" in svg


@pytest.mark.parametrize(
    ("identifier", "digits"),
    [
        ("urn:isbn:9780306406157", "9780306406157"),
        ("urn:isbn:0306406152", "9780306406157"),  # ISBN-10 -> 978 + new check digit
        ("ISBN 978-0-306-40615-7", "9780306406157"),
        ("urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427", None),
        ("urn:doi:10.1000/182", None),
    ],
)
def test_isbn_of_an_identifier(identifier: str, digits: str | None) -> None:
    assert ean13.isbn13(identifier) == digits


def test_a_wrong_isbn_check_digit_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="exporter"):
        assert ean13.isbn13("urn:isbn:9780306406158") is None
    assert "wrong check digit" in caplog.text


def test_command_line_options_win_over_the_print_table(tmp_path: Path) -> None:
    from exporter.cli.press import press_from

    (tmp_path / "book.toml").write_text(
        'title = "T"\nchapters = ["a.md"]\n[print]\nmarks = false\npaper = "cream"\n',
        encoding="utf-8",
    )
    unset = {"print_ready": False, "bleed": None, "marks": None, "output_intent": None,
             "paper": None, "paper_thickness": None}  # fmt: skip
    from_table_only = press_from(dict(unset), str(tmp_path))
    assert (from_table_only.marks, from_table_only.paper) == (False, "cream")
    overridden = press_from({**unset, "marks": True, "bleed": "5mm"}, str(tmp_path))
    assert (overridden.marks, overridden.paper) == (True, "cream")
    assert overridden.bleed == pytest.approx(5 * MM)
    assert press_from(dict(unset), str(tmp_path / "a.md")) is None
    with pytest.raises(UsageError, match="--paper applies to print-ready PDFs"):
        press_from({**unset, "paper": "white"}, str(tmp_path / "a.md"))
