"""The default Markdown dialect is MkDocs / Material's: each feature, string in, HTML out.

Then the whole pipeline on one file holding all of them: the EPUB passes EPUBCheck and the
PDF's text holds the admonition titles and tab labels.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import lxml.html
import pytest

from exporter.formats import SourceText
from exporter.guard.sanitize import removals, sanitize
from exporter.readers import markdown
from exporter.readers.fences import normalise_info


def read(text: str) -> tuple[str, object]:
    raw = markdown.read(SourceText("t.md", None, text.encode(), text))
    return raw.html, raw.metadata


def html_of(text: str) -> str:
    return read(text)[0]


def tree(text: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html_of(text), create_parent="div")


# -- fences -----------------------------------------------------------------------------


@pytest.mark.parametrize("info", ["rust,ignore", "rust ignore", "rust,no_run,edition2021"])
def test_a_fence_with_a_multi_word_info_string_is_rust_code_and_the_prose_after_it_a_paragraph(
    info: str,
) -> None:
    root = tree(f"```{info}\nfn main() {{}}\n```\n\nAfter the code.\n")
    assert root.xpath("string(//div[@class='highlight']//span[@class='k'])") == "fn"
    assert [p.text for p in root.findall("p")] == ["After the code."]


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ("rust,ignore", "rust"),
        ("rust ignore", "rust"),
        ("{.python .numberLines}", 'python linenums="1"'),
        ('{.python .numberLines startFrom="5"}', 'python linenums="5"'),
        ('py title="a.py"', 'py title="a.py"'),
        ("py title=a.py hl_lines='1 2' foo=bar", 'py title="a.py" hl_lines="1 2"'),
        ("{#id .c}", "c"),
        ("mermaid", "mermaid"),
    ],
)
def test_info_strings_are_normalised_for_superfences(info: str, expected: str) -> None:
    assert normalise_info(info) == expected


def test_a_title_is_a_caption_above_the_code_and_numbered_lines_are_a_table() -> None:
    root = tree(
        '```py title="a.py" hl_lines="2"\nx = 1\ny = 2\n```\n\n```{.python .numberLines}\nz = 3\n```\n'
    )
    caption = root.find("div[@class='code-title']")
    assert caption is not None and caption.text == "a.py"
    assert caption.getnext().get("class") == "highlight"
    assert root.xpath("string(//span[@class='hll'])").startswith("y")  # line 2 highlighted
    assert root.xpath("//table[@class='highlighttable']//td[@class='linenos']")


def test_highlighted_line_ranges() -> None:
    root = tree('```py hl_lines="1 3-4"\na = 1\nb = 2\nc = 3\nd = 4\n```\n')
    assert [s.text_content()[0] for s in root.xpath("//span[@class='hll']")] == ["a", "c", "d"]


@pytest.mark.parametrize(
    "text",
    [
        "1. Step\n\n    ```python\n    # comment\n    x = 1\n    ```\n",
        "- Step\n\n  ```python\n  # comment\n  x = 1\n  ```\n",
        "> Quoted\n>\n> ```python\n> # comment\n> x = 1\n> ```\n",
        '=== "Tab"\n\n    ```python\n    # comment\n    x = 1\n    ```\n',
    ],
    ids=["list-4", "list-2", "quote", "tab"],
)
def test_a_fence_inside_a_container_is_code_and_a_comment_in_it_not_a_heading(text: str) -> None:
    root = tree(text)
    assert not root.xpath("//h1")
    code = root.xpath("//div[@class='highlight']//code")
    assert len(code) == 1 and code[0].text_content() == "# comment\nx = 1\n"
    assert code[0].xpath("ancestor::li|ancestor::blockquote|ancestor::div[@class='tabbed-block']")


def test_diagram_fences_stay_code_blocks() -> None:
    root = tree("```mermaid\ngraph TD; A-->B;\n```\n")
    assert root.xpath("string(//div[@class='highlight']//code)") == "graph TD; A-->B;\n"


# -- admonitions, collapsibles, alerts --------------------------------------------------


def _notes(text: str) -> list[tuple[str, str | None, str]]:
    """Each aside as (class, title, body text)."""
    found = []
    for aside in tree(text).iter("aside"):
        assert aside.get("role") == "note"
        title = aside.find("p[@class='admonition-title']")
        body = " ".join(p.text_content() for p in aside.findall("p") if p is not title)
        found.append((aside.get("class"), None if title is None else title.text_content(), body))
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!!! note\n    Body.\n", ("admonition note", "Note", "Body.")),
        ('!!! Warning "Mind *this*"\n    Body.\n', ("admonition warning", "Mind this", "Body.")),
        ('!!! tip ""\n    Body.\n', ("admonition tip", None, "Body.")),
        ("??? danger\n    Body.\n", ("admonition danger collapsible", "Danger", "Body.")),
        ('???+ info "Open"\n    Body.\n', ("admonition info collapsible", "Open", "Body.")),
        (
            "/// admonition | Blocky\n    type: example\nBody.\n///\n",
            ("admonition example", "Blocky", "Body."),
        ),
        ("/// details | Sum\nBody.\n///\n", ("admonition note collapsible", "Sum", "Body.")),
        ("> [!NOTE]\n> Body.\n", ("admonition note", "Note", "Body.")),
        ("> [!caution]\n> Body.\n", ("admonition caution", "Caution", "Body.")),
    ],
    ids=[
        "bang",
        "titled",
        "untitled",
        "collapsed",
        "open",
        "block",
        "block-details",
        "alert",
        "alert-lower",
    ],
)
def test_each_admonition_form_is_one_aside(text: str, expected: tuple) -> None:
    assert _notes(text) == [expected]


def test_a_plain_quote_stays_a_quote() -> None:
    root = tree("> Just [a] quote.\n")
    assert root.find("blockquote") is not None and root.find("aside") is None


# -- tabs, tasks, inline ----------------------------------------------------------------


def test_tabs_are_set_one_after_another_with_their_labels() -> None:
    root = tree('=== "One"\n    Alpha.\n\n=== "Two *b*"\n    Beta.\n')
    (tabs,) = root.findall("div[@class='tabbed-set']")
    blocks = tabs.findall("div")
    assert [b.get("class") for b in blocks] == ["tabbed-block", "tabbed-block"]
    assert [b[0].get("class") for b in blocks] == ["tabbed-title"] * 2
    assert [b[0].text_content() for b in blocks] == ["One", "Two b"]
    assert [b[1].text for b in blocks] == ["Alpha.", "Beta."]
    assert not root.xpath("//input|//label")


def test_task_lists_survive_the_sanitizer_as_disabled_checkboxes() -> None:
    raw = html_of("- [ ] todo\n- [x] done\n")
    assert removals(raw) == []
    root = lxml.html.fragment_fromstring(sanitize(raw), create_parent="div")
    items = root.xpath("//ul[@class='task-list']/li[@class='task-list-item']")
    boxes = [li.find("input") for li in items]
    assert [b.get("type") for b in boxes] == ["checkbox", "checkbox"]
    assert [b.get("checked") is not None for b in boxes] == [False, True]
    assert all(b.get("disabled") == "disabled" for b in boxes)


def test_strikethrough_mark_insert_sub_and_sup() -> None:
    html = html_of("~~gone~~ ==lit== ^^new^^ H~2~O x^2^ and a note[^n].\n\n[^n]: N.\n")
    for markup in (
        "<del>gone</del>",
        "<mark>lit</mark>",
        "<ins>new</ins>",
        "<sub>2</sub>",
        "<sup>2</sup>",
    ):
        assert markup in html
    assert 'class="footnote-ref"' in html
    cleaned = sanitize(html)
    assert "<del>gone</del>" in cleaned and "<mark>lit</mark>" in cleaned


def test_bare_urls_become_links() -> None:
    root = tree("See https://example.org/a?b=1, or www.python.org.\n")
    assert [(a.get("href"), a.text) for a in root.iter("a")] == [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("http://www.python.org", "www.python.org"),
    ]


# -- GitHub habits ----------------------------------------------------------------------


def test_a_list_right_after_a_paragraph_line_is_a_list() -> None:
    root = tree("Shopping:\n- eggs\n- milk\n\nSteps:\n1. one\n2. two\n")
    assert [li.text for li in root.xpath("ul/li")] == ["eggs", "milk"]
    assert [li.text for li in root.xpath("ol/li")] == ["one", "two"]


def test_a_number_in_a_paragraph_does_not_start_a_list() -> None:
    root = tree("The year was\n1984. Then it ended.\n")
    assert root.find("ol") is None


def test_two_space_nested_lists_nest() -> None:
    root = tree("- a\n  - b\n    - c\n- d\n")
    assert root.xpath("string(ul/li[1]/ul/li[1]/ul/li[1])") == "c"
    assert [li.text for li in root.xpath("ul/li")] == ["a", "d"]


def test_four_space_nesting_and_item_paragraphs_read_as_before() -> None:
    text = "- a\n    - b\n\n    More of a.\n\n1. x\n\n    para\n\n2. y\n"
    root = tree(text)
    assert root.xpath("string(ul/li[1]/ul/li)") == "b"
    assert root.xpath("string(ul/li[1]/p[last()])") == "More of a."
    assert [p.text for p in root.xpath("ol/li[1]/p")] == ["x", "para"]


def test_a_list_inside_an_admonition_needs_no_blank_line() -> None:
    root = tree("!!! note\n    Items:\n    - a\n    - b\n")
    assert [li.text for li in root.xpath("//aside/ul/li")] == ["a", "b"]


def test_a_backslash_at_the_end_of_a_line_is_a_hard_break() -> None:
    assert html_of("one\\\ntwo\n") == "<p>one<br />\ntwo</p>"


def test_thematic_breaks_are_not_list_items() -> None:
    assert "<hr />" in html_of("Text\n\n- - -\n\nMore\n")


# -- the whole pipeline -----------------------------------------------------------------

ALL_OF_IT = """\
# Dialect tour

!!! warning "Mind the gap"
    An admonition with a list:
    - first
    - second

???+ tip "Opened for print"
    A collapsible.

> [!IMPORTANT]
> An alert from GitHub.

=== "Linux"
    ```bash
    # install
    apt-get install foo
    ```

=== "Windows"
    Use the installer.

```py title="hello.py" hl_lines="2"
def hello():
    return "hi"
```

```rust,ignore
fn main() {}
```

Tasks:
- [x] write the dialect
- [ ] ship it
  - two-space child

~~old~~ ==marked== ^^added^^ see https://example.org/ for more.\\
After a hard break.
"""


def test_a_dialect_tour_builds_a_clean_epub_and_a_pdf_with_the_titles(
    tmp_path: Path, epubcheck
) -> None:
    import exporter
    from pdfutil import page_texts, squash

    source = tmp_path / "tour.md"
    source.write_text(ALL_OF_IT, encoding="utf-8")
    outputs = {p.suffix: p for p in exporter.convert([source], ["epub", "pdf"], tmp_path / "out")}
    epubcheck.assert_clean(outputs[".epub"])

    with zipfile.ZipFile(outputs[".epub"]) as book:
        xhtml = "".join(
            book.read(n).decode()
            for n in book.namelist()
            if n.endswith(".xhtml") and "nav" not in n
        )
    assert xhtml.count('role="note"') == 3
    assert 'class="admonition tip collapsible"' in xhtml
    assert xhtml.count('class="tabbed-title"') == 2
    assert 'type="checkbox"' in xhtml and "<del>old</del>" in xhtml

    text = squash(" ".join(page_texts(outputs[".pdf"])))
    for words in ("Mind the gap", "Opened for print", "Important", "Linux", "Windows", "hello.py"):
        assert squash(words) in text, words
    assert squash("apt-get install foo") in text


def test_form_fields_other_than_checkboxes_are_removed_and_reported() -> None:
    raw = '<p>a<input type="text" value="x"/>b<input placeholder="Search"/><input type="checkbox" checked onclick="x()"/></p>'
    assert removals(raw) == ["<input>", "event handlers (on...)"]
    assert sanitize(raw) == '<p>ab<input type="checkbox" checked="" disabled="disabled"></p>'


def test_an_aside_keeps_role_note_only() -> None:
    assert sanitize('<aside role="note">a</aside><aside role="doc-tip">b</aside>') == (
        '<aside role="note">a</aside><aside>b</aside>'
    )
    assert removals('<aside role="doc-tip">b</aside>') == ['role="doc-tip"']


# -- what it costs ----------------------------------------------------------------------

PROBE = """
import sys, markdown.util
from exporter.formats import SourceText
from exporter.readers.markdown import read
read(SourceText("t.md", None, {text!r}.encode(), {text!r}))
scanned = markdown.util.get_installed_extensions.cache_info().currsize > 0
print(sorted(m for m in ("pymdownx.util", "urllib.request", "pygments") if m in sys.modules), scanned)
"""


def _probe(text: str) -> str:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(text=text)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_prose_with_links_and_notes_loads_no_pymdown_extension() -> None:
    text = "# T\n\nProse with a [link](https://x.y), <https://a.b> and a note.[^1]\n\n[^1]: N.\n"
    assert _probe(text) == "[] False"


def test_fences_never_make_python_markdown_scan_entry_points() -> None:
    # SuperFences asks for pymdownx.highlight by name; the reader hands it the instance.
    # (SuperFences imports pymdownx.util, and so urllib.request: code pays that import.)
    assert _probe("```rust,ignore\nfn main() {}\n```\n").endswith("] False")
