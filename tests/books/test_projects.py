"""Other tools' projects as books (mdBook, MkDocs), and includes confined to the project.

The fixture projects under fixtures/ are built to EPUB and PDF once per module; the tests
read the real outputs back (nav, OPF, chapter files, PDF outline) and EPUBCheck checks them.
"""

from __future__ import annotations

import logging
import os
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

import exporter
from epubutil import NS
from exporter.book import find_manifest, load_book
from exporter.guard.policy import Policy, using
from exporter.reading.includes import expand_includes

FIXTURES = Path(__file__).parent / "fixtures"
X = "{http://www.w3.org/1999/xhtml}"


class Records(logging.Handler):
    """Keep every record the build logs (readers may run in a helper: records are replayed)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def build(folder: Path, out: Path) -> tuple[dict[str, Path], str]:
    handler, logger = Records(), logging.getLogger("exporter")
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        paths = exporter.convert([folder], ["epub", "pdf"], out)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
    return {p.suffix[1:]: p for p in paths}, handler.text


def nav_tree(epub: Path) -> list:
    """Return the EPUB nav's table of contents as nested [title, children] lists."""
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
    toc = next(n for n in nav.iter(f"{X}nav") if "toc" in (n.get(f"{{{NS['epub']}}}type") or ""))

    def walk(ol: etree._Element) -> list:
        items = []
        for li in ol.findall(f"{X}li"):
            label = li.find(f"{X}a")
            if label is None:
                label = li.find(f"{X}span")
            sub = li.find(f"{X}ol")
            items.append(["".join(label.itertext()).strip(), walk(sub) if sub is not None else []])
        return items

    return walk(toc.find(f"{X}ol"))


def chapter_files(epub: Path) -> dict[str, str]:
    """Return each chapter file's text by chapter title (the h1.chapter-title)."""
    found = {}
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            if not name.endswith(".xhtml"):
                continue
            text = z.read(name).decode()
            title = re.search(r'<h1 class="chapter-title"[^>]*>(.*?)</h1>', text)
            if title:
                found[title.group(1)] = name.removeprefix("EPUB/")
    return found


def read_text(epub: Path, name: str) -> str:
    with zipfile.ZipFile(epub) as z:
        return z.read(f"EPUB/{name}").decode()


def read_xml(epub: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(epub) as z:
        return etree.fromstring(z.read(f"EPUB/{name}"))


def all_text(epub: Path) -> str:
    with zipfile.ZipFile(epub) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def outline(pdf: Path) -> list:
    """Return the PDF outline as nested [title, children] lists."""

    def walk(items: list) -> list:
        result: list = []
        for item in items:
            if isinstance(item, list):
                result[-1][1] = walk(item)
            else:
                result.append([item.title, []])
        return result

    return walk(PdfReader(pdf).outline)


# --- mdBook --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mdbook(tmp_path_factory, epubcheck) -> tuple[dict[str, Path], str]:
    built, log = build(FIXTURES / "mdbook", tmp_path_factory.mktemp("mdbook"))
    epubcheck.queue(built["epub"])
    return built, log


def test_mdbook_metadata_comes_from_the_book_table(mdbook):
    (built, _) = mdbook
    assert built["epub"].name == "mdbook.epub"
    opf = read_xml(built["epub"], "content.opf")
    assert opf.findtext(".//dc:title", namespaces=NS) == "The Small Guide"
    assert [e.text for e in opf.iterfind(".//dc:creator", NS)] == ["Ferris Crab", "Grace Hopper"]
    assert opf.findtext(".//dc:language", namespaces=NS) == "en"
    assert opf.findtext(".//dc:description", namespaces=NS).startswith("A tiny mdBook")


def test_mdbook_summary_gives_order_parts_nesting_and_leaves_out_drafts(mdbook):
    (built, log) = mdbook
    assert nav_tree(built["epub"]) == [
        ["Foreword", []],
        ["Getting started", [["Installation", [["On Linux", [["Packages", []]]]]]]],
        [
            "Reference",
            [["Commands", [["build", [["The build command", []], ["build options", []]]]]]],
        ],
        ["Contributors", []],
    ]
    assert "SUMMARY.md:11: draft chapter 'Not written yet' has no file yet" in log
    # The chapter without a heading of its own takes its SUMMARY label; the sub-chapters
    # nest in the PDF outline too.
    tree = outline(built["pdf"])
    titles = [t for t, _ in tree]
    assert titles[titles.index("Getting started") + 1] == "Installation"
    installation = tree[titles.index("Installation")]
    assert installation[1][0][0] == "On Linux"
    commands = tree[titles.index("Commands")]
    build_entry = commands[1][0]
    assert build_entry[0] == "build"
    assert [t for t, _ in build_entry[1]] == ["The build command", "build options"]


def test_mdbook_includes_take_line_ranges_and_anchors_inside_fences(mdbook):
    (built, _) = mdbook
    files = chapter_files(built["epub"])
    installation = read_text(built["epub"], files["Installation"])
    code = " ".join(
        "".join(pre.itertext())
        for pre in read_xml(built["epub"], files["Installation"]).iter(f"{X}pre")
    )
    assert "hello from line two" in code and "line four" in code  # lines 2 to 4
    assert "fn main" not in code  # line 1 is left out
    assert "anchored setup body" in code and "ANCHOR" not in code
    assert "{{#include nothing.rs}}" in installation  # escaped: written, not included
    commands = read_text(built["epub"], files["Commands"])
    assert "anchored setup body" in commands and "hello from line two" not in commands


def test_an_include_outside_the_project_or_missing_is_a_warning_and_a_placeholder(mdbook):
    (built, log) = mdbook
    assert (
        "guide/linux.md:7: include '../../../outside-secret.txt' is outside the project's "
        "folder (mdbook)" in log
    )
    assert "guide/linux.md:9: include 'missing.md' was not found" in log
    linux = read_text(built["epub"], chapter_files(built["epub"])["On Linux"])
    assert "[missing include: ../../../outside-secret.txt]" in linux
    assert "[missing include: missing.md]" in linux
    assert "TOP SECRET" not in all_text(built["epub"])
    assert "TOP SECRET" not in "".join(p.extract_text() for p in PdfReader(built["pdf"]).pages)


def test_mdbook_links_to_html_pages_reach_their_chapters(mdbook):
    (built, log) = mdbook
    files = chapter_files(built["epub"])
    page = read_xml(built["epub"], files["Installation"])
    hrefs = {"".join(a.itertext()): a.get("href") for a in page.iter(f"{X}a")}
    assert hrefs["Linux"] == f"{files['On Linux']}#packages"
    assert hrefs["build command"].startswith(files["build"])
    foreword = read_xml(built["epub"], files["Foreword"])
    (link,) = [a for a in foreword.iter(f"{X}a") if a.text == "installing it"]
    assert link.get("href").startswith(files["Installation"])
    assert "names a file" not in log


def test_a_site_root_image_resolves_against_the_source_folder(mdbook):
    (built, _) = mdbook
    files = chapter_files(built["epub"])
    page = read_xml(built["epub"], files["Installation"])
    (img,) = page.iter(f"{X}img")
    with zipfile.ZipFile(built["epub"]) as z:
        data = z.read(f"EPUB/{img.get('src')}")
    assert data == (FIXTURES / "mdbook/src/img/logo.png").read_bytes()


def test_a_folder_with_only_a_summary_is_an_mdbook(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "SUMMARY.md").write_text("# Summary\n\n- [One](one.md)\n- [Two](two.md)\n")
    (src / "one.md").write_text("# One\n\nFirst.\n")
    (src / "two.md").write_text("Second, without a heading.\n")
    assert find_manifest(tmp_path) == src / "SUMMARY.md"
    assert find_manifest(src / "SUMMARY.md") == src / "SUMMARY.md"
    doc = exporter.read([tmp_path])
    assert [c.title for c in doc.chapters] == ["One", "Two"]
    assert doc.metadata.title == "src"


# --- MkDocs --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mkdocs(tmp_path_factory, epubcheck) -> tuple[dict[str, Path], str]:
    built, log = build(FIXTURES / "mkdocs", tmp_path_factory.mktemp("mkdocs"))
    epubcheck.queue(built["epub"])
    return built, log


def test_mkdocs_metadata_nav_and_parts(mkdocs):
    (built, _) = mkdocs
    opf = read_xml(built["epub"], "content.opf")
    assert opf.findtext(".//dc:title", namespaces=NS) == "Widget Handbook"
    assert [e.text for e in opf.iterfind(".//dc:creator", NS)] == ["Ada Lovelace"]
    assert opf.findtext(".//dc:language", namespaces=NS) == "de"
    assert opf.findtext(".//dc:rights", namespaces=NS) == "© 2026 The Widget Authors"
    assert nav_tree(built["epub"]) == [
        # The nav's label names the chapter, as in MkDocs; the file's own heading stays.
        ["Home", [["Welcome", []]]],
        ["User guide", [["Getting started", []], ["Configuration", [["Tuning", []]]]]],
        ["Developers", [["Building widgets", []]]],
        ["Changes", []],
    ]
    titles = [t for t, _ in outline(built["pdf"])]
    assert titles.index("User guide") < titles.index("Getting started") < titles.index("Changes")


def test_mkdocs_snippets_are_included_from_the_base_path(mkdocs):
    (built, log) = mkdocs
    files = chapter_files(built["epub"])
    start = read_text(built["epub"], files["Getting started"])
    assert "(from the snippet)" in start
    config = "".join(read_xml(built["epub"], files["Configuration"]).itertext())
    assert "speed: fast" in config and "colour: blue" in config
    assert "size: large" not in config and "# settings" not in config
    assert "header snippet" in read_text(built["epub"], files["Building widgets"])
    assert "skipped.md" not in log  # a ';' line of a block is commented out
    assert "user/config.md:9: include '../../outside-secret.txt' is outside" in log
    assert "[missing include: ../../outside-secret.txt]" in config
    assert "TOP SECRET" not in all_text(built["epub"])


def test_mkdocs_unsupported_extensions_are_named_in_one_warning(mkdocs):
    (_, log) = mkdocs
    (line,) = [line for line in log.splitlines() if "markdown_extensions" in line]
    assert line.endswith("mkdocs.yml: markdown_extensions not supported, their syntax is read "
                         "as plain Markdown: mdx_truly_sane_lists, markdown_katex")  # fmt: skip
    assert "leads off the book" in log  # the external nav link


def test_mkdocs_site_root_image_is_in_the_epub(mkdocs):
    (built, _) = mkdocs
    page = read_xml(built["epub"], chapter_files(built["epub"])["Home"])
    (img,) = page.iter(f"{X}img")
    with zipfile.ZipFile(built["epub"]) as z:
        assert (
            z.read(f"EPUB/{img.get('src')}")
            == (FIXTURES / "mkdocs/docs/img/widget.png").read_bytes()
        )


def test_mkdocs_extensions_and_includes_are_on_the_book():
    book = load_book(FIXTURES / "mkdocs" / "mkdocs.yml")
    assert book.dialect == "markdown" and book.site_root == FIXTURES / "mkdocs" / "docs"
    options = dict(book.extensions)
    assert options["toc"] == {"permalink": True}
    assert options["pymdownx.emoji"]["emoji_index"].value == "material.extensions.emoji.twemoji"
    assert book.includes == ("snippets",)
    assert load_book(FIXTURES / "mdbook" / "book.toml").dialect == "gfm"


def test_mkdocs_yaml_tags_are_inert(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    monkeypatch.setenv("WIDGET_TITLE", "From the environment")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nHello.\n")
    (tmp_path / "mkdocs.yml").write_text(
        'site_name: !ENV [WIDGET_TITLE, "Fallback title"]\n'
        f'site_description: !!python/object/apply:os.system ["touch {marker}"]\n'
        "hooks: !!python/name:os.system\n"
        f"extra: !!python/object/new:subprocess.Popen [[touch, {marker}]]\n"
    )
    book = load_book(tmp_path / "mkdocs.yml")
    assert not marker.exists()
    assert book.metadata.title == "Fallback title"  # the environment is never read
    assert "touch" in book.metadata.description  # the arguments, as text


def test_a_project_without_nav_reads_every_page_index_first(tmp_path):
    for name in ("zeta.md", "alpha.md", "index.md", "sub/b.md", "sub/index.md"):
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {name}\n")
    (tmp_path / "mkdocs.yaml").write_text("site_name: Bare\n")
    book = load_book(find_manifest(tmp_path))
    rel = [e.path.relative_to(tmp_path / "docs").as_posix() for e in book.entries]
    assert rel == ["index.md", "alpha.md", "zeta.md", "sub/index.md", "sub/b.md"]


# --- includes on strings -------------------------------------------------------------------


def expand(tmp_path: Path, text: str, **kwargs) -> str:
    return expand_includes(text, tmp_path / "a.md", tmp_path, "a.md", **kwargs)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("", "1\n2\n3\n4\n5"), (":2", "2"), ("::2", "1\n2"), (":4:", "4\n5"), (":2:3", "2\n3")],
)
def test_mdbook_line_selections(tmp_path, spec, expected):
    (tmp_path / "n.txt").write_text("1\n2\n3\n4\n5\n")
    assert expand(tmp_path, f"{{{{#include n.txt{spec}}}}}") == expected


def test_an_indented_include_keeps_its_indent_on_every_line(tmp_path):
    (tmp_path / "n.txt").write_text("one\ntwo\n")
    assert expand(tmp_path, "- item\n\n    {{#include n.txt}}\n") == "- item\n\n    one\n    two\n"
    assert expand(tmp_path, '  --8<-- "n.txt"') == "  one\n  two"


def test_a_cycle_and_a_symlink_out_are_refused_with_placeholders(tmp_path, caplog):
    root = tmp_path / "book"
    root.mkdir()
    (root / "b.md").write_text("B then {{#include a.md}}\n")
    (tmp_path / "secret.txt").write_text("SECRET")
    os.symlink(tmp_path / "secret.txt", root / "link.txt")
    text = "{{#include b.md}}\n{{#include link.txt}}\n"
    (root / "a.md").write_text(text)
    with caplog.at_level(logging.WARNING, "exporter"):
        out = expand_includes(text, root / "a.md", root, "a.md")
    assert out == "B then [missing include: a.md]\n[missing include: link.txt]\n"
    assert "b.md:1: include 'a.md' would include itself (a.md -> b.md -> a.md)" in caplog.text
    assert "a.md:2: include 'link.txt' is outside the project's folder" in caplog.text


def test_includes_stop_at_the_source_size_limit(tmp_path, caplog):
    (tmp_path / "big.txt").write_text("x" * 500)
    with caplog.at_level(logging.WARNING, "exporter"), using(Policy(max_source_bytes=300)):
        out = expand(tmp_path, "{{#include big.txt}}")
    assert out == "[missing include: big.txt]"
    assert "larger than the limit of 300 bytes" in caplog.text


def test_markdown_include_and_escaped_snippets(tmp_path):
    (tmp_path / "n.md").write_text("included\n")
    assert expand(tmp_path, "Before {! n.md !} after") == "Before included after"
    assert expand(tmp_path, ';--8<-- "n.md"') == '--8<-- "n.md"'
    assert expand(tmp_path, "{! n.md !}", syntaxes=("mdbook",)) == "{! n.md !}"


def test_a_folder_in_the_nav_nests_its_pages_and_directory_urls_reach_them(tmp_path):
    for name, text in {
        "index.md": "# Home\n\nRead the [guide](guide/) and [its setup](guide/setup/).\n",
        "guide/README.md": "# Guide\n",
        "guide/setup.md": "# Setup\n",
    }.items():
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "mkdocs.yml").write_text("site_name: S\nnav:\n  - index.md\n  - Guide: guide/\n")
    doc = exporter.read([tmp_path])
    assert [(c.title, c.level) for c in doc.chapters] == [("Home", 1), ("Guide", 1), ("Setup", 2)]
    assert 'href="#chapter-2"' in doc.chapters[0].html
    assert 'href="#chapter-3"' in doc.chapters[0].html
