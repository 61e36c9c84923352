"""Read CommonMark and GitHub Flavored Markdown through markdown-it-py and its plug-ins.

Two dialects, one parser library: ``commonmark`` is the spec and nothing else (front matter
aside); ``gfm`` adds what GitHub renders (tables, strikethrough, task lists, autolinks,
footnotes, ``> [!NOTE]`` alerts) and what books written for GitHub-like sites lean on
(definition lists, ``{#id .class}`` attributes, ``:::`` containers). The markup matches the
``markdown`` reader's where the cleaning stage cares: Python-Markdown's footnote shape, the
codehilite ``<div class="highlight">`` for code, and one ``<aside class="admonition KIND"
role="note">`` for every alert and container.

markdown-it-py stays linear on CommonMark's pathological inputs (the tests time them: the
slowest, 10 000 ``[^``, took 0.4-0.6 s of CPU for 20 000 characters on a loaded machine; twice
the input took twice the time). One option, ``maxNesting``, bounds two things: past it the
block parser silently drops the rest of the document, and the inline parser stops looking
inside brackets. Blocks get one level more than the policy's ``max_depth`` (a source that
deep then fails the depth check with a message naming the limit, instead of losing text);
inlines keep the preset's 20, since their cost grows with it (5x slower on ``[[[...``
at 101) and nothing is lost there: the brackets stay as text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from exporter.formats import RawChapter, SourceText
from exporter.guard.policy import current
from exporter.math.mdit import math_plugin
from exporter.model import Metadata
from exporter.readers.constructs import warn_unsupported
from exporter.readers.highlight import highlight, language_of
from exporter.readers.meta import metadata_from_mapping, split_front_matter

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

# Kinds a ':::' container becomes an admonition for: GitHub's five alerts, MkDocs
# Material's and Docusaurus' kinds and VitePress' `details`. Any other name (`::: columns`)
# is a plain <div class="NAME">, since calling it a note would be wrong.
ADMONITIONS = frozenset(
    {
        "note", "tip", "important", "warning", "caution", "danger", "info", "hint",
        "attention", "error", "success", "question", "failure", "bug", "example", "quote",
        "abstract", "summary", "todo", "seealso", "details",
    }
)  # fmt: skip
_INLINE_NESTING = 20  # markdown-it's commonmark preset
_HEADING_ATTRS = re.compile(r"[ \t]+(\{[^{}]*\})[ \t]*$")


def read_commonmark(src: SourceText) -> RawChapter:
    """Convert CommonMark (with YAML front matter) to an HTML fragment."""
    return _read(src, "commonmark")


def read_gfm(src: SourceText) -> RawChapter:
    """Convert GitHub Flavored Markdown (with front matter and containers) to HTML."""
    return _read(src, "gfm")


def _read(src: SourceText, dialect: str) -> RawChapter:
    values, body = split_front_matter(src.text)
    warn_unsupported(body, src.name, dialect)
    html = _parser(dialect, current().max_depth + 1).render(body)
    metadata = metadata_from_mapping(values, "front matter") if values else Metadata()
    return RawChapter(html, metadata)


@functools.lru_cache(maxsize=8)
def _parser(dialect: str, max_nesting: int) -> MarkdownIt:
    """Build a dialect's parser once: it keeps no state between documents (env does)."""
    from markdown_it import MarkdownIt

    # Raw HTML passes: the sanitizer cleans it.
    md = MarkdownIt("commonmark", {"html": True})
    md.core.ruler.before("block", "nesting_blocks", _set_nesting(max_nesting))
    md.core.ruler.before("inline", "nesting_inlines", _set_nesting(_INLINE_NESTING))
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("code_block", _render_code_block)
    md.use(math_plugin)  # TeX formulas in both dialects (exporter.math)
    if dialect == "gfm":
        _add_gfm(md)
    return md


def _set_nesting(levels: int) -> Any:
    def rule(state: StateCore) -> None:
        state.md.options["maxNesting"] = levels

    return rule


def _add_gfm(md: MarkdownIt) -> None:
    from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
    from mdit_py_plugins.container import container_plugin
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

    md.enable(["table", "strikethrough"])
    # markdown-it-py's own task lists and alerts (4.1+); GitHub also strikes with one tilde.
    md.options.update(
        {"tasklists": True, "alerts": True, "strikethrough_single_tilde": True}
    )  # fmt: skip
    # GitHub's autolink extension (www., http(s)://, bare e-mail), not linkify-it's fuzzy
    # matching, which also links a bare "example.com" that GitHub leaves as text.
    md.use(gfm_autolink_plugin)
    md.use(footnote_plugin, inline=False)  # GitHub has no inline ^[notes]
    md.use(deflist_plugin)
    md.use(attrs_plugin).use(attrs_block_plugin)
    md.core.ruler.after("inline", "heading_attrs", _heading_attrs)
    md.use(container_plugin, "admonition", validate=_is_container, render=_render_container)
    for name, rule in _GFM_RULES.items():
        md.add_render_rule(name, rule)


# --- code ------------------------------------------------------------------------------------


def _render_fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    from markdown_it.common.utils import unescapeAll

    token = tokens[idx]
    return highlight(token.content, language_of(unescapeAll(token.info)))


def _render_code_block(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return highlight(tokens[idx].content, "")


# --- attributes after a heading's text: `# Title {#id .class}` (Python-Markdown, pandoc) ---


def _heading_attrs(state: StateCore) -> None:
    """Move a trailing ``{#id .class}`` from a heading's text onto the heading."""
    from mdit_py_plugins.attrs.parse import ParseError, parse

    tokens = state.tokens
    for i, token in enumerate(tokens[:-1]):
        inline = tokens[i + 1]
        if token.type != "heading_open" or not inline.children:
            continue
        last = inline.children[-1]
        match = _HEADING_ATTRS.search(last.content) if last.type == "text" else None
        if not match:
            continue
        try:
            _, attrs = parse(match.group(1))
        except ParseError:
            continue  # not attributes after all: keep the text as written
        for key, value in attrs.items():
            if key == "class":
                token.attrJoin("class", value)
            elif not key.startswith("on"):  # no event handlers, as the attrs plug-in
                token.attrSet(key, value)
        last.content = last.content[: match.start()]


# --- GFM blocks that become exporter's semantic markup ----------------------------------------


def _is_container(params: str, markup: str) -> bool:
    return bool(params.strip())


def _container_kind(params: str) -> tuple[str, str]:
    """Return a container's kind and title: `warning Title`, `{.note}`, `{.callout-tip}`."""
    params = params.strip()
    if params.startswith("{"):  # pandoc and Quarto: ::: {.note} / ::: {.callout-note}
        classes = re.findall(r"\.([\w-]+)", params.split("}", 1)[0])
        kind = classes[0].removeprefix("callout-") if classes else ""
        return kind.lower(), params.split("}", 1)[-1].strip()
    kind, _, title = params.partition(" ")
    return kind.lower(), title.strip().strip("\"'")


def _render_container(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    opener = tokens[idx] if token.nesting == 1 else _opener(tokens, idx)
    kind, title = _container_kind(opener.info)
    if kind not in ADMONITIONS:
        name = re.sub(r"[^\w-]", "", kind)
        if re.match(r"\{\s*#refs\s*\}", opener.info.strip()):  # pandoc's reference list
            return '<div id="refs">\n' if token.nesting == 1 else "</div>\n"
        return f'<div class="{name}">\n' if token.nesting == 1 else "</div>\n"
    if token.nesting == -1:
        return "</aside>\n"
    if kind == "details":  # VitePress' collapsible block (shown open in print and EPUB)
        return _admonition_open("note collapsible", title or "Details")
    return _admonition_open(kind, title or kind.capitalize())


def _opener(tokens: Sequence[Token], idx: int) -> Token:
    """Find the opening token of the container closed at ``idx``."""
    depth = 0
    for token in reversed(tokens[:idx]):
        if token.type == "container_admonition_close":
            depth += 1
        elif token.type == "container_admonition_open":
            if depth == 0:
                return token
            depth -= 1
    return tokens[idx]


def _admonition_open(kind: str, title: str) -> str:
    return (
        f'<aside class="admonition {kind}" role="note">\n'
        f'<p class="admonition-title">{escape(title, quote=False)}</p>\n'
    )


def _alert_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f'<aside class="admonition {tokens[idx].info.lower()}" role="note">\n'


def _task_item(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """A task list item with a ☑ or ☐ glyph, not a form control.

    ``<input>`` is a form element the sanitizer removes, and a disabled checkbox means
    nothing on paper; the glyph prints, and ``title`` says the state in words.
    """
    token = tokens[idx]
    html: str = self.renderToken(tokens, idx, options, env)
    if token.meta and "checked" in token.meta:
        done = bool(token.meta["checked"])
        state = ("done", "\u2611") if done else ("not done", "\u2610")
        html += f'<span class="task-checkbox{" checked" if done else ""}" title="{state[0]}">'
        html += f"{state[1]}</span> "
    return html


# Footnotes in Python-Markdown's shape, which the cleaning stage turns into noterefs.
def _footnote_ref(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    meta = tokens[idx].meta
    number = meta["id"] + 1
    # Python-Markdown's ids: fnref:1 for the first call, fnref2:1 for the second.
    ref_id = (
        f"fnref:{number}" if meta.get("subId", 0) == 0 else f"fnref{meta['subId'] + 1}:{number}"
    )
    return f'<sup id="{ref_id}"><a class="footnote-ref" href="#fn:{number}">{number}</a></sup>'


def _footnote_item(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f'<li id="fn:{tokens[idx].meta["id"] + 1}">\n'


def _fixed(html: str) -> Any:
    def render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return html

    return render


_GFM_RULES = {
    "alert_open": _alert_open,
    "alert_title_open": _fixed('<p class="admonition-title">'),
    "alert_title_close": _fixed("</p>\n"),
    "alert_close": _fixed("</aside>\n"),
    "list_item_open": _task_item,
    "s_open": _fixed("<del>"),  # as GitHub writes it: text that was removed
    "s_close": _fixed("</del>"),
    "footnote_ref": _footnote_ref,
    "footnote_block_open": _fixed('<div class="footnote">\n<hr />\n<ol>\n'),
    "footnote_block_close": _fixed("</ol>\n</div>\n"),
    "footnote_open": _footnote_item,
    "footnote_close": _fixed("</li>\n"),
    "footnote_anchor": _fixed(""),  # the back-link is the renderer's business
}
