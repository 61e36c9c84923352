"""exporter batch: mirrored outputs, a broken file that does not stop the rest, the JSON
report, incremental re-runs, worker reuse, and the same batch through a Dask cluster."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from exporter import batch
from exporter.cli import cli


@pytest.fixture
def corpus(tmp_path: Path, samples: Path) -> Path:
    root = tmp_path / "in"
    (root / "news" / "2012").mkdir(parents=True)
    shutil.copy(samples / "mali-intervention.md", root / "news" / "2012" / "mali.md")
    shutil.copy(samples / "mali-intervention.txt", root / "news" / "mali-text.txt")
    shutil.copy(samples / "features.md", root / "features.md")
    shutil.copytree(samples / "images", root / "images")
    (root / "broken.md").write_bytes(b"# Broken\n\nCaf\xe9 in Latin-1.\n")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "skip.md").write_text("# not an article\n")
    return root


def _batch(*args: str) -> tuple[int, dict, str]:
    result = CliRunner().invoke(cli, ["batch", *args, "--json"])
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_batch_mirrors_the_tree_reports_json_and_survives_a_broken_file(
    corpus, tmp_path, epubcheck
):
    out = tmp_path / "out"
    code, report, stderr = _batch(str(corpus), "-o", str(out), "-j", "2")
    assert code == 3  # the worst failure: an undecodable input
    statuses = {r["input"]: r["status"] for r in report["results"]}
    assert statuses == {
        "broken.md": "failed",
        "features.md": "ok",
        "news/2012/mali.md": "ok",
        "news/mali-text.txt": "ok",
    }
    broken = next(r for r in report["results"] if r["input"] == "broken.md")
    assert "byte" in broken["error"] and "--encoding" in broken["error"]
    assert broken["exit_code"] == 3 and broken["outputs"] == []
    assert report["totals"] | {"seconds": 0} == {
        "inputs": 4, "ok": 3, "skipped": 0, "failed": 1, "seconds": 0, "exit_code": 3,
    }  # fmt: skip
    mali = out / "news" / "2012" / "mali.pdf"
    assert "Mali" in PdfReader(mali).metadata.title
    assert (out / "news" / "mali-text.epub").is_file()
    assert not (out / "broken.pdf").exists() and not list(out.rglob("*.tmp"))
    assert not list(out.rglob("skip.*"))
    with zipfile.ZipFile(out / "features.epub") as epub:
        assert epub.namelist()[0] == "mimetype"
    for path in out.rglob("*.epub"):
        epubcheck.queue(path)
    assert "failed  broken.md" in stderr


def test_a_rerun_with_nothing_changed_skips_and_a_change_rebuilds(corpus, tmp_path):
    (corpus / "broken.md").unlink()
    out = tmp_path / "out"
    assert _batch(str(corpus), "-o", str(out), "-j", "1")[0] == 0
    mtime = (out / "features.pdf").stat().st_mtime_ns
    code, report, _ = _batch(str(corpus), "-o", str(out), "-j", "1")
    assert code == 0 and report["totals"]["skipped"] == 3 and report["totals"]["ok"] == 0
    assert (out / "features.pdf").stat().st_mtime_ns == mtime
    # An image the article uses changed: only that article is rebuilt.
    png = corpus / "images" / "displaced.png"
    png.write_bytes(png.read_bytes() + b"\0")
    report = _batch(str(corpus), "-o", str(out), "-j", "1")[1]
    rebuilt = [r["input"] for r in report["results"] if r["status"] == "ok"]
    assert rebuilt == ["features.md"]
    # Other options rebuild everything; so does --force.
    assert _batch(str(corpus), "-o", str(out), "--page-size", "A5")[1]["totals"]["ok"] == 3
    assert (
        _batch(str(corpus), "-o", str(out), "--page-size", "A5", "--force")[1]["totals"]["ok"] == 3
    )


def test_colliding_outputs_fail_one_article_not_the_batch(tmp_path, samples):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(samples / "mali-intervention.md", src / "a.md")
    shutil.copy(samples / "mali-intervention.txt", src / "a.txt")
    code, report, _ = _batch(str(src), "-o", str(tmp_path / "out"), "-f", "epub")
    assert code == 6
    assert [r["status"] for r in report["results"]] == ["ok", "failed"]


@pytest.mark.parametrize("out", [".", "sub"])
def test_an_input_inside_the_output_folder_is_a_usage_error(tmp_path, out):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.md").write_text("# A\n")
    given = src / "sub"
    result = CliRunner().invoke(cli, ["batch", str(given), "-o", str(src / out), "-f", "epub"])
    assert result.exit_code == 2  # it used to say "no sources found; check the inputs" (3)
    assert result.stderr == (
        f"error: {given}: is inside the output folder {src / out}, which is never read for "
        "sources; choose an --output-dir outside the inputs.\n"
    )
    assert sorted(p.name for p in src.rglob("*")) == ["a.md", "sub"]


def test_a_worker_loads_the_theme_css_once_and_reuses_it(corpus, tmp_path):
    (corpus / "broken.md").unlink()
    results = batch.run_batch(
        [corpus], tmp_path / "out", batch.Options(formats=("pdf",)),
        executor=batch.LocalExecutor(1),
    )  # fmt: skip
    assert [r.status for r in results] == ["ok"] * 3
    # The coordinator parsed the theme's CSS before forking; no article parsed it again.
    assert [r.css_parses for r in results] == [0, 0, 0]


def test_the_same_batch_runs_on_a_dask_cluster(corpus, tmp_path):
    distributed = pytest.importorskip("distributed")
    (corpus / "broken.md").write_text("")  # empty: exit 3 from a Dask worker too
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:  # fmt: skip
        code, report, _ = _batch(
            str(corpus),
            "-o",
            str(tmp_path / "out"),
            "-f",
            "epub",
            "--dask",
            cluster.scheduler_address,
        )
    assert code == 3
    assert {r["input"]: r["status"] for r in report["results"]} == {
        "broken.md": "failed", "features.md": "ok", "news/2012/mali.md": "ok",
        "news/mali-text.txt": "ok",
    }  # fmt: skip
    assert "empty" in next(r["error"] for r in report["results"] if r["status"] == "failed")
    assert (tmp_path / "out" / "news" / "2012" / "mali.epub").is_file()


def test_an_unreachable_dask_scheduler_is_one_clean_error(corpus, tmp_path):
    result = CliRunner().invoke(
        cli, ["batch", str(corpus), "-o", str(tmp_path / "o"), "--dask", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 6
    assert result.stderr.startswith("error: cannot reach the Dask scheduler")


def test_exit_code_is_the_worst_failure():
    def failed(code: int) -> batch.Result:
        return batch.Result("x", "failed", exit_code=code)

    assert batch.exit_code([batch.Result("a", "ok")]) == 0
    assert batch.exit_code([failed(5), failed(3)]) == 3
    assert batch.exit_code([failed(3), failed(4)]) == 4
    assert batch.exit_code([failed(4), failed(1), failed(6)]) == 1


def test_a_batch_article_is_byte_identical_to_the_same_article_built_alone(
    tmp_path: Path, samples: Path
) -> None:
    """Workers forked after a warm-up that loaded many glyphs, in a process that rendered
    other articles: nothing of that may reach an article's files (fonts are subset per
    document, dates come from SOURCE_DATE_EPOCH)."""
    root = tmp_path / "in"
    root.mkdir()
    shutil.copy(samples / "mali-intervention.md", root / "a.md")
    shutil.copy(samples / "mali-intervention.txt", root / "b.txt")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    run = [sys.executable, "-m", "exporter"]
    subprocess.run([*run, "batch", str(root), "-o", str(tmp_path / "batch"), "-j", "1"],
                   check=True, env=env, capture_output=True)  # fmt: skip
    for name in ("a.md", "b.txt"):
        subprocess.run([*run, "build", str(root / name), "-o", str(tmp_path / "alone")],
                       check=True, env=env, capture_output=True)  # fmt: skip
    for fmt in ("pdf", "epub"):
        for stem in ("a", "b"):
            alone = (tmp_path / "alone" / f"{stem}.{fmt}").read_bytes()
            assert (tmp_path / "batch" / f"{stem}.{fmt}").read_bytes() == alone, (stem, fmt)
