"""The BibTeX/BibLaTeX reader: entries in, CSL-JSON items out (citations/bibtex.py)."""

from __future__ import annotations

import logging

import pytest

from exporter.citations.bibtex import parse_bibtex
from exporter.citations.latex import to_csl, to_text
from exporter.citations.names import parse_names


def one(text: str) -> dict:
    items = parse_bibtex(text, "refs.bib")
    assert len(items) == 1, items
    return items[0]


def test_a_book_becomes_a_csl_book_with_its_fields():
    item = one(
        "@book{knuth1984, author = {Donald E. Knuth}, title = {The {TeX}book},\n"
        " publisher = {Addison-Wesley}, address = {Reading, MA}, year = 1984, edition = {2},\n"
        " isbn = {0-201-13447-0}}"
    )
    assert item == {
        "id": "knuth1984",
        "type": "book",
        "author": [{"family": "Knuth", "given": "Donald E."}],
        "title": 'The <span class="nocase">TeXbook</span>',
        "publisher": "Addison-Wesley",
        "publisher-place": "Reading, MA",
        "edition": 2,
        "ISBN": "0-201-13447-0",
        "issued": {"date-parts": [[1984]]},
    }


def test_an_article_keeps_its_page_range_issue_and_doi():
    item = one(
        '@article{s, author = "Smith, John and Doe, Jane", title = "A {DNA} Study",\n'
        "  journal = {J. Stuff}, volume = 12, number = 3, pages = {33--45}, year = 2001,\n"
        "  month = mar, doi = {10.1000/xyz}}"
    )
    assert item["type"] == "article-journal"
    assert item["page"] == "33–45"
    assert item["issue"] == "3" and "number" not in item
    assert item["container-title"] == "J. Stuff"
    assert item["DOI"] == "10.1000/xyz"
    assert item["issued"] == {"date-parts": [[2001, 3]]}
    assert item["title"] == 'A <span class="nocase">DNA</span> Study'


@pytest.mark.parametrize(
    ("kind", "csl"),
    [
        ("incollection", "chapter"),
        ("inproceedings", "paper-conference"),
        ("phdthesis", "thesis"),
        ("techreport", "report"),
        ("misc", "document"),
        ("online", "webpage"),
        ("unheardof", "document"),
    ],
)
def test_entry_types_map_to_csl_types(kind, csl):
    assert one(f"@{kind}{{k, title = {{T}}}}")["type"] == csl


def test_collections_theses_and_reports_name_their_container_and_publisher():
    chapter = one("@incollection{c, booktitle = {Big Book}, editor = {Jones, Anna}}")
    assert chapter["container-title"] == "Big Book"
    assert chapter["editor"] == [{"family": "Jones", "given": "Anna"}]
    thesis = one("@phdthesis{t, school = {Universidad de Salamanca}}")
    assert thesis["publisher"] == "Universidad de Salamanca" and thesis["genre"] == "PhD thesis"
    report = one("@techreport{r, institution = {NASA}, number = {TR-42}}")
    assert report["publisher"] == "NASA" and report["number"] == "TR-42"


def test_biblatex_fields_journaltitle_date_and_location():
    item = one(
        "@article{k, journaltitle = {The Computer Journal}, date = {1984-05-03},"
        " location = {London}}"
    )
    assert item["container-title"] == "The Computer Journal"
    assert item["issued"] == {"date-parts": [[1984, 5, 3]]}
    assert item["publisher-place"] == "London"
    assert one("@book{r, date = {1998/2001}}")["issued"] == {"date-parts": [[1998], [2001]]}


def test_strings_concatenation_comments_and_parentheses():
    items = parse_bibtex(
        '% a comment line\n@string{acm = "ACM Press"}\n@comment{ignored {nested}}\n'
        '@preamble{"\\newcommand{\\x}{y}"}\n'
        '@book(b, publisher = acm # ", New York", title = "T")\n',
        "refs.bib",
    )
    assert [i["id"] for i in items] == ["b"]
    assert items[0]["publisher"] == "ACM Press, New York"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ('M{\\"u}ller', "Müller"),
        ('M\\"uller', "Müller"),
        ("Garc{\\'\\i}a", "García"),
        ("\\c{C}a\\~{n}o", "Çaño"),
        ("{\\ss}e \\o{} \\aa", "ße ø å"),
        ("33--45", "33–45"),
        ("a---b", "a—b"),
        ("Tom \\& Jerry 50\\%", "Tom & Jerry 50%"),
        ("Dvo\\v{r}\\'ak", "Dvořák"),
    ],
)
def test_latex_accents_symbols_and_dashes_become_unicode(latex, text):
    assert to_text(latex) == text


def test_protected_braces_keep_the_whole_word_but_accents_do_not_protect():
    assert to_csl("The {TeX}book") == 'The <span class="nocase">TeXbook</span>'
    assert to_csl('{\\"U}ber {NASA} data') == 'Über <span class="nocase">NASA</span> data'
    assert to_csl("An \\emph{Italic} word") == "An <i>Italic</i> word"
    assert to_csl("Fish & Chips") == "Fish &amp; Chips"


def test_names_in_every_bibtex_form():
    names = parse_names(
        "Ludwig van Beethoven and de la Fontaine, Jean and Smith, Jr., John and "
        "{World Health Organization} and {van} Gogh, Vincent and Plato and others"
    )
    assert names == [
        {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"},
        {"family": "Fontaine", "given": "Jean", "dropping-particle": "de la"},
        {"family": "Smith", "given": "John", "suffix": "Jr."},
        {"literal": "World Health Organization"},
        {"family": "van Gogh", "given": "Vincent"},
        {"family": "Plato"},
        {"literal": "others"},
    ]


def test_a_name_with_and_inside_braces_is_one_name():
    assert parse_names("{Barnes and Noble} and Doe, J.") == [
        {"literal": "Barnes and Noble"},
        {"family": "Doe", "given": "J."},
    ]


def test_a_syntax_error_warns_with_file_and_line_and_keeps_the_other_entries(caplog):
    text = (
        "@book{good1, title = {One}}\n\n"
        "@article{bad,\n  title = {Unclosed,\n  year = 2001\n"
        "@book{good2, title = {Two}}\n"
        "@book{bad2, title = undefinedmacro}\n"
    )
    with caplog.at_level(logging.WARNING, logger="exporter"):
        items = parse_bibtex(text, "refs.bib")
    assert [i["id"] for i in items] == ["good1", "good2"]
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("refs.bib:4:") and "unclosed" in m for m in messages), messages
    assert any(m.startswith("refs.bib:7:") and "undefinedmacro" in m for m in messages)


def test_a_bad_month_warns_naming_the_entry(caplog):
    with caplog.at_level(logging.WARNING, logger="exporter"):
        item = one("\n@book{m, year = 2001, month = {Smarch}}")
    assert item["issued"] == {"date-parts": [[2001]]}
    assert "refs.bib:2" in caplog.text and "Smarch" in caplog.text


def test_unclosed_values_stop_at_the_next_entry_so_a_broken_file_stays_linear(caplog):
    import time

    broken = "@book{x, title = {unclosed\n" * 3000 + "@book{ok, title = {Fine}}\n"
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="exporter"):
        items = parse_bibtex(broken, "refs.bib")
    assert time.perf_counter() - started < 10  # was minutes: each error scanned to the end
    assert [i["id"] for i in items] == ["ok"]
    assert len(caplog.records) == 21  # 20 errors told, then how many more
    assert caplog.records[-1].getMessage() == "refs.bib: 2980 more entries were left out for errors"
