"""The plain-text reader on strings: bylines become authors, ALL-CAPS headings title case."""

from __future__ import annotations

import pytest

from exporter.formats import SourceText
from exporter.readers import text as text_reader


def run(text: str):
    raw = text_reader.read(SourceText("t", None, text.encode(), text))
    return raw.html, raw.metadata


class TestByline:
    @pytest.mark.parametrize(
        ("line", "authors"),
        [
            ("By Ines Calder", ("Ines Calder",)),
            ("by A. Writer and B. Writer", ("A. Writer", "B. Writer")),
            ("— Ines Calder", ("Ines Calder",)),
            ("-- Ines Calder", ("Ines Calder",)),
            (
                "By Ines Calder, Tom Lee, and Ana de la Cruz",
                ("Ines Calder", "Tom Lee", "Ana de la Cruz"),
            ),
            ("By Ines Calder & Tom Lee", ("Ines Calder", "Tom Lee")),
            ("BY INES CALDER", ("Ines Calder",)),
        ],
    )
    def test_byline_is_the_author_not_a_heading(self, line, authors):
        html, meta = run(f"The Title\n\n{line}\n\nBody text.\n")
        assert meta.title == "The Title"
        assert meta.authors == authors
        assert html == "<p>Body text.</p>"

    def test_byline_straight_under_the_title(self):
        html, meta = run("The Title\nBy Ines Calder\n\nBody text.\n")
        assert meta.authors == ("Ines Calder",)
        assert html == "<p>Body text.</p>"

    @pytest.mark.parametrize(
        "line", ["By the Numbers", "By Monday.", "Some Background", "- Ines Calder"]
    )
    def test_lines_that_are_not_bylines(self, line):
        html, meta = run(f"The Title\n\n{line}\n\nBody text.\n")
        assert meta.authors == ()
        assert "Body text." in html and html != "<p>Body text.</p>"

    def test_byline_only_right_under_the_title(self):
        html, meta = run("T\n\nFirst paragraph.\n\nBy Ines Calder\n")
        assert meta.authors == ()
        assert "<h2>By Ines Calder</h2>" in html

    def test_byline_inside_a_paragraph_is_text(self):
        html, meta = run("T\n\nBy Ines Calder\nand more words of a paragraph.\n")
        assert meta.authors == ()
        assert html == "<p>By Ines Calder and more words of a paragraph.</p>"

    def test_the_sample_article_has_no_byline(self, samples):
        text = (samples / "mali-intervention.txt").read_text(encoding="utf-8")
        html, meta = run(text)
        assert meta.authors == ()
        assert html.count("<h2>") == 2

    def test_the_sample_with_a_byline(self, samples):
        title, rest = (samples / "mali-intervention.txt").read_text(encoding="utf-8").split("\n", 1)
        html, meta = run(f"{title}\n\nBy Ines Calder\n{rest}")
        assert meta.title == "Pieces Starting to Align for Mali Intervention"
        assert meta.authors == ("Ines Calder",)
        assert "Ines Calder" not in html
        assert html.count("<h2>") == 2


class TestAllCapsHeadings:
    @pytest.mark.parametrize(
        ("heading", "expected"),
        [
            ("THE SITUATION ON THE GROUND", "The Situation on the Ground"),
            ("WHAT ECOWAS AND THE UN WANT", "What ECOWAS and the UN Want"),
            ("MINUSMA IN MALI", "MINUSMA in Mali"),  # the body says MINUSMA and Mali
            ("NATO: A NEW ROLE", "NATO: A New Role"),  # NATO unseen, 4 letters, not a word
            ("DON'T LOOK BACK", "Don't Look Back"),
            ("WEST-AFRICAN TROOPS", "West-African Troops"),
            ("THE US POSITION", "The US Position"),  # the body writes US
            ("TROOPS FROM UNICEF", "Troops from Unicef"),  # unseen, over 4 letters
        ],
    )
    def test_shouting_heading_in_title_case(self, heading, expected):
        body = "MINUSMA, ECOWAS and the US met in Mali."
        html, _ = run(f"T\n\n{heading}\n\n{body}\n")
        assert html == f"<h2>{expected}</h2>\n<p>{body}</p>"

    def test_body_decides_against_the_acronym_rule(self):
        html, _ = run("T\n\nIN MALI\n\nMali is large.\n")
        assert html.startswith("<h2>In Mali</h2>")

    def test_mixed_case_heading_is_left_alone(self):
        html, _ = run("T\n\nThe UN and the Ground\n\nBody.\n")
        assert html.startswith("<h2>The UN and the Ground</h2>")

    def test_acronym_only_heading_is_kept(self):
        html, _ = run("T\n\nFAQ\n\nBody.\n")
        assert html.startswith("<h2>FAQ</h2>")

    def test_shouting_title(self):
        _, meta = run("PIECES ALIGN FOR ECOWAS\n\nBody on ECOWAS.\n")
        assert meta.title == "Pieces Align for ECOWAS"

    def test_shouting_paragraphs_are_kept(self):
        html, _ = run("T\n\nTHIS IS A LONG SHOUTED SENTENCE THAT ENDS.\n")
        assert html == "<p>THIS IS A LONG SHOUTED SENTENCE THAT ENDS.</p>"
