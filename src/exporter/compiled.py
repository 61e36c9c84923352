"""What the command compiles at start-up, kept from one run to the next.

Python keeps the bytecode of modules in ``__pycache__``, but two more kinds of compiling
happen at every start and are thrown away at exit:

- regular expressions, compiled by ``re``'s compiler written in Python: a one-shot book
  build compiles about 320 (Pygments' lexers, Python-Markdown's patterns, ours), about
  65 ms of a 0.55 s book-to-EPUB build, all before its read-ahead helper can start. What
  the compiler finally hands to ``_sre.compile`` (flags, code, group names) is plain data;
- the methods ``dataclasses`` writes as source text and ``exec``\\ s for each class (six for
  a frozen one): about 0.8 ms a class, for the 35 classes a build imports.

This module keeps both in the user's cache folder and hands them over directly in later
runs: the arguments to ``_sre.compile`` (which checks the code it is given), and code
objects compiled from the same source text with the same flags. The file is tied to the
exact Python build and carries a digest of its contents; any doubt (another Python, a
damaged file, ``EXPORTER_COMPILE_CACHE=0``) means compiling as usual.

Only the command line installs this (``exporter.command``): a program that imports
exporter as a library keeps its ``re`` and ``dataclasses`` untouched.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import dataclasses
import hashlib
import marshal
import os
import re
import sys
import threading
import types
from pathlib import Path
from typing import Any

from exporter.guard.userdirs import cache_folder

# Entries kept in the file. Past it (patterns made from documents, as Markdown's
# abbreviations are, pile up over many builds), the file keeps only what this run used.
_LIMIT = 3000
_DIGEST = 32
FORMAT = "v2"  # in the file name: a file of another layout is another file
_lock = threading.Lock()
# ("re", pattern, flags) -> args; ("code", source) -> code. Read from the file, each value
# is still marshalled bytes: most of what the file holds (a PDF build's patterns, say) is
# not used by a given run, and unmarshalling it all cost 7-10 ms at every start.
_known: dict[Any, Any] = {}
_new: dict[Any, Any] = {}
_used: set[Any] = set()
_state: dict[str, Any] = {}


def install() -> None:
    """Serve compilations from the cache file, and keep new ones for next time."""
    if _state or os.environ.get("EXPORTER_COMPILE_CACHE", "1") == "0":
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
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # found before the builtin
    atexit.register(save)


def save() -> None:
    """Add what this process compiled to the cache file (written whole, then renamed)."""
    with _lock:
        fresh = dict(_new)
        _new.clear()
    if not fresh or not _state:
        return
    path = _path()
    merged = {**_load(path), **{key: marshal.dumps(value) for key, value in fresh.items()}}
    if len(merged) > _LIMIT:
        merged = {key: value for key, value in merged.items() if key in _used or key in fresh}
    draft = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        payload = marshal.dumps(dict(list(merged.items())[:_LIMIT]))
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        draft.write_bytes(hashlib.sha256(payload).digest() + payload)
        os.replace(draft, path)
    except (OSError, ValueError):  # a read-only home, a full disk: compile next time too
        with contextlib.suppress(OSError):
            draft.unlink()


def _compile(pattern: Any, flags: int = 0) -> Any:
    """``re._compiler.compile``, from the cache where the pattern is known."""
    if type(pattern) in (str, bytes) and not flags & re.DEBUG:
        key = ("re", pattern, int(flags))
        known = _take(key)
        if known is not None:
            return _state["real"].compile(pattern, *known)
        compiled = _state["compile"](pattern, flags)
        made = _state["recorder"].taken()
        if made is not None and made[0] is pattern:
            _keep(key, made[1:])
        return compiled
    return _state["compile"](pattern, flags)


def _exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
    """``exec`` as ``dataclasses`` calls it, with the code of a known source from the cache."""
    if type(source) is not str:
        return builtins.exec(source, globals, locals)
    key = ("code", source)
    code = _take(key)
    if code is None:
        # As exec compiles a string: no flags inherited (this module's __future__ import
        # must not reach the generated methods' annotations).
        code = compile(source, "<string>", "exec", dont_inherit=True)
        _keep(key, code)
    return builtins.exec(code, globals, locals)


def _take(key: Any) -> Any:
    """Return the known value for ``key`` (unmarshalled on first use, and marked as used,
    to be kept when the file is trimmed), or None."""
    value = _known.get(key)
    if type(value) is bytes:
        try:
            value = marshal.loads(value)
        except (ValueError, EOFError, TypeError):
            value = None
        if not _sound(key, value):
            value = None
        _known[key] = value
    if value is not None:
        _used.add(key)
    return value


def _keep(key: Any, value: Any) -> None:
    with _lock:
        _new[key] = _known[key] = value


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
    build = hashlib.sha256(
        f"{sys.version}|{sys.implementation.cache_tag}|{_state['real'].MAGIC}".encode()
    ).hexdigest()[:16]
    return cache_folder() / f"compiled-{FORMAT}-{build}.bin"


def _load(path: Path) -> dict[Any, bytes]:
    """Return the entries of the cache file, each value still marshalled, or none if the file
    is missing or in any doubt."""
    try:
        with open(path, "rb") as handle:
            if not _owned(os.fstat(handle.fileno())):
                return {}
            data = handle.read()
    except OSError:
        return {}
    digest, payload = data[:_DIGEST], data[_DIGEST:]
    if hashlib.sha256(payload).digest() != digest:
        return {}
    try:
        items = marshal.loads(payload)
        return {
            key: value
            for key, value in items.items()
            if isinstance(key, tuple) and key and type(value) is bytes
        }
    except (ValueError, EOFError, TypeError, AttributeError):
        return {}


def _owned(info: os.stat_result) -> bool:
    """Tell whether the file is this user's and no one else may write it (it holds code)."""
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return not info.st_mode & 0o022


def _sound(key: Any, value: Any) -> bool:
    """Tell whether an entry read back has the shape this module writes."""
    if not isinstance(key, tuple) or not key:
        return False
    if key[0] == "re":
        return len(key) == 3 and type(key[1]) in (str, bytes) and isinstance(value, tuple)
    return key[0] == "code" and len(key) == 2 and isinstance(value, types.CodeType)
