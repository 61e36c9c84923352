"""``exporter preview``: a real server process, its routes, its safety, live rebuilds, Ctrl-C."""

from __future__ import annotations

import io
import socket
import time

import pytest
from click.testing import CliRunner
from PIL import Image

from exporter.cli import cli
from liveutil import first_line, get, interrupt, processes_with, start, state, wait_for

ARTICLE = "---\ntitle: Live Notes\n---\n\nThe {word} paragraph of the article.\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One preview process on an article, shared by the module's tests (in order)."""
    folder = tmp_path_factory.mktemp("preview-article")
    source = folder / "notes.md"
    source.write_text(ARTICLE.format(word="original"))
    process = start("preview", str(source), "--port", "0", cwd=folder)
    try:
        url = first_line(process)
        yield process, url, source
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_first_line_is_the_loopback_url(served):
    _, url, _ = served
    assert url.startswith("http://127.0.0.1:") and url.endswith("/")
    assert int(url.rsplit(":", 1)[1].rstrip("/")) > 0


def test_the_root_page_shows_the_html_rendering(served):
    _, url, _ = served
    status, body = get(url, "/")
    assert status == 200
    assert b'<iframe id="html" src="/render.html"' in body
    wait_for(lambda: b"The original paragraph" in get(url, "/render.html")[1], what="html")
    status, rendering = get(url, "/render.html")
    assert status == 200 and b"<h1" in rendering and b"Live Notes" in rendering


def test_the_pdf_pages_are_served_as_images(served):
    _, url, _ = served
    ready = wait_for(lambda: state(url)["pages"], what="the PDF pages")
    assert ready == 1
    status, png = get(url, "/pages/1.png")
    assert status == 200 and png.startswith(b"\x89PNG")
    width, height = Image.open(io.BytesIO(png)).size
    assert abs(height / width - 841.89 / 595.28) < 0.01  # an A4 page
    assert get(url, "/pages/2.png")[0] == 404
    status, text = get(url, "/pages/1.txt")  # what the page says, for scripts
    assert status == 200 and b"Live Notes" in text
    assert get(url, "/pages/2.txt")[0] == 404


def test_a_foreign_host_header_is_refused(served):
    _, url, _ = served
    status, body = get(url, "/render.html", host="evil.example")
    assert status == 403 and b"paragraph" not in body
    port = url.rsplit(":", 1)[1].rstrip("/")
    assert get(url, "/", host=f"evil.example:{port}")[0] == 403
    assert get(url, "/", host=f"localhost:{port}")[0] == 200


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/assets/..%2f..%2f..%2fetc%2fpasswd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/notes.md",
        "/pages/../../../etc/passwd",
        "/pages/0.png",
        "//etc/passwd",
    ],
)
def test_no_path_reaches_the_file_system(served, path):
    _, url, _ = served
    status, body = get(url, path)
    assert status == 404
    assert b"root:" not in body and b"original paragraph" not in body


def test_an_edit_shows_the_new_text(served):
    _, url, source = served
    wait_for(lambda: not state(url)["busy"], what="the first build")
    before = state(url)["pdf_version"]
    source.write_text(ARTICLE.format(word="rewritten"))
    wait_for(lambda: b"The rewritten paragraph" in get(url, "/render.html")[1], what="new text")
    wait_for(lambda: state(url)["pdf_version"] > before, what="new PDF pages")


def test_a_broken_source_shows_the_error_and_keeps_the_last_good_text(served):
    _, url, source = served
    wait_for(lambda: b"rewritten" in get(url, "/render.html")[1], what="the previous edit")
    source.write_text("---\ntitle: [unclosed\n---\n\nBroken text.\n")
    error = wait_for(lambda: state(url)["error"], what="the error")
    assert "notes.md" in error
    body = get(url, "/render.html")[1]
    assert b"The rewritten paragraph" in body and b"Broken text" not in body
    source.write_text(ARTICLE.format(word="repaired"))
    wait_for(lambda: b"The repaired paragraph" in get(url, "/render.html")[1], what="repair")
    assert state(url)["error"] == ""


def test_a_warning_is_shown_with_its_file_and_line(served):
    _, url, source = served
    source.write_text(ARTICLE.format(word="pictured") + "\n![a chart](missing.png)\n")
    warnings = wait_for(lambda: state(url)["warnings"], what="the warning")
    assert any("notes.md" in w and "missing.png" in w for w in warnings)


def test_ctrl_c_stops_it_with_no_process_left_behind(served):
    process, _url, source = served
    marker = str(source)
    source.write_text(ARTICLE.format(word="interrupted"))  # a rebuild runs as it stops
    time.sleep(0.3)
    code, err = interrupt(process)
    assert code == 0, err
    assert "Traceback" not in err and "stopped" in err
    wait_for(lambda: not processes_with(marker), timeout=5, what="the children to end")


def test_a_taken_port_is_a_usage_error(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("Text.\n")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["preview", str(source), "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output
