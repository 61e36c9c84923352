"""Fenced code at any depth (pymdown-extensions' SuperFences), highlighted as before.

SuperFences finds fences inside list items, block quotes, admonitions and tabs, which
Python-Markdown's own fenced_code does not. It accepts a language word followed by
``key="value"`` options or a ``{...}`` attribute list, and nothing else: ```` ```rust,ignore ````
(mdBook), ```` ```rust ignore ```` or ```` ```{.python .numberLines} ```` (pandoc) would make
the fence prose and the prose after it code. ``FenceInfoPreprocessor`` rewrites every opening
fence's info string first: its first word is the language, ``title``, ``hl_lines`` and
``linenums`` are kept, pandoc's ``.numberLines``/``startFrom`` become ``linenums``, and any
other word is dropped.

Every fence goes through one catch-all formatter that calls Python-Markdown's CodeHilite with
the configuration of the codehilite extension in use, so fenced code is marked up exactly as
fenced_code made it (Pygments classes under ``.highlight``; the theme has the colours). A
``title`` becomes a caption above the code: ``<div class="code-title">a.py</div>``. Diagram
fences (mermaid, plantuml) stay code blocks: nothing here draws them.
"""

from __future__ import annotations

import html
import re
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.codehilite import CodeHilite, CodeHiliteExtension
from markdown.preprocessors import Preprocessor
from pymdownx.highlight import HighlightExtension
from pymdownx.superfences import RE_HL_LINES, RE_LINENUMS, SuperFencesCodeExtension

from exporter.math.mdext import fence as math_fence

# An opening fence: any indentation or quote prefix, then three or more backticks or tildes.
_FENCE = re.compile(r"^(?P<prefix>[ \t>]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>.*?)[ \t]*$")
# One word of an info string: key=value (quoted or not), or a bare word.
_WORD = re.compile(
    r"""(?P<key>[A-Za-z][\w-]*)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>\S*))|(?P<word>\S+)"""
)
# A language name as SuperFences reads it.
_LANG = re.compile(r"[\w#.+-]+")
_KEPT = ("title", "hl_lines", "linenums")


def normalise_info(info: str) -> str:
    """Return the info string rewritten as ``lang key="value" ...`` (SuperFences' form)."""
    lang = ""
    options: dict[str, str] = {}
    for match in _WORD.finditer(info.replace("{", " ").replace("}", " ")):
        key = match.group("key")
        if key:
            value = match.group("dq") or match.group("sq") or match.group("bare") or ""
            if key == "startFrom":
                options["linenums"] = value
            elif key in _KEPT and '"' not in value:
                options[key] = value
            continue
        word = match.group("word")
        if word.startswith("#"):  # an id: the cleaning stage gives ids
            continue
        if word == ".numberLines":
            options.setdefault("linenums", "1")
        elif not lang:
            # rust,ignore -> rust; .python -> python; the rest of the word is dropped.
            found = _LANG.match(word.lstrip(".").split(",")[0])
            lang = found.group().strip(".") if found else ""
    parts = [lang] if lang else []
    parts.extend(f'{key}="{value}"' for key, value in options.items())
    return " ".join(parts)


class FenceInfoPreprocessor(Preprocessor):
    """Rewrite opening fences' info strings; never a line inside a fence."""

    def run(self, lines: list[str]) -> list[str]:
        open_fence = ""
        out = []
        for line in lines:
            match = _FENCE.match(line) if ("`" in line or "~" in line) else None
            if match is None:
                out.append(line)
                continue
            fence, info = match.group("fence"), match.group("info")
            if open_fence:
                if not info and fence[0] == open_fence[0] and len(fence) >= len(open_fence):
                    open_fence = ""
                out.append(line)
            elif fence[0] == "`" and "`" in info:  # inline code, not a fence (CommonMark)
                out.append(line)
            else:
                open_fence = fence
                wanted = normalise_info(info) if info else ""
                out.append(f"{match.group('prefix')}{fence}{wanted}" if wanted != info else line)
        return out


_CHECKS = {"title": re.compile(".*"), "hl_lines": RE_HL_LINES, "linenums": RE_LINENUMS}


def _validate(language: str, inputs: dict[str, str], options: dict[str, Any], *args: Any) -> bool:
    """Keep the options the formatter knows (well formed); ignore every other one."""
    for key, value in inputs.items():
        if key in _CHECKS and _CHECKS[key].match(value):
            options[key] = value
    return True  # an unknown option never makes the fence prose


def _format(
    src: str, language: str, class_name: str, options: dict[str, Any], md: Markdown, **kwargs: Any
) -> str:
    """Highlight one fence with CodeHilite, as fenced_code would; a title goes above."""
    config: dict[str, Any] = {}
    for ext in md.registeredExtensions:
        if isinstance(ext, CodeHiliteExtension):
            config = ext.getConfigs()
            break
    config.setdefault("css_class", "highlight")
    classes = [c for c in kwargs.get("classes") or [] if c]
    if classes:  # as fenced_code does: the classes first, Pygments' own class last
        config["css_class"] = " ".join([*classes, config["css_class"]])
    if "hl_lines" in options:
        config["hl_lines"] = _line_numbers(options["hl_lines"])
    if "linenums" in options:
        config["linenums"] = True
        config["linenostart"] = int(options["linenums"].split()[0])
    style = config.pop("pygments_style", "default")
    code = CodeHilite(src, lang=language or None, style=style, **config).hilite(shebang=False)
    title = options.get("title", "").strip()
    if title:
        return f'<div class="code-title">{html.escape(title, quote=False)}</div>\n{code}'
    return code


def _line_numbers(spec: str) -> list[int]:
    """Expand ``hl_lines`` ("2 3", "3-5") into line numbers."""
    numbers: list[int] = []
    for part in spec.split():
        first, _, last = part.partition("-")
        numbers.extend(range(int(first), int(last or first) + 1))
    return numbers


class _SuperFences(SuperFencesCodeExtension):
    def patch_fenced_rule(self) -> None:
        # SuperFences registers pymdownx.highlight by name, which makes Python-Markdown read
        # every installed distribution's entry points (70-90 ms, once per process). Give it
        # the instance instead; the result is the same extension, disabled as SuperFences asks.
        md = self.md
        register = md.registerExtensions

        def by_instance(extensions: list[Any], configs: dict[str, Any]) -> Markdown:
            built = [
                HighlightExtension(**configs.get(e, {})) if e == "pymdownx.highlight" else e
                for e in extensions
            ]
            return register(built, configs)

        md.registerExtensions = by_instance
        try:
            super().patch_fenced_rule()
        finally:
            del md.registerExtensions


class FencesExtension(Extension):
    """SuperFences with one catch-all formatter, behind the info-string normaliser."""

    def extendMarkdown(self, md: Markdown) -> None:
        fence = {"name": "*", "class": "highlight", "format": _format, "validator": _validate}
        math = {"name": "math", "class": "math", "format": math_fence}  # a display formula
        _SuperFences(custom_fences=[math, fence]).extendMarkdown(md)
        # After whitespace normalising (30), before SuperFences reads the fences (25).
        md.preprocessors.register(FenceInfoPreprocessor(md), "exporter-fence-info", 28)
