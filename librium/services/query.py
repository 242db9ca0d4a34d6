"""The search-box language: one string in, words plus structured filters out.

    tolkien hobbit                 words (every word must match; each is a prefix)
    "le guin"                      a phrase (the words next to each other)
    author:"le guin" series:dune   name filters (word-prefix match on the folded name)
    genre: tag: shelf:/loc: format: lang: publisher:
    is:read status:unread is:lent is:wishlist
    year:1990..1999 year:>2000 year:<=1980 year:1999 pages:<300 rating:>=4 price:<10
    has:cover missing:isbn missing:author
    sort:title sort:-year sort:added-desc

Parsing never raises: what is not understood becomes a warning saying so, and is left out while the
rest of the query still works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from librium import isbn as isbn_mod
from librium.i18n import N_, _
from librium.text import fold

STATUSES = ("read", "unread", "reading", "to-read", "abandoned")
"""Status filter values. "unread" means every status except "read"."""

_STATUS_ALIASES = {
    "toread": "to-read",
    "to_read": "to-read",
    "want": "to-read",
    "dnf": "abandoned",
    "currently-reading": "reading",
    "finished": "read",
    "not-read": "unread",
}

PRESENCE = (
    "cover",
    "isbn",
    "author",
    "genre",
    "series",
    "tag",
    "publisher",
    "language",
    "format",
    "shelf",
    "year",
    "pages",
    "price",
    "rating",
    "description",
)
"""What has:/missing: can ask about."""

_PRESENCE_ALIASES = {
    "authors": "author",
    "genres": "genre",
    "tags": "tag",
    "publishers": "publisher",
    "lang": "language",
    "languages": "language",
    "loc": "shelf",
    "location": "shelf",
    "page": "pages",
    "image": "cover",
}

NAME_FILTERS = {
    "author": "author",
    "by": "author",
    "series": "series",
    "genre": "genre",
    "tag": "tag",
    "shelf": "shelf",
    "loc": "shelf",
    "location": "shelf",
    "format": "format",
    "lang": "language",
    "language": "language",
    "publisher": "publisher",
    "pub": "publisher",
}
"""Filter key in the box -> the facet it filters on."""

SORT_KEYS = ("relevance", "title", "author", "year", "pages", "price", "rating", "added")
_SORT_ALIASES = {"date": "added", "created": "added", "new": "added", "stars": "rating", "rank": "relevance"}
# Directions when none is given: newest and best first feel natural, everything else ascending.
DEFAULT_DESC = {"added": True, "rating": True, "relevance": False}

_RANGE_HINTS = {
    "year": N_("try year:1990..1999, year:>2000 or year:1999"),
    "pages": N_("try pages:<300 or pages:100..200"),
    "rating": N_("try rating:>=4 (stars, 0.5 to 5)"),
    "price": N_("try price:<10 or price:5..20"),
}

_FILTER_KEYS = sorted({*NAME_FILTERS, "is", "status", "has", "missing", "sort", "isbn", *_RANGE_HINTS})


@dataclass(frozen=True)
class Range:
    """Numeric bounds; None means unbounded on that side."""

    low: Decimal | None = None
    high: Decimal | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True

    def intersect(self, other: Range) -> Range:
        """Both bounds at once: year:>=1969 year:<2000 means 1969 <= year < 2000."""
        low, low_inc = self.low, self.low_inclusive
        if other.low is not None and (
            low is None or other.low > low or (other.low == low and not other.low_inclusive)
        ):
            low, low_inc = other.low, other.low_inclusive
        high, high_inc = self.high, self.high_inclusive
        if other.high is not None and (
            high is None or other.high < high or (other.high == high and not other.high_inclusive)
        ):
            high, high_inc = other.high, other.high_inclusive
        return Range(low, high, low_inc, high_inc)


@dataclass
class ParsedQuery:
    """A search box, understood. Text values are folded (lower case, no accents)."""

    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    isbns: list[str] = field(default_factory=list)  # ISBN-13 forms of ISBNs typed as words or isbn:
    names: dict[str, list[str]] = field(default_factory=dict)  # facet -> folded values (all must match)
    statuses: set[str] = field(default_factory=set)  # any of these (see STATUSES)
    lent: bool | None = None
    owned: bool | None = None  # True: owned only; False: wishlist only
    year: Range | None = None
    pages: Range | None = None
    rating: Range | None = None  # in stars
    price: Range | None = None
    has: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    sort: str | None = None
    sort_desc: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        """True when there is something for the full-text index to match."""
        return bool(self.words or self.phrases or self.isbns)

    @property
    def is_empty(self) -> bool:
        return not (
            self.has_text
            or self.names
            or self.statuses
            or self.lent is not None
            or self.owned is not None
            or self.year
            or self.pages
            or self.rating
            or self.price
            or self.has
            or self.missing
        )


# A token: key:"quoted value", key:value, "a phrase", or a bare word. Unbalanced quotes run to the end.
_TOKEN = re.compile(
    r"""(?P<key>[^\W\d][\w-]*):(?:"(?P<qvalue>[^"]*)"?|(?P<value>\S*))
      | "(?P<phrase>[^"]*)"?
      | (?P<word>\S+)""",
    re.VERBOSE,
)
_WORD_PARTS = re.compile(r"[^\W_]+")
_ISBN_CHARS = re.compile(r"[0-9Xx][0-9Xx\- ]{8,16}[0-9Xx]")


def tokens(text: str) -> list[str]:
    """Split folded text into the alphanumeric tokens both full-text engines index."""
    return _WORD_PARTS.findall(fold(text))


def parse(text: str | None) -> ParsedQuery:
    """Understand one search-box string. Never raises."""
    query = ParsedQuery()
    text = (text or "").replace("\x00", " ")
    # A whole box that is an ISBN typed with spaces ("978 0 441 17271 9") is one ISBN.
    stripped = text.strip()
    if _ISBN_CHARS.fullmatch(stripped) and (isbn := isbn_mod.try_normalise(stripped)):
        query.isbns.append(isbn)
        return query
    for match in _TOKEN.finditer(text):
        if match.group("key") is not None:
            value = match.group("qvalue") if match.group("qvalue") is not None else match.group("value")
            _apply_filter(query, match.group("key"), value or "", match.group(0))
        elif match.group("phrase") is not None:
            parts = tokens(match.group("phrase"))
            if len(parts) > 1:
                query.phrases.append(parts)
            else:
                query.words.extend(parts)
        else:
            _add_word(query, match.group("word"))
    return query


def _add_word(query: ParsedQuery, word: str) -> None:
    if any(ch.isdigit() for ch in word) and (isbn := isbn_mod.try_normalise(word)):
        query.isbns.append(isbn)
        return
    query.words.extend(tokens(word))


def _apply_filter(query: ParsedQuery, raw_key: str, raw_value: str, original: str) -> None:
    key = fold(raw_key)
    value = fold(raw_value)
    shown = original[:60]
    if not value:
        # "Dune:" with nothing after it is most likely part of a title: search the word.
        if key in _FILTER_KEYS:
            query.warnings.append(
                _("didn't understand '{shown}' — {key}: needs a value after the colon").format(
                    shown=shown, key=key
                )
            )
        else:
            query.words.extend(tokens(raw_key))
        return
    if key in NAME_FILTERS:
        facet = NAME_FILTERS[key]
        query.names.setdefault(facet, []).append(value)
    elif key in ("is", "status"):
        _apply_is(query, value, shown)
    elif key in ("has", "missing"):
        what = _PRESENCE_ALIASES.get(value, value)
        if what not in PRESENCE:
            query.warnings.append(
                _("didn't understand '{shown}' — try {key}:{choices}...").format(
                    shown=shown, key=key, choices=" / ".join(PRESENCE[:6])
                )
            )
            return
        (query.has if key == "has" else query.missing).add(what)
    elif key in _RANGE_HINTS:
        parsed = _parse_range(value, integer=key in ("year", "pages"))
        if parsed is None or (key == "rating" and not _valid_rating(parsed)):
            query.warnings.append(
                _("didn't understand '{shown}' — {hint}").format(shown=shown, hint=_(_RANGE_HINTS[key]))
            )
            return
        current = getattr(query, key)
        setattr(query, key, current.intersect(parsed) if current else parsed)
    elif key == "isbn":
        isbn = isbn_mod.try_normalise(raw_value)
        if isbn is None:
            query.warnings.append(
                _("didn't understand '{shown}' — that is not a valid ISBN-10 or ISBN-13").format(shown=shown)
            )
            return
        query.isbns.append(isbn)
    elif key == "sort":
        _apply_sort(query, value, shown)
    else:
        query.warnings.append(
            _("didn't understand '{shown}' — filters are {choices}").format(
                shown=shown, choices=", ".join(k + ":" for k in _FILTER_KEYS)
            )
        )


def _apply_is(query: ParsedQuery, value: str, shown: str) -> None:
    value = value.replace("_", "-").replace(" ", "-")
    value = _STATUS_ALIASES.get(value, value)
    if value in STATUSES:
        query.statuses.add(value)
    elif value in ("lent", "loaned", "borrowed", "out"):
        query.lent = True
    elif value in ("available", "home", "not-lent", "in"):
        query.lent = False
    elif value in ("wishlist", "wanted", "wish"):
        query.owned = False
    elif value in ("owned", "mine"):
        query.owned = True
    else:
        choices = ", ".join(f"is:{s}" for s in (*STATUSES, "lent", "wishlist"))
        query.warnings.append(
            _("didn't understand '{shown}' — try {choices}").format(shown=shown, choices=choices)
        )


def _apply_sort(query: ParsedQuery, value: str, shown: str) -> None:
    desc: bool | None = None
    if value.startswith("-"):
        desc, value = True, value[1:]
    elif value.startswith("+"):
        desc, value = False, value[1:]
    for suffix, direction in (("-desc", True), (":desc", True), ("-asc", False), (":asc", False)):
        if value.endswith(suffix):
            desc, value = direction, value[: -len(suffix)]
            break
    value = _SORT_ALIASES.get(value, value)
    if value not in SORT_KEYS:
        query.warnings.append(
            _("didn't understand '{shown}' — sort by {choices} (add -desc to reverse)").format(
                shown=shown, choices=", ".join(SORT_KEYS[1:])
            )
        )
        return
    query.sort = value
    query.sort_desc = DEFAULT_DESC.get(value, False) if desc is None else desc


_COMPARISON = re.compile(r"(>=|<=|=>|=<|>|<|=)?\s*([0-9]+(?:[.,][0-9]+)?)")
_RANGE = re.compile(r"([0-9]+(?:[.,][0-9]+)?)?\s*(?:\.\.|–|—|-)\s*([0-9]+(?:[.,][0-9]+)?)?")


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _parse_range(value: str, *, integer: bool) -> Range | None:
    """'1990..1999', '1990-1999', '..300', '>2000', '<=4.5', '1999' -> Range; None if malformed."""
    value = value.strip()
    if match := _RANGE.fullmatch(value):
        low_text, high_text = match.groups()
        if low_text is None and high_text is None:
            return None
        low = _number(low_text) if low_text else None
        high = _number(high_text) if high_text else None
        if integer and any(n is not None and n != n.to_integral_value() for n in (low, high)):
            return None
        if low is not None and high is not None and low > high:
            low, high = high, low
        return Range(low=low, high=high)
    if match := _COMPARISON.fullmatch(value):
        op, number_text = match.groups()
        number = _number(number_text)
        if number is None or (integer and number != number.to_integral_value()):
            return None
        op = {"=>": ">=", "=<": "<="}.get(op or "=", op or "=")
        return {
            "=": Range(number, number),
            ">": Range(low=number, low_inclusive=False),
            ">=": Range(low=number),
            "<": Range(high=number, high_inclusive=False),
            "<=": Range(high=number),
        }[op]
    return None


def _valid_rating(bounds: Range) -> bool:
    return all(n is None or 0 <= n <= 5 for n in (bounds.low, bounds.high))
