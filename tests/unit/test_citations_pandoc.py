"""Our citations against ``pandoc --citeproc`` on the same article, bibliography and style.

The fixture (tests/fixtures/citations) has a book with a protected ``{TeX}``, an article
with a page range, a chapter in an edited collection, a conference paper, a thesis, three
and five authors, ``and others``, a "van" particle, a BibLaTeX entry, a corporate author,
two works by one author in one year (1984a/b, collapsed as "Knuth 1984a, 1984b", and
"———" in the list), an entry without author, and every citation form: ``[@k]``,
``[@k, p. 35]``, ``[see @k, pp. 101-103]``, ``[@a; @b]``, ``@k says``, ``[-@k]``,
``[@k, chap. 2]``. Both tools use the Chicago author-date style we ship.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from lxml import html

from exporter.api import read, transform
from exporter.citations.style import DEFAULT_STYLE
from exporter.settings import Settings

FIXTURES = Path(__file__).parents[1] / "fixtures" / "citations"


def _text(element: html.HtmlElement) -> str:
    # pandoc reads {\'\i} as a dotless i with a combining acute ("Garcı́a"), a quirk of
    # its LaTeX reader; we write the precomposed "í" that the author meant.
    return re.sub(r"\s+", " ", element.text_content().replace("ı\u0301", "í")).strip()


def _parts(markup: str) -> tuple[list[str], dict[str, str]]:
    tree = html.fromstring(f"<div>{markup}</div>")
    cites = [_text(s) for s in tree.xpath('//span[contains(@class, "citation")]')]
    entries = {e.get("id"): _text(e) for e in tree.xpath('//div[contains(@class, "csl-entry")]')}
    return cites, entries


@pytest.fixture(scope="module")
def both() -> tuple[tuple[list[str], dict[str, str]], tuple[list[str], dict[str, str]]]:
    pypandoc = pytest.importorskip("pypandoc")
    command = [pypandoc.get_pandoc_path(), "--citeproc", "--csl", str(DEFAULT_STYLE)]
    command += ["-t", "html", "--wrap=none", "article.md"]
    made = subprocess.run(command, cwd=FIXTURES, capture_output=True, text=True, check=True)
    settings = Settings(formats=("html",))
    doc = transform(read([FIXTURES / "article.md"], settings=settings), settings)
    return _parts(made.stdout), _parts("".join(c.html for c in doc.chapters))


def test_every_in_text_citation_reads_as_pandocs(both):
    (theirs, _), (ours, _) = both
    assert len(theirs) == 11
    assert ours == theirs


def test_the_in_text_forms_are_the_ones_expected(both):
    _, (ours, _) = both
    assert ours[:4] == [
        "(Knuth 1984b)",
        "(Smith and Doe 2001, 35)",
        "(see Müller 2010, 101–3)",  # Chicago shortens the cited range as pandoc does
        "(Lee, Park, and Choi 2015; García 2018)",
    ]
    assert "Alpha et al. (2020)" in ours  # @key says: the author in the text
    assert "(1999)" in ours  # [-@key]: the author suppressed
    assert ours[-2:] == ["(Knuth 1984a, 1984b)", "(Anonymous Tales 1850)"]


def test_the_reference_list_has_pandocs_entries_in_pandocs_order(both):
    (_, theirs), (_, ours) = both
    assert list(ours) == list(theirs)
    for key, entry in theirs.items():
        assert ours[key] == entry, key


def test_entries_keep_protected_case_page_ranges_and_given_names(both):
    _, (_, ours) = both
    # citeproc-py's own BibTeX reader made "The TeX Book", printed initials under Chicago.
    assert ours["ref-knuth1984"] == "———. 1984b. The TeXbook. Reading, MA: Addison-Wesley."
    assert ours["ref-smith2001"].startswith("Smith, John, and Jane Doe. 2001.")
    assert "12 (3): 33–45." in ours["ref-smith2001"]
    assert ours["ref-nasa1999"].startswith("Williams, Robert et al. 1999.")
    assert ours["ref-beethoven1990"].startswith("Beethoven, Ludwig van. 1990.")
    # The title stands in for the missing author once, not twice (citeproc-py's output).
    assert ours["ref-anonymous1850"] == "Anonymous Tales. 1850. Unknown Press."
