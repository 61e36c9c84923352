"""Find a batch's sources: every file a reader claims under the inputs, and why one of them
cannot be built (a symlink out of its folder, no reader, a name that breaks the report)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from exporter.errors import SourceError, UsageError
from exporter.formats import reader_for_path, suffixes
from exporter.guard.policy import Policy
from exporter.settings import Settings


def discover(inputs: Sequence[Path], outdir: Path) -> list[tuple[Path, str, Path | None]]:
    """Return (source, relative name, the folder it was found in) for every supported file.

    The folder is None for a file named on the command line: the operator chose it.
    """
    found: list[tuple[Path, str, Path | None]] = []
    skip = outdir.resolve()
    known = suffixes()
    for given in inputs:
        if given.is_dir() and given.resolve().is_relative_to(skip):
            raise UsageError(
                f"{given}: is inside the output folder {outdir}, which is never read for "
                "sources; choose an --output-dir outside the inputs."
            )
        if given.is_dir():
            for path in sorted(given.rglob("*")):
                rel = path.relative_to(given)
                hidden = any(part.startswith(".") for part in rel.parts)
                inside_out = path.resolve().is_relative_to(skip)
                if (
                    path.suffix.lower() in known
                    and path.is_file()
                    and not hidden
                    and not inside_out
                ):
                    found.append((path, rel.as_posix(), given))
        elif given.exists():
            found.append((given, given.name, None))
        else:
            raise SourceError(f"{given}: no such file or folder. Check the path.")
    return found


def unusable(path: Path, folder: Path | None, options: Settings) -> str | None:
    """Say why a found source cannot be built: a symlink out of its folder, no reader, a
    name that would break the report's one line per article."""
    if not str(path).isprintable():
        return (
            f"{str(path)!r}: a file name with a line break or control character would break "
            "the report's one line per article; rename it."
        )
    if folder is not None:
        real = path.resolve()
        roots = [folder.resolve(), *(options.policy or Policy()).resource_roots]
        if not any(real.is_relative_to(root) for root in roots):
            return (
                f"{path}: a symlink to a file outside {folder}; refused. Pass "
                "--resource-root with the folder it points into to allow it."
            )
    if options.source_format is None:
        try:
            reader_for_path(path)
        except SourceError as exc:
            return str(exc)
    return None
