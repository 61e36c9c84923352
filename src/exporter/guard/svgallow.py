"""What an SVG image may keep: allow-listed elements, attributes and CSS, checked by parsing.

The lists are SVG 1.1's static drawing vocabulary (shapes, text, paint servers, clipping,
masking, filters) and its presentation properties. CSS is read with tinycss2, as a browser
would read it, so that escapes cannot hide a construct from the check: ``@\\69mport`` is an
``@import`` and ``\\75rl(`` a ``url(`` once tokenized, and both are refused; a regular
expression over the raw text saw neither.
"""

from __future__ import annotations

ELEMENTS = {
    "svg", "g", "defs", "desc", "title", "symbol", "use", "image", "switch", "a", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
    "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
    "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur",
    "feImage", "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight",
    "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
    "animate", "animateTransform", "animateMotion", "animateColor", "set", "mpath",
}  # fmt: skip
ANIMATIONS = {"animate", "animateTransform", "animateMotion", "animateColor", "set"}

# Presentation properties: attributes and CSS properties alike.
PROPERTIES = {
    "alignment-baseline", "baseline-shift", "clip", "clip-path", "clip-rule", "color",
    "color-interpolation", "color-interpolation-filters", "color-rendering", "direction",
    "display", "dominant-baseline", "fill", "fill-opacity", "fill-rule", "filter",
    "flood-color", "flood-opacity", "font", "font-family", "font-size", "font-size-adjust",
    "font-stretch", "font-style", "font-variant", "font-weight", "image-rendering",
    "isolation", "kerning", "letter-spacing", "lighting-color", "marker", "marker-end",
    "marker-mid", "marker-start", "mask", "mix-blend-mode", "opacity", "overflow",
    "paint-order", "pointer-events", "shape-rendering", "stop-color", "stop-opacity",
    "stroke", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor", "text-decoration",
    "text-rendering", "transform", "transform-origin", "unicode-bidi", "vector-effect",
    "visibility", "white-space", "word-spacing", "writing-mode", "line-height",
}  # fmt: skip
ATTRIBUTES = PROPERTIES | {
    "id", "class", "style", "lang", "tabindex", "role", "version", "baseProfile",
    "viewBox", "preserveAspectRatio", "width", "height", "x", "y", "x1", "y1", "x2", "y2",
    "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points", "pathLength", "offset",
    "gradientUnits", "gradientTransform", "spreadMethod", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
    "maskContentUnits", "markerUnits", "markerWidth", "markerHeight", "refX", "refY", "orient",
    "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method", "spacing",
    "side", "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode",
    "operator", "k1", "k2", "k3", "k4", "values", "type", "tableValues", "slope", "intercept",
    "amplitude", "exponent", "kernelMatrix", "order", "divisor", "bias", "targetX", "targetY",
    "edgeMode", "kernelUnitLength", "preserveAlpha", "surfaceScale", "diffuseConstant",
    "specularConstant", "specularExponent", "azimuth", "elevation", "pointsAtX",
    "pointsAtY", "pointsAtZ", "limitingConeAngle", "scale", "xChannelSelector",
    "yChannelSelector", "radius", "baseFrequency", "numOctaves", "seed", "stitchTiles",
    "requiredFeatures", "requiredExtensions", "systemLanguage", "media",
    "attributeName", "attributeType", "begin", "dur", "end", "min", "max", "restart",
    "repeatCount", "repeatDur", "calcMode", "keyTimes", "keySplines", "keyPoints", "from",
    "to", "by", "additive", "accumulate", "path", "href",
}  # fmt: skip
# Functions a value may call; url() only to a fragment of the same file.
FUNCTIONS = {
    "url", "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color",
    "calc", "min", "max", "clamp", "var", "matrix", "translate", "translatex", "translatey",
    "scale", "scalex", "scaley", "rotate", "skewx", "skewy", "cubic-bezier", "steps",
}  # fmt: skip
# References that stay inside the file: fragments and raster images inlined as data.
INLINE_REFS = ("#", "data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")


def safe_value(tokens: list, functions: set[str] | None = FUNCTIONS) -> bool:
    """Tell whether CSS tokens load nothing: no at-rules, url() only to ``#fragment``.

    ``functions`` are the functions allowed besides url(); None allows any (selectors'
    ``:not()``, ``:nth-child()``, which load nothing).
    """
    for token in tokens:
        if token.type == "at-keyword":
            return False
        if token.type == "url" and not token.value.strip().startswith("#"):
            return False
        if token.type == "function":
            if functions is not None and token.lower_name not in functions:
                return False
            if token.lower_name == "url":
                import tinycss2

                argument = tinycss2.serialize(token.arguments).strip().strip("'\"")
                if not argument.startswith("#"):
                    return False
            if not safe_value(token.arguments, functions):
                return False
        blocks = ("() block", "[] block", "{} block")
        if token.type in blocks and not safe_value(token.content, functions):
            return False
    return True


def safe_attribute_value(value: str) -> bool:
    """Tell whether an attribute's value, read as CSS as renderers read it, loads nothing."""
    import tinycss2  # here, not above: only a source with an SVG needs it (10-30 ms)

    return safe_value(tinycss2.parse_component_value_list(value))


def clean_declarations(text: str) -> str:
    """Keep the allowed properties whose values load nothing; return them serialized."""
    import tinycss2

    kept = []
    for item in tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration" and item.lower_name in PROPERTIES and safe_value(item.value):
            important = " !important" if item.important else ""
            kept.append(f"{item.lower_name}: {tinycss2.serialize(item.value).strip()}{important}")
    return "; ".join(kept)


def clean_stylesheet(text: str) -> str:
    """Keep a stylesheet's plain rules (and @media's), each with only allowed declarations.

    Every other at-rule goes: @import and @font-face load files, @namespace and the rest
    have no business in an image.
    """
    import tinycss2

    out = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule" and safe_value(rule.prelude, None):
            body = clean_declarations(tinycss2.serialize(rule.content))
            out.append(f"{tinycss2.serialize(rule.prelude).strip()} {{ {body} }}")
        elif (
            rule.type == "at-rule"
            and rule.lower_at_keyword == "media"
            and rule.content
            and safe_value(rule.prelude, None)
        ):
            inner = clean_stylesheet(tinycss2.serialize(rule.content))
            out.append(f"@media {tinycss2.serialize(rule.prelude).strip()} {{ {inner} }}")
    return "\n".join(out)
