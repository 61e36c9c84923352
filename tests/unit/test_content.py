"""The shared cleaning stage: titles, heading levels, ids, notes, links, images, figures."""

from __future__ import annotations

import logging

import pytest

import exporter
from exporter import Source, read
from exporter.api import produce
from exporter.ids import slugify

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def md(text: str, name: str = "a.md") -> Source:
    return Source(name, text.encode(), "md")


def test_first_h1_becomes_the_title_and_sections_start_at_h2():
    doc = read([md("# The Title\n\nIntro.\n\n# Part\n\n### Deep\n")])
    chapter = doc.chapters[0]
    assert doc.metadata.title == "The Title"
    assert "The Title" not in chapter.html
    assert [(h.level, h.text) for h in chapter.headings] == [(2, "Part"), (4, "Deep")]


def test_front_matter_title_wins_and_a_repeated_heading_is_dropped():
    doc = read([md("---\ntitle: Real\n---\n# Real\n\n## One\n")])
    assert doc.metadata.title == "Real"
    assert [h.text for h in doc.chapters[0].headings] == ["One"]


def test_ids_are_unique_across_chapters_and_links_follow_renames():
    doc = read([md("# A\n\n## Same\n\n[go](#same)\n"), md("# B\n\n## Same\n\n## Same\n", "b.md")])
    ids = [h.id for c in doc.chapters for h in c.headings]
    assert ids == ["same", "same-2", "same-3"]
    assert 'href="#same"' in doc.chapters[0].html


def test_reserved_ids_are_never_claimed():
    doc = read([md("# T\n\n## Chapter 1\n\n## Title page\n")])
    assert [h.id for h in doc.chapters[0].headings] == ["chapter-1-2", "title-page-2"]


def test_footnotes_become_noterefs_and_numbered_notes():
    doc = read([md("# T\n\nA[^x] and B[^y] and A again[^x].\n\n[^x]: Note X.\n[^y]: Note Y.\n")])
    chapter = doc.chapters[0]
    assert chapter.notes == (("fn-1-1", "<p>Note X.</p>"), ("fn-1-2", "<p>Note Y.</p>"))
    assert '<a class="noteref" id="fnref-1-1" href="#fn-1-1">1</a>' in chapter.html
    assert '<a class="noteref" id="fnref-1-1-2" href="#fn-1-1">1</a>' in chapter.html
    assert "footnote" not in chapter.html


def test_links_to_local_files_are_unwrapped_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, "exporter"):
        doc = read([md("# T\n\nSee [other](other.md) and [web](https://example.org).\n")])
    assert "See other and" in doc.chapters[0].html
    assert 'href="https://example.org"' in doc.chapters[0].html
    assert "a.md:3: link 'other.md' names a file that does not exist" in caplog.text


def test_images_become_assets_figures_and_inline(tmp_path):
    (tmp_path / "pic.png").write_bytes(PNG)
    (tmp_path / "a.md").write_text(
        '# T\n\n![Alt](pic.png "Cap")\n\nText ![i](pic.png) inline.\n', encoding="utf-8"
    )
    doc = read([tmp_path / "a.md"])
    (asset,) = doc.assets
    assert asset.media_type == "image/png" and asset.data == PNG
    assert asset.name.startswith("images/") and asset.name.endswith(".png")
    html = doc.chapters[0].html
    assert (
        f'<figure class="figure"><img alt="Alt" src="{asset.name}"/><figcaption>Cap</figcaption></figure>'
        in html
    )
    assert f'<img alt="i" src="{asset.name}" class="inline"/>' in html


def test_missing_and_fake_images_warn_and_keep_the_alt_text(tmp_path, caplog):
    (tmp_path / "fake.png").write_bytes(b"not an image")
    (tmp_path / "a.md").write_text("# T\n\n![Gone](gone.png) ![Fake](fake.png)\n", "utf-8")
    with caplog.at_level(logging.WARNING, "exporter"):
        doc = read([tmp_path / "a.md"])
    assert doc.assets == ()
    assert doc.chapters[0].html.count('<span class="missing-image">') == 2
    assert "[Gone]" in doc.chapters[0].html
    assert "image 'gone.png' was not found" in caplog.text
    assert "image 'fake.png' is not a PNG, JPEG, GIF, WebP or SVG" in caplog.text


def test_tables_are_wrapped_and_rules_are_scene_breaks():
    doc = read([md("# T\n\n| a |\n|---|\n| 1 |\n\n---\n\nEnd.\n")])
    html = doc.chapters[0].html
    assert '<div class="table-wrap"><table>' in html
    assert '<hr class="scene-break"/>' in html


def test_identifier_is_stable_and_depends_on_content():
    first = read([md("# T\n\nBody.\n")]).metadata.identifier
    again = read([md("# T\n\nBody.\n")]).metadata.identifier
    other = read([md("# T\n\nOther body.\n")]).metadata.identifier
    assert first == again != other
    assert first.startswith("urn:uuid:")


def test_invalid_source_language_falls_back_to_english(caplog):
    doc = read([md("---\nlang: C\ntitle: T\n---\nx\n")])
    assert doc.metadata.lang == "en"
    assert "language 'C' is not a BCP 47 tag" in caplog.text


def test_slugify_keeps_every_script_as_github_does():
    assert slugify("Ça va? Très bien!") == "ça-va-très-bien"
    assert slugify("2024 plans") == "s-2024-plans"
    assert slugify("!!!") == "section"
    assert slugify("Введение в тему") == "введение-в-тему"
    assert slugify("中文 标题") == "中文-标题"
    assert slugify("שלום עולם") == "שלום-עולם"
    assert slugify("hindi नमस्ते") == "hindi-नमस्ते"  # the vowel signs are marks, kept
    assert slugify("C++ & Rust") == "c--rust"


def test_blocks_inside_headings_are_unwrapped_and_empty_headings_dropped():
    # Found by the property test: EPUBCheck refuses a div inside h2, and a nav entry
    # without text.
    doc = read([md("# T\n\n## <div>Inside <p>deep</p></div>\n\n## \n\nText.\n")])
    html = doc.chapters[0].html
    assert '<h2 id="inside-deep">Inside deep</h2>' in html
    assert "<div" not in html and html.count("<h2") == 1
    assert [h.text for h in doc.chapters[0].headings] == ["Inside deep"]


def test_sanitizer_removals_are_warnings_so_strict_refuses_them(caplog):
    source = md(
        '# T\n\n<p onclick="x()">Hi <iframe src="a"></iframe><a href="javascript:x()">l</a></p>\n'
    )
    with caplog.at_level(logging.WARNING, "exporter"):
        doc = read([source])
    assert (
        "a.md: removed unsafe or unsupported HTML: <iframe>, event handlers (on...), javascript: URLs"
        in caplog.text
    )
    assert "onclick" not in doc.chapters[0].html and "javascript" not in doc.chapters[0].html
    with pytest.raises(exporter.StrictError, match="removed unsafe"):
        produce([source], ["html"], strict=True, warm_up=False)


def test_markdown_alone_needs_no_cleaning(caplog, samples):
    with caplog.at_level(logging.WARNING, "exporter"):
        read([samples / "features.md"])
    assert "removed" not in caplog.text
