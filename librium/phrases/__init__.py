"""What people type, per language: one module per language with the same names in each.

Each module holds regular-expression pieces (no I/O, nothing compiled here): how a book and its author
are joined ("Dune de Frank Herbert"), the common questions, the things told about a book ("terminé
Dune"), a field set by typing ("cambia el año de Dune a 1965"; ``{F}`` a word of FIELDS, ``{W}``
"<book> a <value>" split at SET_TO), "remind me", the wishlist, and the small words around times ("el viernes a las 18:00").
bot/parse.py compiles them; librium/services/when_words.py reads the times. English comes first and
is always understood too: people mix.

Inside the patterns ``{S}`` stands for the book or series asked or told about, ``{I}`` for "I/we".
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType

from librium import i18n
from librium.services import wordforms
from librium.text import fold


@functools.cache
def module(code: str) -> ModuleType | None:
    """The phrase module of a shipped language (``pt_BR`` → ``librium.phrases.pt_br``), or None."""
    if code not in i18n.LANGUAGES:
        return None
    return importlib.import_module(f"librium.phrases.{code.lower()}")


def spoken(code: str | None = None) -> list[ModuleType]:
    """The phrase modules to try for a message: the language's own first, then English."""
    code = i18n.match(code) if code else i18n.current()
    modules = [module(code), module(i18n.DEFAULT)]
    return [m for i, m in enumerate(modules) if m is not None and m not in modules[:i]]


def stems(subject: str, module: ModuleType) -> list[str]:
    """Other forms to look a book up by in ``module``'s language: "Дюну" → "дюн" (a prefix of "Дюна"),
    by the word-form stemmer search uses (:func:`librium.services.wordforms.stem`)."""
    if module.STEMMER is None:
        return []
    words = [fold(word) for word in subject.split()]
    cut = [wordforms.stem(word, module.STEMMER) for word in words]
    return [" ".join(cut)] if cut != words else []
