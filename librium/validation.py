"""Every validation rule of the catalogue, in one place.

The models call these from ``@validates`` hooks, so any path that writes a book (services, imports,
restores) is checked the same way. Each rule raises :class:`librium.errors.Invalid` with a message a
person can act on.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from librium import isbn as isbn_mod
from librium.errors import Invalid
from librium.text import clean

NAME_MAX = 50
PERSON_PART_MAX = 50
AFFIX_MAX = 20
TITLE_MAX = 500
BORROWER_MAX = 100
READING_STATUSES = ("to-read", "reading", "read", "abandoned")
MIN_YEAR = 1000


def max_year() -> int:
    return dt.date.today().year + 5


def title(value: str | None) -> str:
    text = clean(value)
    if not text:
        raise Invalid("A book needs a title.")
    if len(text) > TITLE_MAX:
        raise Invalid(f"That title is too long ({len(text)} characters; at most {TITLE_MAX}).")
    return text


def optional_text(value: str | None, what: str, limit: int) -> str | None:
    text = clean(value)
    if text and len(text) > limit:
        raise Invalid(f"The {what} is too long ({len(text)} characters; at most {limit}).")
    return text


def name(value: str | None, what: str = "name", limit: int = NAME_MAX) -> str:
    """Names of genres, publishers, languages, formats, series, tags, shelves."""
    text = clean(value)
    if not text:
        raise Invalid(f"A {what} cannot be blank.")
    if len(text) > limit:
        raise Invalid(f"The {what} “{text[:60]}” is too long (at most {limit} characters).")
    return text


def isbn(value: str | None) -> str | None:
    if value is None or not str(value).strip():
        return None
    return isbn_mod.normalise(value)


def year(value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(f"“{value}” is not a year.") from None
    if not MIN_YEAR <= number <= max_year():
        raise Invalid(f"The year must be between {MIN_YEAR} and {max_year()}, not {number}.")
    return number


def pages(value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(f"“{value}” is not a page count.") from None
    if number <= 0:
        raise Invalid("The page count must be more than 0.")
    if number > 100_000:
        raise Invalid("That page count is implausibly large (over 100,000).")
    return number


def price(value: Decimal | float | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).replace(",", ".")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise Invalid(f"“{value}” is not a price.") from None
    if amount < 0:
        raise Invalid("A price cannot be negative.")
    if amount >= Decimal("100000000"):
        raise Invalid("That price is implausibly large.")
    return amount


def currency(value: str | None) -> str | None:
    text = clean(value)
    if text is None:
        return None
    text = text.upper()
    if len(text) != 3 or not text.isalpha():
        raise Invalid(f"“{value}” is not a currency code (use three letters such as EUR or USD).")
    return text


def series_index(value: Decimal | float | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise Invalid(f"“{value}” is not a series number.") from None
    if not number.is_finite() or number < 0:
        raise Invalid("A series number cannot be negative.")
    if number >= 100000:
        raise Invalid("That series number is implausibly large.")
    return number.quantize(Decimal("0.001"))


def rating(value: float | int | str | None) -> int | None:
    """Ratings are stored as half-stars: 0.5 stars -> 1, 5 stars -> 10."""
    if value is None or value == "":
        return None
    try:
        stars = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise Invalid(f"“{value}” is not a rating.") from None
    halves = stars * 2
    if halves != halves.to_integral() or not 1 <= halves <= 10:
        raise Invalid("A rating is 0.5 to 5 stars, in half stars.")
    return int(halves)


def half_stars(value: int | None) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or not 1 <= value <= 10:
        raise Invalid("A rating is 0.5 to 5 stars, in half stars.")
    return value


def reading_status(value: str) -> str:
    text = (value or "").strip().lower().replace("_", "-").replace(" ", "-")
    aliases = {
        "toread": "to-read",
        "unread": "to-read",
        "want": "to-read",
        "currently-reading": "reading",
        "dnf": "abandoned",
    }
    text = aliases.get(text, text)
    if text not in READING_STATUSES:
        raise Invalid(f"“{value}” is not a reading status (use {', '.join(READING_STATUSES)}).")
    return text


def timezone(value: str | None) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    text = (value or "").strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"“{text}” is not a time zone I know (try something like Europe/Berlin).") from None
    return text


def date_order(start: dt.date | None, end: dt.date | None, what: str) -> None:
    if start and end and end < start:
        raise Invalid(f"The {what} cannot be before the start.")
