"""The words numbered captions, cross-references and the index are written with.

They sit under the general table (``rendering.words``): a theme's or a book's ``[words]``
replaces any of them, as it does "Contents". Captions take the capitalised word ("Figure
2.3: ..."); references in running text take the language's own case ("voir la figure 2.3"),
and ``@Fig:x`` capitalises it. Equations follow pandoc-crossref's abbreviated style, with
the number in parentheses ("Eq. (2.1)"). ``{n}`` stands for the number or numbers.
"""

from __future__ import annotations

from exporter.model import Document
from exporter.rendering.words import primary, words
from exporter.settings import Settings

# Keys: caption words (listing), reference words per kind and their plurals, "and", the
# printed page ("p. 41"), and the titles of the generated lists.
CROSSREF_WORDS: dict[str, dict[str, str]] = {
    "en": {"listing": "Listing {n}", "equation": "Equation {n}", "section": "Section {n}",
           "ref-fig": "Figure {n}", "ref-figs": "Figures {n}", "ref-tbl": "Table {n}",
           "ref-tbls": "Tables {n}", "ref-lst": "Listing {n}", "ref-lsts": "Listings {n}",
           "ref-eq": "Eq. {n}", "ref-eqs": "Eqs. {n}", "ref-sec": "Section {n}",
           "ref-secs": "Sections {n}", "and": "and", "page": "p.",
           "list-of-figures": "List of Figures", "list-of-tables": "List of Tables",
           "caption-separator": ": ", "see": "see", "see-also": "see also"},
    "fr": {"listing": "Listing {n}", "equation": "Équation {n}", "section": "Section {n}",
           "ref-fig": "figure {n}", "ref-figs": "figures {n}", "ref-tbl": "tableau {n}",
           "ref-tbls": "tableaux {n}", "ref-lst": "listing {n}", "ref-lsts": "listings {n}",
           "ref-eq": "éq. {n}", "ref-eqs": "éq. {n}", "ref-sec": "section {n}",
           "ref-secs": "sections {n}", "and": "et", "page": "p.",
           "list-of-figures": "Table des figures", "list-of-tables": "Liste des tableaux",
           "caption-separator": "\u00a0: ", "see": "voir", "see-also": "voir aussi"},
    "de": {"listing": "Listing {n}", "equation": "Gleichung {n}", "section": "Abschnitt {n}",
           "ref-fig": "Abbildung {n}", "ref-figs": "Abbildungen {n}", "ref-tbl": "Tabelle {n}",
           "ref-tbls": "Tabellen {n}", "ref-lst": "Listing {n}", "ref-lsts": "Listings {n}",
           "ref-eq": "Gl. {n}", "ref-eqs": "Gl. {n}", "ref-sec": "Abschnitt {n}",
           "ref-secs": "Abschnitte {n}", "and": "und", "page": "S.",
           "list-of-figures": "Abbildungsverzeichnis", "list-of-tables": "Tabellenverzeichnis",
           "caption-separator": ": ", "see": "siehe", "see-also": "siehe auch"},
    "es": {"listing": "Listado {n}", "equation": "Ecuación {n}", "section": "Sección {n}",
           "ref-fig": "figura {n}", "ref-figs": "figuras {n}", "ref-tbl": "tabla {n}",
           "ref-tbls": "tablas {n}", "ref-lst": "listado {n}", "ref-lsts": "listados {n}",
           "ref-eq": "ec. {n}", "ref-eqs": "ecs. {n}", "ref-sec": "sección {n}",
           "ref-secs": "secciones {n}", "and": "y", "page": "p.",
           "list-of-figures": "Índice de figuras", "list-of-tables": "Índice de tablas",
           "caption-separator": ": ", "see": "véase", "see-also": "véase también"},
    "it": {"listing": "Listato {n}", "equation": "Equazione {n}", "section": "Sezione {n}",
           "ref-fig": "figura {n}", "ref-figs": "figure {n}", "ref-tbl": "tabella {n}",
           "ref-tbls": "tabelle {n}", "ref-lst": "listato {n}", "ref-lsts": "listati {n}",
           "ref-eq": "eq. {n}", "ref-eqs": "eq. {n}", "ref-sec": "sezione {n}",
           "ref-secs": "sezioni {n}", "and": "e", "page": "p.",
           "list-of-figures": "Elenco delle figure", "list-of-tables": "Elenco delle tabelle",
           "caption-separator": ": ", "see": "vedi", "see-also": "vedi anche"},
    "pt": {"listing": "Listagem {n}", "equation": "Equação {n}", "section": "Seção {n}",
           "ref-fig": "figura {n}", "ref-figs": "figuras {n}", "ref-tbl": "tabela {n}",
           "ref-tbls": "tabelas {n}", "ref-lst": "listagem {n}", "ref-lsts": "listagens {n}",
           "ref-eq": "eq. {n}", "ref-eqs": "eqs. {n}", "ref-sec": "seção {n}",
           "ref-secs": "seções {n}", "and": "e", "page": "p.",
           "list-of-figures": "Lista de figuras", "list-of-tables": "Lista de tabelas",
           "caption-separator": ": ", "see": "ver", "see-also": "ver também"},
}  # fmt: skip


def crossref_words(doc: Document, theme_words: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """Return every word in the document's language: general, then ours, theme, book."""
    lang = doc.metadata.lang or "en"
    ours = dict(CROSSREF_WORDS["en"])
    ours.update(CROSSREF_WORDS.get(primary(lang), {}))
    return words(lang, ours, dict(theme_words), dict(doc.metadata.words))


def capitalised(text: str) -> str:
    """Return ``text`` with its first letter upper-cased ("figure 2" -> "Figure 2")."""
    return text[:1].upper() + text[1:]


def theme_words(settings: Settings) -> tuple[tuple[str, str], ...]:
    """Return the [words] of the build's theme (which may replace "Figure {n}")."""
    from exporter.themes import load_theme

    return load_theme(settings.theme).words
