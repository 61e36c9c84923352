"""A format plugin, really installed: its reader and writer come through entry points.

``tests/support/plugin`` is a package of its own (a CSV reader, a plain-text writer). It is
installed with pip into a folder of the test's, which the CLI subprocess sees on its path,
so the test environment itself never changes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

PLUGIN = Path(__file__).parent / "support" / "plugin"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Install the example plugin into a folder and return it (put it on PYTHONPATH)."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(PLUGIN)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert list(target.glob("exporter_csv_example-*.dist-info"))
    return target


def exporter(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "exporter", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_the_plugin_formats_are_listed(site, tmp_path):
    listed = exporter(site, "formats", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "csv" in listed.stdout and ".csv" in listed.stdout
    assert "txt" in listed.stdout and "plain text" in listed.stdout


def test_build_reads_csv_and_writes_txt_and_epub(site, tmp_path, epubcheck):
    (tmp_path / "planets.csv").write_text("Planet,Moons\nEarth,1\nMars,2\n")
    made = exporter(site, "build", "planets.csv", "-f", "txt", "-f", "epub", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.split() == ["planets.txt", "planets.epub"]
    text = (tmp_path / "planets.txt").read_text()
    assert text.splitlines()[0] == "Planets"
    assert "Earth | 1" in text and "Mars | 2" in text
    with zipfile.ZipFile(tmp_path / "planets.epub") as epub:
        chapter = epub.read("EPUB/chapter-001.xhtml").decode()
    assert "<th>Moons</th>" in chapter and "<td>Mars</td>" in chapter
    epubcheck.check(tmp_path / "planets.epub")


def test_from_takes_the_plugin_reader_for_stdin(site, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "exporter", "build", "-", "--from", "csv", "-f", "txt", "-o", "-"],
        input="A,B\n1,2\n", cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(site)}, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "1 | 2" in proc.stdout


def test_an_unknown_format_names_the_plugins_too(site, tmp_path):
    proc = exporter(site, "build", "x.md", "-f", "docbook", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Unknown format 'docbook'" in proc.stderr and "txt" in proc.stderr


def test_help_does_not_load_plugins(site, tmp_path):
    code = (
        "import sys; from exporter.cli import cli\n"
        "try: cli(['build', '--help'], prog_name='exporter')\n"
        "except SystemExit: pass\n"
        "print('exporter_csv' in sys.modules, 'importlib.metadata' in sys.modules)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(site)}, check=True,
    )  # fmt: skip
    assert proc.stdout.split()[-2:] == ["False", "False"]


def test_a_plugin_transform_runs_only_when_named(site, tmp_path):
    (tmp_path / "planets.csv").write_text("Planet,Moons\nEarth,1\n")
    plain = exporter(site, "build", "planets.csv", "-f", "epub", "-o", "a", cwd=tmp_path)
    named = exporter(site, "build", "planets.csv", "-f", "epub", "-o", "b",
                     "--transform", "upper-titles", cwd=tmp_path)  # fmt: skip
    assert plain.returncode == named.returncode == 0, plain.stderr + named.stderr
    with (
        zipfile.ZipFile(tmp_path / "a" / "planets.epub") as a,
        zipfile.ZipFile(tmp_path / "b" / "planets.epub") as b,
    ):
        assert "<title>Planets</title>" in a.read("EPUB/chapter-001.xhtml").decode()
        assert "<title>PLANETS</title>" in b.read("EPUB/chapter-001.xhtml").decode()
    listed = exporter(site, "formats", cwd=tmp_path)
    assert "upper-titles" in listed.stdout
