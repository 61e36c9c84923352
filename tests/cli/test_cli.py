"""The command-line contract: options in, files and one line per path out, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree
from pypdf import PdfReader

import exporter
from exporter.cli import cli
from exporter.themes import styles_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
ARTICLE = "# A Plain Article\n\nSome words to typeset.\n\n## Part two\n\nMore words.\n"


def run(*args: object) -> Result:
    """Invoke ``exporter ARGS`` in-process."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def listing(folder: Path) -> list[str]:
    """Every name in a folder, hidden ones included; [] when it does not exist."""
    return sorted(os.listdir(folder)) if folder.exists() else []


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), result.exc_info


def assert_one_error(result: Result, code: int, *mentions: str) -> str:
    """Check the exit code, one ``error:`` line on stderr naming ``mentions``, nothing else."""
    assert result.exit_code == code, result.output
    assert_no_traceback(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:"), lines[0]
    for mention in mentions:
        assert mention in lines[0], lines[0]
    assert result.stdout == ""
    return lines[0]


def opf(epub: Path) -> etree._Element:
    """Return the EPUB's package document, found through META-INF/container.xml."""
    with zipfile.ZipFile(epub) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        full_path = container.find(".//{*}rootfile").get("full-path")
        return etree.fromstring(z.read(full_path))


def epub_text(epub: Path) -> str:
    """All the text of the EPUB's XHTML content documents."""
    with zipfile.ZipFile(epub) as z:
        return "".join(
            "".join(etree.fromstring(z.read(n)).itertext())
            for n in z.namelist()
            if n.endswith(".xhtml") and not n.endswith("nav.xhtml")
        )


def pdf_text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def pdf_fonts(pdf: Path) -> set[str]:
    fonts = set()
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


@pytest.fixture
def article(tmp_path: Path) -> Path:
    return write(tmp_path / "src" / "article.md", ARTICLE)


# --- building ---------------------------------------------------------------------------------


def test_build_writes_pdf_and_epub_by_default_and_prints_each_path(
    article: Path, tmp_path: Path, epubcheck
) -> None:
    out = tmp_path / "out"
    result = run("build", article, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{out}/article.pdf", f"{out}/article.epub"]
    assert listing(out) == ["article.epub", "article.pdf"]
    assert PdfReader(out / "article.pdf").metadata.title == "A Plain Article"
    assert "Some words to typeset." in pdf_text(out / "article.pdf")
    assert "Some words to typeset." in epub_text(out / "article.epub")
    epubcheck.queue(out / "article.epub")


def test_build_html_only_writes_only_html(article: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", article, "-f", "html", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{out}/article.html"]
    assert listing(out) == ["article.html"]
    html = (out / "article.html").read_text(encoding="utf-8")
    assert "Some words to typeset." in html
    assert "<title>A Plain Article</title>" in html


def test_several_sources_make_one_publication_named_after_the_first(
    tmp_path: Path, epubcheck
) -> None:
    first = write(tmp_path / "src" / "one.md", "# First chapter\n\nAlpha text.\n")
    second = write(tmp_path / "src" / "two.md", "# Second chapter\n\nBeta text.\n")
    out = tmp_path / "out"
    result = run("build", first, second, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{out}/one.pdf", f"{out}/one.epub"]
    # A book's PDF is laid out chapter by chapter, its pieces kept for the next build.
    assert listing(out) == [".exporter-cache", "one.epub", "one.pdf"]
    text = pdf_text(out / "one.pdf")
    assert "Alpha text." in text and "Beta text." in text
    assert text.index("Alpha text.") < text.index("Beta text.")
    spine = opf(out / "one.epub").findall(".//opf:spine/opf:itemref", OPF_NS)
    # the cover, the book's title page, the contents, then one part per source
    assert [i.get("idref") for i in spine] == [
        "cover", "title-page", "nav", "chapter-001", "chapter-002"
    ]  # fmt: skip
    assert "Alpha text." in epub_text(out / "one.epub")
    assert "Beta text." in epub_text(out / "one.epub")
    epubcheck.queue(out / "one.epub")


def test_metadata_options_override_the_source(article: Path, tmp_path: Path, epubcheck) -> None:
    out = tmp_path / "out"
    result = run(
        "build", article, "-o", out, "--title", "Another Title", "--author", "Ada Lovelace",
        "--author", "Grace Hopper", "--lang", "fr", "--date", "2024-05-06",
    )  # fmt: skip
    assert result.exit_code == 0, result.output

    package = opf(out / "article.epub")
    assert package.findtext(".//dc:title", namespaces=OPF_NS) == "Another Title"
    creators = [c.text for c in package.findall(".//dc:creator", OPF_NS)]
    assert creators == ["Ada Lovelace", "Grace Hopper"]
    assert package.findtext(".//dc:language", namespaces=OPF_NS) == "fr"
    assert package.findtext(".//dc:date", namespaces=OPF_NS).startswith("2024-05-06")

    reader = PdfReader(out / "article.pdf")
    assert reader.metadata.title == "Another Title"
    assert "Ada Lovelace" in reader.metadata.author
    assert "Grace Hopper" in reader.metadata.author
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata["/CreationDate"].startswith("D:20240506")
    epubcheck.queue(out / "article.epub")


def test_modern_theme_embeds_other_fonts_than_the_default(article: Path, tmp_path: Path) -> None:
    default = run("build", article, "-f", "pdf", "-o", tmp_path / "default")
    modern = run("build", article, "-f", "pdf", "-t", "modern", "-o", tmp_path / "modern")
    assert default.exit_code == modern.exit_code == 0, default.output + modern.output
    default_fonts = pdf_fonts(tmp_path / "default" / "article.pdf")
    modern_fonts = pdf_fonts(tmp_path / "modern" / "article.pdf")
    assert any("Exporter-Libertine" in f for f in default_fonts), default_fonts
    assert not any("Exporter-Inter" in f for f in default_fonts), default_fonts
    assert any("Exporter-Inter" in f for f in modern_fonts), modern_fonts
    assert not any("Exporter-Libertine" in f for f in modern_fonts), modern_fonts


def test_utf8_bom_does_not_hide_the_title(tmp_path: Path, epubcheck) -> None:
    source = write(tmp_path / "src" / "bom.md", b"\xef\xbb\xbf# Title\n\nBody text.\n")
    out = tmp_path / "out"
    result = run("build", source, "-o", out)
    assert result.exit_code == 0, result.output
    assert opf(out / "bom.epub").findtext(".//dc:title", namespaces=OPF_NS) == "Title"
    assert PdfReader(out / "bom.pdf").metadata.title == "Title"
    assert "# Title" not in epub_text(out / "bom.epub")
    assert "\ufeff" not in epub_text(out / "bom.epub")
    epubcheck.queue(out / "bom.epub")


def test_encoding_option_decodes_legacy_text(tmp_path: Path, epubcheck) -> None:
    source = write(tmp_path / "src" / "legacy.txt", b"caf\xe9 ok\n" * 3)
    out = tmp_path / "out"
    result = run("build", source, "--encoding", "cp1252", "-o", out)
    assert result.exit_code == 0, result.output
    assert "café ok" in pdf_text(out / "legacy.pdf")
    assert "café ok" in epub_text(out / "legacy.epub")
    epubcheck.queue(out / "legacy.epub")


# --- other commands ---------------------------------------------------------------------------


def test_themes_lists_each_builtin_theme_with_its_description() -> None:
    result = run("themes")
    assert result.exit_code == 0, result.output
    lines = {line.split(None, 1)[0]: line.split(None, 1)[1] for line in result.stdout.splitlines()}
    assert {"classic", "modern"} <= set(lines)
    for name in ("classic", "modern"):
        manifest = tomllib.loads((styles_dir() / name / "theme.toml").read_text(encoding="utf-8"))
        assert manifest["description"]
        assert lines[name] == manifest["description"]


def test_version_prints_the_package_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"exporter, version {version('exporter')}"
    assert exporter.__version__ == version("exporter")


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"]])
def test_help_documents_the_exit_codes(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "Exit codes: 0 ok; 1 internal error" in text
    assert "5 --strict violation; 6 output could not be written" in text


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    help_run = subprocess.run(
        [sys.executable, "-m", "exporter", "--help"], capture_output=True, text=True, timeout=60
    )
    assert help_run.returncode == 0, help_run.stderr
    assert "Usage:" in help_run.stdout and "build" in help_run.stdout
    # The process itself must carry the exit code, not just click's in-process result.
    missing = subprocess.run(
        [sys.executable, "-m", "exporter", "build", "nothing-here.md", "-o", "out"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert missing.returncode == 3
    assert missing.stderr.splitlines() == ["error: nothing-here.md: no such file. Check the path."]
    assert listing(tmp_path) == []


EXIT_PROBE = """
import atexit, sys
atexit.register(lambda: print("exit handler ran", file=sys.stderr))
sys.argv = ["exporter", *sys.argv[1:]]
from exporter.cli import main
main()
"""


@pytest.mark.parametrize("to_stdout", [False, True])
def test_the_process_ends_without_teardown_but_with_its_handlers_and_output(
    article: Path, tmp_path: Path, to_stdout: bool, monkeypatch
) -> None:
    # main() leaves with os._exit: exit handlers must still run and every byte get out.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the same bytes in both builds
    out = ["-o", "-"] if to_stdout else ["-o", str(tmp_path / "out")]
    done = subprocess.run(
        [sys.executable, "-c", EXIT_PROBE, "build", str(article), "-f", "epub", *out],
        capture_output=True, timeout=120, env=os.environ,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().splitlines()[-1] == "exit handler ran"
    made = exporter.convert([article], ["epub"], tmp_path / "api")[0].read_bytes()
    written = done.stdout if to_stdout else (tmp_path / "out" / "article.epub").read_bytes()
    assert written == made
    assert to_stdout or done.stdout.decode() == f"{tmp_path / 'out' / 'article.epub'}\n"
    failed = subprocess.run(
        [sys.executable, "-c", EXIT_PROBE, "build", "absent.md"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert failed.returncode == 3
    assert failed.stderr.splitlines() == [
        "error: absent.md: no such file. Check the path.",
        "exit handler ran",
    ]


# --- errors -----------------------------------------------------------------------------------


def test_missing_source(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert_one_error(run("build", tmp_path / "absent.md", "-o", out), 3, "absent.md")
    assert listing(out) == []


def test_unknown_theme_lists_the_available_ones(article: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    line = assert_one_error(run("build", article, "-t", "fancy", "-o", out), 2, "'fancy'")
    assert "classic" in line and "modern" in line
    assert listing(out) == []


def test_unsupported_suffix(tmp_path: Path) -> None:
    source = write(tmp_path / "src" / "report.rst", "# Not really Word\n")
    out = tmp_path / "out"
    line = assert_one_error(run("build", source, "-o", out), 3, "report.rst", "'.rst'")
    assert ".md" in line  # names the suffixes that would work
    assert listing(out) == []


def test_unsupported_suffix_suggests_only_real_options(tmp_path: Path) -> None:
    source = write(tmp_path / "src" / "report.rst", "# Not really Word\n")
    line = assert_one_error(run("build", source, "-o", tmp_path / "out"), 3)
    options = run("build", "--help").stdout
    suggested = [word.strip(".,'") for word in line.split() if word.startswith("--")]
    for option in suggested:
        assert option in options, f"the message suggests {option}, which build does not accept"


def test_undecodable_source_names_the_byte_and_the_option(tmp_path: Path) -> None:
    source = write(tmp_path / "src" / "legacy.txt", b"caf\xe9 ok\n" * 3)
    out = tmp_path / "out"
    line = assert_one_error(run("build", source, "-o", out), 3, "legacy.txt", "at byte 3")
    assert "--encoding" in line
    assert listing(out) == []


def test_whitespace_only_source_is_empty(tmp_path: Path) -> None:
    source = write(tmp_path / "src" / "blank.md", " \n\t\n   \n")
    out = tmp_path / "out"
    line = assert_one_error(run("build", source, "-o", out), 3, "blank.md")
    assert "blank.md: the source is empty" in line
    assert listing(out) == []


@pytest.mark.parametrize(
    "name",
    [
        "notes.md",
        "chapters",
    ],
)
def test_folder_as_source(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "src" / name
    folder.mkdir(parents=True)
    write(folder / "inside.md", ARTICLE)
    out = tmp_path / "out"
    line = assert_one_error(run("build", folder, "-o", out), 3, name)
    assert f"{name}: is a folder" in line
    assert listing(out) == []


def test_unknown_language(article: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert_one_error(run("build", article, "--lang", "C", "-o", out), 2, "--lang", "'C'")
    assert listing(out) == []


def test_unknown_format_is_a_usage_error(article: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", article, "-f", "docx", "-o", out)
    assert result.exit_code == 2
    assert_no_traceback(result)
    assert "Unknown format 'docx'. Use one of: pdf, epub, html" in result.stderr
    assert "--format" in result.stderr
    assert listing(out) == []


def test_output_dir_that_is_a_file(article: Path, tmp_path: Path) -> None:
    blocker = write(tmp_path / "somefile.txt", "I am a file\n")
    assert_one_error(run("build", article, "-o", blocker), 6, "somefile.txt")
    assert blocker.read_text() == "I am a file\n"
    assert sorted(listing(tmp_path)) == ["somefile.txt", "src"]


def test_output_dir_under_a_file(article: Path, tmp_path: Path) -> None:
    blocker = write(tmp_path / "somefile.txt", "I am a file\n")
    assert_one_error(run("build", article, "-o", blocker / "sub"), 6, "somefile.txt")
    assert blocker.read_text() == "I am a file\n"
    assert sorted(listing(tmp_path)) == ["somefile.txt", "src"]


def test_output_that_would_overwrite_the_source(tmp_path: Path) -> None:
    source = write(tmp_path / "page.html", "<html><body><h1>Page</h1><p>Hello.</p></body></html>")
    before = source.read_bytes()
    assert_one_error(run("build", source, "-f", "html", "-o", tmp_path), 6, "page.html")
    assert source.read_bytes() == before
    assert listing(tmp_path) == ["page.html"]


# --- atomic writes ----------------------------------------------------------------------------


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failed_write_keeps_the_previous_file(
    article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    out = tmp_path / "out"
    assert run("build", article, "-o", out).exit_code == 0
    old = {name: (out / name).read_bytes() for name in ("article.pdf", "article.epub")}
    # New content, so that a rewrite could not pass for the old bytes.
    article.write_text(ARTICLE + "\nA new closing paragraph.\n", encoding="utf-8")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(f"exporter.guard.output.os.{failing}", fail)
    result = run("build", article, "-o", out)
    assert_one_error(result, 6, "article.pdf", "No space left on device")
    assert listing(out) == ["article.epub", "article.pdf"]  # no .tmp left behind
    for name, data in old.items():
        assert (out / name).read_bytes() == data


def test_failed_write_keeps_the_previous_file_without_mocks(article: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", article, "-f", "pdf", "-o", out).exit_code == 0
    old = (out / "article.pdf").read_bytes()
    article.write_text(ARTICLE + "\nA new closing paragraph.\n", encoding="utf-8")
    (out / "article.html").mkdir()  # a folder where the HTML must go: rename fails
    (out / "article.html" / "keep").write_text("x")
    result = run("build", article, "-f", "html", "-o", out)
    assert_one_error(result, 6, "article.html")
    assert listing(out) == ["article.html", "article.pdf"]
    assert listing(out / "article.html") == ["keep"]
    assert (out / "article.pdf").read_bytes() == old


# --- strict mode ------------------------------------------------------------------------------


def test_missing_image_warns_and_strict_fails(tmp_path: Path, epubcheck) -> None:
    source = write(tmp_path / "src" / "pics.md", "# Pictures\n\n![x](nope.png)\n\nText.\n")
    out = tmp_path / "out"
    lenient = run("build", source, "-o", out)
    assert lenient.exit_code == 0, lenient.output
    assert_no_traceback(lenient)
    # A "note:" about the machine (fontTools subsetting without HarfBuzz-Subset) is no warning.
    warnings = [line for line in lenient.stderr.splitlines() if not line.startswith("note:")]
    assert len(warnings) == 1, lenient.stderr
    assert warnings[0].startswith("warning:")
    assert "pics.md" in warnings[0] and "nope.png" in warnings[0]
    assert listing(out) == ["pics.epub", "pics.pdf"]
    epubcheck.queue(out / "pics.epub")

    strict_out = tmp_path / "strict"
    strict = run("build", source, "--strict", "-o", strict_out)
    assert strict.exit_code == 5
    assert_no_traceback(strict)
    last = strict.stderr.splitlines()[-1]
    assert last.startswith("error: strict mode:") and "nope.png" in last
    assert strict.stdout == ""
    assert listing(strict_out) == []


def test_quiet_hides_warnings(tmp_path: Path) -> None:
    source = write(tmp_path / "src" / "pics.md", "# Pictures\n\n![x](nope.png)\n")
    result = run("build", source, "-q", "-f", "html", "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.splitlines() == [f"{tmp_path / 'out'}/pics.html"]


# --- internal errors --------------------------------------------------------------------------


def _explode(*args: object, **kwargs: object) -> str:
    raise RuntimeError("deep trouble")


def test_internal_error_is_one_line_asking_for_a_report(
    article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("exporter.partial.write", _explode)
    out = tmp_path / "out"
    result = run("build", article, "-o", out)
    assert result.exit_code == 1
    assert_no_traceback(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "internal error" in lines[0] and "report" in lines[0]
    assert "RuntimeError" in lines[0] and "deep trouble" in lines[0]
    assert "--debug" in lines[0]
    assert listing(out) == []


def test_debug_shows_the_traceback(
    article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("exporter.partial.write", _explode)
    result = run("--debug", "build", article, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert "RuntimeError: deep trouble" in result.stderr
    assert "internal error" in result.stderr.splitlines()[-1]
    assert listing(tmp_path / "out") == []
