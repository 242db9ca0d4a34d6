"""Numbers, dates and months as the current language writes them ("1.451" in German, "1 451" in
Russian, "vie 24 dic" in Spanish), through Babel's CLDR data.

English keeps the forms the bot always used ("Fri 24 Dec 2026, 18:00"); other languages use CLDR
skeletons, so word order, abbreviations and separators are each locale's own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from librium.i18n import DEFAULT, current, locale

# name -> (English pattern, CLDR skeleton for the others)
_DATE_FORMATS = {
    "day": ("EEE d MMM", "MMMEd"),  # Fri 24 Dec · vie, 24 dic · Fr., 24. Dez.
    "day_year": ("EEE d MMM y", "yMMMEd"),
    "date": ("d MMM", "MMMd"),  # 3 Nov · 3 nov · 3. Nov.
    "date_year": ("d MMM y", "yMMMd"),
    "month_year": ("MMMM y", "yMMMM"),
}


def number(value: int | float | Decimal) -> str:
    """1451 → "1,451" / "1.451" / "1 451"; 4.5 → "4.5" / "4,5"."""
    return babel_numbers.format_decimal(value, locale=locale())


def percent(fraction: float) -> str:
    """0.42 → "42%" / "42 %"."""
    return babel_numbers.format_percent(fraction, locale=locale())


def _pattern(name: str, value: dt.date | dt.datetime) -> str:
    english, skeleton = _DATE_FORMATS[name]
    if current() == DEFAULT:
        return babel_dates.format_date(value, english, locale=locale())
    return babel_dates.format_skeleton(skeleton, value, locale=locale())


def day(value: dt.date) -> str:
    """A weekday and a date: "Fri 24 Dec"."""
    return _pattern("day", value)


def day_year(value: dt.date) -> str:
    return _pattern("day_year", value)


def date(value: dt.date, today: dt.date | None = None) -> str:
    """ "3 Nov", with the year when it is not ``today``'s year (or when there is no ``today``)."""
    return _pattern("date" if today is not None and value.year == today.year else "date_year", value)


def month_year(value: dt.date) -> str:
    """ "November 2026" / "noviembre de 2026" / "ноябрь 2026 г."."""
    return _pattern("month_year", value)


def time(value: dt.time | dt.datetime) -> str:
    """ "18:00" (24-hour everywhere: what the bot reads back is what it understands)."""
    return f"{value.hour:02d}:{value.minute:02d}"


def moment(value: dt.datetime, tz: ZoneInfo | str, today: dt.date | None = None) -> str:
    """An instant as the user reads it in ``tz``: "Fri 24 Dec, 18:00" (the year when it is not
    ``today``'s, or always when there is no ``today``)."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    local = value.astimezone(zone)
    with_year = today is None or local.year != today.year
    return f"{(day_year if with_year else day)(local.date())}, {time(local)}"


def month_name(month: int, width: str = "wide") -> str:
    """The name of a month (1-12) as it stands alone: "January" / "enero" / "январь"."""
    return babel_dates.get_month_names(width, context="stand-alone", locale=locale())[month]


def weekday_name(weekday: int, width: str = "wide") -> str:
    """The name of a weekday (0 = Monday): "Friday" / "viernes" / "пятница"."""
    return babel_dates.get_day_names(width, context="stand-alone", locale=locale())[weekday]


def zone_city(zone: str) -> str:
    """The city a time zone is named for, as the locale writes it: "America/New_York" → "New York" /
    "Nueva York" / "Нью-Йорк" (CLDR); the zone's own last part when CLDR does not know it."""
    try:
        return babel_dates.get_timezone_location(zone, locale=locale(), return_city=True)
    except LookupError:
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def join(items: list[str]) -> str:
    """ "a, b and c" / "a, b y c" / "a, b и c"."""
    from babel.lists import format_list

    return format_list(items, locale=locale()) if items else ""


def money(amount: Decimal, currency: str | None = None) -> str:
    """12.5, "EUR" → "12.50 EUR" (English) / "12,50 €" (German); an unknown currency keeps its code."""
    if current() == DEFAULT:  # English keeps the bot's "29.49 EUR"
        return f"{amount:,.2f} {currency}".strip() if currency else f"{amount:,.2f}"
    if currency:
        try:
            return babel_numbers.format_currency(amount, currency.upper(), locale=locale())
        except (babel_numbers.UnknownCurrencyError, ValueError):
            pass
    value = babel_numbers.format_decimal(amount, format="#,##0.00", locale=locale())
    return f"{value} {currency}" if currency else value
