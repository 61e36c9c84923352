"""Each reader on strings: text, Markdown, HTML, and the shared decoding step."""

from __future__ import annotations

import pytest

from exporter.errors import SourceError
from exporter.formats import SourceText, reader_for_path
from exporter.readers import html as html_reader
from exporter.readers import markdown as md_reader
from exporter.readers import text as text_reader
from exporter.reading.decode import decode


def run(reader, text):
    """Run a reader on text, as the reading stage does; return its HTML and metadata."""
    raw = reader.read(SourceText("t", None, text.encode(), text))
    return raw.html, raw.metadata


class TestText:
    def test_title_headings_and_joined_paragraphs(self):
        html, meta = run(
            text_reader,
            "\n\nMy Title\n\nFirst paragraph\nwrapped here.\n\nA Section\n\nBody, “quoted” text.\n",
        )
        assert meta.title == "My Title"
        assert html == (
            "<p>First paragraph wrapped here.</p>\n<h2>A Section</h2>\n<p>Body, “quoted” text.</p>"
        )

    @pytest.mark.parametrize(
        "line",
        ["Is this a heading?", "It ends here.", "Said he: “no.”", "a, b,", "x" * 71],
    )
    def test_lines_that_are_not_headings(self, line):
        html, _ = run(text_reader, f"T\n\n{line}\n")
        assert html.startswith("<p>")

    def test_lists_and_scene_breaks(self):
        html, _ = run(
            text_reader, "T\n\n- one\n- two\n  continued\n\n* * *\n\n3. three\n4. four\n\n***\n"
        )
        assert html == (
            "<ul><li>one</li><li>two continued</li></ul>\n"
            '<hr class="scene-break"/>\n'
            '<ol start="3"><li>three</li><li>four</li></ol>\n'
            '<hr class="scene-break"/>'
        )

    def test_text_is_kept_exactly_and_escaped(self):
        html, _ = run(text_reader, 'T\n\nTom\'s <b>bold</b> & "plain" -- quotes.\n')
        assert html == '<p>Tom\'s &lt;b&gt;bold&lt;/b&gt; &amp; "plain" -- quotes.</p>'

    def test_sample_article_structure(self, samples):
        text = (samples / "mali-intervention.txt").read_text(encoding="utf-8")
        html, meta = run(text_reader, text)
        assert meta.title == "Pieces Starting to Align for Mali Intervention"
        assert html.count("<h2>") == 2
        assert "<h2>Some background</h2>" in html
        assert "<h2>Momentum for Intervention</h2>" in html
        assert html.count("<p>") == 10
        assert html.endswith("will be in Mali. And soon.</p>")


class TestMarkdown:
    def test_front_matter_gives_metadata(self):
        html, meta = run(
            md_reader,
            "---\ntitle: T\nsubtitle: S\nauthor: [A One, B Two]\nlang: fr\ndate: 2020-01-02\n"
            "keywords: x, y\nrights: CC\npublisher: P\nidentifier: isbn:1\nlayout: post\n---\n\nHi\n",
        )
        assert (meta.title, meta.subtitle, meta.authors) == ("T", "S", ("A One", "B Two"))
        assert (meta.lang, meta.date, meta.keywords) == ("fr", "2020-01-02", ("x", "y"))
        assert (meta.rights, meta.publisher, meta.identifier) == ("CC", "P", "isbn:1")
        assert html == "<p>Hi</p>"

    def test_bad_front_matter_names_the_line(self):
        with pytest.raises(SourceError, match="line 3"):
            run(md_reader, "---\ntitle: ok\nbad: [unclosed\n---\nbody\n")

    def test_extensions(self):
        html, _ = run(
            md_reader,
            'He said "hi" -- ok.[^n]\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n'
            "```python\nx = 1\n```\n\nTerm\n:   Def\n\n*[HTML]: Hyper Text\n\nHTML.\n\n"
            "## Head {#custom .c}\n\n[^n]: Note.\n",
        )
        assert "\u201chi\u201d" in html and "\u2013" in html
        assert 'class="footnote-ref"' in html
        assert "<table>" in html and 'style="text-align: right;"' in html
        assert '<div class="highlight"><pre>' in html and '<span class="mi">1</span>' in html
        assert "<dl>" in html and "<dt>Term</dt>" in html
        assert '<abbr title="Hyper Text">HTML</abbr>' in html
        assert '<h2 class="c" id="custom">Head</h2>' in html


class TestHtml:
    def test_head_metadata_and_body(self):
        html, meta = run(
            html_reader,
            '<html lang="de"><head><title> The  Title </title><meta name="author" content="A">'
            '<meta name="keywords" content="k1, k2"></head><body><h1>The Title</h1><p>x</p>'
            "</body></html>",
        )
        assert (meta.title, meta.authors, meta.keywords, meta.lang) == (
            "The Title", ("A",), ("k1", "k2"), "de",
        )  # fmt: skip
        assert html == "<h1>The Title</h1><p>x</p>"

    def test_fragment(self):
        html, meta = run(html_reader, "<p>Just a <em>fragment</em></p>")
        assert meta.title == ""
        assert html == "<p>Just a <em>fragment</em></p>"


class TestDecode:
    def test_utf8_bom_does_not_reach_the_reader(self):
        assert decode(b"\xef\xbb\xbf# Title\n", "a.md") == "# Title\n"

    def test_utf16_bom(self):
        assert decode("\ufeff# T\n".encode("utf-16-le"), "a.md") == "# T\n"

    def test_bad_utf8_names_the_byte_and_the_option(self):
        with pytest.raises(SourceError) as info:
            decode(b"abc\xe9def", "a.txt")
        assert str(info.value).startswith("a.txt: not valid utf-8 at byte 3 (0xe9)")
        assert "--encoding" in str(info.value)

    def test_explicit_encoding(self):
        assert decode(b"caf\xe9", "a.txt", "cp1252") == "café"

    @pytest.mark.parametrize("data", [b"", b"  \n\t\n", b"\xef\xbb\xbf\n"])
    def test_empty(self, data):
        with pytest.raises(SourceError, match="empty"):
            decode(data, "a.md")

    def test_control_characters_are_removed_with_a_warning(self, caplog):
        assert decode(b"a\x00b\x1bc\n", "a.txt") == "abc\n"
        assert "removed 2 control character" in caplog.text

    def test_crlf_becomes_lf(self):
        assert decode(b"a\r\nb\rc", "a.txt") == "a\nb\nc"


@pytest.mark.parametrize(
    ("name", "kind"),
    [("a.md", "markdown"), ("a.MARKDOWN", "markdown"), ("a.txt", "txt"), ("a.htm", "html")],
)
def test_reader_for_path(name, kind, tmp_path):
    assert reader_for_path(tmp_path / name).name == kind


def test_unsupported_suffix_lists_the_supported(tmp_path):
    with pytest.raises(SourceError, match=r"unsupported file type '\.rst'.*\.md"):
        reader_for_path(tmp_path / "a.rst")


def test_front_matter_cannot_set_contributor_pairs_but_can_name_a_series():
    from exporter import Source, read

    doc = read([Source("a.md", b"---\ncontributors: Jane\nseries: Tales\n---\n# T\n\nx\n", "md")])
    assert doc.metadata.contributors == () and doc.metadata.series == "Tales"
