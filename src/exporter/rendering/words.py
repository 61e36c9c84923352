"""The words exporter writes itself, in the book's language: "Contents", "Chapter 3", dates.

A table by primary language subtag; English for a language it does not know. A theme's
``theme.toml`` may replace any word in a ``[words]`` table (``chapter = "Lesson {n}"``),
for every language, and so may a book's metadata (``Metadata.words``), which wins. ``{n}``
stands for a number, so each language puts it where it goes ("第{n}章").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

KEYS = (
    "contents",
    "chapter",
    "part",
    "appendix",
    "figure",
    "table",
    "notes",
    "index",
    "edited",
    "volume",
    "references",
)

WORDS: dict[str, dict[str, str]] = {
    "en": {"contents": "Contents", "chapter": "Chapter {n}", "part": "Part {n}",
           "appendix": "Appendix {n}", "figure": "Figure {n}", "table": "Table {n}",
           "notes": "Notes", "index": "Index",
           "edited": "Edited by {n}", "volume": "Volume {n}"},
    "fr": {"contents": "Table des matières", "chapter": "Chapitre {n}", "part": "Partie {n}",
           "appendix": "Annexe {n}", "figure": "Figure {n}", "table": "Tableau {n}",
           "notes": "Notes", "index": "Index",
           "edited": "Sous la direction de {n}", "volume": "Tome {n}"},
    "de": {"contents": "Inhalt", "chapter": "Kapitel {n}", "part": "Teil {n}",
           "appendix": "Anhang {n}", "figure": "Abbildung {n}", "table": "Tabelle {n}",
           "notes": "Anmerkungen", "index": "Register",
           "edited": "Herausgegeben von {n}", "volume": "Band {n}"},
    "es": {"contents": "Índice", "chapter": "Capítulo {n}", "part": "Parte {n}",
           "appendix": "Apéndice {n}", "figure": "Figura {n}", "table": "Tabla {n}",
           "notes": "Notas", "index": "Índice alfabético",
           "edited": "Edición de {n}", "volume": "Volumen {n}"},
    "it": {"contents": "Indice", "chapter": "Capitolo {n}", "part": "Parte {n}",
           "appendix": "Appendice {n}", "figure": "Figura {n}", "table": "Tabella {n}",
           "notes": "Note", "index": "Indice analitico",
           "edited": "A cura di {n}", "volume": "Volume {n}"},
    "pt": {"contents": "Sumário", "chapter": "Capítulo {n}", "part": "Parte {n}",
           "appendix": "Apêndice {n}", "figure": "Figura {n}", "table": "Tabela {n}",
           "notes": "Notas", "index": "Índice remissivo",
           "edited": "Organização de {n}", "volume": "Volume {n}"},
    "nl": {"contents": "Inhoud", "chapter": "Hoofdstuk {n}", "part": "Deel {n}",
           "appendix": "Bijlage {n}", "figure": "Figuur {n}", "table": "Tabel {n}",
           "notes": "Noten", "index": "Register",
           "edited": "Onder redactie van {n}", "volume": "Deel {n}"},
    "ru": {"contents": "Содержание", "chapter": "Глава {n}", "part": "Часть {n}",
           "appendix": "Приложение {n}", "figure": "Рисунок {n}", "table": "Таблица {n}",
           "notes": "Примечания", "index": "Предметный указатель",
           "edited": "Под редакцией {n}", "volume": "Том {n}"},
    "zh": {"contents": "目录", "chapter": "第{n}章", "part": "第{n}部分", "appendix": "附录{n}",
           "figure": "图{n}", "table": "表{n}", "notes": "注释", "index": "索引",
           "edited": "{n} 编", "volume": "第{n}卷"},
    "ja": {"contents": "目次", "chapter": "第{n}章", "part": "第{n}部", "appendix": "付録{n}",
           "figure": "図{n}", "table": "表{n}", "notes": "注", "index": "索引",
           "edited": "{n} 編", "volume": "第{n}巻"},
    "he": {"contents": "תוכן העניינים", "chapter": "פרק {n}", "part": "חלק {n}",
           "appendix": "נספח {n}", "figure": "איור {n}", "table": "טבלה {n}",
           "notes": "הערות", "index": "מפתח",
           "edited": "בעריכת {n}", "volume": "כרך {n}"},
    "ar": {"contents": "المحتويات", "chapter": "الفصل {n}", "part": "الجزء {n}",
           "appendix": "الملحق {n}", "figure": "الشكل {n}", "table": "الجدول {n}",
           "notes": "الحواشي", "index": "الفهرس",
           "edited": "تحرير {n}", "volume": "المجلد {n}"},
}  # fmt: skip
# The reference list's title (citations); pandoc's and LaTeX's words for it.
for _code, _word in {
    "en": "References", "fr": "Bibliographie", "de": "Literatur", "es": "Bibliografía",
    "it": "Bibliografia", "pt": "Referências", "nl": "Literatuur", "ru": "Список литературы",
    "zh": "参考文献", "ja": "参考文献", "he": "מקורות", "ar": "المراجع",
}.items():  # fmt: skip
    WORDS[_code]["references"] = _word

# Month names for dates written out ("2 October 2012"); ISO dates where none is known.
MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"),
}  # fmt: skip
# How a language writes a day: {d} day, {m} month name, {y} year, {M} month number.
DATE_FORMATS = {
    "en": "{d} {m} {y}", "fr": "{d} {m} {y}", "de": "{d}. {m} {y}", "es": "{d} de {m} de {y}",
    "it": "{d} {m} {y}", "pt": "{d} de {m} de {y}", "nl": "{d} {m} {y}", "ru": "{d} {m} {y} г.",
    "zh": "{y}年{M}月{d}日", "ja": "{y}年{M}月{d}日",
}  # fmt: skip


def primary(lang: str) -> str:
    """Return a language tag's primary subtag, lower-cased ("en-GB" -> "en")."""
    return lang.replace("_", "-").split("-")[0].lower()


def words(lang: str, *overrides: Mapping[str, str]) -> dict[str, str]:
    """Return every word in ``lang``; later ``overrides`` (theme, then book) win."""
    table = dict(WORDS["en"])
    table.update(WORDS.get(primary(lang), {}))
    for override in overrides:
        table.update({k: str(v) for k, v in override.items()})
    return table


def numbered(template: str, n: int | str) -> str:
    """Return a word with its number: ``numbered("Chapter {n}", 3)`` is "Chapter 3"."""
    return template.replace("{n}", str(n)) if "{n}" in template else f"{template} {n}"


def long_date(day: dt.date, lang: str) -> str:
    """Return ``day`` as the language writes it, or ISO 8601 for one the table lacks."""
    code = primary(lang)
    form = DATE_FORMATS.get(code)
    if form is None:
        return day.isoformat()
    months = MONTHS.get(code, ())
    month = months[day.month - 1] if months else ""
    return form.format(d=day.day, m=month, y=day.year, M=day.month)


def letter(n: int) -> str:
    """Return an appendix's letter: 1 -> A, 26 -> Z, 27 -> AA."""
    text = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        text = chr(ord("A") + rest) + text
    return text
