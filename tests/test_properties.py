"""Property tests: random Markdown, text and HTML with random Unicode always end in a valid
EPUB and PDF, or in a clean input/limit error; never in another exception or an internal one."""

from __future__ import annotations

import io
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

import exporter
from exporter.api import Source, produce
from exporter.guard.policy import Policy
from exporter.guard.verify import check_epub, check_pdf

TOKENS = [
    "# ", "## ", "###### ", "\n", "\n\n", "*", "**", "_", "`", "```\n", "> ", "- ", "1. ",
    "[", "]", "(", ")", "![", "[^1]", "[^1]: ", "|", "---", "\n---\n", "<div>", "</div>",
    "<p>", "<b>", "<script>", "<img src=x>", "&amp;", "&#0;", "\\", "    ", "\t", ":",
    "\u00ad", "\u200b", "\u202e", "\ufeff", "\U0001f600", "e\u0301", "\u0000", "\x0c",
]  # fmt: skip
UNICODE = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
SOURCE = st.lists(st.one_of(st.sampled_from(TOKENS), UNICODE), max_size=40).map("".join)
_counter = itertools.count()


# Derandomized: the same 40 examples on every run, so a red main means a change broke
# something, never a new random draw. Explore more with HYPOTHESIS seeds by hand (that is
# how the nesting repair in exporter.reading.nesting was found).
@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=SOURCE, kind=st.sampled_from(["md", "txt", "html"]))
def test_any_source_gives_valid_outputs_or_a_clean_error(text, kind, tmp_path, epubcheck):
    # In-process, so that a bug surfaces here as itself, not as a child's InternalError.
    policy = Policy(isolate=False)
    try:
        made = produce([Source(f"random.{kind}", text.encode(), kind)], ["pdf", "epub"],
                       policy=policy)  # fmt: skip
    except exporter.ExporterError as exc:
        assert exc.exit_code in (3, 4), f"{type(exc).__name__}: {exc}"
        return
    check_pdf(made.outputs["pdf"])
    assert len(PdfReader(io.BytesIO(made.outputs["pdf"])).pages) >= 1
    check_epub(made.outputs["epub"])
    path = tmp_path / f"random-{next(_counter)}.epub"
    path.write_bytes(made.outputs["epub"])
    epubcheck.queue(path)
