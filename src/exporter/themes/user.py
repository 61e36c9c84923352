"""A user's own stylesheets on top of a theme: ``--css``, and ``css = [...]`` in files.

Each is named ``FILE`` (every output) or ``TARGET:FILE``, TARGET being ``pdf`` (print),
``epub`` or ``html``, and comes after the theme's stylesheet of that output, so its rules
win. A book's ``css`` (book.toml) comes first, then ``--css`` or the config file's ``css``.

Confined as a theme's files are: a stylesheet named by a config file or a manifest lies
inside that file's folder (``inside``), as sources nobody on the team wrote may come with
them; the files its ``url()`` names (fonts, images) lie inside its own folder and travel in
it as ``data:`` URLs, so every output carries them and the PDF's fetcher never reaches out;
``@import`` is refused. Each file read is recorded (``ledger``): batch and the preview
rebuild when it changes.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable
from pathlib import Path

from exporter.errors import ThemeError, UsageError
from exporter.themes import FONT_TYPES

TARGETS = ("pdf", "epub", "html")
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""", re.IGNORECASE)
_IMPORT = re.compile(r"@import\b", re.IGNORECASE)
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_MEDIA_TYPES = {
    **FONT_TYPES,
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".svg": "image/svg+xml",
}  # fmt: skip


def split(spec: str) -> tuple[str, str]:
    """Return a stylesheet spec's target ("" for every output) and file name."""
    target, colon, name = spec.partition(":")
    if colon and target.lower() in TARGETS:
        return target.lower(), name
    return "", spec


def check(specs: Iterable[str]) -> None:
    """Fail on a spec that names no file (``pdf:`` alone)."""
    for spec in specs:
        if not split(spec)[1].strip():
            raise UsageError(
                f"--css '{spec}' names no file. Give FILE, or pdf:FILE, epub:FILE, html:FILE."
            )


def inside(value: object, folder: Path, where: str) -> tuple[str, ...]:
    """Return ``css = ...`` of a config file or a manifest (a spec or a list, relative to
    ``folder``) as absolute specs, each a regular file inside ``folder``; fail naming
    ``where``."""
    specs = [value] if isinstance(value, str) else value
    if not isinstance(specs, (list, tuple)) or not all(isinstance(s, str) for s in specs):
        raise ThemeError(
            f'{where}: css must list stylesheets, such as css = ["house.css", "pdf:print.css"].'
        )
    check(specs)
    root = Path(os.path.realpath(folder))
    found = []
    for spec in specs:
        target, name = split(spec)
        path = Path(os.path.realpath(folder / name))
        if not path.is_relative_to(root) or not path.is_file():
            raise ThemeError(
                f"{where}: css '{spec}' is not a file inside {folder} (stylesheets named "
                "there must lie in its folder). Fix the path."
            )
        found.append(f"{target}:{path}" if target else str(path))
    return tuple(found)


def user_css(target: str, *lists: Iterable[str]) -> str:
    """Return the CSS of the stylesheets the spec ``lists`` name for ``target``, in order."""
    return "".join(
        f"\n/* {name} */\n{_load(Path(name))}\n"
        for specs in lists
        for wanted, name in map(split, specs)
        if wanted in ("", target)
    )


def _load(path: Path) -> str:
    """Read one stylesheet; its url()s become data: URLs of files inside its folder."""
    from exporter.reading import ledger

    try:
        data = path.read_bytes()
        css = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"{path}: cannot be read as a UTF-8 stylesheet ({exc}).") from None
    ledger.record(path, data)
    if _IMPORT.search(_COMMENT.sub("", css)):
        raise ThemeError(
            f"{path}: @import is not followed in a stylesheet of your own. Give the other "
            "file as a second --css (or css entry) instead."
        )
    root = Path(os.path.realpath(path.parent))
    css = _URL.sub(lambda match: _inline(match.group(2).strip(), root, path), css)
    # Inlined into the standalone HTML's <style>: '</' could close it. '<\/' is the same
    # text to CSS.
    return css.replace("</", "<\\/")


def _inline(ref: str, root: Path, sheet: Path) -> str:
    if ref.startswith("data:") or ref.startswith("#"):
        return f'url("{ref}")'
    file = Path(os.path.realpath(root / ref.split("?")[0].split("#")[0]))
    media_type = _MEDIA_TYPES.get(file.suffix.lower())
    if "://" in ref or not file.is_relative_to(root) or not file.is_file() or not media_type:
        raise ThemeError(
            f"{sheet}: url({ref}) is not a font or image file inside {root}. A stylesheet "
            "of your own may use only the files beside it. Fix the url()."
        )
    from exporter.reading import ledger

    data = file.read_bytes()
    ledger.record(file, data)
    return f'url("data:{media_type};base64,{base64.b64encode(data).decode("ascii")}")'
