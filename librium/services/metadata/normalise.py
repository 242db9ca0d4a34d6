"""Turning providers' loose fields into the catalogue's shapes (years, pages, genres, languages)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from librium import isbn as isbn_mod
from librium import validation
from librium.text import clean, fold

MAX_GENRES = 5
NAME_MAX = validation.NAME_MAX
GENRE_MAX = 50  # a longer subject is a sentence about the book, not a genre

_YEAR = re.compile(r"(?<!\d)(1\d{3}|20\d{2})(?!\d)")
_PAGES = re.compile(r"(\d{1,5})\s*(?:p\b|pp\b|pages?\b)", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_MD_SOURCE = re.compile(r"\(?\[source\]\[\d+\]\)?", re.IGNORECASE)  # Open Library's "([source][1])"
_MD_REFERENCE = re.compile(r"^\s*\[\d+\]:\s*\S+\s*$", re.MULTILINE)  # "[1]: https://..."
_BREAKS = re.compile(r"<\s*(?:br|/p|/div|/li)\s*/?\s*>", re.IGNORECASE)

# Subjects that say how a copy is held or sold, not what the book is about.
_NOISE = {
    "accessible book",
    "protected daisy",
    "in library",
    "lending library",
    "overdrive",
    "large type books",
    "large print books",
    "open library staff picks",
    "internet archive wishlist",
    "reading level-grade 11",
    "general",
    "juvenile literature",
    "ebook",
    "ebooks",
    "electronic books",
    "translations into english",
    "english language",
    "nyt bestseller",
}

# MARC 3-letter code (Open Library), ISO 639-1 code (Google Books) -> English name.
_LANGUAGES = [
    ("eng", "en", "English"),
    ("fre", "fr", "French"),
    ("ger", "de", "German"),
    ("spa", "es", "Spanish"),
    ("ita", "it", "Italian"),
    ("por", "pt", "Portuguese"),
    ("dut", "nl", "Dutch"),
    ("rus", "ru", "Russian"),
    ("ukr", "uk", "Ukrainian"),
    ("pol", "pl", "Polish"),
    ("cze", "cs", "Czech"),
    ("slo", "sk", "Slovak"),
    ("hun", "hu", "Hungarian"),
    ("rum", "ro", "Romanian"),
    ("bul", "bg", "Bulgarian"),
    ("scr", "hr", "Croatian"),
    ("srp", "sr", "Serbian"),
    ("slv", "sl", "Slovenian"),
    ("gre", "el", "Greek"),
    ("tur", "tr", "Turkish"),
    ("swe", "sv", "Swedish"),
    ("nor", "no", "Norwegian"),
    ("dan", "da", "Danish"),
    ("fin", "fi", "Finnish"),
    ("ice", "is", "Icelandic"),
    ("est", "et", "Estonian"),
    ("lav", "lv", "Latvian"),
    ("lit", "lt", "Lithuanian"),
    ("cat", "ca", "Catalan"),
    ("baq", "eu", "Basque"),
    ("glg", "gl", "Galician"),
    ("gle", "ga", "Irish"),
    ("wel", "cy", "Welsh"),
    ("lat", "la", "Latin"),
    ("heb", "he", "Hebrew"),
    ("ara", "ar", "Arabic"),
    ("per", "fa", "Persian"),
    ("hin", "hi", "Hindi"),
    ("ben", "bn", "Bengali"),
    ("chi", "zh", "Chinese"),
    ("jpn", "ja", "Japanese"),
    ("kor", "ko", "Korean"),
    ("vie", "vi", "Vietnamese"),
    ("tha", "th", "Thai"),
    ("ind", "id", "Indonesian"),
    ("epo", "eo", "Esperanto"),
]
_LANGUAGE_NAMES = {code: name for marc, iso, name in _LANGUAGES for code in (marc, iso)}
_LANGUAGE_NAMES.update({"fra": "French", "deu": "German", "nld": "Dutch", "zho": "Chinese", "ces": "Czech"})


def text(value: Any, limit: int | None = None) -> str | None:
    """A cleaned single-line string, or None (non-strings and blanks become None)."""
    if not isinstance(value, str):
        return None
    value = clean(value)
    if value and limit and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value


def description(value: Any) -> str | None:
    """Plain text from a description: Open Library's {"type": "/type/text", "value": ...} or Google's HTML."""
    if isinstance(value, dict):
        value = value.get("value")
    if not isinstance(value, str):
        return None
    value = _MD_REFERENCE.sub("", _MD_SOURCE.sub("", value))
    value = _BREAKS.sub("\n", value)
    value = html.unescape(_TAGS.sub("", value))
    paragraphs = [clean(p) for p in value.replace("\r", "").split("\n")]
    joined = "\n\n".join(p for p in paragraphs if p)
    return joined[:5000] or None


def year(value: Any) -> int | None:
    """The publication year in "October 1, 1988", "2005-07-01", "c1999", "[1987?]"; None if implausible."""
    if isinstance(value, int):
        candidates = [value]
    elif isinstance(value, str):
        candidates = [int(m) for m in _YEAR.findall(value)]
    else:
        return None
    for number in candidates:
        if validation.MIN_YEAR <= number <= validation.max_year():
            return number
    return None


def pages(value: Any, pagination: Any = None) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 100_000:
        return value
    if isinstance(pagination, str):
        found = [int(n) for n in _PAGES.findall(pagination)]
        if found and 0 < max(found) <= 100_000:
            return max(found)
    return None


def names(values: Iterable[Any], limit: int = NAME_MAX) -> tuple[str, ...]:
    """Distinct (case/accent-insensitive) cleaned names, in order; over-long ones are shortened."""
    out: list[str] = []
    keys: set[str] = set()
    for value in values:
        name = text(value, limit)
        if name and fold(name) not in keys:
            keys.add(fold(name))
            out.append(name)
    return tuple(out)


def language(code: Any) -> str | None:
    """English name of a language code ("/languages/eng", "eng", "en", "en-GB"); None when unknown."""
    if not isinstance(code, str):
        return None
    code = code.rsplit("/", 1)[-1].strip().lower().split("-")[0].split("_")[0]
    return _LANGUAGE_NAMES.get(code)


def languages(codes: Iterable[Any]) -> tuple[str, ...]:
    return names(name for name in map(language, codes) if name)


def _genre(subject: str) -> str | None:
    """One subject or category as a genre name, or None when it is noise.

    "Fiction, science fiction, general" -> "Science fiction"; "Fiction / Fantasy / Epic" -> "Fantasy";
    "Science fiction -- History and criticism" -> "Science fiction"; "nyt:hardcover-fiction=2010" -> None.
    """
    subject = clean(subject) or ""
    if not subject or ":" in subject or "=" in subject or subject.startswith(("(", "[")):
        return None
    subject = subject.split(" -- ")[0].split("--")[0]
    separator = "/" if "/" in subject else ","
    parts = [clean(p) for p in subject.split(separator)]
    parts = [p for p in parts if p and fold(p) not in ("general", "miscellaneous", "other")]
    if len(parts) > 1 and fold(parts[0]) in ("fiction", "juvenile fiction", "juvenile nonfiction"):
        parts = parts[1:]
    if not parts:
        return None
    genre = parts[0]
    if fold(genre) in _NOISE or len(genre) > GENRE_MAX or len(genre) < 3 or genre.isdigit():
        return None
    return genre[0].upper() + genre[1:]


def genres(subjects: Iterable[Any], limit: int = MAX_GENRES) -> tuple[str, ...]:
    """A few cleaned genres from subjects (strings or {"name": ...} objects), most specific first kept."""
    out = names(g for g in (_genre(_subject_name(s)) for s in subjects) if g)
    return out[:limit]


def _subject_name(subject: Any) -> str:
    if isinstance(subject, dict):
        subject = subject.get("name")
    return subject if isinstance(subject, str) else ""


def isbn13s(values: Iterable[Any]) -> set[str]:
    """The ISBN-13 forms of every valid ISBN-10/13 in ``values``."""
    found = set()
    for value in values:
        if isinstance(value, str):
            normal = isbn_mod.try_normalise(value)
            if normal:
                found.add(normal)
    return found


def https(url: Any) -> str | None:
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    return "https://" + url.split("://", 1)[1]
