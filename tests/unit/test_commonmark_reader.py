"""The gfm and commonmark readers: Markdown in, HTML out, one feature at a time."""

from __future__ import annotations

import logging
import time

import pytest

from exporter.errors import SourceError
from exporter.formats import RawChapter, SourceText
from exporter.readers.commonmark import read_commonmark, read_gfm
from exporter.readers.constructs import warn_unsupported


def gfm(text: str, name: str = "a.md") -> RawChapter:
    return read_gfm(SourceText(name, None, text.encode(), text))


def cm(text: str, name: str = "a.md") -> RawChapter:
    return read_commonmark(SourceText(name, None, text.encode(), text))


def test_commonmark_is_the_spec_and_nothing_more() -> None:
    text = "| a |\n|---|\n| 1 |\n\n~~x~~ www.example.com\n\n- [x] done\n"
    html = cm(text).html
    assert "<table>" not in html and "<del>" not in html and "<a " not in html
    assert "<li>[x] done</li>" in html


def test_gfm_table_keeps_column_alignment() -> None:
    html = gfm("| a | b |\n|:--|--:|\n| 1 | 2 |\n").html
    assert '<th style="text-align:left">a</th>' in html
    assert '<td style="text-align:right">2</td>' in html


def test_gfm_strikethrough_is_del_with_one_or_two_tildes() -> None:
    assert gfm("~~gone~~ and ~this~\n").html == "<p><del>gone</del> and <del>this</del></p>\n"


def test_gfm_task_items_carry_a_glyph_not_a_form_control() -> None:
    html = gfm("- [x] done\n- [ ] todo\n").html
    assert '<ul class="contains-task-list">' in html
    assert (
        '<li class="task-list-item"><span class="task-checkbox checked" title="done">'
        "\u2611</span> done</li>"
    ) in html
    assert '<span class="task-checkbox" title="not done">\u2610</span> todo' in html
    assert "<input" not in html


def test_gfm_autolinks_follow_github_not_fuzzy_linkify() -> None:
    html = gfm("See www.example.com, https://x.org/a. and a@b.org; not example.com\n").html
    assert '<a href="http://www.example.com">www.example.com</a>,' in html
    assert '<a href="https://x.org/a">https://x.org/a</a>.' in html
    assert '<a href="mailto:a@b.org">a@b.org</a>' in html
    assert "not example.com" in html


def test_gfm_footnotes_take_python_markdowns_shape() -> None:
    html = gfm("One[^a] two[^b] again[^a].\n\n[^a]: First *note*.\n[^b]: Second.\n").html
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in html
    assert '<sup id="fnref:2"><a class="footnote-ref" href="#fn:2">2</a></sup>' in html
    assert '<sup id="fnref2:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in html
    assert '<div class="footnote">\n<hr />\n<ol>\n<li id="fn:1">\n<p>First <em>note</em>.' in html
    assert "footnote-backref" not in html


def test_gfm_alert_is_an_admonition() -> None:
    html = gfm("> [!WARNING]\n> Mind *this*.\n").html
    assert html == (
        '<aside class="admonition warning" role="note">\n'
        '<p class="admonition-title">Warning</p>\n'
        "<p>Mind <em>this</em>.</p>\n</aside>\n"
    )


@pytest.mark.parametrize(
    ("opener", "kind", "title"),
    [
        ("::: tip", "tip", "Tip"),
        ('::: danger "Do not"', "danger", "Do not"),
        ("::: {.note}", "note", "Note"),
        ("::: {.callout-caution}", "caution", "Caution"),
        ("::: details Click <me>", "note collapsible", "Click &lt;me&gt;"),
    ],
)
def test_gfm_containers_are_admonitions(opener: str, kind: str, title: str) -> None:
    html = gfm(f"{opener}\nBody **b**.\n:::\n").html
    assert html == (
        f'<aside class="admonition {kind}" role="note">\n'
        f'<p class="admonition-title">{title}</p>\n'
        "<p>Body <strong>b</strong>.</p>\n</aside>\n"
    )


def test_gfm_containers_nest_and_unknown_names_stay_divs() -> None:
    html = gfm(":::: warning\n::: columns\nx\n:::\n::::\n").html
    assert html == (
        '<aside class="admonition warning" role="note">\n'
        '<p class="admonition-title">Warning</p>\n'
        '<div class="columns">\n<p>x</p>\n</div>\n</aside>\n'
    )


def test_gfm_definition_lists() -> None:
    assert gfm("Term\n: Meaning\n").html == "<dl>\n<dt>Term</dt>\n<dd>Meaning</dd>\n</dl>\n"


def test_gfm_attributes_on_headings_blocks_and_inlines() -> None:
    html = gfm("# Title {#start .big}\n\n{.lead}\nText with `code`{.x}.\n").html
    assert '<h1 id="start" class="big">Title</h1>' in html
    assert '<p class="lead">Text with <code class="x">code</code>.</p>' in html
    assert "Title {" not in html


def test_a_brace_that_is_not_attributes_stays_text() -> None:
    assert gfm("# Set {a, b}\n").html == "<h1>Set {a, b}</h1>\n"


def test_code_fences_are_highlighted_like_codehilite() -> None:
    html = gfm("```rust,ignore\nfn main() {}\n```\n").html
    assert html.startswith('<div class="highlight"><pre><span></span><code><span class="k">fn')
    assert "style=" not in html


@pytest.mark.parametrize("info", ["mermaid", "no-such-language", ""])
def test_unknown_languages_and_diagrams_stay_plain_code(info: str) -> None:
    html = cm(f"```{info}\ngraph TD; A-->B\n```\n").html
    assert html == (
        '<div class="highlight"><pre><span></span><code>graph TD; A--&gt;B\n</code></pre></div>\n'
    )


def test_indented_code_gets_the_same_markup() -> None:
    assert cm("    x < 1\n").html == (
        '<div class="highlight"><pre><span></span><code>x &lt; 1\n</code></pre></div>\n'
    )


def test_raw_html_passes_to_the_sanitizer() -> None:
    assert '<span onclick="x()">hi</span>' in gfm('<span onclick="x()">hi</span>\n').html


def test_front_matter_gives_metadata_and_keeps_line_numbers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = "---\ntitle: T\nauthor: [A, B]\n---\n\n{% raw %}\n"
    with caplog.at_level(logging.WARNING, "exporter"):
        result = gfm(text, "book/ch1.md")
    assert result.metadata.title == "T" and result.metadata.authors == ("A", "B")
    assert "book/ch1.md:6: a Jinja/Liquid '{%' tag" in caplog.text
    assert "title:" not in result.html


def test_bad_front_matter_fails_with_the_fix() -> None:
    with pytest.raises(SourceError, match="Fix the block between the '---' lines"):
        cm("---\ntitle: [x\n---\nText\n")


def test_each_dialect_warns_about_what_it_reads_as_text(caplog: pytest.LogCaptureFixture) -> None:
    text = "::: note\nx\n:::\n\n!!! tip\n    y\n"
    with caplog.at_level(logging.WARNING, "exporter"):
        cm(text, "c.md")
        gfm(text, "g.md")
    assert "c.md:1: a ':::' container is not supported by the commonmark dialect" in caplog.text
    assert "use --from gfm" in caplog.text
    assert "c.md:5: an MkDocs '!!!'/'???' admonition" in caplog.text
    assert "g.md:5: an MkDocs '!!!'/'???' admonition is not supported by the gfm dialect" in (
        caplog.text
    )
    assert "use --from markdown" in caplog.text
    assert "g.md:1" not in caplog.text  # gfm reads ':::'


def test_constructs_warn_once_per_kind_and_skip_fenced_code(
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = "$$\nx\n$$\n\n```\n{% not a tag %}\n::: not a container\n{{#include a.rs}}\n```\n"
    text += "Setext\n===\n\n+++\n"
    with caplog.at_level(logging.WARNING, "exporter"):
        warn_unsupported(text, "m.md", "markdown")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [  # a '$$' block is math now (exporter.math): no warning
        "m.md:8: an mdBook '{{#...}}' directive is not supported by the markdown dialect: it "
        "was not expanded; build the book from its book.toml or paste the included text.",
        "m.md:13: a '+++' front matter line is not supported by the markdown dialect: front "
        "matter is read only at the very top of the file, as YAML between '---' lines.",
    ]


def test_toml_front_matter_at_the_top_is_not_this_checks_business(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, "exporter"):
        warn_unsupported('+++\ntitle = "T"\n+++\n\nText\n', "t.md", "gfm")
    assert caplog.text == ""


def test_deep_nesting_is_kept_for_the_depth_check_not_dropped() -> None:
    # markdown-it drops everything past maxNesting; the depth check must see it instead.
    text = "".join("  " * i + f"* item{i}\n" for i in range(30))
    assert "item29" in gfm(text).html


# CommonMark's pathological inputs (cmark's test/pathological_tests.py) and a few of the
# plug-ins' own, at about 20 000 characters. Measured: 0.6 s of CPU at most, on a loaded
# machine; the limit leaves room for a slower one, not for quadratic growth.
PATHOLOGICAL = {
    "nested strong emphasis": "*a **a " * 1500 + "b" + " a** a*" * 1500,
    "emphasis closers without openers": "a_ " * 7000,
    "emphasis openers without closers": "_a " * 7000,
    "openers and closers, multiple of 3": "a**b" + "c* " * 7000,
    "link openers and emphasis closers": "[ a_" * 5000,
    "'[ (](' repeated": "[ (](" * 4000,
    "nested brackets": "[" * 10000 + "a" + "]" * 10000,
    "nested block quotes": "> " * 10000 + "a",
    "deeply nested lists": "".join("  " * i + "* a\n" for i in range(150)),
    "backticks": "".join("e" + "`" * i for i in range(1, 200)),
    "unclosed links <": "[a](<b" * 3500,
    "unclosed links": "[a](b" * 4000,
    "unclosed comments": "</" + "<!--" * 5000,
    "footnote openers": "[^" * 10000,
    "attribute braces": "{" * 10000 + "a" + "}" * 10000,
    "nested containers": "".join(":" * (3 + i) + " note\n" for i in reversed(range(150))),
    "www autolinks": "www.a.b " * 2500,
    "wide table": "|" + "a|" * 1000 + "\n|" + "-|" * 1000 + "\n" + ("|" + "x|" * 1000 + "\n") * 10,
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_finishes_quickly(name: str) -> None:
    text = PATHOLOGICAL[name]
    start = time.process_time()
    html = gfm(text).html
    elapsed = time.process_time() - start
    assert html
    assert elapsed < 4.0, f"{name}: {elapsed:.2f} s for {len(text)} characters"
