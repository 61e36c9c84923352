"""Reading a big book on two cores: the same bytes, warnings and errors as reading it in
order, a helper that never outlives its parent, and batch jobs that keep to one process."""

from __future__ import annotations

import logging
import os
import re
import select
import signal
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from exporter import batch, reading
from exporter.api import produce
from exporter.cli import cli
from exporter.errors import LimitError, SourceError
from exporter.formats import RawChapter
from exporter.guard import forks, isolate
from exporter.guard.policy import Policy, using
from exporter.model import Metadata
from exporter.reading import Source, read, readahead

CHAPTERS = 6
WORDS = ["the", "council", "said", "troops", "would", "support", "a", "government", "there"]

# The split for six chapters of the same size: this process reads 1-3, the helper 4-6.
MINE = 3


def chapter(number: int, *, front: str = "", body: str = "") -> str:
    """About 20 KB of Markdown: sections, paragraphs with a note, a list."""
    parts = [f"---\n{front}---\n" if front else "", f"# Chapter {number}\n"]
    for section in range(1, 7):
        parts.append(f"## Section {number}.{section}\n")
        for p in range(8):
            words = [WORDS[(number + section * 7 + p * 3 + i) % len(WORDS)] for i in range(60)]
            parts.append(" ".join(words).capitalize() + f" *stress* and `code`.[^{section}-{p}]\n")
            parts.append(f"[^{section}-{p}]: A note on {number}.{section}.{p}.\n")
        parts.append("- one\n- two\n")
    return "\n".join(parts) + body


# A book of several files needs a title of its own (else a warning says so).
TITLED = Metadata(title="Book")


def write_book(
    folder: Path, front: dict[int, str] | None = None, body: dict[int, str] | None = None
) -> list[Path]:
    """Write the chapters; ``front`` and ``body`` map chapter numbers to text to add."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(1, CHAPTERS + 1):
        path = folder / f"ch{n}.md"
        text = chapter(n, front=(front or {}).get(n, ""), body=(body or {}).get(n, ""))
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def sizes(paths: list[Path]) -> list[int]:
    return [p.stat().st_size for p in paths]


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def warnings():
    handler = Records()
    logger = logging.getLogger("exporter")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


# --- when a helper reads --------------------------------------------------------------------


@pytest.fixture
def one_thread(monkeypatch):
    """As in a build's forked child; other tests may leave threads in this worker."""
    monkeypatch.setattr(readahead, "_one_thread", lambda: True)


def test_the_test_book_is_big_enough_and_splits_in_the_middle(tmp_path, one_thread):
    paths = write_book(tmp_path)
    assert sum(sizes(paths)) >= readahead.MIN_BYTES
    assert readahead.split_point(sizes(paths), Policy()) == MINE


@pytest.mark.parametrize(
    ("sizes_", "policy", "cores", "expected"),
    [
        ([40_000] * 4, Policy(), 2, 2),  # 0.4 of the bytes is reached in the second source
        ([40_000] * 3, Policy(), 2, 3),  # too few sources
        ([20_000] * 4, Policy(), 2, 4),  # too little to read
        ([40_000] * 4, Policy(), 1, 4),  # no second core
        ([40_000] * 4, Policy(read_processes=1), 2, 4),
        ([10, 10], Policy(read_processes=2), 1, 1),  # forced: a helper for two sources
        ([10], Policy(read_processes=2), 2, 1),
        ([200_000, 10, 10, 10], Policy(), 2, 1),  # the helper always has a source
        ([10, 10, 10, 200_000], Policy(), 2, 3),
    ],
)
def test_split_point(monkeypatch, one_thread, sizes_, policy, cores, expected):
    monkeypatch.setattr(readahead, "_cores", lambda: cores)
    assert readahead.split_point(sizes_, policy) == expected


@pytest.mark.parametrize(
    ("threads", "expected"),
    [(("MainThread", forks.WATCHDOG), 2), (("MainThread", "a server's"), 4)],
)
def test_a_threaded_process_reads_alone(monkeypatch, threads, expected):
    monkeypatch.setattr(readahead, "_cores", lambda: 2)
    running = [SimpleNamespace(name=name) for name in threads]
    monkeypatch.setattr(readahead.threading, "enumerate", lambda: running)
    assert readahead.split_point([40_000] * 4, Policy()) == expected  # a watchdog is ours


# --- the same result ------------------------------------------------------------------------


def test_a_book_read_on_two_cores_gives_the_same_bytes(tmp_path, warnings, epubcheck):
    if readahead._cores() < 2:
        pytest.skip("needs two usable cores")
    # A control character makes decoding warn in the helper's half (chapter 5) and here (2).
    paths = write_book(tmp_path, body={2: "Bell\x07.\n", 5: "Bell\x07.\n"})
    made = {}
    for processes in (0, 1):
        warnings.clear()
        made[processes] = produce(
            paths, ["epub"], policy=Policy(read_processes=processes), metadata=TITLED
        )
        pids = {r.getMessage().split(":")[0]: r.process for r in warnings}
        assert list(pids) == [str(paths[1]), str(paths[4])]
        # Records keep the pid of the process that logged them: the helper's is another.
        assert (pids[str(paths[1])] != pids[str(paths[4])]) is (processes == 0)
    assert made[0].outputs["epub"] == made[1].outputs["epub"]
    assert made[0].warnings == made[1].warnings
    out = tmp_path / "book.epub"
    out.write_bytes(made[0].outputs["epub"])
    epubcheck.queue(out)


def test_the_document_is_the_same_as_read_in_order(tmp_path):
    paths = write_book(tmp_path)
    docs = []
    for processes in (2, 1):
        with using(Policy(read_processes=processes)):
            docs.append(read(paths))
    assert docs[0] == docs[1]  # chapters, ids, headings, notes, metadata: what PDF uses too


def test_warnings_come_in_source_order(tmp_path, warnings):
    # Decoding (the reader step) and cleaning (missing images) warn, in both halves.
    body = {n: "Bell\x07.\n\n![x](missing.png)\n" for n in (1, 2, 4, 5, 6)}
    paths = write_book(tmp_path, body=body)
    logged = []
    for processes in (2, 1):
        warnings.clear()
        with using(Policy(read_processes=processes)):
            read(paths, metadata=TITLED)
        logged.append([r.getMessage() for r in warnings])
    names = [m.split(":")[0] for m in logged[0]]
    expected = [str(paths[n - 1]) for n in (1, 1, 2, 2, 4, 4, 5, 5, 6, 6)]
    assert names == expected
    assert "control character" in logged[0][8] and "missing.png" in logged[0][9]
    assert logged[0] == logged[1]


def test_html_sanitized_by_the_helper_warns_here_in_its_place(tmp_path, warnings):
    # The reading sanitizes (in the helper for 4-6); the cleaning stage still warns, in order.
    body = {n: '<span onclick="x()">Tap</span>\n\n![x](missing.png)\n' for n in (2, 5)}
    paths = write_book(tmp_path, body=body)
    logged, docs = [], []
    for processes in (2, 1):
        warnings.clear()
        with using(Policy(read_processes=processes)):
            docs.append(read(paths, metadata=TITLED))
        logged.append([r.getMessage() for r in warnings])
    assert logged[0] == logged[1]
    assert [m.split(": ", 1) for m in logged[0]] == [
        [str(paths[n - 1]), message]
        for n in (2, 5)
        for message in ("removed unsafe or unsupported HTML: event handlers (on...)",
                        "image 'missing.png' was not found; check the path (it is "
                        "relative to the source file)")
    ]  # fmt: skip
    assert docs[0] == docs[1]
    assert "onclick" not in docs[0].chapters[4].html and "Tap" in docs[0].chapters[4].html
    # What comes back from a read (the helper's, pickled) is sanitized already.
    safe = reading._read_raw(Source.from_path(paths[4]), None)[3]
    assert safe.removed == ("event handlers (on...)",)
    assert "onclick" not in safe.html and "Tap" in safe.html


def test_strict_fails_on_a_warning_from_the_helper(tmp_path, monkeypatch):
    if readahead._cores() < 2:
        pytest.skip("needs two usable cores")
    paths = write_book(tmp_path, body={5: "Bell\x07.\n"})
    read_raw = reading._read_raw

    def marked(source, encoding, book=None):  # forked children inherit this: it shows who read what
        logging.getLogger("exporter").info("%s read by %d", source.name, os.getpid())
        return read_raw(source, encoding, book)

    monkeypatch.setattr(reading, "_read_raw", marked)
    args = ["build", *map(str, paths), "-f", "epub", "-o", str(tmp_path / "out"), "--strict", "-v",
            "--title", "Book"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 5, result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith("error: strict mode: 1 warning(s)")
    assert f"{paths[4]}: removed 1 control character(s)" in last
    read_by = dict(re.findall(r"(\S+) read by (\d+)", result.stderr))
    assert read_by[str(paths[0])] != read_by[str(paths[4])]
    assert not (tmp_path / "out").exists()


# --- errors ---------------------------------------------------------------------------------

BAD_YAML = "title: [unclosed\n"


@pytest.mark.parametrize("bad", [(2, 6), (5, 6), (5,), (6,)])
def test_the_earliest_failing_source_wins(tmp_path, bad):
    paths = write_book(tmp_path, front=dict.fromkeys(bad, BAD_YAML))
    errors = []
    for processes in (2, 1):
        with pytest.raises(SourceError) as caught:
            produce(paths, ["epub"], policy=Policy(read_processes=processes))
        errors.append(caught.value)
    assert type(errors[0]) is type(errors[1]) is SourceError
    assert str(errors[0]) == str(errors[1])
    assert str(errors[0]).startswith(f"{paths[bad[0] - 1]}: front matter is not valid YAML")


def test_an_error_here_stops_the_helper(tmp_path, monkeypatch):
    paths = write_book(tmp_path, front={2: BAD_YAML})
    started = []
    start = isolate.start

    def spy(work, policy):
        pending = start(work, policy)
        started.append(pending)
        return pending

    monkeypatch.setattr(isolate, "start", spy)
    with using(Policy(read_processes=2)), pytest.raises(SourceError, match=r"ch2\.md"):
        read(paths)
    (helper,) = started
    with pytest.raises(ChildProcessError):
        os.waitpid(helper.pid, os.WNOHANG)  # killed and reaped, not left running


# --- the helper dies with its parent --------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie is dead, waiting for init to reap it


def assert_dead(pids: list[int], within: float = 10) -> None:
    """Wait for the processes to end (an exit takes a moment); kill any left and fail."""
    deadline = time.monotonic() + within
    while any(map(_alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.02)
    survivors = [pid for pid in pids if _alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert not survivors, "outlived its parent"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("death_signal", [True, False], ids=["prctl", "watchdog"])
def test_the_helper_does_not_outlive_its_parent(monkeypatch, death_signal):
    if not death_signal:  # the fallback for systems without PR_SET_PDEATHSIG
        monkeypatch.setattr(forks, "_parent_death_signal", lambda: False)
    report, told = os.pipe()

    def slow(text):  # the helper tells its pid, then never finishes; so does the parent
        if "Source 0" in getattr(text, "text", text):  # read before the helper starts
            return RawChapter("<p>first</p>", Metadata())
        os.write(told, f"{os.getpid()}\n".encode())
        time.sleep(60)
        return "", None

    monkeypatch.setattr(reading, "reader_function", lambda kind: slow)
    sources = [Source(f"s{n}.md", f"# Source {n}\n".encode(), "md") for n in range(4)]
    parent = os.fork()
    if parent == 0:  # the parent of the helper
        try:
            with using(Policy(read_processes=2)):
                read(sources)
        finally:
            os._exit(0)
    os.close(told)
    heard = b""
    while heard.count(b"\n") < 2 and select.select([report], [], [], 10)[0]:
        chunk = os.read(report, 100)  # the parent's pid and the helper's
        if not chunk:
            break
        heard += chunk
    os.close(report)
    os.kill(parent, signal.SIGKILL)
    os.waitpid(parent, 0)
    (helper,) = {int(pid) for pid in heard.split()} - {parent}
    assert_dead([helper])


def test_a_build_stopped_at_its_time_limit_leaves_no_helper(monkeypatch):
    report, told = os.pipe()

    def slow(text):  # the build's child and its helper tell their pids, then hang
        if "Source 0" in getattr(text, "text", text):  # read before the helper starts
            return RawChapter("<p>first</p>", Metadata())
        os.write(told, f"{os.getpid()}\n".encode())
        time.sleep(60)
        return "", None

    monkeypatch.setattr(reading, "reader_function", lambda kind: slow)
    sources = [Source(f"s{n}.md", f"# Source {n}\n".encode(), "md") for n in range(4)]
    policy = Policy(timeout=1, read_processes=2)
    with pytest.raises(LimitError, match="longer than the limit"):
        produce(sources, ["epub"], policy=policy, warm_up=False)
    os.close(told)
    heard, deadline = b"", time.monotonic() + 10
    while select.select([report], [], [], max(0, deadline - time.monotonic()))[0]:
        chunk = os.read(report, 100)
        if not chunk:  # end of file: the child and its helper are gone
            break
        heard += chunk
    os.close(report)
    pids = [int(pid) for pid in heard.split()]
    assert len(pids) == 2
    assert_dead(pids)


# --- work done while waiting for the helper --------------------------------------------------


def _read_slowly_in_the_helper(item: int) -> int:
    if item >= 2 and SLOW_HELPER[0]:  # the helper's half (a forked copy sees the flag)
        time.sleep(0.3)
    return item * 10


SLOW_HELPER = [True]


@pytest.mark.parametrize(
    ("split", "helper_late", "expected"),
    [(2, True, [0, 10, "work", 20, 30]),  # a wait: the work is done in it
     (2, False, [0, 10, 20, 30]),  # the helper answered already: nothing is done
     (4, True, [0, 10, 20, 30])],  # no helper, no wait
)  # fmt: skip
def test_work_is_done_meanwhile_only_when_this_process_waits(split, helper_late, expected):
    SLOW_HELPER[0] = helper_late
    done: list[object] = []
    work = readahead.meanwhile(lambda: done.append("work"))
    items = readahead.mapped(_read_slowly_in_the_helper, [0, 1, 2, 3], split)
    with using(Policy(read_processes=2)), work, items as reads:
        for value in reads:
            if not helper_late and value == 10:
                time.sleep(0.5)  # the helper's answer is in the pipe by now
            done.append(value)
    assert done == expected


def test_work_that_fails_meanwhile_does_not_fail_the_reading():
    SLOW_HELPER[0] = True

    def broken() -> None:
        raise ImportError("a plugin writer that cannot load")

    items = readahead.mapped(_read_slowly_in_the_helper, [0, 1, 2, 3], 2)
    with using(Policy(read_processes=2)), readahead.meanwhile(broken), items as reads:
        assert list(reads) == [0, 10, 20, 30]


def _wait_for_the_reader(item: tuple[int, str]) -> str:
    """In the helper: its second source (the last) waits, at most 5 s, until its first was
    received; the others are read at once."""
    number, flag = item
    if number < 3:
        return "first sent alone" if number == 2 else "read here"
    deadline = time.monotonic() + 5
    while not os.path.exists(flag) and time.monotonic() < deadline:
        time.sleep(0.01)
    return "after the first was taken" if os.path.exists(flag) else "only after all were read"


def test_the_helper_sends_each_read_as_soon_as_it_is_made(tmp_path):
    """This process cleans the helper's first sources while the helper reads the last."""
    flag = str(tmp_path / "taken")
    items = readahead.mapped(_wait_for_the_reader, [(0, flag), (1, flag), (2, flag), (3, flag)], 2)
    got = []
    with using(Policy(read_processes=2)), items as reads:
        for value in reads:
            got.append(value)
            if value == "first sent alone":
                Path(flag).touch()
    assert got[2:] == ["first sent alone", "after the first was taken"]


# --- batch ----------------------------------------------------------------------------------


def test_batch_jobs_read_in_one_process(tmp_path, monkeypatch):
    seen = []
    split_point = readahead.split_point

    def spy(sizes_, policy=None):
        seen.append(reading.current().read_processes)
        return split_point(sizes_, policy)

    monkeypatch.setattr(readahead, "split_point", spy)
    (source,) = write_book(tmp_path)[:1]
    forced = batch.Options(formats=("epub",), policy=Policy(isolate=False, read_processes=2))
    job = batch.Job(source, source.name, {"epub": tmp_path / "ch1.epub"}, forced)
    result = batch.build_one(job)
    assert result.status == "ok", result.error
    assert seen and set(seen) == {1}  # the warm-up's read too
