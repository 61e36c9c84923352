"""``exporter preview``: its address when another is asked for, its first line before the
first build ends, and its rebuilds under the same limits as ``build`` (issue 16)."""

from __future__ import annotations

from liveutil import first_line, get, interrupt, next_line, start, state, wait_for

# Long enough that laying its PDF out takes seconds: the first build is still running when
# the server has printed its address, and a one-second limit stops it.
LONG = "---\ntitle: Long Notes\n---\n\n" + "".join(
    f"## Part {i}\n\n" + "A paragraph of the long article, set and justified again. " * 12 + "\n\n"
    for i in range(400)
)


def test_another_address_is_served_only_with_a_warning(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("---\ntitle: Open\n---\n\nText.\n")
    process = start("preview", str(source), "--port", "0", "--host", "0.0.0.0", cwd=tmp_path)
    try:
        url = first_line(process)
        assert url.startswith("http://") and "127.0.0.1" not in url
        warning = next_line(process.stderr)
        assert warning.startswith("warning: listening on 0.0.0.0") and "127.0.0.1" in warning
        port = url.rsplit(":", 1)[1].rstrip("/")
        # Reachable on the loopback too, under its own Host header.
        assert get(f"http://127.0.0.1:{port}/", "/", host=url.split("/")[2])[0] == 200
    finally:
        code, err = interrupt(process)
    assert code == 0 and "Traceback" not in err


def test_the_address_comes_before_the_first_build_ends(tmp_path):
    source = tmp_path / "long.md"
    source.write_text(LONG)
    process = start("preview", str(source), "--port", "0", cwd=tmp_path)
    try:
        url = first_line(process)
        first = state(url)
        assert first["pdf_version"] == 0 and first["pages"] == 0  # no PDF laid out yet
        wait_for(lambda: state(url)["pages"] > 3, timeout=120, what="the PDF pages")
    finally:
        interrupt(process)


def test_a_rebuild_runs_under_the_builds_limits(tmp_path):
    source = tmp_path / "long.md"
    source.write_text(LONG)
    process = start("preview", str(source), "--port", "0", "--timeout", "1", cwd=tmp_path)
    try:
        url = first_line(process)
        error = wait_for(lambda: state(url)["error"], timeout=60, what="the limit's error")
        assert "longer than the limit of 1 s" in error and "--timeout" in error
        assert state(url)["busy"] == ""
        assert get(url, "/")[0] == 200  # still serving
    finally:
        code, err = interrupt(process)
    assert code == 0 and "Traceback" not in err


def test_ctrl_c_right_after_the_first_line_stops_it_cleanly(tmp_path):
    """The server was still starting: a KeyboardInterrupt there ended in 'Aborted!', exit 1."""
    source = tmp_path / "a.md"
    source.write_text("---\ntitle: Quick\n---\n\nText.\n")
    for _ in range(3):
        process = start("preview", str(source), "--port", "0", cwd=tmp_path)
        first_line(process)
        code, err = interrupt(process)
        assert (code, err.strip().splitlines()[-1:]) == (0, ["stopped"]), err
