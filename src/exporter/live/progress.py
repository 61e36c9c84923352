"""Carry a build's progress events (``exporter.progress``) from its child to the preview.

The build runs in a child forked from the preview's process, so a listener installed here
before the fork runs there: it sends each event down a pipe, and a thread here reads them
and hands them on as they come. The child writes whole messages (a length, then the
pickled event) and is the only writer while it runs; what is still in the pipe when the
build returns is read before ``relayed`` ends, so no event comes after the build's result.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
from collections.abc import Callable, Iterator
from typing import Any

from exporter import progress
from exporter.guard import pipes

log = logging.getLogger("exporter")
Handler = Callable[[str, dict[str, Any]], None]


@contextlib.contextmanager
def relayed(handler: Handler) -> Iterator[None]:
    """Call ``handler(event, data)`` here for each event a build in the block tells."""
    read_fd, write_fd = os.pipe()
    owner = os.getpid()
    done = threading.Event()

    def send(event: str, data: dict[str, Any]) -> None:
        if os.getpid() == owner:  # a build that was not isolated: no pipe needed
            handler(event, data)
            return
        pipes.write_all(write_fd, pipes.framed((event, data)))

    def read_all() -> None:
        with os.fdopen(read_fd, "rb", buffering=0) as pipe:
            while True:
                ready, _, _ = select.select([pipe], [], [], 0.05)
                if not ready:
                    if done.is_set():
                        return
                    continue
                try:  # the reader must go on: a full pipe would stop the build
                    message = pipes.read_frame(pipe)
                    if message is None:
                        return
                    handler(*message)
                except Exception as exc:
                    log.warning("preview: a progress event was lost (%s)", exc)

    reader = threading.Thread(target=read_all, name="exporter-progress", daemon=True)
    reader.start()
    try:
        with progress.listening(send):
            yield
    finally:
        done.set()
        os.close(write_fd)
        reader.join()
