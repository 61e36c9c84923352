"""Book matter read back from the sample book's PDF: numbering, folios, page labels, words.

Only body chapters are numbered; the front matter counts i, ii, iii and the body 1, 2, 3
from its first part page; each page's PDF label is the folio printed on it; the words
exporter writes itself follow the book's language and a manifest's ``[words]``.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from pypdf import PdfReader

import exporter
from exporter.rendering.words import WORDS, long_date, words

FOLIO = re.compile(r"\d+|[ivxlcdm]+")


def build(samples, tmp_path, theme: str, edit=None):
    """Build the sample book (its manifest changed by ``edit``); return (labels, page texts)."""
    book = tmp_path / "book"
    shutil.copytree(samples / "book", book)
    if edit:
        manifest = book / "book.toml"
        manifest.write_text(edit(manifest.read_text(encoding="utf-8")), encoding="utf-8")
    (pdf,) = exporter.convert([book], ["pdf"], tmp_path / "out", theme=theme)
    reader = PdfReader(pdf)
    return reader.page_labels, [(p.extract_text() or "").strip() for p in reader.pages]


def last_line(text: str) -> str:
    return text.splitlines()[-1].strip() if text else ""


@pytest.fixture(scope="module")
def technical(samples, tmp_path_factory):
    return build(samples, tmp_path_factory.mktemp("technical"), "technical")


def test_page_labels_are_the_printed_folios(technical):
    labels, pages = technical
    printed = {i: last_line(t) for i, t in enumerate(pages) if FOLIO.fullmatch(last_line(t))}
    assert len(printed) >= 10
    assert {i: labels[i] for i in printed} == printed
    assert labels[0] == "i"  # the title page prints none, but is page i


@pytest.mark.parametrize("theme", ["classic", "modern"])
def test_page_labels_are_the_printed_folios_in_the_other_themes(samples, tmp_path, theme):
    labels, pages = build(samples, tmp_path, theme)
    printed = {i: last_line(t) for i, t in enumerate(pages) if FOLIO.fullmatch(last_line(t))}
    assert len(printed) >= 10
    assert {i: labels[i] for i in printed} == printed
    assert labels[0] == "i" and "1" in labels and labels.index("1") > labels.index("iii")


def test_only_body_chapters_are_numbered(technical):
    _, pages = technical
    openings = {t.splitlines()[1]: t.splitlines()[0] for t in pages if t.count("\n") >= 1}
    assert openings["Paper and Its Grain"] == "CHAPTER 1"
    assert openings["Type in Use"] == "CHAPTER 3"
    assert openings["Glossary"] == "APPENDIX A"
    assert not any("CHAPTER" in t and "Preface" in t.splitlines()[1] for t in pages if "\n" in t)


def test_the_dedication_has_no_word_alone_on_its_last_line(technical):
    _, pages = technical
    (dedication,) = [t for t in pages if t.startswith("For everyone")]
    *lines, folio = dedication.splitlines()
    assert folio == "iii" and len(lines) >= 2  # set on more than one line at A4
    assert len(lines[-1].split()) >= 2


def test_the_body_counts_from_its_first_part_page_set_on_a_recto(technical):
    labels, pages = technical
    part = next(i for i, t in enumerate(pages) if t == "Part One: Materials")
    assert labels[part] == "1" and part % 2 == 0  # index 0 is a recto
    assert labels[part - 1] in ("vi", "vii", "viii")
    assert last_line(pages[part]) == "Part One: Materials"  # no folio


def test_the_contents_list_parts_and_front_matter_in_roman(technical):
    labels, pages = technical
    (toc,) = [t for t in pages if t.startswith("Contents")]
    assert "Part One: Materials".upper() in toc and "Part Two: Letters".upper() in toc
    preface = next(i for i, t in enumerate(pages) if t.startswith("Preface"))
    assert re.search(rf"Preface[ .]*{labels[preface]}\n", toc)
    assert "Dedication" not in toc  # it comes before the contents


def test_the_title_page_names_the_editor_and_the_series(technical):
    _, pages = technical
    assert "Edited by Max Editor" in pages[0]
    assert "exporter Samples · Volume 1" in pages[0]


@pytest.mark.parametrize(
    ("lang", "contents", "chapter", "date", "editor"),
    [
        ("fr", "Table des matières", "CHAPITRE 1", "1 mars 2026", "Sous la direction de"),
        ("de", "Inhaltsverzeichnis", "KAPITEL 1", "1. März 2026", "Herausgegeben von"),
    ],
)
def test_a_book_in_french_or_german(samples, tmp_path, lang, contents, chapter, date, editor):
    def edit(text: str) -> str:
        text = text.replace('language = "en"', f'language = "{lang}"')
        # German: the manifest's [words] replaces the table's "Inhalt".
        return text + ('\n[words]\ncontents = "Inhaltsverzeichnis"\n' if lang == "de" else "")

    _, pages = build(samples, tmp_path, "technical", edit)
    assert date in pages[0] and f"{editor} Max Editor" in pages[0]
    assert any(t.startswith(contents) for t in pages)
    assert any(t.startswith(f"{chapter}\nPaper and Its Grain") for t in pages)


def test_every_language_has_every_word_and_a_theme_may_replace_one():
    assert all(set(table) == set(WORDS["en"]) for table in WORDS.values())
    assert words("pt-BR")["contents"] == "Sumário"
    assert words("xx")["chapter"] == "Chapter {n}"  # English for a language it lacks
    assert words("de", {"chapter": "Lektion {n}"}, {})["chapter"] == "Lektion {n}"
    assert long_date(dt.date(2012, 10, 2), "ja") == "2012年10月2日"
