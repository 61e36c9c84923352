"""A one-shot PDF build reads in one child while the parent loads WeasyPrint, then lays out
the PDF in a second child: the same bytes, warnings and errors as the one-child build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.cli import cli
from exporter.errors import SourceError
from exporter.guard import isolate
from exporter.guard.policy import Policy

# Runs in a fresh interpreter, where WeasyPrint is not loaded yet: the first build (no warm-up,
# as the CLI's) takes the two-child path, the second (warmed up: the renderer loaded here, as
# in a batch) the one-child path.
PROBE = """
import json, logging, os, sys
from exporter.api import produce
from exporter.guard.policy import Policy

pids = []
class Pids(logging.Handler):
    def emit(self, record):
        pids.append((record.getMessage(), record.process))

logger = logging.getLogger("exporter")
logger.addHandler(Pids())
logger.setLevel(logging.INFO)
runs = []
for warm in (False, True):
    pids.clear()
    made = produce([sys.argv[1]], ["pdf", "epub"], warm_up=warm)
    steps = {m.split()[0] + " " + m.split()[1]: p for m, p in pids if m.startswith(("read ", "rendered "))}
    runs.append({
        "outputs": {k: v.hex() for k, v in made.outputs.items()},
        "warnings": list(made.warnings),
        "steps": steps,
    })
print(json.dumps(runs))
"""


def _probe(source: Path) -> list[dict]:
    env = {"SOURCE_DATE_EPOCH": "1700000000", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(source)], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_two_children_give_the_bytes_and_warnings_of_one(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text(
        "# Title\n\nSome *text* with a missing ![picture](nowhere.png).[^1]\n\n[^1]: A note.\n"
    )
    two, one = _probe(source)
    assert two["outputs"] == one["outputs"]
    assert two["warnings"] == one["warnings"] and "nowhere.png" in two["warnings"][0]
    # First build: reading in one process, the PDF in another, and the EPUB after it there
    # (it reads the PDF's page numbers).
    assert two["steps"]["rendered pdf"] == two["steps"]["rendered epub"]
    assert two["steps"]["rendered pdf"] != two["steps"]["read 1"]
    # Second build (the renderer loaded here): everything in one child, as in a batch.
    assert one["steps"]["read 1"] == one["steps"]["rendered pdf"] == one["steps"]["rendered epub"]


def test_strict_stops_before_the_layout_when_reading_warned(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("# Title\n\n![picture](nowhere.png)\n")
    result = CliRunner().invoke(cli, ["build", str(source), "-o", str(tmp_path), "--strict"])
    assert result.exit_code == 5, result.output
    assert "nowhere.png" in result.output
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.epub"))


def test_a_source_error_ends_a_one_shot_build_cleanly(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_bytes(b"# Title\n\n\xff\xfe not UTF-8\n")
    out = subprocess.run(
        [sys.executable, "-m", "exporter", "build", str(source), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 3, out.stderr
    assert out.stderr.count("\n") == 1 and "a.md" in out.stderr
    assert not list(tmp_path.glob("*.pdf"))


def test_relay_hands_the_value_to_a_child_started_first() -> None:
    def second(receive):
        ready = os.getpid()  # got ready before the value existed
        return ready, receive()

    def first(send):
        send("the value")
        return "made"

    first_result, (pid, value) = isolate.relay(first, second, Policy())
    assert (first_result, value) == ("made", "the value")
    assert pid != os.getpid()


def test_relay_stops_the_second_child_when_the_first_fails(tmp_path: Path) -> None:
    mark = tmp_path / "pid"

    def second(receive):
        mark.write_text(str(os.getpid()))
        return receive()

    def first(send):
        while not mark.exists():  # the second child is running
            time.sleep(0.01)
        raise SourceError("a.md: broken")

    with pytest.raises(SourceError, match=r"a\.md: broken"):
        isolate.relay(first, second, Policy())
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left waiting
        os.kill(int(mark.read_text()), 0)
