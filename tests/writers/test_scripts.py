"""CJK and other scripts: Noto fallbacks found through fontconfig, one warning per script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

import exporter
from exporter.api import produce
from exporter.writers.glyphs import glyph_script

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "scripts" / "chinese.md"
THEME_FONT = ROOT / "styles" / "classic" / "fonts" / "LinLibertine_R.otf"


def has_cjk_font() -> bool:
    """Tell whether fontconfig knows a font for Chinese (Debian's fonts-noto-cjk)."""
    if shutil.which("fc-list") is None:
        return False
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    return "Noto" in found.stdout


def base_fonts(path: Path) -> set[str]:
    """Return the PDF's font names without their subset prefixes."""
    names = set()
    for page in PdfReader(path).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_cjk_punctuation_is_reported_with_han():
    assert [glyph_script(c) for c in "字，。あ한א"] == [
        "Han", "Han", "Han", "Hiragana", "Hangul", "Hebrew",
    ]  # fmt: skip


@pytest.mark.skipif(not has_cjk_font(), reason="needs fonts-noto-cjk (apt-get install)")
def test_a_chinese_book_with_the_fonts_installed_has_every_glyph(tmp_path, epubcheck, ace):
    made = produce([SAMPLE], ["pdf", "epub"], strict=True)
    assert made.warnings == ()
    pdf = tmp_path / "chinese.pdf"
    pdf.write_bytes(made.outputs["pdf"])
    fonts = base_fonts(pdf)
    assert "Noto-Serif-CJK-SC" in fonts  # the classic theme's serif fallback, not a sans
    assert not any("Oblique" in name for name in fonts)  # no slanted CJK headings
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    # No space inserted between CJK characters, and the language found from the script.
    assert "一本书的版式决定了读者是否愿意读下去" in text.replace("\n", "")
    epub = tmp_path / "chinese.epub"
    epub.write_bytes(made.outputs["epub"])
    with zipfile.ZipFile(epub) as book:
        root = etree.fromstring(book.read("EPUB/chapter-001.xhtml"))
        assert root.get("lang") == "zh" and root.get("dir") is None
    epubcheck.queue(epub)
    ace.assert_clean(epub)  # the sample in another script, as the others are


def build_without_fonts(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Build the Chinese sample's PDF in a process whose fontconfig sees one Latin font only."""
    empty = tmp_path / "fonts"
    empty.mkdir(exist_ok=True)
    shutil.copy(THEME_FONT, empty)
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{empty}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(exporter.__file__).parents[1]), *sys.path])
    command = [sys.executable, "-m", "exporter", "build", str(SAMPLE), "-o", str(tmp_path)]
    return subprocess.run(
        [*command, "-f", "pdf", *options], capture_output=True, text=True, env=env, timeout=300
    )


def test_without_a_cjk_font_one_warning_names_the_package_and_strict_fails(tmp_path):
    result = build_without_fonts(tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr  # not one per character
    assert "Han" in lines[0] and "fonts-noto-cjk" in lines[0] and "chinese.md" in lines[0]
    assert (tmp_path / "chinese.pdf").exists()
    strict = build_without_fonts(tmp_path, "--strict")
    assert strict.returncode == 5
    assert "fonts-noto-cjk" in strict.stderr and "Traceback" not in strict.stderr


WRAPPED = (
    "一本书的版式决定了读者是否愿意读下去。字号、行距和页边距看似只是\n"
    "技术参数，其实它们共同决定了每一行的长度。\n"
    "Latin words on a\n"
    "wrapped line keep their space.\n"
)


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_a_hard_wrapped_chinese_line_joins_without_a_space(tmp_path, suffix):
    # A line break between two Han characters is no space (css-text-3); WeasyPrint and
    # browsers set one there, so the reading takes it out. Code keeps its lines.
    code = "\n\n```\n甲\n乙\n```\n" if suffix == ".md" else ""
    source = tmp_path / f"wrapped{suffix}"
    source.write_text("标题\n\n" + WRAPPED + code, encoding="utf-8")
    pdf, epub, html = exporter.convert([source], ["pdf", "epub", "html"], tmp_path)
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "看似只是技术参数" in text.replace("\n", "")  # a line of the PDF may end there
    assert "Latin words on a wrapped line" in " ".join(text.split())
    with zipfile.ZipFile(epub) as book:
        body = book.read("EPUB/chapter-001.xhtml").decode()
    for markup in (body, html.read_text(encoding="utf-8")):
        assert "看似只是技术参数" in markup
        assert "a\nwrapped" in markup or "a wrapped" in markup
        if code:
            assert "甲\n乙" in markup


def test_the_language_found_from_the_script_is_noted(tmp_path):
    from click.testing import CliRunner

    from exporter.cli import cli

    result = CliRunner().invoke(
        cli, ["build", str(SAMPLE), "-o", str(tmp_path), "-f", "epub", "-v"]
    )
    assert result.exit_code == 0, result.output
    note = next(line for line in result.output.splitlines() if "no language given" in line)
    assert "Han" in note and "'zh'" in note and "set lang" in note
    quiet = CliRunner().invoke(cli, ["build", str(SAMPLE), "-o", str(tmp_path), "-f", "epub"])
    assert "no language given" not in quiet.output  # a note, not a warning


@pytest.mark.skipif(not has_cjk_font(), reason="no CJK font (Debian: fonts-noto-cjk)")
def test_a_chinese_paragraph_is_indented_two_characters_and_its_quotes_open(tmp_path):
    import pypdfium2

    prose = "中文的断行规则叫做" + '"避头尾"' + "。" + "排版的细节决定了读者是否愿意读下去。" * 6
    source = tmp_path / "zh.md"
    source.write_text(f"---\nlang: zh\n---\n\n# 标题\n\n## 小节\n\n{prose}\n", encoding="utf-8")
    (pdf,) = exporter.convert([source], ["pdf"], tmp_path, theme="classic")
    page = pypdfium2.PdfDocument(pdf)[0]
    text = page.get_textpage()
    whole = text.get_text_range()
    assert "叫做“避头尾”。" in whole  # after a Han character, the first quote opens
    first = whole.index("中文")
    second = whole.index("\n", first) + 1  # the paragraph's second line
    size = text.get_charbox(first)[3] - text.get_charbox(first)[1]
    indent = text.get_charbox(first)[0] - text.get_charbox(second)[0]
    assert 1.6 * size < indent < 2.4 * size, (indent, size)  # two characters, after a heading
