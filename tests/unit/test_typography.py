"""Smart quotes, dashes and ellipses in Markdown, never in code or after a backslash."""

from __future__ import annotations

import pytest

from exporter.formats import SourceText
from exporter.readers import markdown
from exporter.readers.typography import educate


@pytest.mark.parametrize(
    ("plain", "fancy"),
    [
        ('He said "hi".', "He said \u201chi\u201d."),
        ("it's the '90s", "it\u2019s the \u201990s"),
        (
            "'single' and \"double 'nested'\"",
            "\u2018single\u2019 and \u201cdouble \u2018nested\u2019\u201d",
        ),
        ("a -- b --- c...", "a \u2013 b \u2014 c\u2026"),
        ('("x") ["y"]', "(\u201cx\u201d) [\u201cy\u201d]"),
        ("already \u201cfancy\u201d", "already \u201cfancy\u201d"),
    ],
)
def test_educate(plain, fancy):
    assert educate(plain, "") == fancy


def test_a_quote_at_a_node_boundary_looks_at_the_text_before_it():
    assert educate('" end', "word") == "\u201d end"
    assert educate('"start', "word ") == "\u201cstart"


def read(text: str) -> str:
    return markdown.read(SourceText("t.md", None, text.encode(), text)).html


def test_markdown_keeps_code_and_escaped_quotes_straight():
    html = read('"*em*" and `"code"` and \\"escaped\\" -- done\n\n```\n"block"\n```\n')
    assert "\u201c<em>em</em>\u201d" in html
    assert '<code>"code"</code>' in html
    assert 'and "escaped" \u2013 done' in html
    assert "&quot;block&quot;" in html or '"block"' in html


def test_a_double_quote_after_a_wide_character_opens_unless_one_is_open():
    assert educate('叫做"避头尾"。', "") == "叫做“避头尾”。"
    assert educate('叫做"避头尾"的规定', "") == "叫做“避头尾”的规定"
    assert educate('他说"好"，她说"不"。', "") == "他说“好”，她说“不”。"
    assert educate('He said "hi" and "bye".', "") == "He said “hi” and “bye”."
