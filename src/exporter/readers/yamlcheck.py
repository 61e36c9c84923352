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


class CheckedLoader(yaml.SafeLoader):
    """A SafeLoader that turns a value Python cannot build into a YAML error at its line."""

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


def safe_load(text: str) -> Any:
    """Parse YAML like ``yaml.safe_load``, raising only ``yaml.YAMLError`` on bad input."""
    return yaml.load(text, Loader=CheckedLoader)
