"""``exporter build --watch``: a real process rebuilds its outputs on each save, until Ctrl-C."""

from __future__ import annotations

import io
import os
import re
import signal
import threading
import time

from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from exporter.cli import cli
from liveutil import interrupt, next_line, processes_with, start, wait_for

ARTICLE = "---\ntitle: Watched\n---\n\nThe {word} sentence.\n\n![figure](images/{image})\n"


def _png(colour: str, size: int) -> bytes:
    """Return a PNG that Pillow (and so WeasyPrint) loads."""
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, "PNG")
    return out.getvalue()


def _text(path):
    """Return the PDF's text, or '' while it is not there (or half-written)."""
    try:
        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    except (OSError, ValueError):
        return ""


def _rebuilt(lines: list[str]) -> set[str]:
    """Return the names the "rebuilt after a change to ..." lines give."""
    # A change seen late may join the next one's batch: "a change to a.png, watched.md".
    changed = [re.match(r"rebuilt after a change to (.+?) in ", line) for line in lines]
    return {name for found in changed if found for name in found.group(1).split(", ")}


def _collect(stream, lines: list[str]) -> threading.Thread:
    """Append each line of a process's pipe to ``lines`` as it comes, until the pipe ends."""

    def read() -> None:
        for line in stream:
            lines.append(line.decode().rstrip("\n"))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_watch_rebuilds_on_a_source_and_an_image_change(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(_png("red", 8))
    source = tmp_path / "watched.md"
    source.write_text(ARTICLE.format(word="first", image="a.png"))
    out = tmp_path / "out"
    process = start("build", str(source), "-f", "pdf", "-o", str(out), "--watch", cwd=tmp_path)
    try:
        pdf = out / "watched.pdf"
        lines = [next_line(process.stderr)]
        reader = _collect(process.stderr, lines)
        assert "first sentence" in _text(pdf)
        time.sleep(0.3)  # the watcher's folders are being registered
        source.write_text(ARTICLE.format(word="second", image="a.png"))
        wait_for(lambda: "second sentence" in _text(pdf), what="the rebuild")
        before = pdf.read_bytes()
        # Saved as an image editor saves: a whole new file put in place (a file caught half
        # written is a failed build, then a rebuild: see the test of that below).
        changed = tmp_path / "images" / "a.png.new"
        changed.write_bytes(_png("blue", 16))
        changed.replace(tmp_path / "images" / "a.png")
        wait_for(lambda: pdf.read_bytes() != before, what="the rebuild after the image")
        # Its line comes just after the PDF: a Ctrl-C in between would cut it off.
        wait_for(lambda: "a.png" in _rebuilt(lines), timeout=5, what="the image's line")
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
        code = process.wait(timeout=15)
        reader.join(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == 0, lines
    assert lines[0].startswith("built in ") and lines[0].endswith("watched.pdf")
    assert {"watched.md", "a.png"} <= _rebuilt(lines), lines
    # Both images load: no "error: weasyprint: Failed to load image" line.
    assert not [line for line in lines if line.startswith("error")], lines
    assert lines[-1] == "stopped"
    assert not processes_with(str(source))


def test_a_broken_rebuild_is_one_line_and_the_watch_goes_on(tmp_path):
    source = tmp_path / "doc.md"
    source.write_text("---\ntitle: [broken\n---\n\nText.\n")
    process = start(
        "build", str(source), "-f", "html", "-o", str(tmp_path), "--watch", cwd=tmp_path
    )
    try:
        html = tmp_path / "doc.html"
        first = next_line(process.stderr)
        time.sleep(0.3)
        source.write_text("---\ntitle: Fixed\n---\n\nFixed text.\n")
        wait_for(lambda: html.exists() and "Fixed text" in html.read_text(), what="the fixed build")
        code, err = interrupt(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == 0
    assert first.startswith("error: ") and "doc.md" in first
    assert "Traceback" not in err


def test_watch_refuses_stdout_and_stdin():
    runner = CliRunner()
    result = runner.invoke(cli, ["build", "-", "--from", "md", "-f", "html", "--watch"], input="x")
    assert result.exit_code == 2
    assert "--watch" in result.output


def test_watch_refuses_check(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("Text.\n")
    result = CliRunner().invoke(cli, ["build", str(source), "--check", "--watch"])
    assert result.exit_code == 2 and "exporter check" in result.output


def _watch_silently(monkeypatch, source, build_once):
    """Run ``build --watch`` on ``source`` with ``build_once`` and a watcher that reports
    nothing (only what a build tells can start another); the CliRunner result."""
    import _thread

    from exporter.live import rebuild, watcher

    def silent_watch(inputs, on_change, stop):
        if not stop.wait(10):
            _thread.interrupt_main()

    monkeypatch.setattr(rebuild, "build_once", build_once)
    monkeypatch.setattr(watcher, "watch", silent_watch)
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    assert threading.current_thread() is threading.main_thread()
    out = str(source.parent / "out")
    return CliRunner().invoke(cli, ["build", str(source), "-f", "html", "-o", out, "--watch"])


def test_a_save_during_a_failed_build_is_built_again_without_an_event(tmp_path, monkeypatch):
    """A save caught half written fails the build; if the watcher's event for the rest of
    the save was folded into the one that started the build, the changed stamp rebuilds."""
    from exporter.errors import SourceError

    source = tmp_path / "doc.md"
    source.write_text("Half")
    calls: list[str] = []

    def build_once(sources, settings, output_dir):
        calls.append(source.read_text())
        if len(calls) == 1:  # the rest of the save lands while the build reads
            source.write_text("Half, then the whole save.")
            raise SourceError(f"{source}: cannot read a half-written file")
        raise KeyboardInterrupt  # the second build: the watch is stopped, as by Ctrl-C

    result = _watch_silently(monkeypatch, source, build_once)
    assert result.exit_code == 0, result.output
    assert calls == ["Half", "Half, then the whole save."]
    assert "cannot read a half-written file" in result.stderr
    assert result.stderr.rstrip().endswith("stopped")


def test_a_file_the_first_build_found_and_saved_meanwhile_is_built_again(tmp_path, monkeypatch):
    """The watcher knew only the source as the first build began; the build found an
    included file and read it before the author's save landed. No event can tell of it (the
    file was not watched yet): its time, after the build's start, does."""
    from exporter.live.rebuild import Written

    source, included = tmp_path / "doc.md", tmp_path / "part.md"
    source.write_text("{{#include part.md}}")
    included.write_text("drafted")
    calls: list[str] = []

    def build_once(sources, settings, output_dir):
        calls.append(included.read_text())
        if len(calls) == 1:
            included.write_text("revised")  # saved while the build runs, after it was read
            return Written((tmp_path / "out" / "doc.html",), (source, included), ())
        raise KeyboardInterrupt

    result = _watch_silently(monkeypatch, source, build_once)
    assert result.exit_code == 0, result.output
    assert calls == ["drafted", "revised"]  # the second build was of the saved file
