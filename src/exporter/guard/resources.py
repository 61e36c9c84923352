"""Find the files a source uses (images), safely, and give them generated names.

A source may only use regular files inside its resource root (by default the source's own
folder tree), checked by real path after percent-decoding and symlinks. Every accepted file
is sniffed from its bytes and registered under a generated ASCII name; writers only ever see
those names, so no user path reaches an output, and the PDF writer's fetcher serves nothing
else.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

from exporter.guard import images
from exporter.guard.policy import current
from exporter.guard.svgclean import clean_svg
from exporter.model import Asset

log = logging.getLogger("exporter")

MAX_IMAGE_BYTES = 50 * 1024 * 1024
IMAGE_SUFFIXES = {  # the image types exporter accepts, by media type
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
}
# An XML declaration, comments, an SVG DOCTYPE (its internal subset too, which svgclean
# refuses with a reason), then <svg.
_SVG_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!DOCTYPE\s+svg\b[^>\[]*(\[.*?\])?\s*>\s*)?"
    rb"(<!--.*?-->\s*)*<svg[\s>]",
    re.DOTALL,
)


def sniff_image(data: bytes) -> str | None:
    """Return the media type of a supported image from its first bytes, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:4096].removeprefix(b"\xef\xbb\xbf")
    if _SVG_START.match(head):
        return "image/svg+xml"
    return None


class AssetStore:
    """Resolve image references and collect the assets a document uses."""

    def __init__(self, roots: list[Path], site_root: Path | None = None) -> None:
        extra = current().resource_roots
        self.roots = [Path(os.path.realpath(root)) for root in [*roots, *extra]]
        # A project's docs folder: "/img/a.png" starts there (mdBook, MkDocs), still confined.
        self.site_root = site_root
        self._by_path: dict[Path, Asset] = {}

    @property
    def assets(self) -> tuple[Asset, ...]:
        """Return the accepted assets, in the order they were first used."""
        return tuple(self._by_path.values())

    def add(self, src: str, base_dir: Path, where: str) -> Asset | None:
        """Resolve ``src`` against ``base_dir``; return its asset, or warn and return None."""
        parts = urlsplit(src)
        if parts.scheme in ("http", "https") and current().allow_remote:
            return self._add_remote(src, where)
        if parts.scheme or parts.netloc:
            log.warning(
                "%s: image '%s' is remote and was not fetched; save it beside the source "
                "and link to the file",
                where,
                _short(src),
            )
            return None
        local = unquote(parts.path)
        if "\0" in local:  # "%00": no file has it, and the OS refuses the name
            log.warning("%s: image '%s' has a NUL byte (%%00) in its path", where, _short(src))
            return None
        if self.site_root is not None and local.startswith("/"):
            base_dir, local = self.site_root, local.lstrip("/")
        path = Path(os.path.realpath(base_dir / local))
        if path in self._by_path:
            return self._by_path[path]
        problem = self._problem(path)
        if problem:
            log.warning("%s: image '%s' %s", where, _short(src), problem)
            return None
        return self._accept(path.read_bytes(), path, src, where)

    def add_embedded(self, src: str, data: bytes, source: Path | None, where: str) -> Asset | None:
        """Accept an image a source carries inside itself (a DOCX's media) like any image."""
        key = Path("/embedded") / hashlib.sha256(data).hexdigest()
        if key in self._by_path:
            return self._by_path[key]
        if len(data) > MAX_IMAGE_BYTES:
            limit = MAX_IMAGE_BYTES // (1024 * 1024)
            log.warning("%s: image '%s' is larger than %d MB; make it smaller", where, src, limit)
            return None
        # The asset's file is the source that holds it: batch rebuilds when that changes.
        return self._accept(data, key, src, where, path=source)

    def _add_remote(self, url: str, where: str) -> Asset | None:
        """Fetch a web image under --allow-remote; refuse private addresses and odd bytes."""
        from exporter.guard import remote

        key = Path("/remote") / hashlib.sha256(url.encode()).hexdigest()
        if key in self._by_path:
            return self._by_path[key]
        try:
            data = remote.fetch(url)
        except remote.Refused as exc:
            log.warning("%s: image '%s' was not fetched: %s", where, _short(url), exc)
            return None
        return self._accept(data, key, url, where)

    def _accept(
        self, data: bytes, key: Path, src: str, where: str, path: Path | None = None
    ) -> Asset | None:
        """Sniff, clean (SVG) and size-check an image's bytes; register it under a new name."""
        media_type = sniff_image(data)
        if media_type is None:
            trouble: str | None = "is not a PNG, JPEG, GIF, WebP or SVG file; convert it"
        elif media_type == "image/svg+xml":
            cleaned, trouble = clean_svg(data)
            data = cleaned or b""
            trouble = f"{trouble}; simplify or convert it" if trouble else None
        else:
            trouble = None
        trouble = trouble or images.problem(data, media_type or "")
        if trouble or media_type is None:  # no media type always comes with a trouble
            log.warning("%s: image '%s' %s", where, _short(src), trouble)
            return None
        digest = hashlib.sha256(data).hexdigest()[:16]
        name = f"images/{digest}.{IMAGE_SUFFIXES[media_type]}"
        asset = Asset(name, path or key, media_type, data)
        self._by_path[key] = asset
        return asset

    def _problem(self, path: Path) -> str | None:
        if not any(path.is_relative_to(root) for root in self.roots):
            return "is outside the source's folder; move it beside the source"
        try:
            info = path.stat()
        except OSError:
            return "was not found; check the path (it is relative to the source file)"
        if not stat.S_ISREG(info.st_mode):
            return "is not a regular file"
        if info.st_size > MAX_IMAGE_BYTES:
            return f"is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB; make it smaller"
        return None


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
