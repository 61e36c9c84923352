"""An mkdocs.yml's markdown_extensions and their options change what the book says."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

import exporter
from epubutil import NS

CONFIG = """\
site_name: Options
nav:
  - Keys: index.md
markdown_extensions:
  - nl2br
  - pymdownx.keys
  - pymdownx.smartsymbols:
      fractions: false
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - pymdownx.caret:
      superscript: false
  - pymdownx.highlight:
      linenums: true
      anchor_linenums: !!python/name:os.system
"""

PAGE = """\
# Keys

Press ++ctrl+alt+del++ (c) 2026 --> 1/2 :smile:
then the next line.

A^caret^ stays and ^^inserted^^ text.

```python
a = 1
b = 2
```
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory, epubcheck) -> etree._Element:
    root = tmp_path_factory.mktemp("options")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    (epub,) = exporter.convert([root], ["epub"], root / "out")
    epubcheck.queue(epub)
    with zipfile.ZipFile(epub) as z:
        pages = [etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")]
    (chapter,) = [p for p in pages if "Press" in "".join(p.itertext())]
    return chapter


def text(el: etree._Element) -> str:
    return "".join(el.itertext())


def test_nl2br_makes_a_line_break(page):
    (para,) = [p for p in page.iterfind(".//x:p", NS) if "Press" in text(p)]
    assert para.find("x:br", NS) is not None


def test_keys_symbols_and_emoji_are_honoured_without_importing_anything(page):
    body = text(page)
    assert [k.text for k in page.iterfind(".//x:kbd", NS)] == ["Ctrl", "Alt", "Del"]
    assert "\N{COPYRIGHT SIGN} 2026 \N{RIGHTWARDS ARROW}" in body
    assert "1/2" in body  # fractions: false
    assert "\N{SMILING FACE WITH OPEN MOUTH AND SMILING EYES}" in body  # to_alt, never a CDN
    assert page.find(".//x:img", NS) is None


def test_caret_options_are_passed_on(page):
    assert page.find(".//x:sup", NS) is None  # superscript: false
    assert page.find(".//x:ins", NS) is not None


def test_highlight_linenums_numbers_every_block(page):
    (numbers,) = page.iterfind(".//x:td[@class='linenos']", NS)
    assert text(numbers).split() == ["1", "2"]
