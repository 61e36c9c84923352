"""A book in preview reads again only what changed: a source, or a file it includes.

The worker runs the real build in a forked child; the reads it keeps come back to this
process (``reading.memo``), and what the preview shows is checked in its HTML.
"""

from __future__ import annotations

import pytest

from exporter.live.worker import Worker
from exporter.reading import memo
from exporter.settings import Settings

MANIFEST = 'title = "Memo Book"\nlanguage = "en"\nchapters = ["a.md", "b.md", "c.md"]\n'


@pytest.fixture
def book(tmp_path, monkeypatch):
    """A 3-chapter book whose second chapter includes a file, and a fresh memo."""
    monkeypatch.setattr(memo, "_entries", None)
    (tmp_path / "a.md").write_text("# Alpha\n\nThe alpha chapter.\n")
    (tmp_path / "b.md").write_text("# Beta\n\n{{#include part.md}}\n")
    (tmp_path / "part.md").write_text("The included paragraph, first version.\n")
    (tmp_path / "c.md").write_text("# Gamma\n\nThe gamma chapter.\n")
    (tmp_path / "book.toml").write_text(MANIFEST)
    return tmp_path


def _kept() -> dict[str, object]:
    assert memo._entries is not None
    return {key[0].rsplit("/", 1)[-1]: got for key, (_, got) in memo._entries.items()}


def _html(worker: Worker) -> str:
    state = worker.rebuild()
    assert state.error == "" and state.html is not None
    return state.html.decode()


def test_only_the_edited_source_is_read_again(book):
    worker = Worker([str(book)], lambda: Settings(formats=("html",)))
    assert "first version" in _html(worker)
    first = _kept()
    assert {"a.md", "b.md", "c.md"} <= set(first)  # the child's reads came back

    (book / "c.md").write_text("# Gamma\n\nThe gamma chapter, edited.\n")
    html = _html(worker)
    assert "gamma chapter, edited" in html and "The alpha chapter." in html
    second = _kept()
    assert second["a.md"] is first["a.md"] and second["b.md"] is first["b.md"]
    assert second["c.md"] is not first["c.md"]

    (book / "part.md").write_text("The included paragraph, second version.\n")
    html = _html(worker)  # b.md's bytes are the same: its include's changed
    assert "second version" in html and "first version" not in html
    third = _kept()
    assert third["b.md"] is not second["b.md"] and third["a.md"] is first["a.md"]


def test_a_read_that_warned_warns_again(book):
    (book / "a.md").write_text("# Alpha\n\nA bell\x07 rings.\n")
    worker = Worker([str(book)], lambda: Settings(formats=("html",)))
    for _ in range(2):
        state = worker.rebuild()
        assert any("control character" in w for w in state.warnings), state.warnings
    assert "a.md" not in _kept()


def test_a_broken_source_shows_its_error_and_the_last_good_text_stays(book):
    worker = Worker([str(book)], lambda: Settings(formats=("html",)))
    good = worker.rebuild()
    (book / "c.md").write_text("")
    broken = worker.rebuild()
    assert "c.md" in broken.error and "empty" in broken.error
    assert broken.html == good.html
    (book / "c.md").write_text("# Gamma\n\nThe gamma chapter, back.\n")
    assert "gamma chapter, back" in _html(worker)


def test_the_code_languages_read_are_made_warm_for_the_next_builds(book, monkeypatch):
    """The child tells the languages it highlighted; their lexers are made here, once."""
    from exporter.readers import highlight

    monkeypatch.setattr(highlight, "_WARMED", set())
    made: list[str] = []
    monkeypatch.setattr(highlight, "_lexer", lambda language: made.append(language))
    (book / "c.md").write_text("# Gamma\n\n```python\nprint('gamma')\n```\n")
    worker = Worker([str(book)], lambda: Settings(formats=("html",)))
    assert "gamma" in _html(worker)
    assert "python" in made and "python" in highlight._WARMED

    made.clear()
    (book / "a.md").write_text("# Alpha\n\nThe alpha chapter, edited.\n")
    assert "edited" in _html(worker)
    assert made == []  # made once in this process: the next children inherit it
