"""A safe YAML loader whose values cannot crash the caller: impossible dates, huge numbers.

PyYAML's SafeLoader builds ``2019-02-29`` into ``datetime.date`` and a 5000-digit number into
``int``; both raise ValueError (day out of range; Python's 4300-digit limit), which is not a
YAMLError and used to surface as an internal error. Here they become ``ConstructorError``s
that carry the node's line, so callers report them like any other YAML mistake.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError

# Values that aliases (*name) may add to a document beyond those written out. Twelve lines
# of nested aliases ("billion laughs") expand to 9^12 values: PyYAML shares them, but
# whatever walks the result (a title made text, a nav read) ran until the time limit.
MAX_ALIAS_VALUES = 100_000


class CheckedLoader(yaml.SafeLoader):
    """A SafeLoader that turns a value Python cannot build into a YAML error at its line."""

    def get_single_node(self) -> Any:
        """Compose the document, refusing one whose aliases expand it past the limit."""
        node = super().get_single_node()
        if node is not None:
            sizes: dict[int, int] = {}
            if _expanded(node, sizes, set()) - len(sizes) > MAX_ALIAS_VALUES:
                raise ConstructorError(
                    None, None, f"its aliases (*name) repeat over {MAX_ALIAS_VALUES:,} values; "
                    "write the values out", node.start_mark,
                )  # fmt: skip
        return node

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """Build a date or time, or fail naming the line and what is wrong with it."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise ConstructorError(
                None, None, f"'{node.value}' is not a real date or time ({exc})", node.start_mark
            ) from None

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        """Build an integer, or fail when it is too long to be one (keep it quoted)."""
        try:
            return super().construct_yaml_int(node)
        except (ValueError, OverflowError):
            raise ConstructorError(
                None, None, "a number too long to read; put it in quotes", node.start_mark
            ) from None

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:
        """Build a float, or fail naming the line."""
        try:
            return super().construct_yaml_float(node)
        except (ValueError, OverflowError):
            raise ConstructorError(
                None, None, "a number too long to read; put it in quotes", node.start_mark
            ) from None


# add_constructor binds functions, not methods: re-register the checked ones by tag.
CheckedLoader.add_constructor("tag:yaml.org,2002:timestamp", CheckedLoader.construct_yaml_timestamp)
CheckedLoader.add_constructor("tag:yaml.org,2002:int", CheckedLoader.construct_yaml_int)
CheckedLoader.add_constructor("tag:yaml.org,2002:float", CheckedLoader.construct_yaml_float)


def _expanded(node: yaml.Node, sizes: dict[int, int], open_: set[int]) -> int:
    """Return how many values ``node`` stands for with every alias written out; ``sizes``
    collects each distinct node's. A node inside itself (``&a [*a]``) is endless."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_:
        return MAX_ALIAS_VALUES + len(sizes) + 1
    open_.add(key)
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    size = 1
    for child in children:
        size += _expanded(child, sizes, open_)
        if size - len(sizes) > MAX_ALIAS_VALUES:
            break  # already too many: no need to count the rest
    open_.discard(key)
    sizes[key] = size
    return size


def safe_load(text: str) -> Any:
    """Parse YAML like ``yaml.safe_load``, raising only ``yaml.YAMLError`` on bad input."""
    return yaml.load(text, Loader=CheckedLoader)
