"""Messages between a build's processes over a pipe: whole writes, and pickled frames.

A frame is a value pickled after its length, so a reader takes exactly one message at a
time from a stream that may hold several, or be cut short (a child killed mid-message):
the read-ahead helper's reads (reading.readahead) and a build's progress events, relayed
to the preview (live.progress), travel this way.
"""

from __future__ import annotations

import os
import pickle
import struct
from typing import Any, BinaryIO

_LENGTH = struct.Struct("!Q")


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to the pipe ``fd`` (``os.write`` may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def framed(value: object) -> bytes:
    """Return ``value`` as one frame: its pickle, after the pickle's length."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


def read_frame(pipe: BinaryIO) -> Any:
    """Return the value of the next frame on ``pipe``, or None at its end (or a cut one).

    The values sent are never None.
    """
    head = _exactly(pipe, _LENGTH.size)
    body = None if head is None else _exactly(pipe, _LENGTH.unpack(head)[0])
    return None if body is None else pickle.loads(body)


def _exactly(pipe: BinaryIO, size: int) -> bytes | None:
    """Read ``size`` bytes, or None at the end of the pipe first."""
    data = b""
    while len(data) < size:
        chunk = pipe.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data
