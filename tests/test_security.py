"""Hostile sources: nothing outside the source folder, and no network, may reach an output.

Each hostile source is built once to PDF, EPUB and HTML; every output is then searched for
the bytes of secrets kept next to (not inside) the source folder: a text token, a PNG file,
its decoded pixels (what a PDF would hold) and their base64 (what an HTML data: URL holds).
A control build with an image inside the source folder proves those searches find an image
that is legitimately embedded.
"""

from __future__ import annotations

import base64
import http.server
import os
import re
import struct
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

import exporter

FORMATS = ("pdf", "epub", "html")
HANG_SECONDS = 60


def make_png(width: int = 8, height: int = 8) -> tuple[bytes, bytes]:
    """Return a real RGB PNG of random pixels, and those pixels as raw rows."""
    pixels = os.urandom(width * height * 3)
    row = width * 3
    raw = b"".join(b"\x00" + pixels[y * row : (y + 1) * row] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
    return png + chunk(b"IEND", b""), pixels


# --- reading outputs --------------------------------------------------------------------------


def pdf_objects(reader: PdfReader) -> list[object]:
    """Every indirect object of the PDF, those inside object streams included."""
    objects = []
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if obj is not None:
            objects.append(obj)
    return objects


def pdf_blobs(path: Path) -> list[bytes]:
    """The PDF file itself, the decoded data of every stream in it, and its text.

    Text is drawn as glyph ids, so a file rendered as text shows only in the extracted text.
    """
    reader = PdfReader(path)
    streams = [o.get_data() for o in pdf_objects(reader) if isinstance(o, StreamObject)]
    text = "\n".join(page.extract_text() for page in reader.pages).encode()
    return [path.read_bytes(), *streams, text]


def epub_blobs(path: Path) -> list[bytes]:
    """Every member of the EPUB, and its member names."""
    with zipfile.ZipFile(path) as z:
        return [z.read(name) for name in z.namelist()] + ["\n".join(z.namelist()).encode()]


def blobs(path: Path) -> list[bytes]:
    if path.suffix == ".pdf":
        return pdf_blobs(path)
    if path.suffix == ".epub":
        return epub_blobs(path)
    return [path.read_bytes()]


def pdf_keys(reader: PdfReader) -> set[str]:
    """Every dictionary key used anywhere in the PDF (direct and nested objects)."""
    keys: set[str] = set()
    seen: set[int] = set()

    def walk(obj: object) -> None:
        if isinstance(obj, IndirectObject):
            return  # each indirect object is walked on its own
        if isinstance(obj, DictionaryObject):  # streams are dictionaries too
            if id(obj) in seen:
                return
            seen.add(id(obj))
            for key, value in obj.items():
                keys.add(str(key))
                walk(value)
        elif isinstance(obj, ArrayObject):
            for item in obj:
                walk(item)

    for obj in pdf_objects(reader):
        walk(obj)
    return keys


def pdf_images(reader: PdfReader) -> list[StreamObject]:
    return [
        o
        for o in pdf_objects(reader)
        if isinstance(o, StreamObject) and o.get("/Subtype") == "/Image"
    ]


def pdf_uris(reader: PdfReader) -> list[str]:
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots", []):
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


# --- the lab: secrets beside the sources, a counting web server -------------------------------


class CountingServer(http.server.ThreadingHTTPServer):
    """Answers every request with a PNG, and records every connection it accepts."""

    def __init__(self, png: bytes) -> None:
        self.png = png
        self.hits: list[str] = []
        super().__init__(("127.0.0.1", 0), CountingHandler)

    def process_request(self, request, client_address) -> None:  # type: ignore[override]
        self.hits.append(f"connection from {client_address}")
        super().process_request(request, client_address)


class CountingHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.hits.append(f"GET {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.server.png)))
        self.end_headers()
        self.wfile.write(self.server.png)

    do_POST = do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Built:
    """One hostile source built to every format."""

    outputs: dict[str, Path]
    connections: list[str]
    seconds: float
    returncode: int = 0
    stderr: str = ""


@dataclass
class Lab:
    root: Path
    secret_dir: Path
    token: bytes
    env_token: bytes
    secret_png: bytes
    secret_pixels: bytes
    ok_png: bytes
    ok_pixels: bytes
    server: CountingServer
    epubcheck: object
    built: dict[str, Built] = field(default_factory=dict)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def needles(self) -> dict[str, bytes]:
        """What must never appear in an output, by name."""
        secret_txt = (self.secret_dir / "secret.txt").read_bytes()
        return {
            "secret.txt token": self.token,
            "secret.txt as base64": base64.b64encode(secret_txt),
            "environment token": self.env_token,
            "secret.png file": self.secret_png,
            "secret.png pixels": self.secret_pixels,
            "secret.png first row": self.secret_pixels[:24],
            "secret.png as base64": base64.b64encode(self.secret_png),
        }

    def build(self, name: str) -> Built:
        if name not in self.built:
            self.built[name] = self._build(name, VECTORS[name])
        return self.built[name]

    def _build(self, name: str, vector: Vector) -> Built:
        folder = self.root / f"src-{name}"
        folder.mkdir()
        source = folder / f"article.{vector.suffix}"
        secret_rel = str(self.secret_dir).lstrip("/")  # for <base href="file:///">
        text = vector.text.format(port=self.port, secret=self.secret_dir, secret_rel=secret_rel)
        source.write_text(text, encoding="utf-8")
        if vector.prepare:
            vector.prepare(folder, self)
        out = self.root / f"out-{name}"
        before = len(self.server.hits)
        start = time.monotonic()
        if vector.isolated:
            # Could hang or eat memory if a guard failed: a child process we can kill.
            code = (
                "import sys, exporter; "
                "exporter.convert([sys.argv[1]], ['pdf', 'epub', 'html'], sys.argv[2])"
            )
            proc = subprocess.run(
                [sys.executable, "-c", code, str(source), str(out)],
                capture_output=True, text=True, timeout=HANG_SECONDS,
            )  # fmt: skip
            returncode, stderr = proc.returncode, proc.stderr
        else:
            exporter.convert([source], FORMATS, out)
            returncode, stderr = 0, ""
        seconds = time.monotonic() - start
        outputs = {fmt: out / f"article.{fmt}" for fmt in FORMATS}
        if returncode == 0 and vector.epub_valid:
            self.epubcheck.queue(outputs["epub"])
        return Built(outputs, self.server.hits[before:], seconds, returncode, stderr)


@dataclass(frozen=True)
class Vector:
    text: str
    suffix: str = "md"
    prepare: object = None  # a function (source folder, lab) that adds files
    isolated: bool = False  # build in a child process, killed after HANG_SECONDS
    network: bool = False
    images: tuple[str, ...] = ()  # suffixes of legitimate images the source holds
    # False while a known src bug makes its EPUB invalid: checked by an xfail test instead of
    # the session's EPUBCheck queue (which would fail the whole run).
    epub_valid: bool = True


def _symlinks(folder: Path, lab: Lab) -> None:
    (folder / "link.png").symlink_to(lab.secret_dir / "secret.png")
    (folder / "assets").symlink_to(lab.secret_dir, target_is_directory=True)


def _zero_link(folder: Path, lab: Lab) -> None:
    (folder / "zero.png").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.png")


def _evil_svg(folder: Path, lab: Lab) -> None:
    (folder / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="10" height="10">'
        f'<image href="file://{lab.secret_dir}/secret.png" width="10" height="10"/>'
        '<image xlink:href="../secret/secret.png" width="10" height="10"/>'
        f'<image href="http://127.0.0.1:{lab.port}/svg.png" width="10" height="10"/>'
        "</svg>",
        encoding="utf-8",
    )


def _active_svg(folder: Path, lab: Lab) -> None:
    (folder / "active.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">'
        "<script>document.title = 1</script>"
        '<rect width="10" height="10" fill="red"/></svg>',
        encoding="utf-8",
    )


HOSTNAME_IMG = '# Host\n\n<img src="/etc/hostname">\n\n<img src="file:///etc/hostname">\n'
VECTORS: dict[str, Vector] = {
    "img-etc-hostname": Vector(HOSTNAME_IMG),
    "img-absolute": Vector(
        '# Abs\n\n<img src="{secret}/secret.png">\n\n![x]({secret}/secret.png)\n'
    ),
    "img-file-url": Vector('# File\n\n<img src="file://{secret}/secret.png">\n'),
    "img-dotdot": Vector(
        '# Up\n\n<img src="../secret/secret.png">\n\n![x](../secret/secret.png)\n'
    ),
    "img-percent": Vector(
        '# Pct\n\n<img src="%2E%2E/secret/secret.png">\n\n<img src="..%2Fsecret%2Fsecret.png">\n'
    ),
    "img-symlink": Vector(
        '# Link\n\n![x](link.png)\n\n<img src="link.png">\n\n![y](assets/secret.png)\n',
        prepare=_symlinks,
    ),
    "link-attachment": Vector(
        '# Att\n\n<link rel="attachment" href="../secret/secret.txt">\n\n'
        '<link rel="attachment" href="/proc/self/environ">\n\nText.\n'
    ),
    "a-attachment": Vector(
        '# Att\n\n<a rel="attachment" href="../secret/secret.txt">x</a>\n\n'
        '<a rel="attachment" href="{secret}/secret.txt">y</a>\n\n'
        '<a rel="attachment" href="/proc/self/environ">z</a>\n\n'
        '<a href="file://{secret}/secret.txt">w</a>\n'
    ),
    "object": Vector('# Obj\n\n<object data="../secret/secret.png" type="image/png"></object>\n'),
    "embed": Vector('# Emb\n\n<embed src="../secret/secret.png" type="image/png">\n'),
    "iframe": Vector('# Ifr\n\n<iframe src="../secret/secret.txt"></iframe>\n'),
    "svg-image": Vector(
        '# Svg\n\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<image href="../secret/secret.png" width="10" height="10"/></svg>\n'
    ),
    "svg-file-image": Vector(
        "# Svg file\n\n![x](evil.svg)\n",
        prepare=_evil_svg,
        network=True,
        images=(".svg",),
    ),
    "svg-file-script": Vector(
        "# Svg script\n\n![x](active.svg)\n",
        prepare=_active_svg,
        images=(".svg",),
    ),
    "style-import": Vector(
        "# Css\n\n<style>@import url(../secret/x.css); "
        "body {{ background: url(../secret/secret.png) }}</style>\n\nText.\n"
    ),
    "style-attribute": Vector(
        '# Inline\n\n<div style="background: url(../secret/secret.png)">text</div>\n\n'
        '<table><tr><td style="text-align: left; background-image: '
        'url(../secret/secret.png)">cell</td></tr></table>\n'
    ),
    "base-href": Vector(
        '# Base\n\n<base href="file:///">\n\n<img src="{secret_rel}/secret.png">\n\n'
        '<a rel="attachment" href="{secret_rel}/secret.txt">x</a>\n'
    ),
    "html-head": Vector(
        "<html><head><title>Head</title>"
        '<base href="file:///">'
        '<link rel="attachment" href="../secret/secret.txt">'
        '<link rel="stylesheet" href="../secret/x.css">'
        "<style>@import url(../secret/x.css);</style>"
        "</head><body><p>Body.</p>"
        '<img src="../secret/secret.png"></body></html>',
        suffix="html",
    ),
    "other-image-tags": Vector(
        '# Misc\n\n<picture><source srcset="../secret/secret.png"></picture>\n\n'
        '<video poster="../secret/secret.png"></video>\n\n'
        '<input type="image" src="../secret/secret.png">\n\n'
        '<table background="../secret/secret.png"><tr><td>t</td></tr></table>\n'
    ),
    "dev-zero": Vector(
        '# Zero\n\n<img src="/dev/zero">\n\n![z](zero.png)\n\n![p](pipe.png)\n',
        prepare=_zero_link,
        isolated=True,
    ),
    "script": Vector(
        "# Hostile markup\n\n<script>document.write(1)</script>\n\n"
        '<p onclick="x()">click</p>\n\n<a href="javascript:alert(1)">js</a>\n\n'
        '<img src="x.png" onerror="alert(1)">\n\n<SCRIPT SRC="../secret/x.js"></SCRIPT>\n'
    ),
    "net-img-tag": Vector('# Net\n\n<img src="http://127.0.0.1:{port}/x.png">\n', network=True),
    "net-md-image": Vector("# Net\n\n![x](http://127.0.0.1:{port}/y.png)\n", network=True),
    "net-stylesheet": Vector(
        '# Net\n\n<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">\n\n'
        "<style>@import url(http://127.0.0.1:{port}/i.css);</style>\n\nText.\n",
        network=True,
    ),
    "net-attachment": Vector(
        '# Net\n\n<a rel="attachment" href="http://127.0.0.1:{port}/z">z</a>\n\n'
        '<link rel="attachment" href="http://127.0.0.1:{port}/l">\n',
        network=True,
    ),
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, epubcheck):
    root = tmp_path_factory.mktemp("security")
    secret_dir = root / "secret"
    secret_dir.mkdir()
    token = f"SECRET-{uuid.uuid4().hex}".encode()
    env_token = f"ENVSECRET-{uuid.uuid4().hex}".encode()
    (secret_dir / "secret.txt").write_bytes(token + b"\n")
    secret_png, secret_pixels = make_png()
    (secret_dir / "secret.png").write_bytes(secret_png)
    (secret_dir / "x.css").write_bytes(b'body::before { content: "' + token + b'" }\n')
    (secret_dir / "x.js").write_bytes(b"document.title = '" + token + b"';\n")
    ok_png, ok_pixels = make_png()
    server = CountingServer(secret_png)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.MonkeyPatch.context() as mp:
            for proxy in ("http_proxy", "https_proxy", "all_proxy"):
                mp.delenv(proxy, raising=False)
                mp.delenv(proxy.upper(), raising=False)
            mp.setenv("EXPORTER_TEST_SECRET", env_token.decode())
            # The counter works: a real request is seen, then forgotten.
            direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            port = server.server_address[1]
            assert direct.open(f"http://127.0.0.1:{port}/probe", timeout=10).read() == secret_png
            assert "GET /probe" in server.hits
            server.hits.clear()
            yield Lab(
                root, secret_dir, token, env_token, secret_png, secret_pixels,
                ok_png, ok_pixels, server, epubcheck,
            )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- the tests --------------------------------------------------------------------------------

CASES = [(name, fmt) for name in VECTORS for fmt in FORMATS]


@pytest.mark.parametrize(("name", "fmt"), CASES, ids=[f"{n}-{f}" for n, f in CASES])
def test_no_secret_reaches_the_output(lab: Lab, name: str, fmt: str) -> None:
    built = lab.build(name)
    assert built.returncode == 0, built.stderr
    found = [
        label
        for blob in blobs(built.outputs[fmt])
        for label, needle in lab.needles().items()
        if needle in blob
    ]
    assert not found, f"{name}: {fmt} holds {sorted(set(found))}"


@pytest.mark.parametrize("name", VECTORS)
def test_pdf_has_no_attachment_image_or_local_link(lab: Lab, name: str) -> None:
    reader = PdfReader(lab.build(name).outputs["pdf"])
    assert reader.attachments == {}
    keys = pdf_keys(reader)
    assert not keys & {"/EmbeddedFiles", "/EmbeddedFile", "/FileAttachment", "/EF"}, keys
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert pdf_images(reader) == []
    for uri in pdf_uris(reader):
        assert uri.startswith(("http://", "https://", "mailto:")), uri


@pytest.mark.parametrize("name", VECTORS)
def test_epub_holds_only_generated_names_and_no_image(lab: Lab, name: str) -> None:
    with zipfile.ZipFile(lab.build(name).outputs["epub"]) as z:
        names = z.namelist()
    assert not [n for n in names if "secret" in n or ".." in n or n.startswith("/")], names
    # The generated cover (set from the escaped title) is the one image no source supplies.
    images = [n for n in names if n.startswith("EPUB/images/") and n != "EPUB/images/cover.svg"]
    assert not [n for n in images if not n.endswith(VECTORS[name].images)], names


@pytest.mark.parametrize("name", [n for n, v in VECTORS.items() if v.network])
def test_no_network_request_is_made(lab: Lab, name: str) -> None:
    built = lab.build(name)
    assert built.connections == []
    # And nothing of what the server would have answered got in either.
    for fmt in FORMATS:
        for blob in blobs(built.outputs[fmt]):
            assert lab.secret_pixels[:24] not in blob
            assert lab.secret_png not in blob


def test_dev_zero_and_a_fifo_do_not_hang(lab: Lab) -> None:
    built = lab.build("dev-zero")
    assert built.returncode == 0, built.stderr
    assert built.seconds < HANG_SECONDS
    assert "zero.png" in built.stderr and "pipe.png" in built.stderr  # warned, not read


def test_scripts_and_event_handlers_are_dropped(lab: Lab) -> None:
    outputs = lab.build("script").outputs
    html = outputs["html"].read_bytes().lower()
    for word in (b"script", b"onclick", b"onerror", b"document.write", b"javascript:"):
        assert word not in html, word
    with zipfile.ZipFile(outputs["epub"]) as z:
        for member in z.namelist():
            if member.endswith((".xhtml", ".opf", ".ncx")):
                text = z.read(member).lower()
                for word in (b"script", b"onclick", b"onerror", b"document.write", b"javascript"):
                    assert word not in text, (member, word)
    reader = PdfReader(outputs["pdf"])
    assert not pdf_keys(reader) & {"/JS", "/JavaScript", "/OpenAction", "/AA", "/Launch"}
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "click" in text  # the paragraph stays, its handler goes
    assert "document.write" not in text and "alert" not in text


_CSS_URL = re.compile(r"url\(\s*['\"]?(?!#)|@import", re.IGNORECASE)


def svg_problems(svg: bytes) -> list[str]:
    """What in an SVG could run or load something: scripts, handlers, outside references."""
    problems = []
    for el in etree.fromstring(svg).iter():
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname
        if tag in {"script", "foreignObject"}:
            problems.append(f"<{tag}>")
        if tag == "style" and _CSS_URL.search(el.text or ""):
            problems.append(f"<style>{el.text}")
        for attr, value in el.attrib.items():
            local = etree.QName(attr).localname
            if (
                local.lower().startswith("on")
                or (local == "href" and not value.startswith(("#", "data:")))
                or _CSS_URL.search(value)
            ):
                problems.append(f"{local}={value!r}")
    return problems


SVG_VECTORS = [n for n, v in VECTORS.items() if ".svg" in v.images]


@pytest.mark.parametrize("name", SVG_VECTORS)
def test_svg_image_is_inert_and_self_contained(lab: Lab, epubcheck, name: str) -> None:
    built = lab.build(name)
    with zipfile.ZipFile(built.outputs["epub"]) as z:
        svgs = [z.read(n) for n in z.namelist() if n.endswith(".svg")]
    html = built.outputs["html"].read_bytes()
    data_urls = [
        base64.b64decode(part.split(b'"', 1)[0])
        for part in html.split(b"data:image/svg+xml;base64,")[1:]
    ]
    # Refusing such an SVG would be a fix too: then there is nothing to inspect.
    for svg in svgs + data_urls:
        assert str(lab.secret_dir).encode() not in svg
        assert svg_problems(svg) == [], (name, svg)
    epubcheck.assert_clean(built.outputs["epub"])


def test_image_inside_the_source_folder_is_embedded(lab: Lab, epubcheck) -> None:
    """The control: a legitimate image gets in, and the searches above would see it."""
    folder = lab.root / "src-control"
    folder.mkdir()
    (folder / "ok.png").write_bytes(lab.ok_png)
    source = folder / "article.md"
    control = f"CONTROL-{uuid.uuid4().hex}"
    source.write_text(f"# Control\n\n![A picture](ok.png)\n\n{control}\n", encoding="utf-8")
    pdf, epub, html = exporter.convert([source], FORMATS, lab.root / "out-control")
    epubcheck.queue(epub)

    reader = PdfReader(pdf)
    images = pdf_images(reader)
    assert len(images) == 1
    assert any(lab.ok_pixels[:24] in blob for blob in pdf_blobs(pdf))
    assert any(lab.ok_pixels in blob for blob in pdf_blobs(pdf))
    assert any(control.encode() in blob for blob in pdf_blobs(pdf))  # text is searched too

    with zipfile.ZipFile(epub) as z:
        pngs = [n for n in z.namelist() if n.startswith("EPUB/images/") and n.endswith(".png")]
        assert len(pngs) == 1
        assert z.read(pngs[0]) == lab.ok_png
        assert any(control.encode() in blob for blob in epub_blobs(epub))
    assert base64.b64encode(lab.ok_png) in html.read_bytes()
    assert control.encode() in html.read_bytes()
