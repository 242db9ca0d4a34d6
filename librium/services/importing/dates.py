"""Dates as files write them, with the day/month order decided once per file from its values.

A file writes its dates one way: ``2024/03/05`` and ``2024-03-05`` (year first) are never ambiguous,
but ``05/03/2024`` is 5 March in Europe and May 3rd in the US. :func:`detect_order` looks at every
numeric date of a file: one value whose first number is over 12 (``25/03/2024``) proves day-first, one
whose second number is over 12 (``3/25/2024``) proves month-first. With no proof either way the
delimiter decides (Excel saves with ``;`` where it also writes day-first dates), else month-first
(Goodreads' own M/D/YYYY when Excel re-saves an export).

Two-digit years (``4/8/08``) are this century up to the current year, the last century after it.
Text months (``Mar 5, 2024``, ``5 March 2024``) go to dateutil, which needs no order for them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

YMD, DMY, MDY = "ymd", "dmy", "mdy"
ORDERS = (YMD, DMY, MDY)

_YEAR_FIRST = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})")
_YEAR_LAST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")
_TIME = re.compile(r"(?:[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC)?)?\s*$")
_HAS_LETTER = re.compile(r"[A-Za-z]{3}")


def _split(text: str) -> tuple[re.Match | None, re.Match | None]:
    text = text.strip().strip("[]").strip()
    year_first = _YEAR_FIRST.match(text)
    if year_first:
        return year_first, None
    return None, _YEAR_LAST.match(text)


class OrderVotes:
    """Counts, over a file's dates, the values that prove day-first or month-first."""

    def __init__(self) -> None:
        self.day_first = 0
        self.month_first = 0

    def add(self, value: str) -> None:
        _ymd, other = _split(value or "")
        if other is None:
            return
        first, second = int(other.group(1)), int(other.group(2))
        if first > 12 >= second:
            self.day_first += 1
        elif second > 12 >= first:
            self.month_first += 1

    def order(self, *, delimiter: str = ",") -> str:
        if self.day_first != self.month_first:
            return DMY if self.day_first > self.month_first else MDY
        return DMY if delimiter == ";" else MDY


def detect_order(values: Iterable[str], *, delimiter: str = ",") -> str:
    """DMY or MDY for the ambiguous dates of a file (YMD dates do not vote)."""
    votes = OrderVotes()
    for value in values:
        votes.add(value)
    return votes.order(delimiter=delimiter)


def _century(year: str, today: dt.date) -> int:
    if len(year) == 4:
        return int(year)
    two = int(year)
    return 2000 + two if two <= today.year % 100 else 1900 + two


def _time(rest: str) -> dt.time | None:
    match = _TIME.match(rest)
    if match is None:
        return None
    if match.group(1) is None:
        return dt.time()
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    return dt.time(hour, minute, second) if hour < 24 and minute < 60 and second < 60 else None


def parse(text: str, order: str = MDY, *, today: dt.date | None = None) -> dt.datetime | None:
    """A date (with its time of day when the file gives one, naive) or None when it is not a date.

    The time zone of a timestamp, when written, is dropped: files write the user's local day, and a
    day is what we keep.
    """
    raw = (text or "").strip().strip("[]").strip()
    if not raw:
        return None
    today = today or dt.date.today()
    year_first, other = _split(raw)
    try:
        if year_first:
            y, m, d = (int(g) for g in year_first.groups())
            rest = raw[year_first.end() :]
        elif other:
            a, b, year = other.group(1), other.group(2), other.group(3)
            m, d = (int(b), int(a)) if order == DMY else (int(a), int(b))
            y = _century(year, today)
            rest = raw[other.end() :]
        else:
            return _text_date(raw)
        time = _time(rest)
        if time is None:
            return None
        return dt.datetime.combine(dt.date(y, m, d), time)
    except ValueError:
        return None


def _text_date(raw: str) -> dt.datetime | None:
    """ "Mar 5, 2024", "5 March 2024", "March 2024": a month written as a word needs no order."""
    if not _HAS_LETTER.search(raw) or len(raw) > 40:
        return None
    from dateutil import parser

    try:
        value = parser.parse(raw, default=dt.datetime(1, 1, 1))
    except (ValueError, OverflowError):
        return None
    return value.replace(tzinfo=None) if value.year > 1 else None
