"""Start ``exporter preview`` / ``build --watch`` as a real process and talk to it."""

from __future__ import annotations

import http.client
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

SRC = Path(__file__).resolve().parents[1] / "src"


def checkout_env() -> dict[str, str]:
    """The environment with this checkout's sources first on the path."""
    return {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}


def start(*args: str, cwd: Path) -> subprocess.Popen:
    """Start ``python -m exporter ARGS`` with this checkout's sources first on the path."""
    return subprocess.Popen(
        [sys.executable, "-m", "exporter", *args],
        cwd=cwd,
        env=checkout_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches
    )


def first_line(process: subprocess.Popen, timeout: float = 20.0) -> str:
    """Return the process's first stdout line, failing after ``timeout`` seconds."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "no first line on stdout"
    return process.stdout.readline().decode().strip()


def get(url: str, path: str, host: str | None = None) -> tuple[int, bytes]:
    """GET ``path`` verbatim (no normalisation) from the server at ``url``."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host or parts.netloc)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def state(url: str) -> dict:
    """Return the preview's /state."""
    status, body = get(url, "/state")
    assert status == 200
    return json.loads(body)


def wait_for(check, timeout: float = 20.0, what: str = "the condition"):
    """Poll ``check()`` until it returns something true; return it."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def interrupt(process: subprocess.Popen, timeout: float = 15.0) -> tuple[int, str]:
    """Press Ctrl-C: SIGINT to the process group (the build's child too); return code, stderr."""
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=timeout)
    return process.returncode, err.decode()


def processes_with(marker: str) -> list[int]:
    """Return the pids of live processes whose command line holds ``marker``."""
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if marker in cmdline and proc.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(proc.info["pid"])
    return found


def next_line(stream, timeout: float = 30.0) -> str:
    """Return the next line of a process's pipe, failing after ``timeout`` seconds."""
    ready, _, _ = select.select([stream], [], [], timeout)
    assert ready, "no line in time"
    return stream.readline().decode().rstrip("\n")
