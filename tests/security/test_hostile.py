"""A catalogue of hostile sources, built from strings: none may leak a file or reach the net.

Every vector is built to PDF, EPUB and HTML; the secret's bytes must appear in no
decompressed PDF stream, no zip member and not in the HTML. A loopback server counts the
requests the builds make: it must see none.
"""

from __future__ import annotations

import http.server
import io
import os
import struct
import threading
import zipfile
import zlib
from pathlib import Path
from typing import ClassVar

import pytest
from pypdf import PdfReader
from pypdf.generic import StreamObject

import exporter
from exporter.api import Source, produce
from exporter.guard.policy import Policy
from exporter.guard.verify import check_epub

SECRET = b"SECRET-7f3a9c-TOKEN"


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(_png(2, 2))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )  # fmt: skip


def vectors(secret: Path, url: str) -> dict[str, str]:
    """Markdown sources, one per way a hostile author could reach a file or the network."""
    s = str(secret)
    return {
        "md-image-relative": "![x](../secret.txt)",
        "md-image-absolute": f"![x]({s})",
        "md-image-percent": "![x](..%2fsecret.txt)",
        "img-file-url": f'<img src="file://{s}">',
        "img-proc-environ": '<img src="/proc/self/environ">',
        "img-dev-zero": '<img src="/dev/zero">',
        "link-attachment": f'<link rel="attachment" href="{s}">',
        "a-attachment": f'<a rel="attachment" href="file://{s}">x</a>',
        "object": f'<object data="{s}"></object>',
        "embed": f'<embed src="{s}">',
        "iframe": f'<iframe src="file://{s}"></iframe>',
        "inline-svg-image": f'<svg><image href="file://{s}"/></svg>',
        "style-import": f'<style>@import url("file://{s}");</style>',
        "style-attr-url": f'<p style="background: url(file://{s})">x</p>',
        "base-href": f'<base href="file://{secret.parent}/"><img src="secret.txt">',
        "symlink-in-folder": "![x](link.png)",
        "svg-file-with-image": "![x](evil.svg)",
        "fifo": "![x](fifo.png)",
        "remote-img": f"![x]({url}/img.png)",
        "remote-css": f'<p style="background:url({url}/bg.png)">x</p>',
        "remote-link": f'<link rel="stylesheet" href="{url}/x.css">',
        "remote-loopback-allowed?": f"![x](http://localhost:{url.rsplit(':', 1)[1]}/a.png)",
    }


def _pdf_streams(data: bytes) -> list[bytes]:
    reader = PdfReader(io.BytesIO(data))
    out = []
    for num in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(num)
        if isinstance(obj, StreamObject):
            out.append(obj.get_data())
    return out


def _assert_no_leak(outputs: dict[str, bytes]) -> None:
    assert SECRET not in outputs["html"]
    assert all(SECRET not in s for s in _pdf_streams(outputs["pdf"]))
    assert SECRET not in outputs["pdf"]
    with zipfile.ZipFile(io.BytesIO(outputs["epub"])) as epub:
        assert all(SECRET not in epub.read(n) for n in epub.namelist())


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_bytes(SECRET)
    folder = tmp_path / "article"
    folder.mkdir()
    (folder / "link.png").symlink_to(tmp_path / "secret.txt")
    (folder / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<image href="file://{tmp_path / "secret.txt"}" width="10" height="10"/></svg>'
    )
    os.mkfifo(folder / "fifo.png")
    return folder


@pytest.mark.parametrize("trusted", [False, True], ids=["default", "trusted-input"])
@pytest.mark.parametrize("allow_remote", [False, True], ids=["offline", "allow-remote"])
def test_no_vector_leaks_a_file_or_reaches_the_network(
    tree, server, trusted, allow_remote, epubcheck
):
    _Counter.hits.clear()
    policy = Policy(trusted_input=trusted, allow_remote=allow_remote, timeout=60)
    for name, body in vectors(tree.parent / "secret.txt", server).items():
        source = tree / f"{name.rstrip('?')}.md"
        source.write_text(f"# {name}\n\nBefore.\n\n{body}\n\nAfter.\n")
        made = produce([source], ["pdf", "epub", "html"], policy=policy)
        _assert_no_leak(made.outputs)
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(made.outputs["pdf"])).pages)
        assert "Before." in text and "After." in text, name
    assert _Counter.hits == []  # loopback is refused even with --allow-remote


def test_allow_remote_refuses_a_redirect_to_a_private_address(monkeypatch, tmp_path):
    """Hop 1 is allowed (patched as public); its redirect to another loopback is refused."""
    from exporter.guard import remote

    seen: list[str] = []

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(f"{self.server.server_address[0]}{self.path}")
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.2:{target.server_address[1]}/in.png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    target = http.server.ThreadingHTTPServer(("127.0.0.2", 0), _Counter)
    first = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    for srv in (first, target):
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    _Counter.hits.clear()
    monkeypatch.setattr(remote, "is_public", lambda addr: addr == "127.0.0.1")
    try:
        with pytest.raises(remote.Refused, match=r"127\.0\.0\.2"):
            remote.fetch(f"http://127.0.0.1:{first.server_address[1]}/start")
    finally:
        first.shutdown()
        target.shutdown()
    assert seen == ["127.0.0.1/start"]
    assert _Counter.hits == []


def test_remote_image_is_fetched_when_allowed_and_public(monkeypatch, server, tmp_path):
    from exporter.guard import remote

    monkeypatch.setattr(remote, "is_public", lambda addr: True)
    _Counter.hits.clear()
    source = tmp_path / "a.md"
    source.write_text(f"# Remote\n\n![pic]({server}/pic.png)\n")
    policy = Policy(allow_remote=True, isolate=False)
    made = produce([source], ["epub"], policy=policy)
    assert _Counter.hits == ["/pic.png"]
    with zipfile.ZipFile(io.BytesIO(made.outputs["epub"])) as epub:
        assert any(n.endswith(".png") for n in epub.namelist())


@pytest.mark.parametrize(
    ("address", "public"),
    [("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False),
     ("169.254.169.254", False), ("::1", False), ("fe80::1", False), ("::ffff:127.0.0.1", False),
     ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False), ("93.184.216.34", True),
     ("2606:4700::6810:85e5", True)],
)  # fmt: skip
def test_private_addresses_are_not_public(address, public):
    from exporter.guard.remote import is_public

    assert is_public(address) is public


def test_resource_root_widens_where_images_may_come_from(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "pic.png").write_bytes(_png(4, 4))
    folder = tmp_path / "article"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n\n![pic](../shared/pic.png)\n")
    without = produce([folder / "a.md"], ["epub"])
    assert any("outside the source's folder" in w for w in without.warnings)
    widened = produce([folder / "a.md"], ["epub"], policy=Policy(resource_roots=(shared,)))
    assert widened.warnings == ()
    assert shared / "pic.png" in widened.inputs


def test_trusted_input_keeps_inline_css_but_never_scripts(tmp_path):
    source = tmp_path / "a.md"
    source.write_text(
        '# A\n\n<p style="color: red" onclick="steal()">Red<script>alert(1)</script></p>\n'
    )
    plain = produce([source], ["html"]).outputs["html"].decode()
    trusted = produce([source], ["html"], policy=Policy(trusted_input=True)).outputs["html"]
    assert 'style="color: red"' not in plain
    assert 'style="color: red"' in trusted.decode()
    for made in (plain, trusted.decode()):
        assert "onclick" not in made and "alert(1)" not in made


def test_a_decompression_bomb_is_refused_by_its_header(tmp_path):
    # Only the header claims 100000 x 100000; the pixel limit must stop it before decoding.
    bomb = _png(1, 1).replace(struct.pack(">II", 1, 1), struct.pack(">II", 100_000, 100_000), 1)
    (tmp_path / "bomb.png").write_bytes(bomb)
    (tmp_path / "a.md").write_text("# A\n\n![bomb](bomb.png)\n")
    made = produce([tmp_path / "a.md"], ["pdf", "epub"])
    assert any("100000 x 100000 pixels" in w for w in made.warnings)
    with zipfile.ZipFile(io.BytesIO(made.outputs["epub"])) as epub:
        assert not any(n.endswith(".png") for n in epub.namelist())


def test_a_nested_use_svg_is_refused(tmp_path):
    levels = ['<g id="l0"><rect width="1" height="1"/></g>']
    for i in range(1, 9):
        uses = "".join(f'<use href="#l{i - 1}"/>' for _ in range(10))
        levels.append(f'<g id="l{i}">{uses}</g>')
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs>'
        + "".join(levels) + '</defs><use href="#l8"/></svg>'
    )  # fmt: skip
    (tmp_path / "bomb.svg").write_text(svg)
    assert len(svg) < 2000
    (tmp_path / "a.md").write_text("# A\n\n![bomb](bomb.svg)\n")
    made = produce([tmp_path / "a.md"], ["pdf"])
    assert any("nests <use> references" in w for w in made.warnings)


PATHOLOGICAL = {
    "deep-quotes": "> " * 400 + "deep",
    "deep-lists": "".join("    " * i + "- item\n" for i in range(200)),
    "deep-html": "<div>" * 300 + "x" + "</div>" * 300,
    "link-opener-repeated": "[a](b" * 3000,
    "brackets": "[" * 3000,
    "1mb-line": "word " * 200_000,
    "emphasis-storm": "*a **b" * 3000,
    "nul-and-controls": "# T\n\nA\x00B\x07C\x1bD",
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_markdown_ends_cleanly(name):
    """A clean result or a clean ExporterError, within the limits; never anything else."""
    data = PATHOLOGICAL[name].encode()
    policy = Policy(timeout=30)
    try:
        made = produce([Source(f"{name}.md", data, "md")], ["pdf", "epub"], policy=policy)
    except exporter.ExporterError as exc:
        assert exc.exit_code == 4, str(exc)
        return
    check_epub(made.outputs["epub"])
    assert PdfReader(io.BytesIO(made.outputs["pdf"])).pages


def test_deep_nesting_is_a_limit_error_before_layout():
    with pytest.raises(exporter.LimitError, match=r"nest \d+ levels deep"):
        produce([Source("deep.md", ("> " * 400 + "x").encode(), "md")], ["pdf"])


def test_a_runaway_render_is_killed_at_the_time_limit():
    source = Source("slow.md", ("[" * 40_000).encode(), "md")
    with pytest.raises(exporter.LimitError, match="longer than the limit of 1 s"):
        produce([source], ["pdf"], policy=Policy(timeout=1))


def test_a_memory_limit_stops_the_render_cleanly(samples):
    with pytest.raises(exporter.LimitError) as caught:
        produce([samples / "features.md"], ["pdf"], policy=Policy(max_memory=64 * 1024 * 1024))
    assert caught.value.exit_code == 4


def test_input_size_limit(tmp_path):
    source = tmp_path / "big.md"
    source.write_bytes(b"x" * 2048)
    with pytest.raises(exporter.LimitError, match="2048 bytes is over the limit of 1024"):
        produce([source], ["epub"], policy=Policy(max_source_bytes=1024))
