"""Natural times ("tomorrow 9:00", "in 2 hours", "friday") read in a user's zone, returned in UTC.

Nothing here reads a clock: every function that needs the present takes ``now`` (an aware datetime).
Wall times are turned into instants with :func:`localize`, which follows PEP 495 through zoneinfo: a
time inside a spring-forward gap moves forward by the gap (02:30 becomes 03:30), and an ambiguous
time in the autumn overlap takes its first occurrence (summer time).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from librium import i18n
from librium.errors import Invalid
from librium.i18n import _

UTC = dt.UTC
DEFAULT_TIME = dt.time(9, 0)  # a day without a time ("friday", "tomorrow")
TONIGHT = dt.time(20, 0)
MAX_AHEAD = dt.timedelta(days=366 * 10)
MAX_WHEN_WORDS = 7  # the longest time phrase split_when_what tries
MAX_WHAT = 1000

EXAMPLES = "“tomorrow 9:00”, “in 2 hours”, “friday 18:00”, “next monday” or “2026-12-24 18:00”"


def examples() -> str:
    """Times the parser understands, in the current language (each translation lists its own words)."""
    return _("“tomorrow 9:00”, “in 2 hours”, “friday 18:00”, “next monday” or “2026-12-24 18:00”")


WEEKDAYS = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
NAMED_TIMES = {"noon": dt.time(12, 0), "midday": dt.time(12, 0), "midnight": dt.time(0, 0)}
DAY_WORDS = {"today": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1}
UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
    **dict.fromkeys(("d", "day", "days"), "days"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks"),
}
UNIT_LIMITS = {"minutes": 60 * 24 * 366 * 10, "hours": 24 * 366 * 10, "days": 366 * 10, "weeks": 53 * 10}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}

_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|h)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOT_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(?:(\d{4}))?")  # 24.12.2026, 24.12.
_DOT_DATE_SHORT = re.compile(r"(\d{1,2})\.(\d{1,2})")  # 24.12
_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?")  # day first: 24/12, 24/12/2026
_AMOUNT_UNIT = re.compile(r"(\d+)([a-z]+)")  # 2h, 30min
_COMPOUND = re.compile(r"(?:\d+[a-z]+)+")  # 1h30m


class _NoParse(Exception):
    """The words are not a time phrase (internal; turned into Invalid at the edge)."""


@dataclass(frozen=True)
class _Spec:
    """What the words said, before it is placed on a calendar."""

    relative: dict[str, int] | None = None
    day_offset: int | None = None
    weekday: int | None = None
    strict_weekday: bool = False  # "next monday": never today
    date: tuple[int | None, int, int] | None = None  # (year or None, month, day)
    time: dt.time | None = None
    evening: bool = False  # "tonight": bare hours are pm


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            _("“{name}” is not a time zone I know (try something like Europe/Berlin).").format(name=name)
        ) from None


def utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: pass an aware (UTC) datetime")
    return value.astimezone(UTC)


def localize(day: dt.date, time: dt.time, tz: ZoneInfo | str) -> dt.datetime:
    """The UTC instant of wall time ``time`` on ``day`` in ``tz`` (gaps move forward; overlaps: first)."""
    tz = zone(tz) if isinstance(tz, str) else tz
    wall = dt.datetime.combine(day, time.replace(tzinfo=None, fold=0), tzinfo=tz)
    return wall.astimezone(UTC)


def next_daily(local_time: dt.time, tz: ZoneInfo | str, after: dt.datetime) -> dt.datetime:
    """The first instant strictly after ``after`` whose wall time in ``tz`` is ``local_time``."""
    tz = zone(tz) if isinstance(tz, str) else tz
    after = utc(after)
    day = after.astimezone(tz).date() - dt.timedelta(days=1)
    while True:
        candidate = localize(day, local_time, tz)
        if candidate > after:
            return candidate
        day += dt.timedelta(days=1)


def next_weekly(weekday: int, local_time: dt.time, tz: ZoneInfo | str, after: dt.datetime) -> dt.datetime:
    """The first instant strictly after ``after`` on ``weekday`` (0 = Monday) at ``local_time`` in ``tz``."""
    tz = zone(tz) if isinstance(tz, str) else tz
    after = utc(after)
    day = after.astimezone(tz).date() - dt.timedelta(days=1)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    while True:
        candidate = localize(day, local_time, tz)
        if candidate > after:
            return candidate
        day += dt.timedelta(days=7)


def format_local(value: dt.datetime, tz: ZoneInfo | str) -> str:
    """``value`` as the user reads it: "Fri 24 Dec 2026, 18:00"."""
    tz = zone(tz) if isinstance(tz, str) else tz
    if i18n.current() != i18n.DEFAULT:
        from librium.i18n import formats

        return formats.moment(utc(value), tz)
    return utc(value).astimezone(tz).strftime("%a %d %b %Y, %H:%M")


# --------------------------------------------------------------------------- public parsing


def parse(text: str, tz: str, now: dt.datetime) -> dt.datetime:
    """Read ``text`` as a moment in zone ``tz`` and return it in UTC; it must be after ``now``.

    Raises Invalid (and nothing else) for words that are not a time, for past times and for times
    more than ten years ahead.
    """
    tzinfo = zone(tz)
    now = utc(now)
    try:
        spec = _spec(_words(text))
    except _NoParse:
        found = _in_words(text, tzinfo, now)
        if found is None:
            raise Invalid(_not_a_time(text)) from None
        return _checked(found, tzinfo, now, text)
    return _resolve(spec, tzinfo, now, text)


def _in_words(text: str, tz: ZoneInfo, now: dt.datetime) -> dt.datetime | None:
    """A time in the words of the current language, when it is not English (dateparser)."""
    language = i18n.current()
    if language == i18n.DEFAULT:
        return None
    from librium.services import when_words

    return when_words.moment(text, tz, now, language)


def parse_local_time(text: str) -> dt.time:
    """A wall-clock time for daily reminders: "21:30", "9pm", "9:30 am", "21h", "21", "noon"."""
    words = _words(text)
    try:
        if len(words) == 1 and re.fullmatch(r"\d{1,2}", words[0]):
            time = _clock(words[0], bare=True)
        else:
            time, used = _time_at(words, 0)
            if used != len(words):
                raise _NoParse
    except _NoParse:
        raise Invalid(
            _("“{text}” is not a time of day. Try “21:30”, “9pm” or “7:15 am”.").format(text=_short(text))
        ) from None
    return time


def split_when_what(text: str, tz: str, now: dt.datetime) -> tuple[dt.datetime, str]:
    """Split "tomorrow 9:00 call Alice" or "call Alice on friday at 18:00" into (due time in UTC,
    "call Alice").

    The time comes first or last. The longest phrase (up to seven words) that reads as a time wins, so
    "friday 18:00 x" is Friday at 18:00, not Friday at 9:00 with the text "18:00 x"; a leading time is
    tried before a trailing one.
    """
    tzinfo = zone(tz)
    now = utc(now)
    raw = (text or "").split()
    sizes = range(min(len(raw), MAX_WHEN_WORDS), 0, -1)
    splits = [(raw[:size], raw[size:]) for size in sizes]
    splits += [(raw[-size:], raw[:-size]) for size in sizes if size < len(raw)]
    for when_words, what_words in splits:
        phrase = " ".join(when_words)
        found = None
        try:
            spec = _spec(_words(phrase))
        except _NoParse:
            found = _in_words(phrase, tzinfo, now)
            if found is None:
                continue
        what = " ".join(what_words).strip()
        if what.lower().startswith("to ") and len(what) > 3:
            what = what[3:].lstrip()
        if found is not None:
            from librium.services import when_words as words_in

            what = words_in.what_of(what, i18n.current())
        if not what:
            raise Invalid(_("What should I remind you about? For example: /remind tomorrow 9:00 call Alice"))
        if len(what) > MAX_WHAT:
            raise Invalid(_("That reminder is too long (at most {n} characters).").format(n=MAX_WHAT))
        if found is not None:
            return _checked(found, tzinfo, now, phrase), what
        return _resolve(spec, tzinfo, now, phrase), what
    raise Invalid(
        _(
            "Tell me when and what. For example: /remind tomorrow 9:00 call Alice, or /remind call Alice "
            "on friday. Times I understand: {examples}."
        ).format(examples=examples())
    )


# --------------------------------------------------------------------------- internals


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= 40 else text[:39] + "…"


def _not_a_time(text: str) -> str:
    if not (text or "").strip():
        return _("When? Try {examples}.").format(examples=examples())
    return _("I could not read “{text}” as a time. Try {examples}.").format(
        text=_short(text), examples=examples()
    )


def _words(text: str) -> list[str]:
    text = (text or "").lower().replace(",", " ")
    return text.split()


def _number(word: str) -> int:
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if re.fullmatch(r"\d{1,6}", word):
        return int(word)
    raise _NoParse


def _relative(words: list[str]) -> dict[str, int]:
    """The words after "in": "2 hours", "2h 30m", "1h30m", "an hour", "half an hour", "3 days"."""
    amounts: dict[str, int] = {}

    def add(unit_word: str, count: int) -> None:
        unit = UNITS.get(unit_word)
        if unit is None or unit in amounts:
            raise _NoParse
        amounts[unit] = count

    if words in (["half", "an", "hour"], ["half", "hour"]):
        return {"minutes": 30}
    i = 0
    while i < len(words):
        word = words[i]
        if word == "and" and amounts:
            i += 1
            continue
        if _COMPOUND.fullmatch(word) and not word.isdigit():
            for count, unit_word in _AMOUNT_UNIT.findall(word):
                if len(count) > 7:
                    raise _NoParse
                add(unit_word, int(count))
            i += 1
            continue
        if i + 1 < len(words):
            add(words[i + 1], _number(word))
            i += 2
            continue
        raise _NoParse
    if not amounts:
        raise _NoParse
    for unit, count in amounts.items():
        if count > UNIT_LIMITS[unit]:
            raise _NoParse
    return amounts


def _clock(word: str, bare: bool = False) -> dt.time:
    """One clock word: "9:00", "09:30", "9am", "9:30pm", "21h"; a bare "9" only when ``bare``."""
    m = _CLOCK.fullmatch(word)
    if not m:
        raise _NoParse
    hour, minute, suffix = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if m.group(2) is None and suffix is None and not bare:
        raise _NoParse
    if suffix in ("am", "a.m.", "pm", "p.m."):
        if not 1 <= hour <= 12:
            raise _NoParse
        hour = hour % 12 + (12 if suffix.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise _NoParse
    return dt.time(hour, minute)


def _time_at(words: list[str], i: int) -> tuple[dt.time, int]:
    """A time starting at ``words[i]``; returns it and the index after it."""
    if i >= len(words):
        raise _NoParse
    word = words[i]
    if word in NAMED_TIMES:
        return NAMED_TIMES[word], i + 1
    if i + 1 < len(words) and words[i + 1] in ("am", "pm", "a.m.", "p.m."):
        return _clock(word + words[i + 1], bare=True), i + 2
    return _clock(word), i + 1


def _date_at(words: list[str], i: int) -> tuple[tuple[int | None, int, int], int]:
    """A calendar date starting at ``words[i]``: ISO, 24.12.2026, 24/12, "24 dec [2026]", "dec 24"."""
    word = words[i]
    for pattern, order in (
        (_ISO_DATE, "ymd"),
        (_DOT_DATE, "dmy"),
        (_DOT_DATE_SHORT, "dm"),
        (_SLASH_DATE, "dmy"),
    ):
        m = pattern.fullmatch(word)
        if m:
            parts = dict(zip(order, m.groups(), strict=False))
            year = int(parts["y"]) if parts.get("y") else None
            return _checked_date(year, int(parts["m"]), int(parts["d"])), i + 1
    following = words[i + 1] if i + 1 < len(words) else None
    day_word = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", word)
    if day_word and following in MONTHS:  # 24 dec [2026]
        return _with_year(words, i + 2, MONTHS[following], int(day_word.group(1)))
    if word in MONTHS and following:  # dec 24 [2026]
        day_word = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", following)
        if day_word:
            return _with_year(words, i + 2, MONTHS[word], int(day_word.group(1)))
    raise _NoParse


def _with_year(words: list[str], i: int, month: int, day: int) -> tuple[tuple[int | None, int, int], int]:
    if i < len(words) and re.fullmatch(r"\d{4}", words[i]):
        return _checked_date(int(words[i]), month, day), i + 1
    return _checked_date(None, month, day), i


def _checked_date(year: int | None, month: int, day: int) -> tuple[int | None, int, int]:
    try:
        dt.date(year or 2028, month, day)  # 2028 is a leap year: 29 February stays possible
    except ValueError:
        raise _NoParse from None
    return year, month, day


def _spec(words: list[str]) -> _Spec:
    """Read a whole phrase (all words must be used)."""
    if not words:
        raise _NoParse
    if words[0] == "in":
        return _Spec(relative=_relative(words[1:]))
    fields: dict[str, object] = {}

    def put(key: str, value: object) -> None:
        if key in fields:
            raise _NoParse
        fields[key] = value

    i = 0
    while i < len(words):
        word = words[i]
        if word == "on" and i + 1 < len(words):
            i += 1
            continue
        if word == "at" and i + 1 < len(words):
            nxt = words[i + 1]
            if re.fullmatch(r"\d{1,2}", nxt) and not (i + 2 < len(words) and words[i + 2] in ("am", "pm")):
                put("time", _clock(nxt, bare=True))
                i += 2
            else:
                time, i = _time_at(words, i + 1)
                put("time", time)
            continue
        if word in DAY_WORDS:
            put("day", DAY_WORDS[word])
            i += 1
            continue
        if word == "tonight":
            put("day", 0)
            fields["evening"] = True
            i += 1
            continue
        if word in ("next", "this") and i + 1 < len(words) and words[i + 1] in WEEKDAYS:
            put("day", None)
            fields["weekday"] = WEEKDAYS[words[i + 1]]
            fields["strict"] = word == "next"
            i += 2
            continue
        if word in WEEKDAYS:
            put("day", None)
            fields["weekday"] = WEEKDAYS[word]
            i += 1
            continue
        try:
            time, after = _time_at(words, i)
        except _NoParse:
            time = None
        if time is not None:
            put("time", time)
            i = after
            continue
        date, i = _date_at(words, i)
        put("day", None)
        fields["date"] = date
    if "day" not in fields and "time" not in fields:
        raise _NoParse
    time = fields.get("time")
    if fields.get("evening") and isinstance(time, dt.time) and 1 <= time.hour < 12:
        time = time.replace(hour=time.hour + 12)  # "tonight 9" / "tonight at 9:30"
    return _Spec(
        day_offset=fields.get("day"),  # type: ignore[arg-type]
        weekday=fields.get("weekday"),  # type: ignore[arg-type]
        strict_weekday=bool(fields.get("strict")),
        date=fields.get("date"),  # type: ignore[arg-type]
        time=time,  # type: ignore[arg-type]
        evening=bool(fields.get("evening")),
    )


def _resolve(spec: _Spec, tz: ZoneInfo, now: dt.datetime, text: str) -> dt.datetime:
    try:
        due = _place(spec, tz, now)
    except (OverflowError, ValueError):
        raise Invalid(_("“{text}” is too far ahead.").format(text=_short(text))) from None
    return _checked(due, tz, now, text)


def _checked(due: dt.datetime, tz: ZoneInfo, now: dt.datetime, text: str) -> dt.datetime:
    """``due`` when it is ahead of ``now`` and within ten years; Invalid otherwise."""
    if due <= now:
        raise Invalid(
            _("“{text}” is in the past ({when}). Try {examples}.").format(
                text=_short(text), when=format_local(due, tz), examples=examples()
            )
        )
    if due - now > MAX_AHEAD:
        raise Invalid(
            _("“{text}” is too far ahead: reminders can be at most ten years away.").format(text=_short(text))
        )
    return due


def _place(spec: _Spec, tz: ZoneInfo, now: dt.datetime) -> dt.datetime:
    local_now = now.astimezone(tz)
    today = local_now.date()
    if spec.relative is not None:
        days = spec.relative.get("days", 0) + 7 * spec.relative.get("weeks", 0)
        minutes = spec.relative.get("minutes", 0) + 60 * spec.relative.get("hours", 0)
        base = now
        if days:  # whole days keep the wall-clock time, even across a DST change
            base = localize(today + dt.timedelta(days=days), local_now.time(), tz)
        return base + dt.timedelta(minutes=minutes)
    if spec.weekday is not None:
        time = spec.time or DEFAULT_TIME
        ahead = (spec.weekday - today.weekday()) % 7
        if spec.strict_weekday and ahead == 0:
            ahead = 7
        due = localize(today + dt.timedelta(days=ahead), time, tz)
        return due if due > now else localize(today + dt.timedelta(days=ahead + 7), time, tz)
    if spec.date is not None:
        year, month, day = spec.date
        time = spec.time or DEFAULT_TIME
        if year is not None:
            return localize(dt.date(year, month, day), time, tz)
        for candidate_year in range(today.year, today.year + 9):  # 29 February waits for a leap year
            try:
                due = localize(dt.date(candidate_year, month, day), time, tz)
            except ValueError:
                continue
            if due > now:
                return due
        raise ValueError("no such date ahead")
    if spec.day_offset is not None:
        time = spec.time or (TONIGHT if spec.evening else DEFAULT_TIME)
        return localize(today + dt.timedelta(days=spec.day_offset), time, tz)
    assert spec.time is not None
    due = localize(today, spec.time, tz)  # a bare time: today, or tomorrow once it has passed
    return due if due > now else localize(today + dt.timedelta(days=1), spec.time, tz)
