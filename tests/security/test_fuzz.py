"""Throw random bytes and random structure at every reader and at ``exporter check``.

Untrusted input may fail (3 input, 4 limit, 5 strict), never with exit 1, which means a bug
in exporter. Hypothesis is derandomized (the same examples on every run, so a failure is
reproducible) and each strategy has a small example budget: the whole file runs in about 30 s
on one core. Builds go through the API in this process (no isolation child, HTML and EPUB
only): a PDF render per example would cost the budget ten times over, and the readers and
the cleaning stage, where untrusted structure is taken apart, are the same for every format.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter import check as checking
from exporter.api import Source, produce
from exporter.cli import cli
from exporter.errors import ExporterError, InternalError
from exporter.guard.policy import Policy
from exporter.settings import Settings

ALLOWED = {0, 3, 4, 5}
# EXPORTER_FUZZ_EXAMPLES=500 EXPORTER_FUZZ_SEED=1 explores further by hand.
BUDGET = settings(
    derandomize=not os.environ.get("EXPORTER_FUZZ_SEED"),
    database=None,
    deadline=None,
    max_examples=int(os.environ.get("EXPORTER_FUZZ_EXAMPLES", "12")),
    suppress_health_check=list(HealthCheck),
)
# In-process and unisolated: the fuzz looks for exceptions, not for runaway renders.
POLICY = Policy(isolate=False, timeout=0, max_memory=0, read_processes=1)

# Pieces of the syntaxes the readers take apart, glued together at random.
MARKUP = [
    "# ", "## ", "\n", "\n\n", "*", "**", "_", "`", "```", "```py\n", "~~~", "> ", "- ", "1. ",
    "[", "]", "(", ")", "![", "](", "[^1]", "[^1]: ", "|", "|---|", "---\n", "...\n", "<div>",
    "</div>", "<p>", "<pre>", "<svg><script>", "<a href='", "'>", "<img src=x.png>", "%00",
    "&#0;", "&amp;", "&nbsp;", "\t", "\\", "{#id}", "{{#include x.md}}", "--8<-- ", ":::",
    "!!! note\n", "<!--", "-->", "<?xml encoding='latin-1'?>", "<!DOCTYPE html>", "\x00",
    "\u202e", "\ufeff", "date: 2019-02-29\n", "title: [\n", "é", "字", "<table><tr><td>",
    "<math>", "<h1 id=", ">", "<", "javascript:", "file:///etc/passwd", "\r\n",
]  # fmt: skip
structured = st.lists(st.sampled_from(MARKUP) | st.text(max_size=12), max_size=40).map("".join)
texts = structured | st.text(max_size=300)
raw_bytes = st.binary(max_size=600)


def build(data: bytes, kind: str, formats: tuple[str, ...] = ("html", "epub")) -> int:
    """Read and write one source in memory; return the exit code the CLI would give."""
    options = Settings(formats=formats, policy=POLICY, warm_up=False, strict=False)
    try:
        produce([Source(f"fuzz.{kind}", data, kind)], settings=replace(options))
    except InternalError as exc:  # our translation of a bug: show what it was
        pytest.fail(f"exit 1 for {data[:200]!r} ({kind}): {exc}\n{exc.details}")
    except ExporterError as exc:
        return exc.exit_code
    return 0


@pytest.mark.parametrize("kind", ["markdown", "gfm", "commonmark", "txt", "html"])
@BUDGET
@given(text=texts, junk=raw_bytes)
def test_text_readers_never_exit_1(kind, text, junk):
    assert build(text.encode("utf-8", "surrogatepass"), kind) in ALLOWED
    assert build(junk, kind, ("html",)) in ALLOWED


def _docx_template() -> bytes:
    from docxutil import new_document

    out = io.BytesIO()
    document = new_document()
    document.add_paragraph("Template")
    document.save(out)
    return out.getvalue()


TEMPLATE = _docx_template()
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOCX_PIECES = [
    "<w:p>", "</w:p>", "<w:r>", "</w:r>", "<w:t>", "</w:t>", "text", "<w:tbl>", "</w:tbl>",
    "<w:tr><w:tc>", "</w:tc></w:tr>", '<w:pStyle w:val="Heading1"/>', "<w:pPr>", "</w:pPr>",
    '<w:footnoteReference w:id="9"/>', "<w:br/>", "<w:tab/>", "&#0;", "<!ENTITY x 'y'>", "<",
]  # fmt: skip


def _docx(body: str, junk: bytes, mode: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(TEMPLATE)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = (
                    f'<?xml version="1.0"?><w:document {W_NS}><w:body>{body}</w:body></w:document>'
                ).encode()
                data = junk if mode == 1 else data
            elif mode == 2 and info.filename.endswith(".rels"):
                data = junk
            dst.writestr(info, data)
    return out.getvalue()


@BUDGET
@given(
    body=st.lists(st.sampled_from(DOCX_PIECES), max_size=30).map("".join),
    junk=raw_bytes,
    mode=st.integers(0, 2),
)
def test_the_docx_reader_never_exits_1(body, junk, mode):
    assert build(_docx(body, junk, mode), "docx") in ALLOWED
    assert build(junk, "docx", ("html",)) in ALLOWED


EPUB_NAMES = ["mimetype", "META-INF/container.xml", "EPUB/content.opf", "EPUB/a.xhtml"]
XMLISH = st.lists(
    st.sampled_from(
        [
            "<rootfile full-path='EPUB/content.opf'/>",
            "<package xmlns='http://www.idpf.org/2007/opf'>",
            "<manifest>",
            "<item id='a' href='a.xhtml' media-type='application/xhtml+xml'/>",
            "<item href='http://[x'/>",
            "</manifest>",
            "</package>",
            "<html><body>",
            "<a href='http://[::1'>",
            "<a href='%00#x'>",
            "<img src='../../x'/>",
            "</body></html>",
            "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
            "&e;",
            "application/epub+zip",
            "<container>",
            "</container>",
        ]
    )
    | st.text(max_size=10),
    max_size=12,
).map("".join)


@BUDGET
@given(
    entries=st.lists(st.tuples(st.sampled_from(EPUB_NAMES), XMLISH), max_size=5),
    junk=raw_bytes,
    method=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
)
def test_check_never_exits_1(tmp_path_factory, entries, junk, method, monkeypatch_epubcheck):
    folder = tmp_path_factory.mktemp("check")
    epub = folder / "x.epub"
    with zipfile.ZipFile(epub, "w", method) as archive:
        for name, text in entries:
            archive.writestr(name, text)
    for path in (epub, folder / "junk.epub"):
        if path.name == "junk.epub":
            path.write_bytes(junk)
        result = CliRunner().invoke(cli, ["check", str(path)])
        assert result.exit_code in ALLOWED, (entries, result.output, result.exception)


@pytest.fixture
def monkeypatch_epubcheck(monkeypatch: pytest.MonkeyPatch):
    """A JVM per example would take the whole budget: our own checks are what is fuzzed."""

    def skipped(path: Path, report: checking.Report) -> None:
        report.epubcheck = "not run in the fuzz test"

    monkeypatch.setattr(checking, "_run_epubcheck", skipped)
