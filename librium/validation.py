"""Every validation rule of the catalogue, in one place.

The models call these from ``@validates`` hooks, so any path that writes a book (services, imports,
restores) is checked the same way. Each rule raises :class:`librium.errors.Invalid` with a message a
person can act on.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from librium import isbn as isbn_mod
from librium.errors import Invalid
from librium.i18n import N_, _
from librium.text import clean

# The names of fields in messages ("The series name … is too long"), translated where they are shown.
FIELD_NAMES = [
    N_("name"), N_("format"), N_("genre"), N_("publisher"), N_("language"), N_("series name"), N_("tag"),
    N_("shelf name"), N_("author name"), N_("subtitle"), N_("first name"), N_("middle name"),
    N_("last name"), N_("prefix"), N_("suffix"), N_("end"), N_("finish date"),
]  # fmt: skip

# Limits protect the system, never a real book: names of 1,000 characters ("Colegio Oficial
# Aparejadores y Arquitectos Técnicos de Murcia" is 59), titles of 1,000. A name or title is also
# kept under STORED_BYTES_MAX bytes of UTF-8 (its folded key too): PostgreSQL refuses index entries
# over about 2,700 bytes, and a 1,000-character name in a four-byte script would be one.
NAME_MAX = 1000
PERSON_PART_MAX = 1000
AFFIX_MAX = 1000
TITLE_MAX = 1000
STORED_BYTES_MAX = 2400
KEY_MAX = 2 * max(NAME_MAX, TITLE_MAX)  # a folded key can outgrow its name (ß -> ss, ﬁ -> fi)
BORROWER_MAX = 100
READING_STATUSES = ("to-read", "reading", "read", "abandoned")
MIN_YEAR = 1000


def max_year() -> int:
    return dt.date.today().year + 5


def _too_big(text: str, limit: int) -> bool:
    if len(text) > limit:
        return True
    if text.isascii():
        return False  # an ASCII text and its key are as many bytes as characters
    from librium.text import fold

    return len(text.encode()) > STORED_BYTES_MAX or len(fold(text).encode()) > STORED_BYTES_MAX


def title(value: str | None) -> str:
    text = clean(value)
    if not text:
        raise Invalid(_("A book needs a title."))
    if _too_big(text, TITLE_MAX):
        raise Invalid(
            _("That title is too long ({length} characters; at most {limit}).").format(
                length=len(text), limit=TITLE_MAX
            )
        )
    return text


def optional_text(value: str | None, what: str, limit: int) -> str | None:
    text = clean(value)
    if text and len(text) > limit:
        raise Invalid(
            _("The {what} is too long ({length} characters; at most {limit}).").format(
                what=_(what), length=len(text), limit=limit
            )
        )
    return text


def name(value: str | None, what: str = "name", limit: int = NAME_MAX) -> str:
    """Names of genres, publishers, languages, formats, series, tags, shelves."""
    text = clean(value)
    if not text:
        raise Invalid(_("A {what} cannot be blank.").format(what=_(what)))
    if _too_big(text, limit):
        raise Invalid(
            _("The {what} “{text}” is too long (at most {limit} characters).").format(
                what=_(what), text=text[:60], limit=limit
            )
        )
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
        raise Invalid(_("“{value}” is not a year.").format(value=value)) from None
    if not MIN_YEAR <= number <= max_year():
        raise Invalid(
            _("The year must be between {first} and {last}, not {number}.").format(
                first=MIN_YEAR, last=max_year(), number=number
            )
        )
    return number


def pages(value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(_("“{value}” is not a page count.").format(value=value)) from None
    if number <= 0:
        raise Invalid(_("The page count must be more than 0."))
    if number > 100_000:
        raise Invalid(_("That page count is implausibly large (over 100,000)."))
    return number


def price(value: Decimal | float | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).replace(",", ".")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise Invalid(_("“{value}” is not a price.").format(value=value)) from None
    if amount < 0:
        raise Invalid(_("A price cannot be negative."))
    if amount >= Decimal("100000000"):
        raise Invalid(_("That price is implausibly large."))
    return amount


def currency(value: str | None) -> str | None:
    text = clean(value)
    if text is None:
        return None
    text = text.upper()
    if len(text) != 3 or not text.isalpha():
        raise Invalid(
            _("“{value}” is not a currency code (use three letters such as EUR or USD).").format(value=value)
        )
    return text


def series_index(value: Decimal | float | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise Invalid(_("“{value}” is not a series number.").format(value=value)) from None
    if not number.is_finite() or number < 0:
        raise Invalid(_("A series number cannot be negative."))
    if number >= 100000:
        raise Invalid(_("That series number is implausibly large."))
    return number.quantize(Decimal("0.001"))


def rating(value: float | int | str | None) -> int | None:
    """Ratings are stored as half-stars: 0.5 stars -> 1, 5 stars -> 10."""
    if value is None or value == "":
        return None
    try:
        stars = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise Invalid(_("“{value}” is not a rating.").format(value=value)) from None
    halves = stars * 2
    if halves != halves.to_integral() or not 1 <= halves <= 10:
        raise Invalid(_("A rating is 0.5 to 5 stars, in half stars."))
    return int(halves)


def half_stars(value: int | None) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or not 1 <= value <= 10:
        raise Invalid(_("A rating is 0.5 to 5 stars, in half stars."))
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
        raise Invalid(
            _("“{value}” is not a reading status (use {choices}).").format(
                value=value, choices=", ".join(READING_STATUSES)
            )
        )
    return text


def timezone(value: str | None) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    text = (value or "").strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            _("“{text}” is not a time zone I know (try something like Europe/Berlin).").format(text=text)
        ) from None
    return text


def date_order(start: dt.date | None, end: dt.date | None, what: str) -> None:
    if start and end and end < start:
        raise Invalid(_("The {what} cannot be before the start.").format(what=_(what)))
