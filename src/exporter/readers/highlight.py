"""Highlight code blocks with Pygments, in the markup Python-Markdown's codehilite writes.

``<div class="highlight"><pre><span></span><code>...</code></pre></div>`` with Pygments'
token classes and no inline styles: the theme supplies the palette, so every Markdown
dialect's code looks the same in every output. Pygments is imported on the first block.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

PLAIN = "text"  # Pygments' lexer for code in no known language
ASKED: set[str] = set()  # the languages highlighted in this process (``warm`` another)
_WARMED: set[str] = set()
MAX_WARMED = 32  # a book's code languages; the names come from its fences: bounded


def language_of(info: str) -> str:
    """Return the language a fence's info string names: its first word, before any comma.

    mdBook writes ```` ```rust,ignore ````, pandoc ```` ```{.python} ````, MkDocs
    ```` ```py title="a.py" ````: all three name the language first.
    """
    words = info.split()
    if not words:
        return ""
    return words[0].split(",")[0].strip("{}").lstrip(".").lower()


def highlight(code: str, language: str) -> str:
    """Return ``code`` as highlighted HTML; an unknown or empty language gives plain code.

    Diagram languages (mermaid, dot, plantuml) have no Pygments lexer, so they stay code
    blocks showing their source, as the issue asks.
    """
    from pygments import highlight as pygmentize

    ASKED.add(language or PLAIN)
    if not code:
        return '<div class="highlight"><pre><span></span><code></code></pre></div>\n'
    return pygmentize(code, _lexer(language or PLAIN), _formatter())


@functools.lru_cache(maxsize=64)  # keyed by what authors write: bounded
def _lexer(language: str) -> Any:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    # stripnl=False: a CommonMark fence keeps its leading and trailing blank lines.
    try:
        return get_lexer_by_name(language, stripnl=False)
    except ClassNotFound:
        return get_lexer_by_name(PLAIN, stripnl=False)


def _formatter() -> Any:
    """One formatter for every block: making one computes a stylesheet we never use."""
    return html_formatter(cssclass="highlight", wrapcode=True)


def html_formatter(lang_str: str = "", **options: Any) -> Any:
    """Return Pygments' HTML formatter for ``options``, one per set of options.

    Making one computes the style's whole stylesheet, which our output never uses (classes
    only; the theme has the colours): about a third of highlighting a block. Python-Markdown's
    codehilite calls this as its ``pygments_formatter`` (``lang_str`` is its argument).
    """
    if lang_str:  # ``{lang_prefix}{lang}``, the prefix "language-" as we configure it
        ASKED.add(lang_str.removeprefix("language-"))
    try:
        key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))
        return _cached_formatter(key)
    except TypeError:  # an option that cannot be a key
        from pygments.formatters import HtmlFormatter

        return HtmlFormatter(**options)


@functools.cache
def _cached_formatter(key: tuple[tuple[str, Any], ...]) -> Any:
    from pygments.formatters import HtmlFormatter

    options: dict[str, Any] = {k: list(v) if k == "hl_lines" else v for k, v in key}
    return HtmlFormatter(**options)


def warm(languages: Iterable[str]) -> None:
    """Make the lexers of ``languages`` here, so that the processes forked from this one
    (a preview's builds) find them made.

    Making a lexer compiles its regular expressions, once per lexer class and process: the
    Python lexer took 120-130 ms of the 170 ms that reading an edited chapter with one
    Python block cost in each preview build's child. Unknown names are skipped.
    """
    for language in languages:
        if language not in _WARMED and len(_WARMED) < MAX_WARMED:
            _WARMED.add(language)
            _lexer(language)
