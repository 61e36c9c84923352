"""Ctrl-C while the command is still starting: one line and exit 130, never exit 1.

Click turns a KeyboardInterrupt it meets into "Aborted!" and exit 1 (the code of exporter's
own bugs), and one raised inside an import can come out as a traceback (Python wraps one
raised in ``__set_name__`` in a RuntimeError). Both were seen for a Ctrl-C within the first
0.2 s of ``exporter build`` and ``exporter preview``. The tests press it at those two
moments on purpose, since a timed signal from outside lands wherever the machine's load
puts the process.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys

from click.testing import CliRunner

from exporter.cli import cli, live
from liveutil import checkout_env


def python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new Python with this checkout's sources first on the path."""
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=checkout_env(), capture_output=True, text=True
    )


# The command's own start, with Ctrl-C pressed while it loads the compile cache (imports).
PRESSED_WHILE_IMPORTING = """
import os, signal, sys
from exporter import compiled
compiled.install = lambda: os.kill(os.getpid(), signal.SIGINT)
sys.argv = ["exporter", "--version"]
from exporter.command import main
main()
"""


def test_ctrl_c_while_importing_is_exit_130():
    done = python(PRESSED_WHILE_IMPORTING)
    assert (done.returncode, done.stderr, done.stdout) == (130, "interrupted\n", "")


def test_a_command_started_with_ctrl_c_ignored_keeps_ignoring_it():
    """A shell's background job: SIGINT ignored when the command starts stays ignored."""
    code = "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN)\n" + PRESSED_WHILE_IMPORTING
    done = python(code)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("exporter, version")


def test_ctrl_c_before_a_command_handles_it_is_exit_130(tmp_path, monkeypatch):
    def pressed() -> list[int]:
        raise KeyboardInterrupt

    monkeypatch.setattr(live, "_noted_signals", pressed)  # the preview's first step
    source = tmp_path / "a.md"
    source.write_text("Text.\n")
    result = CliRunner().invoke(cli, ["preview", str(source), "--port", "0"])
    assert result.exit_code == 130
    assert result.output.strip().splitlines()[-1] == "interrupted"
    assert "Aborted" not in result.output
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # left as found


def test_a_preview_run_in_process_puts_the_signal_handlers_back(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("Text.\n")
    before = [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)]
    with socket.socket() as taken:  # the preview fails to listen after taking the signals
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = CliRunner().invoke(cli, ["preview", str(source), "--port", port])
    assert result.exit_code == 2
    assert [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)] == before


# A Ctrl-C pressed while the build forks its child: a hook run by the fork itself sends it.
PRESSED_WHILE_FORKING = """
import os, signal, sys
pressed = []
def press():
    if not pressed:
        pressed.append(1)
        os.kill(os.getpid(), signal.SIGINT)
os.register_at_fork(before=press)
sys.argv = ["exporter", "build", sys.argv[1], "-o", sys.argv[2]]
from exporter.command import main
main()
"""


def test_ctrl_c_while_the_build_forks_is_not_lost(tmp_path):
    """Python ignores a KeyboardInterrupt raised in an at-fork hook: the build went on, 0."""
    source = tmp_path / "a.md"
    source.write_text("Text.\n")
    done = python(PRESSED_WHILE_FORKING, str(source), str(tmp_path / "out"))
    assert (done.returncode, done.stderr.strip().splitlines()[-1:]) == (130, ["interrupted"])
    assert "Exception ignored" not in done.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
