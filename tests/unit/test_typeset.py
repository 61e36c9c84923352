"""The print pass that marks heading ends and short tables (rendering.typeset), and the
hyphenation dictionary that keeps names and acronyms whole (writers.linebreak.Names)."""

from __future__ import annotations

import re

from exporter.rendering.typeset import typeset
from exporter.writers.linebreak import Names


def test_capitalised_words_and_acronyms_have_no_hyphenation_point():
    english = Names(lang="en_US", left=3, right=3)
    assert list(english.iterate("intervention"))  # a common word has its points
    for word in ("Timbuktu", "ECOWAS", "American", "President"):
        assert list(english.iterate(word)) == [], word
    german = Names(lang="de_DE", left=3, right=3)
    assert list(german.iterate("Sicherheitsrat"))  # every German noun is capitalised
    assert list(german.iterate("ECOWAS")) == []


def test_prose_is_left_without_markup():
    html = '<p class="Ignored">In Timbuktu the ECOWAS <code>Bamako</code> <a href="#B">x</a></p>'
    assert typeset(html) == html


def test_a_heading_ends_with_its_last_two_words_tied():
    html = '<h2 id="m">Pieces Starting to Align for Mali Intervention</h2>'
    assert typeset(html) == (
        '<h2 id="m">Pieces Starting to Align for <span class="tie">Mali Intervention</span></h2>'
    )


def test_a_heading_with_markup_at_its_end_or_one_word_is_left_alone():
    for html in ("<h2>Using <code>pip install</code></h2>", "<h3>Preface</h3>"):
        assert typeset(html) == html


def test_a_dedication_ends_with_its_last_two_words_tied_inside_its_emphasis():
    html = (
        '<section class="chapter dedication" id="c1"><h1 class="chapter-title">Dedication</h1>'
        "<p><em>For everyone who has ever counted the lines to see whether they line up.</em>"
        "</p></section><p>A body paragraph ends as it likes.</p>"
    )
    assert typeset(html) == (
        '<section class="chapter dedication" id="c1"><h1 class="chapter-title">Dedication</h1>'
        "<p><em>For everyone who has ever counted the lines to see whether they "
        '<span class="tie">line up.</span></em></p></section>'
        "<p>A body paragraph ends as it likes.</p>"
    )


def test_a_short_table_is_marked_and_a_long_one_is_not():
    short = '<div class="table-wrap"><table>' + "<tr><td>a</td></tr>" * 3 + "</table></div>"
    long = '<div class="table-wrap"><table>' + "<tr><td>a</td></tr>" * 40 + "</table></div>"
    assert typeset(short).startswith('<div class="table-wrap short">')
    assert typeset(long) == long


def test_a_code_column_gets_the_width_of_its_longest_identifier():
    row = "<tr><td><code>hyphenation_language_override</code></td><td>{}</td><td>none</td></tr>"
    text = "The language whose hyphenation patterns apply instead of the document's"
    table = f'<div class="table-wrap"><table><tbody>{row.format(text)}</tbody></table></div>'
    sized = typeset(table, columns=60)
    widths = [float(w) for w in re.findall(r'<col style="width: ([\d.]+)%"/>', sized)]
    assert len(widths) == 3 and abs(sum(widths) - 100) < 0.5
    assert widths[0] * 60 / 100 >= len("hyphenation_language_override")  # whole, with room
    assert widths[1] > widths[2]
    # Words that fit an equal share keep the fixed layout's equal columns.
    plain = '<div class="table-wrap"><table><tr><td>a</td><td>b</td></tr></table></div>'
    assert "<colgroup" not in typeset(plain, columns=60)
