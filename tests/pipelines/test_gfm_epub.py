"""A GitHub Flavored Markdown article through the whole pipeline to an EPUB EPUBCheck accepts.

The reader registry is not on the build's path yet, so the test puts the gfm reader where
``reading`` looks for the Markdown one; once ``formats.READERS`` drives reading, register a
``ReaderSpec`` here instead.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from exporter.formats import SourceText
from exporter.model import Metadata
from exporter.readers.commonmark import read_gfm

ARTICLE = """\
---
title: Field guide
author: A. Writer
lang: en
---

## Kit

| Item | Count |
|:-----|------:|
| Rope | 2 |

- [x] packed ~~twice~~ once
- [ ] checked[^weight]

> [!TIP]
> Pack light.

::: warning Weather
Storms come fast.
:::

```rust,ignore
fn main() { println!("go"); }
```

[^weight]: Under 12 kg.
"""


def _gfm_as_markdown(kind: str):
    def read(text: str) -> tuple[str, Metadata]:
        raw = read_gfm(SourceText("guide.md", None, text.encode(), text))
        return raw.html, raw.metadata

    return read


def test_a_gfm_article_becomes_a_valid_epub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epubcheck
) -> None:
    import exporter
    from exporter import readers

    monkeypatch.setattr(readers, "reader_for", _gfm_as_markdown)
    source = tmp_path / "guide.md"
    source.write_text(ARTICLE, encoding="utf-8")
    doc = exporter.read([source])
    out = tmp_path / "guide.epub"
    out.write_bytes(exporter.render(doc, "epub"))

    with zipfile.ZipFile(out) as book:
        body = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert doc.metadata.title == "Field guide"
    assert '<aside class="admonition tip" role="note">' in body
    assert '<p class="admonition-title">Weather</p>' in body
    assert "<del>twice</del>" in body
    assert 'title="done">\u2611</span>' in body
    assert '<span class="k">fn</span>' in body
    assert "Under 12 kg." in body and 'class="noteref"' in body
    assert '<td style="text-align:right">2</td>' in body
    epubcheck.assert_clean(out)
