"""The chapter cache: keys follow every input, entries are checked, the size stays bounded."""

from __future__ import annotations

import os

from exporter.incremental.cache import Cache, unit_key
from exporter.writers.pdf_units import Piece


def _piece(size: int = 10) -> Piece:
    return Piece(
        b"%PDF-" + b"x" * size, (("D", 1), None), {"ch-1": 0}, ((1, "T", 0, 1.0, 2.0),), ()
    )


def test_keys_change_with_each_input():
    base = unit_key("<html>", "css", [b"font"], "pdf/ua-1")
    assert unit_key("<html>", "css", [b"font"], "pdf/ua-1") == base
    assert unit_key("<html> ", "css", [b"font"], "pdf/ua-1") != base
    assert unit_key("<html>", "css ", [b"font"], "pdf/ua-1") != base
    assert unit_key("<html>", "css", [b"font2"], "pdf/ua-1") != base
    assert unit_key("<html>", "css", [b"font"], "none") != base


def test_an_entry_comes_back_as_stored(tmp_path):
    cache = Cache(tmp_path)
    cache.put("k", _piece())
    assert cache.get("k") == _piece()
    assert cache.get("other") is None


def test_a_damaged_entry_is_dropped_with_a_note(tmp_path, capsys):
    cache = Cache(tmp_path)
    cache.put("k", _piece())
    (tmp_path / "k.pdf").write_bytes(b"%PDF-xx")  # truncated: its digest no longer matches
    assert cache.get("k") is None
    assert "laying the unit out again" in capsys.readouterr().err
    assert not (tmp_path / "k.json").exists()
    cache.put("j", _piece())
    (tmp_path / "j.json").write_text("{")
    assert cache.get("j") is None


def test_the_least_recently_used_entries_go_first(tmp_path):
    cache = Cache(tmp_path, limit=1000)
    for number, key in enumerate(["old", "used", "new"]):
        cache.put(key, _piece(300))
        for path in tmp_path.glob(f"{key}.*"):
            os.utime(path, (1000 + number, 1000 + number))
    cache.get("old")  # a hit counts as a use
    cache.prune()
    assert cache.get("used") is None
    assert cache.get("old") is not None and cache.get("new") is not None
