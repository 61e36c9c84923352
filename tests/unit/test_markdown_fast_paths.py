"""The Markdown reader's shortcuts change nothing: the same HTML as the stock way, always.

Five shortcuts, all for speed: the inline stage passes over patterns whose trigger
characters are absent (exporter.readers.inline), a text with nothing that could open a
code block is read without fenced code and the highlighter (which import Pygments), a text
whose fences are all plain is read with Python-Markdown's fenced_code instead of SuperFences,
the MkDocs extensions are loaded only for a text holding what they react to
(exporter.readers.material), and a Markdown instance is reset and used again for the next
text that asks for the same extensions.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from exporter.formats import SourceText
from exporter.readers import markdown as reader
from exporter.readers import material
from exporter.readers.inline import SkippingInlineExtension, SkippingInlineProcessor

TOKENS = [
    "word", " ", "\n", "\n\n", "*", "**", "_", "__", "`", "``", "[", "]", "(", ")", "![",
    "<", ">", "&amp;", "&", "\\", "  \n", "[^1]", "\n[^1]: note\n", "http://x.y", "a@b.c",
    "<http://x.y>", "<a@b.c>", "<b>", "</b>", "'", '"', "--", "...", "{: .c}", "<!-- c -->",
    "\n- ", "\n1. ", "\n> ", "\n  ", "   ", "\n|a|b|\n|-|-|\n", "*[HTML]: Hyper\n", "HTML",
    "[x]: http://u\n", "[x]", "\nTerm\n: def\n", "<pre>x</pre>", "\t", "    ", "```\n", "~~~",
    "~~", "~", "==", "^^", "^", "www.x.y", "!!! note\n", "??? tip\n", '=== "T"\n', "/// note\n",
    "///\n", "[ ] ", "[x] ", "> [!NOTE]\n", "\\\n", "\n  - ", "```py title=\"a\"\n",
]  # fmt: skip
SOURCE = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


def _html(
    text: str,
    *,
    skipping: bool = True,
    code: bool = True,
    features: frozenset[str] = material.ALL,
    plain: bool = False,
) -> str:
    extensions = [
        e
        for e in reader._extensions(code, features, plain_fences=plain)
        if skipping or not isinstance(e, SkippingInlineExtension)
    ]
    return markdown.Markdown(extensions=extensions).convert(text)


# Derandomized, like tests/test_properties.py: the same examples on every run.
@settings(max_examples=600, derandomize=True, deadline=None)
@given(SOURCE)
def test_skipping_inline_patterns_gives_the_stock_html(text: str) -> None:
    assert _html(text) == _html(text, skipping=False)


@settings(max_examples=600, derandomize=True, deadline=None)
@given(SOURCE)
def test_leaving_out_code_extensions_only_when_no_code_block_is_possible(text: str) -> None:
    if not reader.may_hold_code(text):
        assert _html(text, code=False) == _html(text, code=True)
    else:  # the check must never miss one: with a code block, the extensions are in
        assert "FencesExtension" in str(reader._extensions(True))


@settings(max_examples=600, derandomize=True, deadline=None)
@given(SOURCE)
def test_leaving_out_mkdocs_extensions_only_when_their_syntax_is_absent(text: str) -> None:
    # Footnote references are not caret syntax: loaded anyway, caret would read
    # '[^1][^1]' (no such notes) as a superscript '1][', which is why it is left out.
    assume("[^" not in text)
    assert _html(text, features=material.features(text)) == _html(text)


# The regular expression the substring tests stand in for.
MAY_HOLD_CODE = re.compile(r"\t| {4}|```|~~~")
CAPTION_TOKENS = [*TOKENS, "<Listing", "<figure", " caption=", " title=", "title", "=", '"x"',
                  "Caption=", "  <Tip", "\n   <Box", ">\n", "<div class=\"a\" "]  # fmt: skip


@settings(max_examples=600, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(CAPTION_TOKENS), max_size=40).map("".join))
def test_the_substring_checks_find_what_the_regular_expressions_find(text: str) -> None:
    assert reader.may_hold_code(text) == bool(MAY_HOLD_CODE.search(text))
    every = frozenset(m.group(1).lower() for m in reader._CAPTIONED.finditer(text))
    assert reader.captioned_tags(text) == every


def test_captioned_tags_names_the_elements() -> None:
    text = 'Text.\n\n<Listing caption="A">\n\n```\nx\n```\n\n</Listing>\n  <Box title="b">\n'
    assert reader.captioned_tags(text) == {"listing", "box"}
    assert reader.captioned_tags("<Listing Caption=1>") == frozenset()


# Blocks of prose (the tokens above) between fences, plain ones mostly, some not.
FENCE = st.tuples(
    st.sampled_from(["```", "~~~", "````"]),
    st.sampled_from(["", "python", "py", "c++", "nosuchlang", "math", 'js title="a"']),
    st.lists(st.sampled_from([*TOKENS, "```", "    x", "\t", "<b>&amp;"]), max_size=8).map("".join),
).map(lambda f: f"{f[0]}{f[1]}\n{f[2]}\n{f[0]}")
FENCED = st.lists(st.one_of(SOURCE, FENCE), max_size=6).flatmap(
    lambda blocks: st.sampled_from(["\n\n", "\n"]).map(lambda sep: sep.join(blocks))
)


@settings(max_examples=600, derandomize=True, deadline=None)
@given(FENCED)
def test_stock_fenced_code_only_where_it_reads_as_superfences(text: str) -> None:
    if reader.plain_fences(text):
        assert _html(text, plain=True) == _html(text), text


def test_fences_superfences_reads_its_own_way_are_not_plain() -> None:
    assert reader.plain_fences("Text.\n\n```python\nx = 1\n```\n\nMore.\n")
    assert reader.plain_fences("No fence at all.\n")
    for text in [
        "- item\n\n    ```py\n    x\n    ```\n",  # in a list item
        "> ```py\n> x\n> ```\n",  # in a block quote
        "Text.\n```py\nx\n```\n",  # no blank line before
        "```py\nx\n```\nText.\n",  # no blank line after
        '```py title="a.py"\nx\n```\n',  # options
        "```rust,ignore\nx\n```\n",  # an mdBook info string
        "```math\nx^2\n```\n",  # a formula
        "````\nx\n```\n````\n",  # a shorter fence inside
        "```\nx\n````\n",  # closed by a longer one
        "```py\nx\n",  # never closed
        "```py\r\nx\r\n```\r\n",  # CR line ends
    ]:
        assert not reader.plain_fences(text), text


def _read(text: str) -> str:
    return reader.read(SourceText("a.md", None, text.encode(), text)).html


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.one_of(FENCED, SOURCE), min_size=2, max_size=5))
def test_a_reused_markdown_instance_reads_as_a_new_one(texts: list[str]) -> None:
    reader._LOCAL.parsers = {}
    reused = [_read(text) for text in texts]
    fresh = []
    for text in texts:
        reader._LOCAL.parsers = {}
        fresh.append(_read(text))
    assert reused == fresh


def test_the_samples_read_the_same_one_after_another() -> None:
    root = Path(__file__).resolve().parents[2] / "samples"
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.md"))] * 2
    reader._LOCAL.parsers = {}
    reused = [_read(text) for text in texts]
    assert len(reader._LOCAL.parsers) <= reader._KEPT_PARSERS
    fresh = []
    for text in texts:
        reader._LOCAL.parsers = {}
        fresh.append(_read(text))
    assert reused == fresh


def test_a_conversion_that_fails_leaves_no_instance_behind(monkeypatch) -> None:
    reader._LOCAL.parsers = {}
    assert _read("*a*\n") == "<p><em>a</em></p>"
    assert len(reader._LOCAL.parsers) == 1

    def fail(self: markdown.Markdown, source: str) -> str:
        raise RecursionError

    with monkeypatch.context() as patch:
        patch.setattr(markdown.Markdown, "convert", fail)
        with pytest.raises(RecursionError):
            _read("*b*\n")  # the cached instance, taken out: not put back
    assert not reader._LOCAL.parsers
    assert _read("*a*\n") == "<p><em>a</em></p>"


def test_the_skipping_processor_replaces_the_stock_one() -> None:
    md = markdown.Markdown(extensions=reader._extensions())
    assert isinstance(md.treeprocessors["inline"], SkippingInlineProcessor)
    # The stock one's place in the order: before prettify.
    index = md.treeprocessors.get_index_for_name
    assert index("inline") < index("prettify")


def test_samples_read_the_same_either_way() -> None:
    root = Path(__file__).resolve().parents[2] / "samples"
    sources = sorted(root.rglob("*.md"))
    assert sources
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert _html(text) == _html(text, skipping=False), path
        assert _html(text, features=material.features(text)) == _html(text), path
        if reader.plain_fences(text):
            assert _html(text, plain=True) == _html(text), path


def _read_in_a_new_process(tmp_path: Path, text: str, question: str) -> str:
    """Read ``text`` as Markdown in a fresh interpreter; return what ``question`` prints."""
    source = tmp_path / "a.md"
    source.write_text(text)
    probe = (
        "import sys; from exporter.readers.markdown import read; "
        "from exporter.formats import SourceText; "
        f"t = open({str(source)!r}).read(); h = read(SourceText('a.md', None, t.encode(), t)); "
        f"print({question})"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    return out.stdout.strip() or out.stderr


def test_an_article_without_code_does_not_import_pygments(tmp_path: Path) -> None:
    text = "# Title\n\nPlain *prose* with a [link](http://x.y) and `code`.\n"
    assert _read_in_a_new_process(tmp_path, text, "'pygments' in sys.modules") == "False"


def test_a_book_with_plain_fences_does_not_import_pymdown_extensions(tmp_path: Path) -> None:
    text = "# Title\n\nProse.\n\n```python\ndef f():\n    return 1\n```\n"
    question = "'pymdownx' in sys.modules, 'class=\"highlight\"' in h.html"
    assert _read_in_a_new_process(tmp_path, text, question) == "False True"


CODE = [
    '```python hl_lines="1 3"\nx = 1\ny = 2\nz = 3\n```\n',
    "    #!python\n    a = 1\n",
    "```\nplain text\n```\n",
    "```nosuchlang\nzz\n```\n",
    "Text.\n\n    :::python\n    b = 2\n\n```js\nlet c = 3;\n```\n",
]


def test_one_formatter_per_options_highlights_as_a_new_one_per_block() -> None:
    from markdown.extensions.codehilite import CodeHiliteExtension

    def stock() -> list:
        return [
            CodeHiliteExtension(css_class="highlight", guess_lang=False)
            if isinstance(e, CodeHiliteExtension)
            else e
            for e in reader._extensions(True)
        ]

    for text in CODE * 2:  # twice: the second time from the cached formatters
        ours = markdown.Markdown(extensions=reader._extensions(True)).convert(text)
        assert ours == markdown.Markdown(extensions=stock()).convert(text), text
        assert 'class="highlight"' in ours
