"""Cache entries are this user's own: sealed with a key kept outside every project.

The build cache sits in the output folder (``.exporter-cache``), and an output folder may
come with the sources: a repository that committed it, a shared or unpacked folder. What
the cache holds goes into the outputs as it is (a chapter's PDF pages, a formula's drawing
in the HTML), so an entry written by someone else could put anything there, and its key
is no secret: it is a digest of the book's own inputs. Each entry therefore carries an
HMAC-SHA256 of its contents under a random key kept in this user's cache folder
(``$XDG_CACHE_HOME/exporter/seal.key``, else ``~/.cache/exporter/seal.key``, mode 0600),
made on first use. An entry whose seal does not verify is not used, and is made again.
Where that folder cannot be written, the key lasts one process tree (the cache then helps
within a build, or a preview session, only).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets

from exporter.guard.userdirs import cache_folder

SIZE = 32  # bytes of key


@functools.cache
def key() -> bytes:
    """Return this user's sealing key, made (atomically, for concurrent builds) if needed."""
    path = cache_folder() / "seal.key"
    try:
        if len(known := path.read_bytes()) == SIZE:
            return known
    except OSError:
        pass
    fresh = secrets.token_bytes(SIZE)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        draft = path.with_name(f".seal-{os.getpid()}-{secrets.token_hex(4)}")
        handle = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(fresh)
        try:
            os.link(draft, path)  # whole or not at all; a build that came first wins
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
        known = path.read_bytes()
    except OSError:
        return fresh
    return known if len(known) == SIZE else fresh


def seal(*parts: bytes) -> str:
    """Return the seal of ``parts`` (each one's length is sealed too: no two splits agree)."""
    mac = hmac.new(key(), digestmod=hashlib.sha256)
    for part in parts:
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    return mac.hexdigest()


def sealed(given: object, *parts: bytes) -> bool:
    """Tell whether ``given`` is the seal of ``parts`` under this user's key."""
    return isinstance(given, str) and hmac.compare_digest(given, seal(*parts))
