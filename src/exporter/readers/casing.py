"""Turn an ALL-CAPS heading of a plain-text article into title case, keeping its acronyms.

A heading is *shouting* when it has letters and none of them is lower case. Each of its words
is then title-cased, except a word kept as an acronym. The rule for keeping one, in order:

1. the article's own text settles it: a word the body writes in capitals (``ECOWAS``,
   ``MINUSMA``) stays upper case, and a word the body writes otherwise (``Mali``) does not;
2. a word the body never uses stays upper case when it has 2 to 4 letters, no apostrophe,
   and is not a common English word (the short list below): ``UN``, ``IMF``, ``NATO``
   stay, while ``THE``, ``LOOK`` and any longer word (``TROOPS``) are title-cased. Four,
   not six: unseen words of five or six letters are far more often ordinary words than
   acronyms, and an acronym the article uses is kept by rule 1 whatever its length.

Title case: every word starts with a capital, the rest lower case (each part of a
hyphenated word, and only the first letter before an apostrophe: ``DON'T`` -> ``Don't``);
short articles, conjunctions and prepositions are lower case unless they begin or end the
heading or follow a colon or dash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

_SMALL_WORDS = "a an and as at but by en for from if in into nor of on onto or per the to up via vs"
_SMALL = frozenset([*_SMALL_WORDS.split(), "with"])

# Common English words of 2-6 letters that may turn up in a shouting heading: never read as
# acronyms unless the article itself writes them in capitals.
_COMMON_WORDS = """
    a about above after again air all also am an and any are area as ask at away back bad
    be been before being best big black body both but by call came can case cause change
    child city come could crisis day days did do does done down each early east end even
    ever every eyes face fact facts fall far fast few field final find fire first five for
    force four free from front full future game gave get give go going good got great green
    ground group grow had half hand hard has have he head hear heart help her here high him
    his home hope house how human i idea if in into is issue it its job just keep key kind
    know land large last late later law lead least left less life light like line little
    live long look lost made make man many may me mean means men might more most move much
    must my name near need never new news next night no north not now of off old on once
    one only open or order other our out over own part peace people place plan point power
    press public put quite rather read real really rest right rise road role rule run said
    same saw say says second see seen set she short should show side since small so some
    south space stand start state states still stop story such sure take talk tell than
    that the their them then there these they thing things think this those three through
    time to today told too took top toward towards true try turn two under until up upon
    us use very view voice want war was water way ways we week well went were west what
    when where which while white who whole why will win with within word words work world
    would year years yes yet you young your act aid arms army ban bid cut deal due fear
    fund gap hit hold lay led let lie lot low map mid net odd oil pay poll pull push raw
    red sea sit six sky sum tax ten tie toll vote wait walk wall warn wide wife wind wish
    zone age ago ally bank base bill bold born camp care cash cost crew data dead debt deep
    door draw drop dust easy edge else exit fail fair farm feel fell felt file fill fine
    foot form gain goal gold gone grew hall heat held hero hide hill hint hour huge iron
    join jump kill king lack lady lake lane lend link list load loan lock loss love main
    mark mass meet mind miss mode myth note pace pain pair past path pick plot port post
    pure race rain rank rare rate rich ride ring risk rock room root safe sale salt seat
    seek sell send ship shot sign site size slow soft soil sold song soon sort step suit
    tale tall team term test text thus tide till tiny tour town tree trip unit vast wage
    wave weak wear wild wing wire wise wood yard zero
"""
_COMMON = frozenset(_COMMON_WORDS.split())


def is_shouting(text: str) -> bool:
    """Tell whether a line has letters and none of them in lower case."""
    return any(c.isalpha() for c in text) and not any(c.islower() for c in text)


class Vocabulary:
    """How the article's body writes its words: in capitals, or otherwise."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.capitals: set[str] = set()
        self.other: set[str] = set()
        for line in lines:
            if is_shouting(line):
                continue  # a shouting line tells nothing about a word's case
            for word in _WORD.findall(line):
                if len(word) > 1 and word.isupper():
                    self.capitals.add(word)
                else:
                    self.other.add(word.upper())

    def keeps(self, word: str) -> bool:
        """Tell whether an upper-case word stays upper case (an acronym)."""
        if word in self.capitals:
            return True
        if word in self.other:
            return False
        return 2 <= len(word) <= 4 and word.isalpha() and word.lower() not in _COMMON


def title_case(text: str, vocabulary: Vocabulary) -> str:
    """Title-case a shouting line, keeping its acronyms; leave any other line alone."""
    if not is_shouting(text):
        return text
    matches = list(_WORD.finditer(text))
    out: list[str] = []
    position = 0
    for index, match in enumerate(matches):
        word = match.group()
        before = text[position : match.start()]
        out.append(before)
        edge = index in (0, len(matches) - 1) or bool(re.search(r"[:—–]\s*$|-$", before))
        out.append(_case_word(word, vocabulary, edge=edge))
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def _case_word(word: str, vocabulary: Vocabulary, *, edge: bool) -> str:
    if vocabulary.keeps(word):
        return word
    lower = word.lower()
    if lower in _SMALL and not edge:
        return lower
    return lower[:1].upper() + lower[1:]
