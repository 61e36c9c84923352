"""Options and names a newcomer gets wrong: one clear line and the right exit code, and no
name that would break the "one path per line" output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.cli import cli

ARTICLE = "# A title\n\nSome text.\n"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    source = tmp_path / "a.md"
    source.write_text(ARTICLE, "utf-8")
    return source


@pytest.mark.parametrize("level", ["1", "7"])
def test_split_level_outside_2_to_6_is_a_usage_error(article: Path, level: str) -> None:
    result = CliRunner().invoke(cli, ["build", str(article), "-f", "epub", "--split-level", level])
    assert result.exit_code == 2
    assert f"Invalid value for '--split-level': {level} is not in the range 2<=x<=6" in (
        result.stderr
    )


def test_split_level_help_says_2_to_6() -> None:
    text = " ".join(CliRunner().invoke(cli, ["build", "--help"]).output.split())
    assert "--split-level INTEGER RANGE EPUB: also start a file at each heading of this level, " \
        "2-6 (every chapter starts one anyway). [2<=x<=6]" in text  # fmt: skip


def test_an_output_folder_with_a_newline_is_refused(article: Path, tmp_path: Path) -> None:
    out = tmp_path / "two\nlines"
    result = CliRunner().invoke(cli, ["build", str(article), "-f", "html", "-o", str(out)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1  # one line, the name quoted
    assert "would break 'one path per line'; choose another --output-dir" in result.stderr
    assert not out.exists()


def test_init_refuses_a_folder_with_a_newline(tmp_path: Path) -> None:
    folder = tmp_path / "two\nlines"
    result = CliRunner().invoke(cli, ["init", str(folder)])
    assert result.exit_code == 2
    assert "a folder name with a line break or control character" in result.stderr
    assert result.stdout == "" and not folder.exists()


def test_a_batch_source_with_a_newline_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text(ARTICLE, "utf-8")
    (folder / "bad\nname.md").write_text(ARTICLE, "utf-8")
    out = tmp_path / "out"
    args = ["batch", str(folder), "-o", str(out), "-f", "html", "-j", "1", "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3
    entries = {r["input"]: r for r in json.loads(result.stdout)["results"]}
    assert entries["good.md"]["status"] == "ok"
    bad = entries["bad\nname.md"]
    assert bad["status"] == "failed" and "line break" in bad["error"]
    assert "\n" not in bad["error"]  # quoted: the report's line stays one line
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["good.html"]


@pytest.mark.parametrize("name", ["epub.css", "theme.toml"])
def test_a_config_file_cannot_choose_a_theme_whose_files_leave_its_folder(
    article: Path, tmp_path: Path, name: str
) -> None:
    import shutil

    from exporter.themes import styles_dir

    theme = tmp_path / "theme"
    shutil.copytree(styles_dir() / "classic", theme)
    (tmp_path / "elsewhere").write_bytes((theme / name).read_bytes())
    (theme / name).unlink()
    (theme / name).symlink_to(tmp_path / "elsewhere")
    (tmp_path / "exporter.toml").write_text(f'theme = "{theme}"\n', "utf-8")  # beside a.md
    result = CliRunner().invoke(cli, ["build", str(article), "-f", "epub", "-o", tmp_path / "o"])
    assert result.exit_code == 2, result.output
    assert f"{name}: a symlink to a file outside the theme folder; refused" in result.stderr
    assert result.stderr.startswith(f"error: {tmp_path / 'exporter.toml'}: theme = ")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('formats = ["docx"]', "formats = ['docx']: Unknown format 'docx'. Use one of: pdf, epub"),
        (
            'source-format = "rst"',
            "source-format = 'rst': Unknown source format 'rst'. Use one of:",
        ),
        ('lang = "C"', "lang = 'C': not a BCP 47 tag; use one like 'en' or 'pt-BR'."),
    ],
)
def test_every_bad_value_in_the_config_names_the_config_file(
    article: Path, tmp_path: Path, line: str, said: str
) -> None:
    config = tmp_path / "exporter.toml"
    config.write_text(line + "\n", "utf-8")
    result = CliRunner().invoke(cli, ["build", str(article), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {config}: {said}")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "o").exists()
