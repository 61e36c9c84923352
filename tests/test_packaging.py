"""Themes load however exporter is installed: from a wheel, an editable install, a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (built,) = out.glob("exporter-*.whl")
    return built


def test_the_wheel_carries_every_theme(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for theme in ("classic", "modern", "technical"):
        for file in ("theme.toml", "base.css", "pdf.css", "epub.css", "fonts.css"):
            assert f"exporter/styles/{theme}/{file}" in names
        assert any(
            n.startswith(f"exporter/styles/{theme}/fonts/") and n.endswith((".otf", ".ttf"))
            for n in names
        )
    assert "exporter/py.typed" in names


def test_an_installed_wheel_finds_its_themes_from_another_folder(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = "import exporter.themes as t; print(t.styles_dir()); print(t.builtin_names())"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    where, names = proc.stdout.splitlines()
    assert Path(where).is_relative_to(target)
    assert names == "['classic', 'modern', 'technical']"


def test_a_plain_checkout_finds_the_top_level_styles(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    code = "import exporter.themes as t; print(t.styles_dir())"
    proc = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(ROOT / 'src')!r}); {code}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert Path(proc.stdout.strip()) == ROOT / "styles"
