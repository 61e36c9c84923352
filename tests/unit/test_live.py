"""The live preview's parts in-process: what is watched, the Host check, the warm worker."""

from __future__ import annotations

import io
import os
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from exporter.guard.policy import Policy
from exporter.live.pages import PageImages
from exporter.live.server import host_names
from exporter.live.watcher import Watched, inputs_of
from exporter.live.worker import Worker
from exporter.settings import Settings
from exporter.themes import load_theme


def test_only_the_watched_files_and_folders_matter(tmp_path):
    (tmp_path / "theme").mkdir()
    source = tmp_path / "a.md"
    watched = Watched.of([source], [tmp_path / "theme"])
    assert watched.matters(source)
    assert watched.matters(tmp_path / "theme" / "base.css")
    assert not watched.matters(tmp_path / "a.pdf")
    assert not watched.matters(tmp_path / "other.md")
    assert watched.roots() == sorted({tmp_path.resolve(), (tmp_path / "theme").resolve()})


def test_a_book_watches_its_manifest_config_and_theme(tmp_path):
    (tmp_path / "book.toml").write_text('[book]\ntitle = "B"\n')
    image = tmp_path / "img" / "x.png"
    watched = inputs_of([str(tmp_path)], [image], "classic")
    assert (tmp_path / "book.toml").resolve() in watched.files
    assert (tmp_path.parent / "exporter.toml").resolve() in watched.files  # beside the folder
    assert image.resolve() in watched.files
    assert load_theme("classic").path.resolve() in watched.folders


def test_an_unknown_theme_still_watches_the_sources(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("x")
    watched = inputs_of([str(source)], [], "no-such-theme")
    assert watched.folders == frozenset() and source.resolve() in watched.files


def test_the_host_check_knows_loopback_names_and_the_chosen_host():
    names = host_names("127.0.0.1", 8123)
    assert {"127.0.0.1:8123", "localhost:8123", "[::1]:8123"} <= names
    assert "evil.example:8123" not in names and "127.0.0.1:80" not in names
    assert "[fe80::1]:9" in host_names("fe80::1", 9)
    assert "192.168.1.5:9" in host_names("192.168.1.5", 9)


@pytest.fixture(scope="module")
def worked(tmp_path_factory):
    """A worker's build, its PDF pages, then a broken source: the snapshots of each."""
    folder = tmp_path_factory.mktemp("worker")
    source = folder / "w.md"
    source.write_text("---\ntitle: Worker\n---\n\nGood words.\n")
    seen = []
    settings = Settings(policy=Policy(isolate=False))
    worker = Worker([str(source)], lambda: settings, seen.append)
    good = worker.rebuild()
    source.write_text("---\ntitle: [broken\n---\n\nBad words.\n")
    bad = worker.rebuild()
    return worker, good, bad, seen


def test_the_worker_makes_html_then_pdf(worked):
    _, good, _, seen = worked
    assert good.error == "" and good.busy == ""
    assert b"Good words." in good.html and good.pdf.startswith(b"%PDF")
    stages = [s.busy for s in seen[:3]]
    assert stages == ["html", "pdf", ""]  # the HTML is shown before layout starts
    assert seen[1].html is not None and seen[1].pdf is None
    assert set(good.timings) == {"html", "pdf"}


def test_a_broken_source_keeps_the_last_good_rendering(worked):
    _, good, bad, _ = worked
    assert "w.md" in bad.error and "front matter" in bad.error
    assert bad.html == good.html and bad.pdf == good.pdf
    assert bad.version > good.version


def test_waiters_wake_on_a_newer_snapshot(worked):
    worker, _, bad, _ = worked
    assert worker.wait_newer(bad.version, 0.05).version == bad.version  # nothing newer
    threading.Timer(0.05, lambda: worker._update(error="later")).start()
    assert worker.wait_newer(bad.version, 5).error == "later"


def test_pages_are_rendered_on_demand(worked):
    _, good, _, _ = worked
    images = PageImages()
    assert len(good.pages) == 1 and good.pages[0].index == 0
    png = images.png(good.pages[0])
    assert Image.open(io.BytesIO(png)).size[0] > 500
    assert images.png(good.pages[0]) is png  # cached by the page's tag
    assert "Good words." in images.text(good.pages[0])


def test_the_preview_lays_a_books_pdf_out_chapter_by_chapter_from_its_own_cache(monkeypatch):
    from exporter.live import worker as live_worker
    from exporter.settings import Settings

    seen = []
    monkeypatch.setattr(live_worker, "produce", lambda sources, settings: seen.append(settings))
    work = live_worker.Worker(["book"], Settings)
    work._produce(Settings())
    (both,) = seen
    assert both.incremental and Path(both.cache_dir).is_dir()
    assert both.formats == ("html", "pdf")  # one build: the sources are read once


def test_a_build_failed_while_a_watched_file_changed_is_run_again(tmp_path):
    """A save caught half written fails the build; the worker builds again once it is whole,
    though the watcher's event for it came before the build had read the file."""
    from exporter.live import worker as live_worker

    source = tmp_path / "w.md"
    source.write_text("Half")
    worker = Worker([str(source)], Settings)
    worker.watched = lambda: [source]
    stop = threading.Event()
    read = []

    def rebuild():
        read.append(source.read_text())
        if len(read) == 1:  # the rest of the save lands while the build reads
            source.write_text("Half, then the whole save.")
            return live_worker.Snapshot(error=f"{source}: not valid (caught half written)")
        stop.set()
        return live_worker.Snapshot()

    worker.rebuild = rebuild
    _serve(worker, stop)
    assert read == ["Half", "Half, then the whole save."]


def _serve(worker, stop: threading.Event) -> None:
    """Run the worker's loop until its rebuild sets ``stop`` (at most 5 s)."""
    thread = threading.Thread(target=worker.serve, args=(stop,))
    thread.start()
    stop.wait(5)
    stop.set()
    thread.join()


def _watching(inputs, probe: Path):
    """Start ``watch`` on ``inputs``; return once it reports a save of ``probe`` (it is live)."""
    from exporter.live.watcher import watch

    seen: list[list[Path]] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(inputs, seen.append, stop))
    thread.start()
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        probe.write_text("probe")
        time.sleep(0.05)
    assert seen, "the watcher never started"
    seen.clear()
    return seen, stop, thread


def _wait_seen(seen: list[list[Path]], path: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(path.resolve() in batch for batch in seen):
            return True
        time.sleep(0.02)
    return False


def test_a_save_of_an_input_found_after_watching_started_is_seen_at_once(tmp_path):
    """The first build of a book finds its chapters once the watcher is on the manifest's
    folder; a chapter saved at once, before the watcher's next look (RECHECK_MS), counts."""
    from exporter.live.watcher import RECHECK_MS, Inputs

    manifest, chapter = tmp_path / "book.toml", tmp_path / "two.md"
    manifest.write_text("")
    chapter.write_text("drafted")
    inputs = Inputs(Watched.of([manifest]))
    seen, stop, thread = _watching(inputs, manifest)
    try:
        inputs.set(Watched.of([manifest, chapter]))  # what the first build read
        chapter.write_text("revised")  # one save, at once: no second chance
        found = _wait_seen(seen, chapter, timeout=4 * RECHECK_MS / 1000)
    finally:
        stop.set()
        thread.join()
    assert found, seen


def test_an_input_in_a_folder_not_watched_yet_is_watched_soon(tmp_path):
    from exporter.live.watcher import Inputs

    (tmp_path / "src").mkdir()
    manifest, chapter = tmp_path / "book.toml", tmp_path / "src" / "one.md"
    manifest.write_text("")
    chapter.write_text("drafted")
    inputs = Inputs(Watched.of([manifest]))
    seen, stop, thread = _watching(inputs, manifest)
    try:
        inputs.set(Watched.of([manifest, chapter]))
        found = False
        for _ in range(40):  # saved until seen: the folder is being registered
            chapter.write_text("revised")
            if found := _wait_seen(seen, chapter, timeout=0.1):
                break
    finally:
        stop.set()
        thread.join()
    assert found, seen


def test_a_build_knows_which_saves_the_watcher_could_not_report(tmp_path):
    """An input a build found that was not watched as it started, saved since: missed. An
    input watched already: the watcher reports it. A save before the build: it was read."""
    from exporter.live.watcher import Before

    watched, early, late = tmp_path / "book.toml", tmp_path / "one.md", tmp_path / "two.md"
    for path in (watched, early, late):
        path.write_text("drafted")
    old = time.time_ns() - 10**9  # a second before the build
    os.utime(early, ns=(old, old))
    before = Before.now([watched])
    watched.write_text("revised")
    late.write_text("revised")
    assert before.missed([watched, early, late]) == [late]
    assert before.missed(None) == [watched]  # a failed build: the watched files that moved


def test_the_worker_builds_again_when_a_chapter_it_found_was_saved_meanwhile(tmp_path):
    """The first build finds a chapter the watcher did not know of, and reads it before the
    author's save lands: no event can tell, so the worker builds again."""
    from exporter.live import worker as live_worker

    manifest, chapter = tmp_path / "book.toml", tmp_path / "two.md"
    manifest.write_text("")
    chapter.write_text("drafted")
    known = [manifest]
    worker = Worker([str(tmp_path)], Settings)
    worker.watched = lambda: list(known)
    stop = threading.Event()
    read = []

    def rebuild():
        read.append(chapter.read_text())
        if len(read) == 1:
            chapter.write_text("revised")  # saved while the build runs, after it was read
            known.append(chapter)  # the build ends: its inputs are watched from now on
            return live_worker.Snapshot(inputs=(manifest, chapter))
        stop.set()
        return live_worker.Snapshot(inputs=(manifest, chapter))

    worker.rebuild = rebuild
    _serve(worker, stop)
    assert read == ["drafted", "revised"]
