"""Check a raster image's size before anything decodes it: a decompression-bomb guard.

A small file can decode into gigabytes (a 50 KB PNG of 30000 x 30000 pixels). Dimensions are
read from the headers (PNG, GIF, WebP, JPEG) without decoding. SVGs are made inert by
``svgclean`` instead.
"""

from __future__ import annotations

import struct

from exporter.guard.policy import current


def problem(data: bytes, media_type: str) -> str | None:
    """Return why an image must not be used, or None when it is fine."""
    if media_type == "image/svg+xml":
        return None
    size = dimensions(data, media_type)
    if size is None:
        return "has a damaged header; re-export it"
    width, height = size
    limit = current().max_image_pixels
    if width * height > limit:
        return f"is {width} x {height} pixels, over the limit of {limit:,} pixels; scale it down"
    return None


def dimensions(data: bytes, media_type: str) -> tuple[int, int] | None:
    """Return (width, height) from a PNG, GIF, WebP or JPEG header, or None if unreadable."""
    try:
        if media_type == "image/png":
            return struct.unpack(">II", data[16:24])
        if media_type == "image/gif":
            return struct.unpack("<HH", data[6:10])
        if media_type == "image/webp":
            return _webp(data)
        if media_type == "image/jpeg":
            return _jpeg(data)
    except struct.error:
        return None
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return w, h
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 ":
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    return None


def _jpeg(data: bytes) -> tuple[int, int] | None:
    """Walk the JPEG segments to the first start-of-frame marker."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None
