"""Issue 15, second round: untrusted input never ends in exit 1, and bad options say so.

Exit 1 means a bug in exporter. Every case here is a real file in ``tmp_path`` given to the
command line in-process; each asserts the exit code and that the one-line message names the
file (and line) and the way out.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from exporter.cli import cli


def run(*args: object) -> Result:
    """Invoke ``exporter ARGS`` in-process; stderr is in ``result.stderr``."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def epub_of(tmp_path: Path, name: str = "a") -> Path:
    source = write(tmp_path / "src" / f"{name}.md", f"# {name}\n\nWords.\n")
    result = run("build", source, "-f", "epub", "-o", tmp_path / "built")
    assert result.exit_code == 0, result.output
    return tmp_path / "built" / f"{name}.epub"


# -- 1. no exit 1 on untrusted input -----------------------------------------------------


def test_nul_in_link_and_image_paths_is_a_warning(tmp_path):
    source = write(tmp_path / "a.md", "# T\n\n[a](x%00.md)\n\n![i](img%00.png)\n")
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "a.md:3: link 'x%00.md' has a NUL byte" in result.stderr
    assert "image 'img%00.png' has a NUL byte" in result.stderr
    strict = run("build", source, "-f", "epub", "-o", tmp_path / "out", "--strict")
    assert strict.exit_code == 5


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("2019-02-29", "day is out of range"),
        ("2019-13-01", "month must be in 1..12"),
        ("2019-01-01 25:00:00", "hour must be in 0..23"),
        ("9" * 5000, "a number too long to read; put it in quotes"),
    ],
)
def test_impossible_front_matter_values_are_input_errors(tmp_path, value, why):
    source = write(tmp_path / "a.md", f"---\ntitle: T\ndate: {value}\n---\n# T\n")
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 3, result.output
    assert "a.md: front matter is not valid YAML at line 3" in result.stderr
    assert why in result.stderr


def test_impossible_date_in_mkdocs_yml_names_the_line(tmp_path):
    write(tmp_path / "docs" / "index.md", "# Home\n")
    manifest = write(tmp_path / "mkdocs.yml", "site_name: S\nextra:\n  when: 2021-02-30\n")
    result = run("build", manifest, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 3, result.output
    assert "mkdocs.yml:3: not valid YAML" in result.stderr


def test_unknown_codec_in_the_config_names_the_config_file(tmp_path):
    config = write(tmp_path / "exporter.toml", 'encoding = "klingon-8"\n')
    source = write(tmp_path / "a.md", "# T\n")
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{config}: encoding = 'klingon-8': Unknown encoding" in result.stderr


@pytest.mark.parametrize("weasyprint_loaded", [False, True])
def test_a_truncated_jpeg_with_max_image_size_is_kept_with_a_warning(tmp_path, weasyprint_loaded):
    if weasyprint_loaded:  # importing it sets Pillow's LOAD_TRUNCATED_IMAGES process-wide
        import weasyprint  # noqa: F401
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "red").save(buffer, "JPEG")
    write(tmp_path / "p.jpg", buffer.getvalue()[: len(buffer.getvalue()) // 2])
    source = write(tmp_path / "a.md", "# T\n\n![p](p.jpg)\n")
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out", "--max-image-size", 100)
    assert result.exit_code == 0, result.output
    assert "p.jpg: could not be scaled down (image file is truncated" in result.stderr
    with zipfile.ZipFile(tmp_path / "out" / "a.epub") as epub:
        assert any(n.endswith(".jpg") for n in epub.namelist())


def _patched(epub: Path, name: str, local: int, central: int, value: bytes) -> Path:
    """Overwrite two bytes of ``name``'s local and central zip headers."""
    data = bytearray(epub.read_bytes())
    encoded = name.encode()
    with zipfile.ZipFile(epub) as archive:
        info = archive.getinfo(name)
    offset = info.header_offset
    data[offset + local : offset + local + 2] = value
    start = data.find(b"PK\x01\x02" + bytes(data[offset + 4 : offset + 6]))
    while data[start + 46 : start + 46 + len(encoded)] != encoded:
        start = data.find(b"PK\x01\x02", start + 4)
    data[start + central : start + central + 2] = value
    out = epub.with_name(f"patched-{local}.epub")
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize(
    ("local", "central", "value", "why"),
    [
        (6, 8, b"\x01\x00", "encrypted"),  # general purpose flag, bit 0
        (8, 10, b"\x63\x00", "compression method"),  # method 99 (AES), not in zipfile
    ],
)
def test_check_refuses_an_epub_with_an_unreadable_entry(tmp_path, local, central, value, why):
    epub = _patched(epub_of(tmp_path), "META-INF/container.xml", local, central, value)
    result = run("check", epub)
    assert result.exit_code == 3, result.output
    assert "an entry cannot be read" in result.stderr and why in result.stderr


def test_check_reports_a_malformed_url(tmp_path):
    epub = epub_of(tmp_path)
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(epub) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("chapter-001.xhtml"):
                data = data.replace(b"<p>Words.</p>", b'<p><a href="http://[x">w</a></p>')
            dst.writestr(info, data)
    result = run("check", broken)
    assert result.exit_code == 3, result.output
    assert "'http://[x' is not a valid URL" in result.stderr


def test_a_batch_symlink_without_a_suffix_fails_alone(tmp_path):
    inputs = tmp_path / "in"
    write(inputs / "a.md", "# A\n")
    write(inputs / "notes", "# Linked\n")
    (inputs / "linked.md").symlink_to("notes")  # inside: the link's suffix picks the reader
    write(tmp_path / "elsewhere", "# Outside\n")
    (inputs / "out.md").symlink_to(tmp_path / "elsewhere")
    result = run("batch", inputs, "-o", tmp_path / "out", "-f", "epub", "--json", "-j", 1)
    assert result.exit_code == 3, result.output
    assert (tmp_path / "out" / "a.epub").is_file()
    assert (tmp_path / "out" / "linked.epub").is_file()
    failed = [line for line in result.stdout.splitlines() if "out.md: a symlink" in line]
    assert failed and "--resource-root" in failed[0]
    allowed = run("batch", inputs, "-o", tmp_path / "out2", "-f", "epub", "-j", 1,
                  "--resource-root", tmp_path)  # fmt: skip
    assert allowed.exit_code == 0, allowed.output
    assert (tmp_path / "out2" / "out.epub").is_file()


@pytest.mark.parametrize("codec", ["utf-8", "iso-8859-1", "cp1252"])
def test_an_xhtml_source_with_an_encoding_declaration_is_read(tmp_path, codec):
    source = write(
        tmp_path / "a.xhtml",
        f'<?xml version="1.0" encoding="{codec}"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        "<head><title>Déclaré</title></head><body><h1>Hi</h1><p>Body text.</p></body></html>\n"
        "".encode(codec),
    )
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "out" / "a.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode()
        chapter = epub.read("EPUB/chapter-001.xhtml").decode()
    assert "Déclaré" in opf and "Body text." in chapter


def test_an_encoding_declaration_python_does_not_know_names_the_file(tmp_path):
    source = write(tmp_path / "a.xhtml", '<?xml version="1.0" encoding="klingon-8"?>\n<p>x</p>')
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 3
    assert result.stderr == (
        f"error: {source}: its XML declaration names the encoding 'klingon-8', which Python "
        "does not know; fix the declaration or pass --encoding.\n"
    )


def test_link_warnings_do_not_tell_whether_an_outside_file_exists(tmp_path):
    write(tmp_path / "secret.txt", "x")
    source = write(tmp_path / "book" / "a.md", "# T\n\n[a](../secret.txt)\n\n[b](../nothing.txt)\n")
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 0
    lines = [line.split("'", 2)[2] for line in result.stderr.splitlines() if "link '" in line]
    assert len(lines) == 2 and lines[0] == lines[1], lines


# -- 2. bad options a newcomer meets -------------------------------------------------------


def test_an_unknown_page_size_names_the_valid_ones(tmp_path):
    source = write(tmp_path / "a.md", "# T\n")
    result = run("build", source, "-f", "pdf", "-o", tmp_path / "out", "--page-size", "B5x")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "Unknown page size 'B5x'. Use A4, Letter, A5, 6x9" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("size", ["b5 landscape", "170mm 240mm", "6in", "Letter"])
def test_css_page_sizes_are_still_accepted(size):
    from exporter.settings import Settings

    assert Settings(page_size=size).page_size == size


@pytest.mark.parametrize("date", ["2024-13-01", "2023-02-29", "tomorrow"])
def test_an_impossible_date_option_is_a_usage_error(tmp_path, date):
    source = write(tmp_path / "a.md", "# T\n")
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out", "--date", date)
    assert result.exit_code == 2
    assert f"--date '{date}' is not a real date; use YYYY-MM-DD" in result.stderr


def test_a_bad_theme_in_the_config_names_the_config_file(tmp_path):
    config = write(tmp_path / "exporter.toml", 'theme = "fancy"\n')
    source = write(tmp_path / "a.md", "# T\n")
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert f"{config}: theme = 'fancy': Unknown theme 'fancy'. Available:" in result.stderr


def test_check_strict_fails_when_epubcheck_could_not_run(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-java-here"))
    source = write(tmp_path / "a.md", "# T\n\nWords.\n")
    loose = run("build", source, "-f", "epub", "-o", tmp_path / "out", "--check")
    assert loose.exit_code == 0, loose.output
    strict = run("build", source, "-f", "epub", "-o", tmp_path / "out", "--check", "--strict")
    assert strict.exit_code == 5
    assert "--strict needs EPUBCheck to have run (Java was not found" in strict.stderr


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "a PNG image"),
        (b"%PDF-1.7\n" + bytes(100), "a PDF"),
        (b"PK\x03\x04" + bytes(100), "a zip archive"),
        (bytes(range(256)) * 20, "binary data"),
    ],
)
def test_a_binary_file_read_as_text_is_refused(tmp_path, data, kind):
    source = write(tmp_path / "renamed.md", data)
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out", "--encoding", "latin-1")
    assert result.exit_code == 3, result.output
    assert f"renamed.md: this is {kind}" in result.stderr


def test_utf16_text_with_its_nul_bytes_is_still_text(tmp_path):
    source = write(tmp_path / "a.txt", "Plain words here.\n".encode("utf-16-le"))
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out", "--encoding", "utf-16-le")
    assert result.exit_code == 0, result.output


def test_a_file_name_with_a_newline_is_refused(tmp_path):
    source = write(tmp_path / "two\nlines.md", "# T\n")
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 3
    assert "would make output names that break 'one path per line'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_keep_html_never_overwrites_a_source(tmp_path):
    # out/index.pdf-html/index.html is the folder and name --keep-html writes for "index".
    source = write(tmp_path / "out" / "index.pdf-html" / "index.html", "<h1>T</h1><p>x</p>")
    result = run("build", source, "-f", "pdf", "-o", tmp_path / "out", "--keep-html")
    assert result.exit_code == 6
    assert "index.html: is one of the sources and would be overwritten" in result.stderr
    assert source.read_text() == "<h1>T</h1><p>x</p>"
    assert not (tmp_path / "out" / "index.pdf").exists()  # refused before anything is written


# -- 3. confinement ------------------------------------------------------------------------


def _book(tmp_path: Path) -> Path:
    write(tmp_path / "secret.md", "# Secret\n\nSECRET-words\n")
    write(tmp_path / "book" / "chapters" / "one.md", "# One\n\nWords.\n")
    return tmp_path / "book"


@pytest.mark.parametrize(
    ("manifest", "text", "where", "shown"),
    [
        ("book.toml", 'title = "B"\nchapters = ["chapters/one.md", "../secret.md"]\n',
         "book.toml: chapters:", "'../secret.md'"),
        ("book.toml", 'title = "B"\nchapters = ["chapters/*.md", "../*.md"]\n',
         "book.toml: chapters:", "'../secret.md'"),
        ("book.toml", 'title = "B"\n[front]\npreface = "../secret.md"\n'
         '[[parts]]\nchapters = ["chapters/one.md"]\n', "book.toml: front.preface:", "secret"),
        ("book.toml", 'title = "B"\nchapters = ["chapters/one.md"]\ncover = "/etc/hostname"\n',
         "book.toml: cover:", "'/etc/hostname'"),
        ("book.toml", 'title = "B"\nchapters = ["chapters/one.md"]\n[print]\n'
         'output_intent = "/dev/zero"\n', "book.toml: [print] output_intent:", "'/dev/zero'"),
        ("SUMMARY.md", "# Summary\n\n- [One](chapters/one.md)\n- [S](../secret.md)\n",
         "SUMMARY.md:4:", "'../secret.md'"),
        ("mkdocs.yml", "site_name: S\ndocs_dir: chapters\nnav:\n  - One: one.md\n"
         "  - S: ../../secret.md\n", "mkdocs.yml: nav:", "'../secret.md'"),
        ("mkdocs.yml", "site_name: S\ndocs_dir: ..\n", "mkdocs.yml: the source folder:", "'..'"),
    ],
)  # fmt: skip
def test_a_manifest_naming_a_file_outside_the_book_is_refused(
    tmp_path, manifest, text, where, shown
):
    book = _book(tmp_path)
    write(tmp_path / "etc-hostname", "x")
    path = write(book / manifest, text)
    result = run("build", path, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 3, result.output
    assert where in result.stderr and shown in result.stderr
    assert "is outside the book's folder; refused" in result.stderr
    assert "--resource-root" in result.stderr
    assert not (tmp_path / "out").exists()


def test_resource_root_allows_a_manifest_to_reach_out(tmp_path):
    book = _book(tmp_path)
    manifest = write(
        book / "book.toml", 'title = "B"\nchapters = ["chapters/one.md", "../secret.md"]\n'
    )
    result = run("build", manifest, "-f", "epub", "-o", tmp_path / "out",
                 "--resource-root", tmp_path)  # fmt: skip
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "out" / "book.epub") as epub:
        assert any(b"SECRET-words" in epub.read(n) for n in epub.namelist())


def test_a_symlinked_chapter_leaving_the_book_is_refused_through_a_glob(tmp_path):
    book = _book(tmp_path)
    (book / "chapters" / "two.md").symlink_to(tmp_path / "secret.md")
    manifest = write(book / "book.toml", 'title = "B"\nchapters = ["chapters/*.md"]\n')
    result = run("build", manifest, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 3
    assert "chapters: 'chapters/two.md' is outside the book's folder" in result.stderr


def test_theme_css_symlinked_out_of_the_theme_is_refused(tmp_path):
    import shutil

    from exporter.themes import styles_dir

    theme = tmp_path / "theme"
    shutil.copytree(styles_dir() / "classic", theme)
    write(tmp_path / "elsewhere.css", "body { color: red }")
    (theme / "epub.css").unlink(missing_ok=True)
    (theme / "epub.css").symlink_to(tmp_path / "elsewhere.css")
    source = write(tmp_path / "a.md", "# T\n")
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out", "-t", theme)
    assert result.exit_code == 2, result.output
    assert "epub.css: a symlink to a file outside the theme folder; refused" in result.stderr


# -- 4. the SVG cleaner is an allow-list ---------------------------------------------------

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def _svg_in_epub(tmp_path: Path, svg: str) -> tuple[str, Result]:
    """Build an EPUB showing ``svg`` as an image file; return the SVG it carries."""
    write(tmp_path / "pic.svg", svg)
    source = write(tmp_path / "a.md", "# T\n\n![pic](pic.svg)\n")
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "out" / "a.epub") as epub:
        names = [n for n in epub.namelist() if n.endswith(".svg") and "cover" not in n]
        return (epub.read(names[0]).decode() if names else ""), result


def test_css_escapes_cannot_smuggle_imports_or_urls(tmp_path):
    svg, _ = _svg_in_epub(
        tmp_path,
        f'{SVG_HEAD} width="10" height="10"><style>@\\69mport "http://evil/a.css";\n'
        "rect {{ fill: \\75rl(http://evil/p.svg#a); stroke: red }}\n"
        ".b {{ background: url(file:///etc/passwd) }} .c {{ fill: url(#grad) }}\n"
        "@font-face {{ src: url(http://evil/f.woff) }}</style>"
        '<rect style="fill: \\75rl(http://evil/s); stroke: blue" fill="\\75rl(http://evil/f)" '
        'width="10" height="10"/></svg>'.replace("{{", "{").replace("}}", "}"),
    )
    assert "rect { stroke: red }" in svg and "fill: url(#grad)" in svg
    assert 'style="stroke: blue"' in svg
    for gone in ("evil", "passwd", "import", "69mport", "75rl", "font-face", "background"):
        assert gone not in svg, gone


def test_animations_cannot_turn_a_link_into_javascript_or_a_file(tmp_path):
    svg, _ = _svg_in_epub(
        tmp_path,
        f'{SVG_HEAD} width="10" height="10"><a href="#x">'
        '<set attributeName="href" to="javascript:alert(1)"/>'
        '<animate attributeName="xlink:href" values="#a;file:///etc/passwd"/>'
        '<set attributeName="fill" to="url(http://evil/x)"/>'
        '<animate attributeName="opacity" values="0;1" dur="1s"/>'
        '<text id="x">kept<script>alert(1)</script> words</text></a>'
        '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>'
        '<image xlink:href="file:///etc/passwd"/><unknown-thing/>'
        '<rect onclick="alert(1)" width="5" height="5" data-x="1"/></svg>',
    )
    assert 'attributeName="opacity"' in svg and "kept words" in svg
    for gone in ("javascript", "passwd", "evil", "<set", "script", "foreignObject",
                 "unknown-thing", "onclick", "data-x"):  # fmt: skip
        assert gone not in svg, gone


def test_an_svg_with_the_standard_doctype_is_accepted(tmp_path):
    svg, result = _svg_in_epub(
        tmp_path,
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        f'{SVG_HEAD} width="10" height="10"><rect width="10" height="10" fill="teal"/></svg>',
    )
    assert 'fill="teal"' in svg and "DOCTYPE" not in svg
    assert "warning" not in result.stderr


def test_an_svg_declaring_entities_is_refused(tmp_path):
    svg, result = _svg_in_epub(
        tmp_path,
        '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY x SYSTEM '
        f'"file:///etc/passwd">]>\n{SVG_HEAD}><text>&lol;&x;</text></svg>',
    )
    assert svg == ""
    assert "pic.svg' declares entities in its DOCTYPE" in result.stderr


# -- 5. the pixel limit counts what will be decoded ----------------------------------------


def _gif_with_a_big_frame() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (5, 4)).save(buffer, "GIF")
    data = buffer.getvalue()
    data = data[:6] + struct.pack("<HH", 1, 1) + data[10:]  # the screen says 1 x 1
    at = data.index(b"\x2c")  # the frame says 12000 x 12000
    return data[: at + 5] + struct.pack("<HH", 12000, 12000) + data[at + 9 :]


def _jpeg_with_a_fake_first_frame_header() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20)).save(buffer, "JPEG")
    data = buffer.getvalue()
    fake = b"\xff\xc0\x00\x11\x08\x00\x01\x00\x01\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    data = data[:2] + fake + data[2:]  # a 1 x 1 frame header before the real one
    at = data.index(b"\xff\xc0", 2 + len(fake))
    return data[: at + 5] + struct.pack(">HH", 12000, 12000) + data[at + 9 :]


@pytest.mark.parametrize(
    ("name", "data"),
    [("bomb.gif", _gif_with_a_big_frame()), ("bomb.jpg", _jpeg_with_a_fake_first_frame_header())],
)
def test_a_lying_header_does_not_pass_the_pixel_limit(tmp_path, name, data):
    write(tmp_path / name, data)
    source = write(tmp_path / "a.md", f"# T\n\n![b]({name})\n")
    result = run("build", source, "-f", "epub", "-o", tmp_path / "out", "--max-image-size", 64)
    assert result.exit_code == 0, result.output
    assert f"image '{name}' is 12000 x 12000 pixels, over the limit" in result.stderr
    assert "DecompressionBomb" not in result.stderr
    with zipfile.ZipFile(tmp_path / "out" / "a.epub") as epub:
        assert not [n for n in epub.namelist() if n.endswith((".gif", ".jpg"))]


# -- 6. batches ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state", ['{"entries": []}', '{"entries": {"a.md": 3}}', '{"entries": {"a.md": {}}}', "[]"]
)
def test_a_state_file_of_the_wrong_shape_is_warned_about_and_rebuilt(tmp_path, state):
    write(tmp_path / "in" / "a.md", "# A\n")
    out = tmp_path / "out"
    write(out / ".exporter-batch.json", state)
    result = run("batch", tmp_path / "in", "-o", out, "-f", "epub", "-j", 1, "-v")
    assert result.exit_code == 0, result.output
    assert "not a batch state file exporter wrote; rebuilding" in result.stderr
    assert (out / "a.epub").is_file()
    again = run("batch", tmp_path / "in", "-o", out, "-f", "epub", "-j", 1, "--json")
    assert again.exit_code == 0 and '"skipped": 1' in again.stdout


@pytest.mark.parametrize("device", ["/dev/zero", "fifo"])  # one never ends, one never answers
def test_a_state_file_naming_a_device_or_a_fifo_is_rebuilt_at_once(tmp_path, device):
    import hashlib
    import json
    import os
    import time

    source = write(tmp_path / "in" / "a.md", "# A\n")
    out = tmp_path / "out"
    assert run("batch", tmp_path / "in", "-o", out, "-f", "epub", "-j", 1).exit_code == 0
    if device == "fifo":
        device = str(tmp_path / "fifo")
        os.mkfifo(device)
    state = json.loads((out / ".exporter-batch.json").read_text())
    real = hashlib.sha256(source.read_bytes()).hexdigest()
    state["entries"]["a.md"]["inputs"] = {device: "0" * 64, str(source.resolve()): real}
    write(out / ".exporter-batch.json", json.dumps(state))
    started = time.monotonic()
    again = run("batch", tmp_path / "in", "-o", out, "-f", "epub", "-j", 1, "--json")
    assert again.exit_code == 0 and '"ok": 1' in again.stdout
    assert time.monotonic() - started < 30
