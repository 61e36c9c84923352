"""The pixel limit counts every frame: an animated GIF whose second frame says 12000 x 12000
(its first frame and its screen are 5 x 4) is refused in both formats, with one warning."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from exporter.cli import cli


def _gif_with_a_big_second_frame() -> bytes:
    first, second = (Image.new("RGB", (5, 4), c).convert("P") for c in ("red", "blue"))
    buffer = io.BytesIO()
    first.save(buffer, "GIF", save_all=True, append_images=[second], optimize=False, disposal=2)
    data = buffer.getvalue()
    size = struct.pack("<HH", 5, 4)
    frames = [i for i in range(len(data) - 9) if data[i] == 0x2C and data[i + 5 : i + 9] == size]
    assert len(frames) == 2
    at = frames[1]
    return data[: at + 5] + struct.pack("<HH", 12000, 12000) + data[at + 9 :]


def test_a_big_later_frame_does_not_pass_the_pixel_limit(tmp_path: Path) -> None:
    (tmp_path / "anim.gif").write_bytes(_gif_with_a_big_second_frame())
    source = tmp_path / "a.md"
    source.write_text("# T\n\n![a](anim.gif)\n\nAfter the picture.\n", "utf-8")
    result = CliRunner().invoke(cli, ["build", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    warning = "a.md: image 'anim.gif' is 12000 x 12000 pixels, over the limit of 50,000,000"
    assert result.stderr.count(warning) == 1
    assert "DecompressionBomb" not in result.stderr
    with zipfile.ZipFile(tmp_path / "out" / "a.epub") as epub:
        assert not [n for n in epub.namelist() if n.endswith(".gif")]
    page = PdfReader(tmp_path / "out" / "a.pdf").pages[0]
    assert "After the picture." in page.extract_text()
    assert not page.images
