"""An mkdocs.yml's ``markdown_extensions``, as the Markdown reader honours them.

The reader always runs the extensions most MkDocs projects list (tables, footnotes,
attribute lists, definition lists, abbreviations, admonitions, SuperFences, tabs, details,
task lists, ~~ == ^^, bare URLs), so naming them changes nothing. The ones that change what
some text means are added only when the project lists them: ``nl2br`` (a line break is a
``<br>``), ``pymdownx.keys`` (``++ctrl+c++``), ``pymdownx.smartsymbols`` (``(c)``, ``-->``,
``1/2``), ``pymdownx.emoji`` (``:smile:``), ``pymdownx.betterem`` and
``pymdownx.inlinehilite`` (`` `#!python x` ``).

Options are taken from a fixed list per extension, each with the type it must have: an
mkdocs.yml may hold ``!!python/name:`` tags, read as inert text, and nothing read from it is
ever imported or called. Emoji always become the Unicode character (the ``to_alt``
generator): MkDocs' image generators point at a CDN, and a book is built without a network.
Options that only matter on a web site (``toc``'s permalinks, ``emoji_index``, task lists'
custom checkboxes) are left aside without a word: they change nothing on a page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markdown.extensions import Extension

Options = Mapping[str, Any]
Configured = Sequence[tuple[str, Options]]

# The options honoured for each extension, and the type each value must have.
# fmt: off
ALLOWED: dict[str, dict[str, type]] = {
    "pymdownx.keys": {"separator": str, "strict": bool, "camel_case": bool},
    "pymdownx.smartsymbols": dict.fromkeys(
        ("trademark", "copyright", "registered", "plusminus", "arrows", "notequal",
         "fractions", "ordinal_numbers"), bool,
    ),
    "pymdownx.betterem": {"smart_enable": str},
    "pymdownx.inlinehilite": {"style_plain_text": bool},
    "pymdownx.caret": {"smart_insert": bool, "insert": bool, "superscript": bool},
    "pymdownx.tilde": {"smart_delete": bool, "delete": bool, "subscript": bool},
    "pymdownx.mark": {"smart_mark": bool},
    "pymdownx.magiclink": {
        "hide_protocol": bool, "repo_url_shortener": bool, "repo_url_shorthand": bool,
        "social_url_shortener": bool, "social_url_shorthand": bool, "provider": str,
        "user": str, "repo": str, "normalize_issue_symbols": bool,
    },
    "pymdownx.highlight": {"linenums": bool},
    "codehilite": {"linenums": bool},
}
# fmt: on


def options(configured: Configured, name: str) -> dict[str, Any]:
    """Return the honoured options the project gives extension ``name`` (a fresh dict)."""
    allowed = ALLOWED.get(name, {})
    found: dict[str, Any] = {}
    for listed, given in configured:
        if listed != name:
            continue
        for key, value in given.items():
            kind = allowed.get(key)
            if kind is not None and type(value) is kind:  # bool is not an int here
                found[key] = value
    return found


def listed(configured: Configured, name: str) -> bool:
    """Tell whether the project lists extension ``name``."""
    return any(listed == name for listed, _ in configured)


def linenums(configured: Configured) -> bool | None:
    """Return the line-number choice for code blocks (None: only where a fence asks)."""
    for name in ("pymdownx.highlight", "codehilite"):
        if "linenums" in (chosen := options(configured, name)):
            return bool(chosen["linenums"])
    return None


def _nl2br(_: Options) -> Extension:
    from markdown.extensions.nl2br import Nl2BrExtension

    return Nl2BrExtension()


def _keys(given: Options) -> Extension:
    from pymdownx.keys import KeysExtension

    return KeysExtension(**given)


def _smartsymbols(given: Options) -> Extension:
    from pymdownx.smartsymbols import SmartSymbolsExtension

    return SmartSymbolsExtension(**given)


def _emoji(_: Options) -> Extension:
    from pymdownx.emoji import EmojiExtension, to_alt

    return EmojiExtension(emoji_generator=to_alt)


def _betterem(given: Options) -> Extension:
    from pymdownx.betterem import BetterEmExtension

    return BetterEmExtension(**given)


def _inlinehilite(given: Options) -> Extension:
    from pymdownx.inlinehilite import InlineHiliteExtension

    return InlineHiliteExtension(**given)


# The extensions added only when listed, in the order they are given to Python-Markdown.
OPTIONAL: dict[str, Callable[[Options], Extension]] = {
    "nl2br": _nl2br,
    "pymdownx.keys": _keys,
    "pymdownx.smartsymbols": _smartsymbols,
    "pymdownx.emoji": _emoji,
    "pymdownx.betterem": _betterem,
    "pymdownx.inlinehilite": _inlinehilite,
}


def extra_extensions(configured: Configured) -> list[Extension]:
    """Return fresh instances of the optional extensions the project lists."""
    return [
        make(options(configured, name))
        for name, make in OPTIONAL.items()
        if listed(configured, name)
    ]
