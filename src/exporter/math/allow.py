"""The MathML raw HTML may keep: presentation markup only, for the sanitizer's allow-list.

Raw ``<math>`` in an HTML source (or in Markdown) keeps its layout elements and their
layout attributes. Left out: ``href`` (MathML 3 allows a link on any element),
``annotation-xml`` (it can carry HTML or SVG), ``maction`` (interaction), ``mglyph`` (it
loads an image), and ``style`` (CSS, with its ``url()``). HTML inside ``mtext`` is dropped
by the math transform (an XHTML element inside MathML is invalid in EPUB).
"""

from __future__ import annotations

# Attributes every MathML element may keep (besides id, class, title, lang, dir).
_COMMON = frozenset(
    {"displaystyle", "mathcolor", "mathbackground", "mathsize", "mathvariant", "scriptlevel"}
)
_SPACING = frozenset({"width", "height", "depth", "lspace", "voffset"})
_TABLE = frozenset(
    {
        "columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines",
        "frame", "align", "columnwidth", "equalrows", "equalcolumns",
    }
)  # fmt: skip
_OWN = {
    "math": {"display", "alttext"},
    "mo": {
        "accent",
        "fence",
        "form",
        "largeop",
        "lspace",
        "maxsize",
        "minsize",
        "movablelimits",
        "rspace",
        "separator",
        "stretchy",
        "symmetric",
    },
    "mfrac": {"linethickness", "bevelled", "numalign", "denomalign"},
    "mover": {"accent", "align"},
    "munder": {"accentunder", "align"},
    "munderover": {"accent", "accentunder", "align"},
    "mspace": _SPACING,
    "mpadded": _SPACING,
    "mtable": _TABLE,
    "mtr": {"columnalign", "rowalign"},
    "mlabeledtr": {"columnalign", "rowalign"},
    "mtd": {"columnspan", "rowspan", "columnalign", "rowalign"},
    "menclose": {"notation"},
    "ms": {"lquote", "rquote"},
    "annotation": {"encoding"},
    "mfenced": {"open", "close", "separators"},
}
TAGS = frozenset(
    {
        "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot",
        "mstyle", "merror", "mpadded", "mphantom", "mfenced", "menclose", "msub", "msup",
        "msubsup", "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none",
        "mtable", "mtr", "mlabeledtr", "mtd", "semantics", "annotation",
    }
)  # fmt: skip
ATTRIBUTES = {tag: set(_COMMON | _OWN.get(tag, set())) for tag in TAGS}
