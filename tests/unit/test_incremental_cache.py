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
    cache = Cache(tmp_path)
    for number, key in enumerate(["old", "used", "new"]):
        cache.put(key, _piece(300))
        for path in tmp_path.glob(f"{key}.*"):
            os.utime(path, (1000 + number, 1000 + number))
    cache.limit = 2 * sum(p.stat().st_size for p in tmp_path.glob("old.*")) + 10  # room for 2
    cache.get("old")  # a hit counts as a use
    cache.prune()
    assert cache.get("used") is None
    assert cache.get("old") is not None and cache.get("new") is not None


def test_an_entry_someone_else_wrote_is_not_used(tmp_path, capsys):
    """An output folder may come with the sources, cache and all: an entry whose record was
    made to match another PDF (its digest recomputed), or that moved to another key, or that
    was sealed under another user's key, is laid out again."""
    import hashlib
    import json

    from exporter.guard import seal

    cache = Cache(tmp_path)
    cache.put("k", _piece())
    record = json.loads((tmp_path / "k.json").read_text())
    forged = b"%PDF-forged /OpenAction"
    (tmp_path / "k.pdf").write_bytes(forged)
    record["sha256"] = hashlib.sha256(forged).hexdigest()
    (tmp_path / "k.json").write_text(json.dumps(record))
    assert cache.get("k") is None
    assert "not written by this user's exporter" in capsys.readouterr().err

    cache.put("a", _piece())
    for suffix in (".json", ".pdf"):
        os.replace(tmp_path / f"a{suffix}", tmp_path / f"b{suffix}")
    assert cache.get("b") is None

    cache.put("c", _piece())
    assert cache.get("c") == _piece()
    seal.key.cache_clear()
    try:
        os.environ["XDG_CACHE_HOME"] = str(tmp_path / "another-user")
        assert cache.get("c") is None
    finally:
        del os.environ["XDG_CACHE_HOME"]
        seal.key.cache_clear()


def test_the_key_is_made_once_private_and_kept(tmp_path, monkeypatch):
    from exporter.guard import seal

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    made = seal.key.__wrapped__()
    path = tmp_path / "exporter" / "seal.key"
    assert path.read_bytes() == made and len(made) == seal.SIZE
    assert path.stat().st_mode & 0o777 == 0o600
    assert seal.key.__wrapped__() == made  # read back, not made again
    assert list((tmp_path / "exporter").iterdir()) == [path]  # no draft left
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("")  # a folder that cannot be made: a key for now
    assert len(seal.key.__wrapped__()) == seal.SIZE
