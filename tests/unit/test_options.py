"""Layout options are one checked record; the API takes them by name."""

from __future__ import annotations

import pytest

import exporter
from exporter.model import Metadata
from exporter.settings import RenderOptions, Settings


def test_options_by_name_are_checked_once():
    assert RenderOptions.of({"page_size": "Letter", "toc_depth": 2}) == RenderOptions(
        page_size="Letter", toc_depth=2
    )
    with pytest.raises(exporter.UsageError, match="Unknown option 'pagesize'"):
        RenderOptions.of({"pagesize": "A5"})


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"layout": "poster"}, "Unknown layout 'poster'"),
        ({"toc_depth": 0}, "--toc-depth 0 is out of range"),
        ({"split_level": 7}, "--split-level 7"),
        ({"max_image_size": 8}, "--max-image-size 8"),
    ],
)
def test_out_of_range_options_are_usage_errors(values, message):
    with pytest.raises(exporter.UsageError, match=message):
        RenderOptions(**values)


def test_convert_refuses_an_unknown_option_before_reading(tmp_path):
    with pytest.raises(exporter.UsageError, match="Unknown option 'colour'"):
        exporter.convert([tmp_path / "missing.md"], ["epub"], tmp_path, colour="red")


def test_metadata_may_be_a_mapping_and_a_wrong_one_is_a_usage_error():
    settings = Settings.of({"metadata": {"title": "T", "authors": ["A", "B"]}})
    assert settings.metadata == Metadata(title="T", authors=("A", "B"))
    with pytest.raises(exporter.UsageError, match="Unknown metadata 'titel'"):
        Settings.of({"metadata": {"titel": "T"}})
    with pytest.raises(exporter.UsageError, match="metadata must be"):
        Settings.of({"metadata": 3})
