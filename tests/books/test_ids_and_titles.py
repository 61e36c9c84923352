"""Heading ids in every script, chapter titles as authors write them, book titles."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import exporter
from exporter import Source


def md(text: str, name: str = "a.md") -> Source:
    return Source(name, text.encode(), "md")


RUSSIAN = """# Руководство

Оглавление: [Введение](#введение), [Установка](#установка), [Итоги](#итоги).

## Введение

Текст.

## Установка

Текст.

## Итоги

Текст.
"""


def test_headings_in_every_script_get_distinct_ids_and_links_land(tmp_path, epubcheck):
    source = tmp_path / "guide.md"
    source.write_text(RUSSIAN, encoding="utf-8")
    (epub,) = exporter.convert([source], ["epub"], tmp_path / "out")
    with zipfile.ZipFile(epub) as book:
        text = book.read("EPUB/chapter-001.xhtml").decode()
    for word in ("введение", "установка", "итоги"):
        assert f'id="{word}"' in text and f'href="#{word}"' in text
    assert 'id="section' not in text
    epubcheck.check(epub)


def test_a_chapter_starting_at_h2_is_named_by_that_heading():
    doc = exporter.read([md("## Intro\n\nText.\n", "one.md"), md("# Two\n\nMore.\n", "two.md")],
                        metadata=exporter.Metadata(title="Book"))  # fmt: skip
    assert [c.title for c in doc.chapters] == ["Intro", "Two"]


def test_a_heading_after_prose_is_a_section_not_the_title():
    doc = exporter.read([md("Some prose first.\n\n# Late heading\n\nText.\n", "notes.md")])
    assert doc.chapters[0].title == "Untitled"  # in memory: no file name to fall back on
    assert doc.chapters[0].headings[0].text == "Late heading"


def test_a_running_title_names_the_book_and_the_next_heading_each_chapter(caplog):
    files = [
        md("# The Field Guide\n\n# Birds\n\nText.\n", "01.md"),
        md("# The Field Guide\n\n# Trees\n\nText.\n", "02.md"),
        md("# The Field Guide\n\n# Rocks\n\n## Granite\n\nText.\n", "03.md"),
    ]
    with caplog.at_level(logging.WARNING, "exporter"):
        doc = exporter.read(files)
    assert doc.metadata.title == "The Field Guide"
    assert [c.title for c in doc.chapters] == ["Birds", "Trees", "Rocks"]
    assert [(h.level, h.text) for h in doc.chapters[2].headings] == [(2, "Granite")]
    assert "title" not in caplog.text


def test_front_matter_titles_name_their_chapters_only_and_a_missing_book_title_is_said(caplog):
    files = [md("---\ntitle: First\n---\nText.\n", "a.md"), md("# Second\n\nText.\n", "b.md")]
    with caplog.at_level(logging.WARNING, "exporter"):
        doc = exporter.read(files)
    assert [c.title for c in doc.chapters] == ["First", "Second"]
    assert "no book title" in caplog.text and "--title" in caplog.text
    with caplog.at_level(logging.WARNING, "exporter"):
        caplog.clear()
        titled = exporter.read(files, metadata=exporter.Metadata(title="Both"))
    assert titled.metadata.title == "Both" and "title" not in caplog.text


def test_hugo_toml_front_matter_is_read():
    doc = exporter.read([md('+++\ntitle = "From Hugo"\ndate = 2024-05-01\n+++\n\nBody.\n')])
    assert doc.metadata.title == "From Hugo"
    assert doc.metadata.date.startswith("2024-05-01")
    assert "+++" not in doc.chapters[0].html


def test_an_old_ascii_link_to_an_accented_heading_still_lands(tmp_path: Path):
    doc = exporter.read([md("# T\n\nSee [below](#ca-va).\n\n## Ça va\n\nText.\n")])
    html = doc.chapters[0].html
    assert 'id="ça-va"' in html and 'href="#ça-va"' in html
