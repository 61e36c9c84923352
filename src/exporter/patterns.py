"""Compiled regular expressions kept from one run of the command to the next.

Python compiles a regular expression with a compiler written in Python, and keeps the
result for the life of the process only. A one-shot build compiles about 320 of them
(Pygments' lexers, Python-Markdown's patterns, ours) before and while it reads its first
source: about 65 ms of a 0.55 s book-to-EPUB build, all of it on the critical path (the
read-ahead helper starts after it). What ``re``'s compiler finally hands to
``_sre.compile`` (flags, code, group names) is plain data: this module keeps it in the
user's cache folder, as Python keeps bytecode in ``__pycache__``, and later runs hand it to
``_sre.compile`` directly. The engine checks the code it is given; the file is tied to the
exact Python build and carries a digest of its contents, and any doubt (another Python, a
damaged file, ``EXPORTER_REGEX_CACHE=0``) means compiling as usual.

Only the command line installs this (``exporter.command``): a program that imports
exporter as a library keeps its ``re`` untouched.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import marshal
import os
import re
import sys
import threading
import types
from pathlib import Path
from typing import Any

# Entries kept in the file. Past it (patterns made from documents, as Markdown's
# abbreviations are, pile up over many builds), the file keeps only what this run used.
_LIMIT = 2000
_DIGEST = 32
_lock = threading.Lock()
_known: dict[tuple[str | bytes, int], tuple[Any, ...]] = {}
_new: dict[tuple[str | bytes, int], tuple[Any, ...]] = {}
_used: set[tuple[str | bytes, int]] = set()
_state: dict[str, Any] = {}


def install() -> None:
    """Serve ``re``'s compilations from the cache file, and keep new ones for next time."""
    if _state or os.environ.get("EXPORTER_REGEX_CACHE", "1") == "0":
        return
    compiler = getattr(re, "_compiler", None)
    real = getattr(compiler, "_sre", None)
    if compiler is None or real is None or not callable(getattr(compiler, "compile", None)):
        return  # another Python than the one this was written against (3.11+)
    recorder = _Recorder(real)
    _state.update(compiler=compiler, compile=compiler.compile, real=real, recorder=recorder)
    _known.update(_load(_path()))
    compiler._sre = recorder.module
    compiler.compile = _compile
    atexit.register(save)


def save() -> None:
    """Add what this process compiled to the cache file (written whole, then renamed)."""
    with _lock:
        fresh = dict(_new)
        _new.clear()
    if not fresh or not _state:
        return
    path = _path()
    merged = {**_load(path), **fresh}
    if len(merged) > _LIMIT:
        merged = {key: args for key, args in merged.items() if key in _used or key in fresh}
    draft = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        payload = marshal.dumps(list(merged.items())[:_LIMIT])
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        draft.write_bytes(hashlib.sha256(payload).digest() + payload)
        os.replace(draft, path)
    except (OSError, ValueError):  # a read-only home, a full disk: compile next time too
        with contextlib.suppress(OSError):
            draft.unlink()


def _compile(pattern: Any, flags: int = 0) -> Any:
    """``re._compiler.compile``, from the cache where the pattern is known."""
    if type(pattern) in (str, bytes) and not flags & re.DEBUG:
        key = (pattern, int(flags))
        known = _known.get(key)
        if known is not None:
            _used.add(key)
            return _state["real"].compile(pattern, *known)
        compiled = _state["compile"](pattern, flags)
        made = _state["recorder"].taken()
        if made is not None and made[0] is pattern:
            with _lock:
                _new[key] = _known[key] = made[1:]
        return compiled
    return _state["compile"](pattern, flags)


class _Recorder:
    """``_sre`` as ``re``'s compiler sees it, noting the arguments of each compile."""

    def __init__(self, real: types.ModuleType) -> None:
        self.real = real
        self.local = threading.local()
        self.module = types.ModuleType(real.__name__)
        self.module.__dict__.update(real.__dict__)
        self.module.compile = self._compile  # type: ignore[attr-defined]

    def _compile(self, pattern: Any, flags: int, code: list[int], *rest: Any) -> Any:
        # The opcodes are named int constants: kept as the plain ints the engine reads.
        self.local.made = (pattern, int(flags), [int(c) for c in code], *rest)
        return self.real.compile(pattern, flags, code, *rest)

    def taken(self) -> tuple[Any, ...] | None:
        made = getattr(self.local, "made", None)
        self.local.made = None
        return made


def _path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    build = hashlib.sha256(
        f"{sys.version}|{sys.implementation.cache_tag}|{_state['real'].MAGIC}".encode()
    ).hexdigest()[:16]
    return Path(base) / "exporter" / f"regex-{build}.bin"


def _load(path: Path) -> dict[tuple[str | bytes, int], tuple[Any, ...]]:
    """Return the entries of the cache file, or none if it is missing or in any doubt."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    digest, payload = data[:_DIGEST], data[_DIGEST:]
    if hashlib.sha256(payload).digest() != digest:
        return {}
    try:
        items = marshal.loads(payload)
        return {
            (pattern, flags): tuple(args)
            for (pattern, flags), args in items
            if isinstance(pattern, (str, bytes)) and isinstance(flags, int)
        }
    except (ValueError, EOFError, TypeError):
        return {}
