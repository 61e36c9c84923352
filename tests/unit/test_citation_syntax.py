"""Finding citations in text (citations/syntax.py) and formatting them (citations/style.py)."""

from __future__ import annotations

import pytest

from exporter.citations.fixes import page_range
from exporter.citations.style import Cite, Formatter
from exporter.citations.syntax import find_citations


def keys(text: str) -> list[list[str]]:
    return [[c.key for c in f.cites] for f in find_citations(text)]


def test_bracketed_citations_with_prefix_locator_and_suffix():
    (found,) = find_citations("As [see @smith2001, pp. 33-35, emphasis added] says.")
    (cite,) = found.cites
    assert (cite.prefix, cite.locator, cite.label, cite.suffix) == (
        "see ",
        "33–35",
        "page",
        ", emphasis added",
    )
    assert found.bracketed and found.text == "[see @smith2001, pp. 33-35, emphasis added]"


@pytest.mark.parametrize(
    ("text", "locator", "label"),
    [
        ("[@k, p. 33]", "33", "page"),
        ("[@k, 33]", "33", "page"),
        ("[@k, chap. 2]", "2", "chapter"),
        ("[@k, sec. 4]", "4", "section"),
        ("[@k, vol. IV]", "IV", "volume"),
    ],
)
def test_locator_labels(text, locator, label):
    (cite,) = find_citations(text)[0].cites
    assert (cite.locator, cite.label) == (locator, label)


def test_several_keys_suppressed_author_and_author_in_text():
    found = find_citations("Both [@a; -@b]. @c says, and @d [p. 4] too.")
    assert keys("Both [@a; -@b]. @c says, and @d [p. 4] too.") == [["a", "b"], ["c"], ["d"]]
    assert [c.mode for c in found[0].cites] == ["normal", "suppress-author"]
    assert found[1].cites[0].mode == "author-in-text" and not found[1].bracketed
    assert found[2].cites[0].locator == "4"


@pytest.mark.parametrize(
    "text",
    [
        "write to ann@example.org today",
        "[ann@example.org]",
        "see @fig:plot and [@tbl:data] and @sec-intro and [@eq:one]",
        "no keys [here] at all",
        "@ alone",
    ],
)
def test_addresses_cross_references_and_brackets_without_keys_are_not_citations(text):
    assert find_citations(text) == []


def test_keys_keep_inner_punctuation_but_not_a_final_period():
    assert keys("As @knuth:1984 showed. And [@doe.2001-a].") == [["knuth:1984"], ["doe.2001-a"]]


@pytest.mark.parametrize(
    ("given", "chicago"),
    [("101-103", "101–3"), ("71-72", "71–72"), ("100-104", "100–104"), ("321-328", "321–28"),
     ("1496-1504", "1496–1504"), ("11564-11568", "11564–68"), ("12", "12")],
)  # fmt: skip
def test_cited_page_ranges_shorten_as_chicago_says(given, chicago):
    assert page_range(given, "chicago") == chicago
    assert page_range(given, "") == given.replace("-", "–")


ITEMS = [
    {"id": "Doe2001", "type": "book", "title": "One", "author": [{"family": "Doe", "given": "J"}],
     "issued": {"date-parts": [[2001]]}},
    {"id": "doe2001b", "type": "book", "title": "Two", "author": [{"family": "Doe", "given": "J"}],
     "issued": {"date-parts": [[2001]]}},
    {"id": "anon", "type": "book", "title": "No Author", "issued": {"date-parts": [[1999]]}},
]  # fmt: skip


def test_modes_keys_case_and_year_suffixes():
    formatter = Formatter(ITEMS, None, "en")
    assert formatter.keys["doe2001"] == "Doe2001"  # citeproc-py lower-cases; we keep the case
    one = formatter.register(Cite("Doe2001"))
    two = formatter.register(Cite("doe2001b", locator="5"))
    three = formatter.register(Cite("doe2001b", locator="5"))
    anon = formatter.register(Cite("anon"))
    assert formatter.render(one, "normal") == "Doe 2001a"
    assert formatter.render(two, "author-in-text") == "Doe (2001b, 5)"
    assert formatter.render(three, "suppress-author") == "2001b, 5"
    assert formatter.render(anon, "suppress-author") == "<i>No Author</i> 1999"
    keys_in_order = [key for key, _ in formatter.references()]
    assert keys_in_order == ["Doe2001", "doe2001b", "anon"]
    assert (formatter.opening, formatter.delimiter, formatter.closing) == ("(", "; ", ")")


def test_bibliographies_in_every_format_load_as_csl_items(tmp_path, caplog):
    from exporter.citations.library import load_items
    from exporter.errors import SourceError

    (tmp_path / "a.yaml").write_text(
        "references:\n- id: ada\n  type: book\n  title: Notes\n  issued: 1843-05\n"
    )
    (tmp_path / "b.json").write_text('[{"id": 7, "type": "book", "issued": "2001"}]')
    (tmp_path / "c.bib").write_text("@book{ADA, title = {Other}}\n@book{c, title = {C}}")
    items = load_items([tmp_path / "a.yaml", tmp_path / "b.json", tmp_path / "c.bib"])
    assert [i["id"] for i in items] == ["ada", "7", "c"]
    assert items[0]["issued"] == {"date-parts": [[1843, 5]]}
    assert items[1]["issued"] == {"date-parts": [[2001]]}
    assert "c.bib: citation key 'ADA' is defined twice" in caplog.text
    (tmp_path / "d.txt").write_text("")
    with pytest.raises(SourceError, match=r"d.txt: unknown bibliography type '.txt'"):
        load_items([tmp_path / "d.txt"])
    (tmp_path / "e.json").write_text("[{")
    with pytest.raises(SourceError, match=r"e.json:1: not valid CSL-JSON"):
        load_items([tmp_path / "e.json"])


def test_an_ampersand_in_an_entry_is_escaped_for_xhtml():
    from lxml import etree

    from exporter.citations.bibtex import parse_bibtex

    items = parse_bibtex(
        "@book{b, author={Bringhurst, Robert}, title={Elements}, "
        "publisher={Hartley \\& Marks}, year={2004}}",
        "refs.bib",
    )
    formatter = Formatter(items, None, "en")
    formatter.register(Cite("b"))
    ((_, entry),) = formatter.references()
    assert "Hartley &amp; Marks" in entry
    etree.fromstring(f"<div>{entry}</div>")  # well-formed
