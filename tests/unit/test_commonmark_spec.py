"""The CommonMark spec examples through the commonmark, gfm and markdown dialects.

Every example outside the raw HTML sections (which the sanitizer changes by design) is read
by each dialect's reader and compared with the spec's HTML after normalising what exporter
changes on purpose: code highlighting markup, ids, smart punctuation, whitespace between
blocks, attribute order. A second figure runs both the reader's HTML and the spec's HTML
through the cleaning stage (sanitizer, heading shift, ids, links to missing files, missing
images) and compares what comes out.

Run ``PYTHONPATH=src python tests/unit/test_commonmark_spec.py`` to print the figures and the
examples each dialect misses.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from exporter.formats import SourceText
from exporter.model import Metadata

SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "commonmark" / "spec.json"
SKIPPED_SECTIONS = {"Raw HTML", "HTML blocks"}
DIALECTS = ("commonmark", "gfm", "markdown")
TARGET = 0.95

_SMART = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_SMART_RUNS = (("\u2014", "---"), ("\u2013", "--"), ("\u2026", "..."))
_BLOCKS = (
    "address|article|aside|blockquote|dd|div|dl|dt|figcaption|figure|h[1-6]|hr|li|ol|p|pre"
    "|section|table|tbody|td|tfoot|th|thead|tr|ul"
)
_AROUND_BLOCK = re.compile(rf"\s*(</?(?:{_BLOCKS})\b[^>]*>)\s*")
# Control characters: exporter removes them when it decodes a source (lxml refuses them).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL)


def examples() -> list[dict[str, object]]:
    """Return the spec examples this test measures."""
    data = json.loads(SPEC.read_text(encoding="utf-8"))
    return [e for e in data if e["section"] not in SKIPPED_SECTIONS]


def reader(dialect: str) -> Callable[[str], str]:
    """Return a function from Markdown text to the dialect reader's raw HTML."""
    if dialect == "markdown":
        from exporter.readers import markdown

        def read_markdown(text: str) -> str:
            source = SourceText("spec.md", None, text.encode(), text)
            try:  # the reader contract (SourceText -> RawChapter), once markdown.py has it
                return str(markdown.read(source).html)  # type: ignore[arg-type]
            except (TypeError, AttributeError):
                return markdown.read(text)[0]

        return read_markdown
    from exporter.readers import commonmark

    read = commonmark.read_gfm if dialect == "gfm" else commonmark.read_commonmark
    return lambda text: read(SourceText("spec.md", None, text.encode(), text)).html


def normalise(html: str) -> str:
    """Return ``html`` with what exporter changes on purpose made equal."""
    try:
        return _normalise(html)
    except ValueError:  # a character lxml refuses (Python-Markdown writes &#2; for '+')
        return html


def _normalise(html: str) -> str:
    root = lxml.html.fragment_fromstring(_CONTROLS.sub("", html), create_parent="div")
    for div in list(root.iter("div")):  # codehilite's wrapper and token spans
        pre = div.find("pre")
        if "highlight" in (div.get("class") or "") and pre is not None:
            etree.strip_tags(pre, "span")
            div.getparent().replace(div, pre) if div is not root else None
            pre.tail = div.tail
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "code" and el.getparent() is not None and el.getparent().tag == "pre":
            el.attrib.pop("class", None)  # the language lives in the highlighting, not here
        el.attrib.pop("id", None)
        attrs = sorted(el.attrib.items())
        el.attrib.clear()
        el.attrib.update(attrs)
        if el.text:
            el.text = _plain_punctuation(el.text)
        if el.tail:
            el.tail = _plain_punctuation(el.tail)
    out = (root.text or "") + "".join(
        etree.tostring(child, method="html", encoding="unicode") for child in root
    )
    parts = _PRE.split(out)
    for i in range(0, len(parts), 2):  # outside <pre>: whitespace is not significant
        parts[i] = _AROUND_BLOCK.sub(r"\1", re.sub(r"\s+", " ", parts[i]))
    return "".join(parts).strip()


def _plain_punctuation(text: str) -> str:
    text = text.translate(_SMART)
    for fancy, plain in _SMART_RUNS:
        text = text.replace(fancy, plain)
    return text


@cache  # the spec's HTML is cleaned once for the three dialects
def cleaned(html: str, folder: Path) -> str:
    """Run HTML through exporter's cleaning stage; unwrap links it cannot keep."""
    from exporter.guard.resources import AssetStore
    from exporter.ids import IdRegistry
    from exporter.reading.clean import build_chapter
    from exporter.reading.links import LinkTable
    from exporter.rendering import chapter_id

    links = LinkTable()
    chapter, _ = build_chapter(
        html,
        Metadata(title="Spec example"),  # so that no heading is taken as the title
        index=1,
        name="spec.md",
        source=None,
        base_dir=folder,
        ids=IdRegistry(),
        assets=AssetStore([folder]),
        links=links,
    )
    (chapter,) = links.resolve([chapter], chapter_id)
    root = lxml.html.fragment_fromstring(chapter.html or "<p></p>", create_parent="div")
    for link in list(root.iter("a")):
        if not re.match(r"(https?|mailto):", link.get("href", "")):
            link.drop_tag()  # in-document links: their targets' ids are exporter's
    return "".join(etree.tostring(c, method="html", encoding="unicode") for c in root)


@cache
def results(dialect: str, folder: Path) -> tuple[list[int], list[int]]:
    """Return the examples a dialect misses: at reader level, and after cleaning."""
    read = reader(dialect)
    missed, missed_clean = [], []
    logging.getLogger("exporter").disabled = True  # missing links and images warn
    try:
        for example in examples():
            number = int(example["example"])  # type: ignore[call-overload]
            expected = str(example["html"])
            try:
                got = read(str(example["markdown"]))
            except Exception:  # a reader error is a miss (front matter it cannot parse)
                missed.append(number)
                missed_clean.append(number)
                continue
            if normalise(got) != normalise(expected):
                missed.append(number)
            if normalise(cleaned(got, folder)) != normalise(cleaned(expected, folder)):
                missed_clean.append(number)
    finally:
        logging.getLogger("exporter").disabled = False
    return missed, missed_clean


def rates(dialect: str, folder: Path) -> tuple[float, float]:
    """Return the share of examples a dialect passes, at reader level and after cleaning."""
    total = len(examples())
    missed, missed_clean = results(dialect, folder)
    return 1 - len(missed) / total, 1 - len(missed_clean) / total


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spec")


def test_the_fixture_is_the_spec() -> None:
    data = json.loads(SPEC.read_text(encoding="utf-8"))
    assert len(data) == 652  # CommonMark 0.31.2
    assert len(examples()) == 588


def test_normalise_equates_highlighting_ids_and_quotes() -> None:
    ours = '<h2 id="x">\u201cA\u201d</h2>\n<div class="highlight"><pre><span></span><code><span class="k">if</span> x\n</code></pre></div>'
    spec = '<h2>"A"</h2><pre><code class="language-py">if x\n</code></pre>'
    assert normalise(ours) == normalise(spec)
    assert normalise("<p>a</p>") != normalise("<p>b</p>")
    assert normalise("<pre><code>a  b</code></pre>") != normalise("<pre><code>a b</code></pre>")


@pytest.mark.parametrize("dialect", ["commonmark", "gfm"])
def test_the_dialect_gives_the_spec_html(dialect: str, folder: Path) -> None:
    reader_rate, clean_rate = rates(dialect, folder)
    print(f"\n{dialect}: {reader_rate:.1%} at reader level, {clean_rate:.1%} after cleaning")
    missed, missed_clean = results(dialect, folder)
    assert reader_rate >= TARGET, f"{dialect} misses examples {missed}"
    assert clean_rate >= TARGET, f"{dialect} misses examples {missed_clean} after cleaning"


def test_the_markdown_dialect_is_measured_for_comparison(folder: Path) -> None:
    reader_rate, clean_rate = rates("markdown", folder)
    print(f"\nmarkdown: {reader_rate:.1%} at reader level, {clean_rate:.1%} after cleaning")
    # Python-Markdown is not CommonMark: no target, but a harness that measured nothing
    # (every example missed, or every one passed) would be broken.
    assert 0.2 < reader_rate < rates("commonmark", folder)[0]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name in DIALECTS:
            reader_rate, clean_rate = rates(name, Path(tmp))
            missed, missed_clean = results(name, Path(tmp))
            print(f"{name:11} reader {reader_rate:.1%}  cleaned {clean_rate:.1%}")
            print(f"  missed: {missed}\n  missed after cleaning: {missed_clean}")
    sys.exit(0)
