"""EPUB accessibility: DAISY Ace finds nothing in what exporter makes, and the claims are true.

Ace runs a headless Chromium per EPUB (~7 s), so it checks each sample once (classic), the
feature sample in the other themes, and one EPUB per feature that changes the markup.
"""

from __future__ import annotations

import logging
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import exporter
from exporter.ace import violations
from exporter.check import check_epub
from exporter.cli import cli
from exporter.model import Metadata
from exporter.themes import builtin_names, load_theme
from exporter.themes.contrast import AA_TEXT, legible, ratio
from exporter.themes.css import CODE_BACKGROUND, pygments_css

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONFORMS = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
ROOT = Path(__file__).resolve().parents[2]


def opf(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("EPUB/content.opf"))


def meta(path: Path, prop: str) -> list[str]:
    return [m.text for m in opf(path).iter("{*}meta") if m.get("property") == prop]


def chapter(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("EPUB/chapter-001.xhtml").decode()


# --- Ace on what we make ------------------------------------------------------------------


def test_every_sample_passes_ace_and_claims_conformance(sample_outputs, samples, tmp_path, ace):
    (book,) = exporter.convert([samples / "book"], ["epub"], tmp_path)
    epubs = [outputs["epub"] for outputs in sample_outputs.values()] + [book]
    ace.assert_clean(*epubs)
    for epub in epubs:
        package = opf(epub)
        assert package.get(XML_LANG) == package.findtext("{*}metadata/{*}language")
        assert meta(epub, "dcterms:conformsTo") == [CONFORMS]


@pytest.mark.parametrize("theme", ["modern", "technical"])
def test_the_feature_sample_passes_ace_in_the_other_themes(samples, tmp_path, theme, ace):
    (epub,) = exporter.convert([samples / "features.md"], ["epub"], tmp_path, theme=theme)
    ace.assert_clean(epub)


GFM = """\
# Field guide

| Item | Count |
|:-----|------:|
| Rope | 2 |

- [x] packed ~~twice~~ once
- [ ] checked[^weight]

> [!TIP]
> Pack light.

```python
import os  # a comment
print(f"{os.sep!r} and {1 + 2}")
```

[^weight]: Under 12 kg.
"""


def test_a_gfm_article_with_admonitions_task_lists_and_code_passes_ace(tmp_path, ace):
    source = tmp_path / "guide.md"
    source.write_text(GFM, encoding="utf-8")
    (epub,) = exporter.convert(
        [source], ["epub"], tmp_path / "out", source_format="gfm", theme="technical"
    )
    ace.assert_clean(epub)


def decorated(folder: Path) -> list[Path]:
    shutil.copy(ROOT / "samples/images/displaced.png", folder / "rule.png")
    (folder / "a.md").write_text(
        "# Rules\n\nBefore.\n\n![](rule.png){.decorative}\n\n"
        "A rule ![](rule.png){.decorative} inline, and ![A red square](rule.png).\n",
        encoding="utf-8",
    )
    (folder / "b.html").write_text(
        '<html lang="en"><head><title>B</title></head><body><h1>B</h1>'
        '<p>Text <img src="rule.png" role="presentation"> more.</p></body></html>',
        encoding="utf-8",
    )
    return [folder / "a.md", folder / "b.html"]


def test_decorative_images_are_hidden_from_screen_readers_and_pass_ace(tmp_path, caplog, ace):
    caplog.set_level(logging.WARNING, "exporter")
    (epub,) = exporter.convert(
        decorated(tmp_path),
        ["epub"],
        tmp_path / "out",
        strict=True,
        metadata=Metadata(title="Rules"),
    )
    assert not caplog.records
    with zipfile.ZipFile(epub) as z:
        body = "".join(z.read(n).decode() for n in z.namelist() if "chapter-" in n)
    tags = re.findall(r"<img [^>]*>", body)
    hidden = [t for t in tags if 'role="presentation"' in t]
    assert len(tags) == 4 and len(hidden) == 3
    assert all('alt=""' in t for t in hidden)
    assert '<figure class="figure">' not in body  # a decorative image is no figure
    assert meta(epub, "dcterms:conformsTo") == [CONFORMS]
    (summary,) = meta(epub, "schema:accessibilitySummary")
    assert "Images with a text alternative: 1 of 1." in summary
    assert "3 decorative images" in summary
    ace.assert_clean(epub)


def test_exporter_check_reports_what_ace_finds(samples, tmp_path, ace):
    (good,) = exporter.convert([samples / "mali-intervention.txt"], ["epub"], tmp_path)
    faint = tmp_path / "faint.epub"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(faint, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith(".css"):
                data += b"\np { color: #aaaaaa; }\n"  # 2.32:1 on white
            dst.writestr(info, data)
    report = check_epub(faint, use_epubcheck=False)
    assert report.ace == "ran"
    found = [m for s, m in report.problems if s == "error" and "color-contrast" in m]
    assert found and all(m.startswith("Ace chapter-001.xhtml: [serious]") for m in found)
    result = CliRunner().invoke(cli, ["check", str(good)])
    assert result.exit_code == 0, result.output
    assert "passed EPUBCheck, Ace and exporter's checks: 0 error(s), 0 warning(s)" in result.stdout


def test_exporter_check_says_when_ace_could_not_run(samples, tmp_path, monkeypatch):
    (epub,) = exporter.convert([samples / "mali-intervention.txt"], ["epub"], tmp_path)
    monkeypatch.setenv("EXPORTER_ACE", "no-such-ace")
    report = check_epub(epub, use_epubcheck=False)
    assert report.ace == "$EXPORTER_ACE names 'no-such-ace', which is not an executable"
    result = CliRunner().invoke(cli, ["check", str(epub)])
    assert result.exit_code == 0, result.output
    assert "passed EPUBCheck and exporter's checks" in result.stdout  # Ace not claimed
    assert "the accessibility check (Ace) was skipped" in result.stderr


def test_an_mkdocs_project_with_tabs_admonitions_and_split_files_passes_ace(tmp_path, ace):
    project = ROOT / "tests/books/fixtures/mkdocs/mkdocs.yml"
    (epub,) = exporter.convert([project], ["epub"], tmp_path, theme="modern", split_level=2)
    ace.assert_clean(epub)


# --- the claims and warnings, without Ace -------------------------------------------------


def test_an_image_without_alt_text_is_a_warning_naming_file_and_image(tmp_path, caplog):
    shutil.copy(ROOT / "samples/images/displaced.png", tmp_path / "p.png")
    (tmp_path / "a.md").write_text("# A\n\nSee ![](p.png) here.\n", encoding="utf-8")
    caplog.set_level(logging.WARNING, "exporter")
    (epub,) = exporter.convert([tmp_path / "a.md"], ["epub"], tmp_path / "out")
    (message,) = [r.getMessage() for r in caplog.records]
    assert message.startswith(f"{tmp_path / 'a.md'}: image 'p.png' has no alt text")
    assert "{.decorative}" in message and 'role="presentation"' in message
    assert meta(epub, "dcterms:conformsTo") == []  # not true, so not claimed
    assert 'role="presentation"' not in chapter(epub)

    result = CliRunner().invoke(
        cli, ["build", str(tmp_path / "a.md"), "-f", "epub", "--strict", "-o", str(tmp_path)]
    )
    assert result.exit_code == 5 and "has no alt text" in result.stderr


def test_conformance_is_not_claimed_for_an_unchecked_theme_folder(samples, tmp_path):
    theme = tmp_path / "mine"
    shutil.copytree(load_theme("classic").path, theme)
    (epub,) = exporter.convert([samples / "features.md"], ["epub"], tmp_path, theme=str(theme))
    assert meta(epub, "dcterms:conformsTo") == []
    assert meta(epub, "schema:accessMode") == ["textual", "visual"]  # the rest still says


@pytest.mark.parametrize("theme", builtin_names())
def test_every_code_token_colour_reaches_aa_on_the_code_background(theme):
    css = pygments_css(load_theme(theme).pygments_style)
    colours = re.findall(r"(?<![-\w])color: (#[0-9a-fA-F]{3,6})", css)
    assert len(colours) > 40
    weakest = min(colours, key=lambda c: ratio(c, CODE_BACKGROUND))
    assert ratio(weakest, CODE_BACKGROUND) >= AA_TEXT, weakest


def test_legible_darkens_only_as_far_as_needed():
    assert ratio("#60a0b0", "#ffffff") == pytest.approx(2.93, abs=0.01)  # friendly's comments
    darker = legible("#60a0b0", "#ffffff")
    assert AA_TEXT <= ratio(darker, "#ffffff") < AA_TEXT + 0.3
    assert legible("#1a1a1a", "#ffffff") == "#1a1a1a"
    assert ratio("#000", "#fff") == pytest.approx(21)


def test_violations_are_read_from_aces_report():
    report = {
        "assertions": [
            {
                "earl:testSubject": {"url": "chapter-001.xhtml"},
                "assertions": [
                    {
                        "earl:result": {
                            "earl:outcome": "fail",
                            "dct:description": "Element has  insufficient\ncontrast",
                            "earl:pointer": {"css": [".c1", "pre"]},
                        },
                        "earl:test": {"earl:impact": "moderate", "dct:title": "color-contrast"},
                    },
                    {"earl:result": {"earl:outcome": "pass"}, "earl:test": {}},
                ],
            },
            {
                "earl:testSubject": {"url": "EPUB/content.opf"},
                "assertions": [
                    {
                        "earl:result": {"earl:outcome": "fail", "dct:description": "lang"},
                        "earl:test": {"earl:impact": "serious", "dct:title": "epub-lang"},
                    }
                ],
            },
        ]
    }
    first, second = violations(report)
    assert (first.rule, first.impact, first.file) == ("epub-lang", "serious", "EPUB/content.opf")
    assert str(second) == (
        "chapter-001.xhtml: [moderate] color-contrast at .c1: Element has insufficient contrast"
    )
