"""The Mini App's texts in the reader's language: the page's dictionary, and which language that is.

Every text the page shows is written in app.js as ``t("English text", {name: value})`` or, counted,
``tn("{n} book", "{n} books", n)``. Babel's JavaScript extractor finds them there (for the page, here,
and for ``make messages``, through babel.cfg), so the catalogues in librium/locale are the chat's and
the page's alike. The page gets, for its language, each text's translation and, for each counted
text, its form for every CLDR plural category of the language ("one", "few", "many", "other"): the
page picks one with ``Intl.PluralRules`` (the same CLDR rules Babel uses), so Russian counts its three
ways without the page evaluating a gettext plural expression.

The language is the chat's (bot/runtime/language.py, librium/services/languages.py): the library's
chat speaks it (a private library: the user's chosen language, else Telegram's; a group's library: the
group's, else its creator's). A page opened outside Telegram (no user) speaks the browser's
Accept-Language.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from babel.messages.extract import extract

from librium import i18n

APP_JS = Path(__file__).parent / "static" / "app.js"
KEYWORDS = {"t": None, "tn": (1, 2)}  # the same as babel.cfg's [javascript: webapp/static/app.js]
PLURAL_KEY = "\u0000"  # a counted text's key: its singular and plural joined by NUL


@functools.cache
def messages() -> tuple[str | tuple[str, str], ...]:
    """Every text of app.js (a counted one as its singular and plural), in the order they appear."""
    with APP_JS.open("rb") as handle:
        found = [message for _line, message, _comments, _context in extract("javascript", handle, KEYWORDS)]
    return tuple(dict.fromkeys(m if isinstance(m, str) else (m[0], m[1]) for m in found))


def _samples(code: str) -> dict[str, int]:
    """A whole number of each plural category the language has (ru: one 1, few 2, many 0)."""
    rule = i18n.babel_locale(code).plural_form
    samples: dict[str, int] = {}
    for n in range(200):
        samples.setdefault(rule(n), n)
    return samples


def tag(code: str) -> str:
    """The BCP 47 tag of a shipped language (pt_BR → pt-BR), for ``<html lang>`` and ``Intl``."""
    return code.replace("_", "-")


@functools.cache
def dictionary(code: str) -> dict[str, Any]:
    """The page's texts in shipped language ``code``: {"locale": "es", "messages": {...}}."""
    translations = i18n.translations(code)
    samples = _samples(code)
    texts: dict[str, Any] = {}
    for message in messages():
        if isinstance(message, tuple):
            one, many = message
            forms = {category: translations.ngettext(one, many, n) for category, n in samples.items()}
            texts[one + PLURAL_KEY + many] = forms
        else:
            texts[message] = translations.gettext(message)
    return {"locale": tag(code), "messages": texts}


@functools.cache
def embedded(code: str) -> str:
    """The dictionary as JSON safe inside the page's ``<script type="application/json">``."""
    text = json.dumps(dictionary(code), ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c")


def from_accept_language(header: str | None) -> str:
    """The shipped language a browser asks for most (``Accept-Language``), English when none."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "")[:1000].split(",")):
        name, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if name and name != "*" and weight > 0:
            ranked.append((-weight, position, name))
    for _weight, _position, name in sorted(ranked):
        code = i18n.match(name)
        if code != i18n.DEFAULT or name.lower().startswith("en"):
            return code
    return i18n.DEFAULT
