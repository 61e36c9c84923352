"""Start-up cost: an EPUB or HTML export never imports WeasyPrint; --help imports neither."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import json, sys
{body}
print(json.dumps({{m: m in sys.modules for m in ("weasyprint", "ebooklib", "markdown")}}))
"""


def loaded(body: str, cwd) -> dict[str, bool]:
    code = SCRIPT.format(body=body)
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_epub_and_html_exports_do_not_import_weasyprint(samples, tmp_path):
    body = f"import exporter; exporter.convert([{str(samples / 'features.md')!r}], ['epub', 'html'], '.')"
    modules = loaded(body, tmp_path)
    assert modules == {"weasyprint": False, "ebooklib": True, "markdown": True}
    assert (tmp_path / "features.epub").is_file() and (tmp_path / "features.html").is_file()


def test_a_pdf_export_does_import_it(samples, tmp_path):
    body = f"import exporter; exporter.convert([{str(samples / 'mali-intervention.txt')!r}], ['pdf'], '.')"
    assert loaded(body, tmp_path)["weasyprint"] is True


def test_help_and_version_import_neither_library(tmp_path):
    for args in (["--help"], ["--version"], ["build", "--help"]):
        body = f"""
from exporter.cli import cli
try:
    cli({args!r}, prog_name="exporter")
except SystemExit:
    pass
"""
        assert loaded(body, tmp_path) == {"weasyprint": False, "ebooklib": False, "markdown": False}


def test_a_book_without_bibliography_or_fence_options_skips_their_modules(tmp_path):
    # The citations transform runs on every build, but has nothing to do without a
    # bibliography; plain fences need Python-Markdown's fenced_code, not pymdown-extensions.
    (tmp_path / "a.md").write_text("# A\n\nText.\n\n```python\nx = 1\n```\n", encoding="utf-8")
    body = """
from exporter.guard.policy import Policy
import exporter
exporter.convert(["a.md"], ["epub"], ".", policy=Policy(isolate=False), warm_up=False)
print(json.dumps([m in sys.modules for m in ("exporter.citations.transform", "pymdownx")]))
"""
    proc = subprocess.run(
        [sys.executable, "-c", f"import json, sys\n{body}"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [False, False]
    assert (tmp_path / "a.epub").is_file()
