"""Convert many articles, each its own publication, on local processes or a Dask cluster.

The story: find the sources under the inputs; plan one job per source, with outputs that
mirror the input tree; skip a job whose inputs (source, images, theme, options, exporter
version) have not changed since its outputs were written; send the rest to an executor;
write each result atomically as it comes back; keep the state for the next run.

Workers only compute (read and render, in a killable child under the policy's limits) and
return bytes; the coordinating process writes every file, so a Dask worker needs exporter
installed and the sources' folders readable, never write access to the output folder.
"""

from __future__ import annotations

import functools
import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Protocol

from exporter import __version__
from exporter.batch_sources import discover, unusable
from exporter.batch_state import STATE_FILE, State
from exporter.errors import ExporterError, OutputError, SourceError, worst_exit_code
from exporter.formats import WRITERS, reader_for_path, suffixes
from exporter.guard import forks
from exporter.guard.policy import Policy
from exporter.settings import Settings

# What every job of a batch shares: the build's settings (kept under its older name).
Options = Settings


@dataclass(frozen=True)
class Job:
    """One article to convert: its source and where each format goes."""

    source: Path
    name: str  # the source's path relative to its input, as reported
    targets: dict[str, Path]
    options: Options


@dataclass
class Result:
    """What happened to one input; the JSON report's ``results`` entries."""

    input: str
    status: str  # ok | skipped | failed
    outputs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    exit_code: int = 0
    seconds: float = 0.0
    data: dict[str, bytes] = field(default_factory=dict, repr=False)
    used: list[str] = field(default_factory=list, repr=False)
    read_as: dict[str, str] = field(default_factory=dict, repr=False)  # sha256 of what was read
    css_parses: int = 0  # theme CSS parsed by this article's render (0: reused)
    # Each format's own outcome: {"status": ok|skipped|failed, "output" or "error"}.
    formats: dict[str, dict[str, object]] = field(default_factory=dict)

    def report(self) -> dict[str, object]:
        """Return the entry for the JSON report."""
        keys: tuple[str, ...] = ("input", "status", "outputs", "warnings", "error")
        keys += ("exit_code", "seconds") + (("formats",) if self.formats else ())
        return {k: v for k, v in asdict(self).items() if k in keys}


def build_one(job: Job) -> Result:
    """Convert one article in memory; never raise (a failure is a result). Runs on workers."""
    from exporter.api import produce

    start = time.perf_counter()
    opts = job.options
    try:
        # One process per job: the batch's workers already keep every core busy.
        policy = replace(opts.policy or Policy(), read_processes=1)
        made = produce([job.source], settings=replace(opts, policy=policy, jobs=1))
    except ExporterError as exc:
        seconds = round(time.perf_counter() - start, 3)
        return Result(job.name, "failed", error=str(exc), exit_code=exc.exit_code, seconds=seconds)
    except Exception as exc:  # a bug must cost one article, not the batch
        seconds = round(time.perf_counter() - start, 3)
        error = f"internal error: {type(exc).__name__}: {exc}. Please report it."
        return Result(job.name, "failed", error=error, exit_code=1, seconds=seconds)
    result = Result(
        job.name, "ok", [str(job.targets[f]) for f in made.outputs], list(made.warnings),
        seconds=round(time.perf_counter() - start, 3), data=made.outputs,
        used=[str(p) for p in made.inputs], read_as=made.digests, css_parses=made.css_parses,
    )  # fmt: skip
    for fmt in opts.formats:
        failure = made.failed.get(fmt)
        result.formats[fmt] = (
            {"status": "ok", "output": str(job.targets[fmt])}
            if failure is None
            else {"status": "failed", "error": str(failure), "exit_code": failure.exit_code}
        )
    if made.failed:  # the formats that finished are still written
        result.status = "failed"
        result.error = "; ".join(f"{fmt} failed: {exc}" for fmt, exc in made.failed.items())
        result.exit_code = worst_exit_code(exc.exit_code for exc in made.failed.values())
    return result


class Executor(Protocol):
    """Runs jobs somewhere and yields their results as they finish."""

    def run(self, fn: Callable[[Job], Result], jobs: Sequence[Job]) -> Iterator[Result]: ...


class LocalExecutor:
    """Worker processes forked from this one, so they start with everything it loaded."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)

    def run(self, fn: Callable[[Job], Result], jobs: Sequence[Job]) -> Iterator[Result]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        context = multiprocessing.get_context("fork")
        workers = min(self.workers, len(jobs) or 1)
        pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_worker_start, initargs=(os.getpid(),)
        )
        try:
            forks.settle()  # the first submit forks every worker (guard.forks)
            futures = [pool.submit(fn, job) for job in jobs]
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()  # Ctrl-C: stop now, not after the running articles
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _worker_start(coordinator: int) -> None:
    """Leave Ctrl-C to the coordinating process, which stops the workers itself; die with
    it when it is killed (kill -9 would otherwise leave workers blocked on their pipe)."""
    from exporter.guard.forks import die_with

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with(coordinator)


class DaskExecutor:
    """An existing Dask distributed cluster; its workers need exporter installed."""

    def __init__(self, address: str) -> None:
        self.address = address

    def run(self, fn: Callable[[Job], Result], jobs: Sequence[Job]) -> Iterator[Result]:
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise ExporterError(
                "--dask needs the optional extra: pip install 'exporter[dask]'"
            ) from None
        try:
            client = Client(self.address, timeout="10s", set_as_default=False)
        except OSError as exc:
            raise OutputError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
        try:
            futures = client.map(fn, list(jobs), pure=False)
            with client.as_current():
                for future in as_completed(futures):
                    yield future.result()
        finally:
            client.close()


def plan(
    sources: list[tuple[Path, str, Path | None]], outdir: Path, options: Options
) -> tuple[list[Job], list[Result]]:
    """Make one job per source; a source that cannot be one fails alone, not the batch."""
    jobs, failed = [], []
    claimed: dict[Path, str] = {}  # output -> the source that makes it
    for path, name, folder in sources:
        trouble = unusable(path, folder, options)
        if trouble:
            failed.append(Result(name, "failed", error=trouble, exit_code=3))
            continue
        targets = {
            f: outdir / Path(name).with_suffix(WRITERS.get(f).suffix) for f in options.formats
        }
        clash = next((claimed[t] for t in targets.values() if t in claimed), None)
        if clash or path.resolve() in {t.resolve() for t in targets.values()}:
            why = (
                f"its outputs would overwrite those of {clash}"
                if clash
                else "an output would overwrite it"
            )
            failed.append(Result(name, "failed", error=f"{why}; rename one.", exit_code=6))
            continue
        claimed.update(dict.fromkeys(targets.values(), name))
        # Absolute, not resolved: a symlink's own name keeps the suffix that picks the reader.
        jobs.append(Job(path.absolute(), name, targets, options))
    return jobs, failed


def run_batch(
    inputs: Sequence[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    options: Options,
    *,
    executor: Executor | None = None,
    force: bool = False,
    on_result: Callable[[Result, int], None] | None = None,
) -> list[Result]:
    """Convert every article under ``inputs`` into ``outdir``; return one result per input."""
    from exporter.guard.output import commit
    from exporter.guard.verify import check_written
    from exporter.themes import load_theme
    from exporter.warm import prepare

    out = Path(outdir)
    jobs, results = plan(discover([Path(i) for i in inputs], out), out, options)
    if not jobs and not results:
        raise SourceError(f"no sources found ({', '.join(suffixes())}); check the inputs.")
    state = State(out, options)
    todo = [j for j in jobs if force or not state.unchanged(j)]
    building = {job.name for job in todo}
    for job in jobs:
        if job.name not in building:
            results.append(Result(job.name, "skipped", [str(t) for t in job.targets.values()]))
    total = len(results) + len(todo)
    for result in results:
        if on_result:
            on_result(result, total)
    if todo:  # loaded once here; forked workers inherit it instead of loading it per article
        kinds = {options.source_format or reader_for_path(job.source).name for job in todo}
        prepare(load_theme(options.theme), options, kinds)
    by_name = {job.name: job for job in todo}
    executor = executor or LocalExecutor(os.cpu_count() or 1)
    try:
        for result in executor.run(build_one, todo) if todo else ():
            job = by_name[result.input]
            try:  # one commit per article: a failure puts back every file it replaced
                commit([
                    (job.targets[fmt], data, functools.partial(check_written, fmt, data))
                    for fmt, data in result.data.items()
                ])  # fmt: skip
                if result.status == "ok":
                    state.record(job, result)
                else:  # a format failed: the next run tries the article again
                    state.forget(job)
            except ExporterError as exc:
                _not_committed(result, exc)
            for fmt, entry in result.formats.items():  # the report says what is on disk
                if entry["status"] == "failed" and job.targets[fmt].is_file():
                    entry["previous"] = str(job.targets[fmt])  # an earlier run's, kept
            result.data = {}
            results.append(result)
            if on_result:
                on_result(result, total)
    finally:
        unsaved = _save(state)  # on an interruption, best effort and the error propagates
    if unsaved:
        results.append(unsaved)
        if on_result:
            on_result(unsaved, total + 1)
    return results


def _not_committed(result: Result, exc: ExporterError) -> None:
    """Mark a result whose files could not be written: none of them is (rolled back)."""
    result.status, result.error, result.exit_code = "failed", str(exc), exc.exit_code
    result.outputs = []
    for entry in result.formats.values():
        entry.update(status="failed", error=str(exc), exit_code=exc.exit_code)
        entry.pop("output", None)


def _save(state: State) -> Result | None:
    """Save the state; a failure (a read-only OUTDIR) is one failed entry, exit code 6, so
    the report still lists what was built. The next run then rebuilds those articles."""
    try:
        state.save()
    except ExporterError as exc:
        error = f"{exc} The batch state was not saved: the next run rebuilds every article."
        return Result(STATE_FILE, "failed", error=error, exit_code=exc.exit_code)
    return None


def exit_code(results: Sequence[Result]) -> int:
    """Return 0 when nothing failed, else the code of the most severe failure."""
    return worst_exit_code(r.exit_code for r in results if r.status == "failed")


def report(results: Sequence[Result], seconds: float) -> dict[str, object]:
    """Return the JSON report: one entry per input, then totals (schema in the README)."""
    counts = {s: sum(r.status == s for r in results) for s in ("ok", "skipped", "failed")}
    return {
        "exporter": __version__,
        "results": [r.report() for r in sorted(results, key=lambda r: r.input)],
        "totals": {"inputs": len(results), **counts, "seconds": round(seconds, 3),
                   "exit_code": exit_code(results)},
    }  # fmt: skip
