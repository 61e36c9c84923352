"""A GitHub Flavored Markdown article through the whole pipeline to an EPUB EPUBCheck accepts.

The reader registry is not on the build's path yet, so the test puts the gfm reader where
``reading`` looks for the Markdown one; once ``formats.READERS`` drives reading, register a
``ReaderSpec`` here instead.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

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


def test_a_gfm_article_becomes_a_valid_epub(tmp_path: Path, epubcheck) -> None:
    import exporter

    source = tmp_path / "guide.md"
    source.write_text(ARTICLE, encoding="utf-8")
    doc = exporter.read([source], settings=exporter.Settings(source_format="gfm"))
    (out,) = exporter.convert([source], ["epub"], tmp_path / "out", source_format="gfm")

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
