"""Check a raster image's size before anything decodes it: a decompression-bomb guard.

A small file can decode into gigabytes (a 50 KB PNG of 30000 x 30000 pixels). Dimensions are
read from the headers (PNG, GIF, WebP, JPEG) without decoding. SVGs are made inert by
``svgclean`` instead. A header can lie about what will be decoded: a GIF's screen can say
1 x 1 while a frame is 12000 x 12000, and a JPEG can carry a small first frame header
before the one a decoder uses (Pillow takes the last before the scan). So every GIF frame
and every JPEG frame header is read, and the largest counts.
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
            return _gif(data)
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
    """Walk the JPEG segments up to the scan; return the largest frame header's size."""
    i, largest = 2, None
    while i + 3 < len(data):
        if data[i] != 0xFF:
            return largest
        marker = data[i + 1]
        if marker in (0xD8, 0x01, 0xFF) or 0xD0 <= marker <= 0xD7:
            i += 1 if marker == 0xFF else 2  # 0xFF: fill bytes before a marker
            continue
        if marker == 0xDA:  # start of scan: the frame header in use has been seen
            break
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            largest = _larger(largest, (width, height))
        i += 2 + length
    return largest


def _gif(data: bytes) -> tuple[int, int] | None:
    """Return the largest of the logical screen and every frame (offset included)."""
    largest: tuple[int, int] | None = struct.unpack("<HH", data[6:10])
    flags = data[10]
    i = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while i < len(data):
        block = data[i]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then sub-blocks
            i = _skip_sub_blocks(data, i + 2)
        elif block == 0x2C:  # image descriptor: left, top, width, height, flags
            left, top, width, height = struct.unpack("<HHHH", data[i + 1 : i + 9])
            largest = _larger(largest, (left + width, top + height))
            local = data[i + 9]
            i += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0)
            i = _skip_sub_blocks(data, i + 1)  # after the LZW minimum code size
        else:
            break  # damaged: what was read so far counts
    return largest


def _skip_sub_blocks(data: bytes, i: int) -> int:
    while i < len(data) and data[i]:
        i += data[i] + 1
    return i + 1


def _larger(a: tuple[int, int] | None, b: tuple[int, int]) -> tuple[int, int]:
    """Return the size with more pixels, taking the larger side of each."""
    return b if a is None else (max(a[0], b[0]), max(a[1], b[1]))
