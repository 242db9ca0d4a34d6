"""Speaking the reader's language: gettext catalogues, the current language, plural forms.

The catalogues are ``librium/locale/<code>/LC_MESSAGES/librium.po`` (English source strings are the
message ids). Each is read with Babel the first time a language is used and compiled in memory, so a
fresh clone needs no build step and a stale ``.mo`` can never be served.

The language of the work in hand is a context variable: the bot sets it once per update (and per
reminder it sends); services and charts running inside that update (worker threads copy the
context) ask for their texts with :func:`_` / :func:`ngettext` and get that language.

Placeholders are named and filled after translation: ``_("Hello, {name}!").format(name=name)``;
never build a sentence by gluing pieces together, translators cannot reorder glued pieces.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DOMAIN = "librium"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DEFAULT = "en"

# code -> the language's own name (shown by /language). English first, then as Telegram users pick.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "de": "Deutsch",
    "fr": "Français",
    "pt_BR": "Português (Brasil)",
    "ru": "Русский",
    "uk": "Українська",
    "it": "Italiano",
    "pl": "Polski",
}

_current: ContextVar[str] = ContextVar("librium_language", default=DEFAULT)


def match(code: str | None) -> str:
    """The shipped language for a Telegram ``language_code`` ("es", "pt-br", "de-AT", "uk"): English
    when we do not have it. A Portuguese speaker gets Brazilian Portuguese, the one we ship."""
    if not code:
        return DEFAULT
    code = code.strip().replace("-", "_")
    if code in LANGUAGES:
        return code
    lower = {key.lower(): key for key in LANGUAGES}
    if code.lower() in lower:
        return lower[code.lower()]
    base = code.split("_", 1)[0].lower()
    if base == "pt":
        return "pt_BR"
    return base if base in LANGUAGES else DEFAULT


def current() -> str:
    """The language of the work in hand (English outside any update)."""
    return _current.get()


def set_current(code: str | None) -> str:
    """Make ``code`` (matched) the language of the rest of this task; returns it."""
    language = match(code)
    _current.set(language)
    return language


@contextlib.contextmanager
def speaking(code: str | None) -> Iterator[str]:
    """``with speaking("de"):`` the texts inside are German; the language before comes back after."""
    token = _current.set(match(code))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def catalogue_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(code: str) -> NullTranslations:
    """The compiled catalogue of ``code`` (read once per process); English is the source itself."""
    path = catalogue_path(code)
    if code == DEFAULT or not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=code, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _(message: str) -> str:
    """``message`` in the current language (itself when there is no translation)."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message the current language uses for ``n`` (Russian has three)."""
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same English words by ``context``."""
    return translations(current()).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; translate it with :func:`_` where it is used."""
    return message


def locale() -> Locale:
    """The Babel locale of the current language (dates, numbers)."""
    return babel_locale(current())


@functools.cache
def babel_locale(code: str) -> Locale:
    return Locale.parse(code)
