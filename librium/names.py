"""Author-name parsing on top of nameparser.

``parse_author`` turns what a person typed ("Ursula K. Le Guin", "Le Guin, Ursula K.", "Homer") into
name parts plus a display form ("Prefix First Middle Last Suffix", particles such as "van der" kept in
the last name) and a library sort form ("Le Guin, Ursula K.", "Rohe, Ludwig van der").

Conventions (Anglo-American cataloguing, simplified):
- ``prefix`` holds a title such as "Dr." or "Sir"; name particles ("van der", "de", "Le") belong to
  ``last``. Lower-case particles move behind the given names in the sort form ("Beauvoir, Simone de"),
  capitalised ones stay in front ("Le Guin, Ursula K.", "De Morgan, Augustus").
- A single name is a last name ("Homer", "Plato").
- A few very common Iberian surnames in the middle position start a compound surname, so
  "Gabriel García Márquez" has last name "García Márquez" (sorted under G). Other middle names stay
  middle names ("Martin Luther King Jr." has middle name "Luther").

``split_authors`` splits a field holding several authors ("A & B", "A and B", "A; B", "A, B") without
breaking "Last, First" forms such as "Le Guin, Ursula K." or "King, Martin Luther, Jr.".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nameparser import HumanName
from nameparser.config import CONSTANTS

from librium.errors import Invalid
from librium.i18n import _
from librium.text import clean, fold

__all__ = ["AuthorName", "capitalize_name", "has_case", "parse_author", "split_authors"]


@dataclass(frozen=True)
class AuthorName:
    first: str | None
    middle: str | None
    last: str | None
    prefix: str | None
    suffix: str | None
    display: str
    sort: str


# Lower-case particles that are filed after the given names ("Rohe, Ludwig van der").
_PARTICLES = frozenset(CONSTANTS.prefixes) | {"ten", "ter", "te", "zu", "zum", "zur", "y", "d'", "l'", "wa"}

# Common Iberian surnames: as the middle of three words they start a compound surname.
_IBERIAN_WORDS = (
    "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz "
    "Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez "
    "Ramos Gil Ramírez Serrano Blanco Molina Morales Suárez Ortega Delgado Castro Ortiz Rubio Marín "
    "Sanz Núñez Iglesias Medina Garrido Cortés Castillo Santos Lozano Guerrero Cano Prieto Méndez "
    "Cruz Calvo Gallego Vidal León Márquez Herrera Peña Flores Cabrera Campos Vega Fuentes Carrasco "
    "Diez Caballero Reyes Nieto Aguilar Pascual Santana Herrero Montero Lorenzo Hidalgo Giménez "
    "Ibáñez Ferrer Durán Santiago Benítez Vargas Mora Vicente Arias Carmona Crespo Román Pastor Soto "
    "Sáez Velasco Moya Soler Parra Esteban Bravo Gallardo Rojas Pardo Silva Ferreira Pereira Oliveira "
    "Costa Rodrigues Almeida Carvalho Gonçalves Sousa Lopes Marques Ribeiro Azevedo Cardoso Teixeira"
)
_IBERIAN_SURNAMES = frozenset(fold(s) for s in _IBERIAN_WORDS.split())

_SUFFIXES = frozenset(CONSTANTS.suffix_acronyms) | frozenset(CONSTANTS.suffix_not_acronyms)
_HAS_WORD = re.compile(r"\w")


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def _is_initial(token: str) -> bool:
    letters = token.replace(".", "")
    return len(letters) <= 1 or (token.endswith(".") and len(letters) <= 3)


def _is_particle(token: str) -> bool:
    return fold(token).rstrip(".") in _PARTICLES


def _is_suffix(text: str) -> bool:
    return fold(text).replace(".", "").replace(" ", "") in _SUFFIXES


def is_suffix(text: str) -> bool:
    """ "Jr.", "III", "PhD": a name suffix, not a name."""
    return _is_suffix(text)


_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+$")


def has_case(text: str) -> bool:
    """Whether capitals in ``text`` say anything: mixed case does; all lower or all upper does not."""
    return text != text.lower() and text != text.upper()


def capitalize_name(text: str) -> str:
    """A name typed all in lower or all in upper case, capitalised as names are written.

    "terry pratchett" → "Terry Pratchett", "JOHN MCDONALD" → "John McDonald", "j.r.r. tolkien" →
    "J.R.R. Tolkien", "ludwig van der rohe" → "Ludwig van der Rohe". Mixed case is the writer's
    choice and stays as it is ("bell hooks" can only be kept by typing it in a capitalised message).
    """
    if not text or has_case(text):
        return text
    name = HumanName(text)
    name.capitalize(force=True)  # knows particles ("van der") and "Mc"/"O'"
    cased = {word.lower(): word for word in re.split(r"[\s,]+", str(name)) if word}
    words = []
    for word in text.split():
        bare, comma = (word[:-1], ",") if word.endswith(",") else (word, "")
        if _INITIALS.match(bare):
            words.append(bare.upper() + comma)
        else:
            words.append(cased.get(bare.lower(), bare.capitalize()) + comma)
    words[0] = words[0][:1].upper() + words[0][1:]  # "le Guin, Ursula K." starts with a capital
    return " ".join(words)


def parse_author(text: str | None) -> AuthorName:
    """Split an author's name into parts; raise Invalid only when there is no name at all."""
    raw = clean(text)
    if not raw or not _HAS_WORD.search(raw):
        raise Invalid(_("“{text}” is not an author's name.").format(text=(raw or "")[:60]))
    comma_form = "," in raw
    parsed = HumanName(raw)
    prefix = clean(parsed.title)
    first = clean(parsed.first)
    middle = clean(parsed.middle)
    last = clean(parsed.last)
    suffix = clean(parsed.suffix)

    if not (first or middle or last):
        # Only a title or suffix-looking word ("Jr.", "Sir"): take the text as the name.
        prefix = suffix = None
        last = raw.strip(" ,")
    elif not last:
        # A single name is filed as a last name: "Homer", "Plato".
        last = _join(first, middle)
        first = middle = None
    elif first and not comma_form and not middle and _is_particle(first.split()[0]):
        # "de la Cruz", "Le Guin": a particle cannot be a given name.
        last = _join(first, last)
        first = None
    elif (
        not comma_form
        and first
        and middle
        and " " not in middle
        and " " not in last
        and not _is_initial(middle)
        and fold(middle) in _IBERIAN_SURNAMES
    ):
        last = _join(middle, last)
        middle = None

    display = _join(prefix, first, middle, last, suffix)
    sort = _sort_name(prefix, first, middle, last, suffix)
    return AuthorName(first, middle, last, prefix, suffix, display, sort)


def _sort_name(prefix, first, middle, last, suffix) -> str:
    tokens = last.split() if last else []
    particles: list[str] = []
    # Lower-case particles go behind the given names; capitalised ones ("Le Guin") stay.
    while len(tokens) > 1 and tokens[0].islower() and _is_particle(tokens[0]):
        particles.append(tokens.pop(0))
    core = " ".join(tokens)
    given = _join(prefix, first, middle, *particles)
    sort = f"{core}, {given}" if given else core
    return f"{sort}, {suffix}" if suffix else sort


# --------------------------------------------------------------------------- several authors in one field

_SEPARATORS = re.compile(r"\s*(?:;|&|\n|\s+and\s+)\s*", re.IGNORECASE)


def _looks_like_surname(piece: str) -> bool:
    """What may stand before the comma of 'Last, First': 'Tolkien', 'Le Guin', 'van der Rohe'."""
    tokens = piece.split()
    if not tokens or len(tokens) > 3:
        return False
    if len(tokens) == 1:
        return not _is_initial(tokens[0])
    # Several words are a surname only when all but the last are particles or an Iberian compound.
    if all(_is_particle(t) for t in tokens[:-1]):
        return True
    return len(tokens) == 2 and fold(tokens[0]) in _IBERIAN_SURNAMES


def _looks_like_given_names(piece: str) -> bool:
    tokens = piece.split()
    return 0 < len(tokens) <= 4 and not _is_suffix(piece) and not _is_particle(tokens[0])


def _split_commas(chunk: str) -> list[str]:
    pieces = [p.strip() for p in chunk.split(",") if p.strip()]
    if len(pieces) >= 3 and all(" " not in p for p in pieces) and not any(_is_suffix(p) for p in pieces):
        return pieces  # "Homer, Virgil, Ovid": a plain list of single names
    names: list[str] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        nxt = pieces[i + 1] if i + 1 < len(pieces) else None
        if nxt and _looks_like_surname(piece) and _looks_like_given_names(nxt):
            piece = f"{piece}, {nxt}"
            i += 1
        if names and _is_suffix(piece):
            names[-1] = f"{names[-1]}, {piece}"
        else:
            names.append(piece)
        i += 1
    return names


def split_authors(text: str | None) -> list[str]:
    """Split a field naming several authors into one string per author, in order."""
    raw = clean(text)
    if not raw:
        return []
    names: list[str] = []
    for chunk in _SEPARATORS.split(raw):
        if chunk.strip(" ,"):
            names.extend(_split_commas(chunk))
    return [n for n in names if _HAS_WORD.search(n)]
