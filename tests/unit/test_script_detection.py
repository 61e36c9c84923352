"""Which script a text is in, its language and direction: the prose decides, not the code."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporter import scripts
from exporter.model import Chapter, Metadata
from exporter.scripts import (
    MIN_LETTERS,
    code_left_to_right,
    direction_of,
    dominant_script,
    language_of,
    prose,
    script_of,
    settle_language,
)

HEBREW = "הספר הזה מסביר איך כותבים סקריפט קטן, שלב אחר שלב, וכל דוגמה בו נבדקה."
CODE = (
    '<div class="highlight"><pre><code>def count_words(path: str) -&gt; Counter[str]:\n'
    "    with open(path, encoding='utf-8') as handle:\n"
    "        return Counter(word.lower() for line in handle for word in line.split())\n"
    "</code></pre></div>"
)


def test_script_of_characters():
    assert [script_of(c) for c in "aשب中あア한Ωж"] == [
        "Latin", "Hebrew", "Arabic", "Han", "Hiragana", "Katakana", "Hangul", "Greek",
        "Cyrillic",
    ]  # fmt: skip
    assert script_of("1") == script_of(" ") == script_of("×") == ""


def test_a_hebrew_page_with_more_latin_in_its_code_than_hebrew_in_its_prose_is_hebrew():
    page = f"<p>{HEBREW} <code>print()</code> https://docs.python.org/3/howto</p>" + CODE * 3
    latin_in_code = sum(c.isascii() and c.isalpha() for c in CODE * 3)
    hebrew = sum(script_of(c) == "Hebrew" for c in HEBREW)
    assert latin_in_code > 3 * hebrew  # the situation the threshold must survive
    assert dominant_script(prose(page)) == "Hebrew"
    assert language_of(prose(page)) == "he"


def test_prose_drops_code_urls_and_markup():
    text = prose('<p class="x">שלום <a href="https://example.org/abc">www.example.org</a></p>')
    assert "example" not in text and "class" not in text and "שלום" in text


URL_PIECES = ["http", "://", "www.", "WWW.", "mailto:", "MAILTO:", "ma\u0131lto:", "a", "9",
              "+", "-", ".", "/", " ", "\n", "\t", "\u00a0", "\u3000", "\u2028", "\u017f",
              "\u212a", "\u05e9", "&#58;", "<b>"]  # fmt: skip


@settings(max_examples=1000, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(URL_PIECES), max_size=30).map("".join))
def test_urls_are_dropped_as_the_one_expression_drops_them(text):
    # Only lines holding a URL's mark go through the slow expression: the same text out.
    assert scripts._without_urls(text) == scripts._URL.sub(" ", text)


def test_an_english_text_quoting_a_hebrew_line_stays_unmarked():
    english = "This chapter explains how the parser reads every line of a file. " * 4
    assert language_of(prose(f"<p>{english}</p><blockquote>{HEBREW}</blockquote>")) == ""


def test_too_few_letters_say_nothing():
    assert language_of("שלום") == ""
    assert len("שלום") < MIN_LETTERS


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("这是一本关于排版的书，讲述中文书籍的版式设计与印刷传统。", "zh"),
        ("これは組版についての本です。日本語の書籍のデザインを説明します。", "ja"),
        ("이 책은 조판에 관한 책입니다. 한국어 책의 디자인을 설명합니다.", "ko"),
        ("این کتاب دربارهٔ حروف‌چینی است و طراحی کتاب‌های فارسی را توضیح می‌دهد.", "fa"),
        ("هذا الكتاب عن الطباعة ويشرح تصميم الكتب العربية وتقاليدها القديمة.", "ar"),
    ],
)
def test_language_from_the_script(text, lang):
    assert language_of(text) == lang


def test_direction_from_the_language():
    assert [direction_of(t) for t in ("he", "ar", "fa-IR", "ur", "en", "zh-Hant")] == [
        "rtl", "rtl", "rtl", "rtl", "ltr", "ltr",
    ]  # fmt: skip


def test_declared_language_and_direction_win():
    chapters = (Chapter("t", f"<p>{HEBREW}</p>"),)
    assert settle_language(Metadata(), chapters).lang == "he"
    assert settle_language(Metadata(), chapters).dir == "rtl"
    assert settle_language(Metadata(lang="en"), chapters).dir == "ltr"
    assert settle_language(Metadata(lang="en", dir="auto"), chapters).dir == "rtl"
    assert settle_language(Metadata(lang="he", dir="ltr"), chapters).dir == "ltr"


def test_code_is_marked_left_to_right_once():
    html = '<p>שלום <code>a()</code></p><pre><code dir="ltr">x</code></pre>'
    assert code_left_to_right(html) == (
        '<p>שלום <code dir="ltr">a()</code></p><pre dir="ltr"><code dir="ltr">x</code></pre>'
    )


def test_urls_in_right_to_left_prose_and_links_are_isolated_but_not_in_code():
    html = (
        '<p>ראו https://docs.python.org/3/howto/unicode.html. <a href="http://x.y/">'
        'http://x.y/</a> <a href="#s">סעיף</a> <code>a://b</code></p>'
    )
    assert code_left_to_right(html) == (
        '<p>ראו <span dir="ltr">https://docs.python.org/3/howto/unicode.html</span>. '
        '<a dir="ltr" href="http://x.y/">http://x.y/</a> <a href="#s">סעיף</a> '
        '<code dir="ltr">a://b</code></p>'
    )


def test_a_line_break_between_cjk_characters_is_taken_out_but_not_in_korean_or_latin():
    from exporter.scripts import join_wide_lines

    assert (
        join_wide_lines("看似只是\n技术参数，\n其实。\n“引号”") == "看似只是技术参数，其实。“引号”"
    )
    assert join_wide_lines("日本語の\n  文章") == "日本語の文章"
    assert join_wide_lines("한국어 문장은\n띄어 씁니다") == "한국어 문장은\n띄어 씁니다"
    assert join_wide_lines("中文\nLatin\n中文") == "中文\nLatin\n中文"
