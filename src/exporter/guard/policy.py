"""What a build may do and how much it may take: the safety policy and the limits.

Untrusted sources are the default: no network, resources only from the source's folder tree,
raw HTML reduced to an allow-list, and limits on size, nesting, image pixels, time and memory.
A ``Policy`` is set for the duration of a build with ``using(policy)`` and read by the stages
that enforce it (``current()``), so readers and writers keep their signatures.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from exporter.errors import LimitError, SourceError, UsageError

MiB = 1024 * 1024
# The largest limits: past them a number cannot be used (select() refuses a timeout past
# 2^63 ns, an address space ends at 2^47 bytes) and means "no limit", which 0 says.
MAX_TIMEOUT = 1_000_000.0  # seconds, 11.5 days
MAX_SOURCE_BYTES = 1_000_000 * MiB
MAX_MEMORY = 2**47  # 128 TiB, all a 64-bit process can address


@dataclass(frozen=True)
class Policy:
    """The safety switches and limits of one build; the defaults are safe for untrusted input."""

    allow_remote: bool = False  # fetch http(s) images, never from private addresses
    resource_roots: tuple[Path, ...] = ()  # folders images may come from besides the source's
    trusted_input: bool = False  # keep raw HTML's style= attributes (still no scripts etc.)
    max_source_bytes: int = 5 * MiB
    max_depth: int = 100  # nested elements; WeasyPrint overflows its stack near 150
    max_image_pixels: int = 50_000_000  # width x height of one image
    # Seconds for the whole build (reading, every format's layout), 0 for none; None (the
    # default) scales with the input: see ``default_timeout``.
    timeout: float | None = None
    max_memory: int = 4096 * MiB  # address space of the rendering process, 0 for none
    isolate: bool = True  # render in a child process that can be killed at the limits
    # Processes that read (convert) sources: 0 picks 2 for a book big enough to gain from a
    # forked helper when 2 cores are free, else 1; 1 never forks one (batch jobs: the workers
    # already fill the cores); 2 always uses one for 2 sources or more.
    read_processes: int = 0

    def __post_init__(self) -> None:
        # NaN passes every range check (its comparisons are all false), so test for it.
        for name, value, top in (
            ("timeout", self.timeout or 0, MAX_TIMEOUT),
            ("max_source_bytes", self.max_source_bytes, MAX_SOURCE_BYTES),
            ("max_memory", self.max_memory, MAX_MEMORY),
        ):
            if math.isnan(value) or not 0 <= value <= top:
                raise UsageError(f"Policy({name}={value!r}): give a number from 0 to {top:g}.")

    def for_input(self, size: int) -> Policy:
        """Return this policy with its time limit fixed: the default scaled to ``size`` bytes
        of source text, or the one the user gave, kept as is."""
        if self.timeout is not None:
            return self
        return dataclasses.replace(self, timeout=default_timeout(size))


BASE_SECONDS = 120.0
SECONDS_PER_MIB = 300.0


def default_timeout(size: int) -> float:
    """Return the default time limit for a build of ``size`` bytes of source text.

    120 s, plus 300 s per MB of sources. A flat 120 s killed a 770-page book (105-127 s on
    a busy machine). Measured here: a 2.2 MB Markdown article laid out as 1013 pages in
    486 s with 2 cores shared by 8 builds (about 2.2 KB a page); it now gets 780 s, and a
    770-page book about 600 s, while a runaway one-page article is still stopped after
    about 120 s. Images are not counted: they cost decoding, not pages of layout.
    """
    return round(BASE_SECONDS + SECONDS_PER_MIB * size / MiB, 1)


def limit_memory(limit: int) -> None:
    """Cap this process's address space at ``limit`` bytes, or at the hard limit it inherited
    (``ulimit -v``) when that is lower: asking for more is refused, and the child would die
    before its work, reported as out of memory."""
    import resource

    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    limit = min(limit, 2**63 - 1 if hard == resource.RLIM_INFINITY else hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def refuse_outside(path: Path, root: Path, where: str) -> None:
    """Fail (exit 3, naming ``where``) unless ``path``'s real path lies inside the book's
    folder ``root`` or a ``--resource-root``."""
    real = Path(os.path.realpath(path))
    roots = [Path(os.path.realpath(root)), *current().resource_roots]
    if any(real.is_relative_to(r) for r in roots):
        return
    shown = os.path.relpath(path, root)
    shown = str(path) if shown.startswith(f"..{os.sep}..{os.sep}") else shown
    raise SourceError(
        f"{where}: '{shown}' is outside the book's folder; refused. Move it into the book, "
        f"or pass --resource-root {real if real.is_dir() else real.parent} to allow files "
        "from there."
    )


_CURRENT: contextvars.ContextVar[Policy] = contextvars.ContextVar("exporter_policy")


def current() -> Policy:
    """Return the policy of the build in progress (the safe defaults outside one)."""
    return _CURRENT.get(Policy())


@contextlib.contextmanager
def using(policy: Policy | None) -> Iterator[Policy]:
    """Make ``policy`` the current one inside the block."""
    chosen = policy or current()
    token = _CURRENT.set(chosen)
    try:
        yield chosen
    finally:
        _CURRENT.reset(token)


_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*?(/?)>")
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


def nesting_depth(xhtml: str) -> int:
    """Return how deeply elements nest in serialised (X)HTML, without recursion."""
    depth = deepest = 0
    for closing, tag, self_closing in _TAG.findall(xhtml):
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and tag.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def check_depth(xhtml: str, where: str) -> None:
    """Fail before layout when markup nests deeper than the renderer can take."""
    limit = current().max_depth
    depth = nesting_depth(xhtml)
    if depth > limit:
        raise LimitError(
            f"{where}: elements nest {depth} levels deep, over the limit of {limit}; "
            "flatten the nested lists or quotes (or raise --max-depth)."
        )
