"""Sanitize a source's HTML with an allow-list (nh3): only inert, semantic markup survives.

Raw HTML in Markdown and whole HTML sources are untrusted: scripts, event handlers,
``javascript:`` URLs, ``<base>``, ``<link>``, ``<style>``, iframes, objects, embeds and forms
never reach an output. Inline styles survive only as ``text-align`` on table cells, which
Python-Markdown writes for column alignment. Under ``--trusted-input`` every element keeps
its ``style=`` attribute (inline CSS; the PDF writer's fetchers still serve no other file),
and nothing else of the list above comes back.
"""

from __future__ import annotations

import nh3

from exporter.policy import current

TAGS = {
    "a", "abbr", "article", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite",
    "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u",
    "ul", "var", "wbr",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(html: str) -> str:
    """Return ``html`` with everything outside the allow-list removed."""
    trusted = current().trusted_input
    attributes = ATTRIBUTES
    if trusted:
        attributes = {**ATTRIBUTES, "*": ATTRIBUTES["*"] | {"style"}}
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style", "template", "noscript", "textarea", "select"},
        attributes=attributes,
        link_rel=None,
        url_schemes=URL_SCHEMES,
        filter_style_properties=None if trusted else {"text-align"},
        strip_comments=True,
    )
