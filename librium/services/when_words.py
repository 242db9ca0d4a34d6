"""Times in words in the user's own language ("el viernes a las 18:00", "am Freitag um 18 Uhr",
"через 2 часа"), read with dateparser. librium/services/when.py reads English itself and asks here
for the other languages, so the English parser and its tests stay the contract.

The language module (librium/phrases/<code>.py) says which small words lead a clock time ("a las",
"um", "в"), which follow it ("Uhr", "h"), which fill before a day ("el", "am"), which mean "next"
("próximo", "nächsten", "следующий") and which inflected forms of weekdays dateparser does not know
("пятницы" → "пятница", "daqui a" → "em") and which phrasings it lacks ("pasado mañana" → "en 2
días", "za tydzień" → "za 1 tydzień"), which words name a part of the day ("por la mañana", "abends",
"вечером": a time of their own, and afternoon / evening hours after a clock time: "a las 7 de la tarde"
is 19:00), and which words lead an amount of time ("en", "через": "in 3 days" keeps the time of day it
is now, as in English, while a named day without a time is at 9:00). The clock time and the part of
the day are read here; the day (or the "in 2 hours") by dateparser.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from librium import phrases

DEFAULT_TIME = dt.time(9, 0)  # as in when.py: a day without a time
# A part of the day said without a clock time (the evening as when.py's "tonight").
PART_TIMES = {
    "morning": DEFAULT_TIME,
    "noon": dt.time(12, 0),
    "afternoon": dt.time(15, 0),
    "evening": dt.time(20, 0),
    "night": dt.time(22, 0),
}
_CLOCK_SHAPE = r"(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?"
_DATE_LIKE = re.compile(r"\d{1,2}[./-]\d{1,2}|\d{4}-\d{1,2}-\d{1,2}")
_SETTINGS = {"PREFER_DATES_FROM": "future", "RETURN_TIME_AS_PERIOD": True, "DATE_ORDER": "DMY"}


def _words(text: str) -> str:
    text = (text or "").lower().replace("’", "'").replace("ʼ", "'").replace(",", " ")
    return " ".join(text.split())


def _clock(text: str, module) -> tuple[dt.time | None, str]:
    """The clock time in ``text`` ("18:00", "a las 18", "18 Uhr", "9h30") and the text without it."""
    leads, units, hours = module.CLOCK_LEADS, module.CLOCK_UNITS, module.HOUR_WORDS
    patterns = [
        rf"(?:(?:{leads})\s+)?(?P<h>\d{{1,2}})[:.h](?P<m>\d{{2}})(?:\s*(?:{units}|{hours}))?",
        rf"(?:{leads})\s+{_CLOCK_SHAPE}(?:\s*(?:{units}|{hours}))?",
        rf"{_CLOCK_SHAPE}\s*(?:{units})",
    ]
    for pattern in patterns:
        match = re.search(rf"(?:^|(?<=\s)){pattern}(?=\s|$)", text)
        if match is None:
            continue
        hour, minute = int(match.group("h")), int(match.group("m") or 0)
        if hour > 23 or minute > 59:
            return None, text
        rest = (text[: match.start()] + " " + text[match.end() :]).strip()
        return dt.time(hour, minute), " ".join(rest.split())
    return None, text


def _rewritten(text: str, module) -> str:
    """The phrasings dateparser lacks, in words it knows ("pasado mañana" → "en 2 días", "dos" → "2")."""
    for phrase, meaning in module.TIME_WORDS.items():
        text = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", meaning, text)
    if module.NUMBERS:  # "dos horas" → "2 horas"
        text = " ".join(module.NUMBERS.get(word, word) for word in text.split())
    return text


def _part_of_day(text: str, module, after_clock: bool) -> tuple[str | None, str]:
    """The part of the day ``text`` names ("por la mañana" → "morning") and the text without it; the
    words that name one only after a clock time ("вечера") when there was one."""
    parts = {**module.DAY_PARTS, **module.HOUR_PARTS} if after_clock else module.DAY_PARTS
    for phrase in sorted(parts, key=len, reverse=True):
        match = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)
        if match:
            rest = (text[: match.start()] + " " + text[match.end() :]).strip()
            return parts[phrase], " ".join(rest.split())
    return None, text


def _at_part(clock: dt.time | None, part: str) -> dt.time:
    """ "7" + "evening" → 19:00, "3" + "night" → 03:00, "11" + "night" → 23:00; no clock: the part's time."""
    if clock is None:
        return PART_TIMES[part]
    later = part in ("afternoon", "evening") and 1 <= clock.hour < 12
    if later or (part == "night" and 6 <= clock.hour < 12):
        return clock.replace(hour=clock.hour + 12)
    return clock


def _day_text(text: str, module) -> tuple[str, bool]:
    """The words of the day with fillers dropped; whether "next" was said."""
    strict = False
    for phrase in module.NEXT:  # "próximo", "que viene", "que vem"
        text, found = re.subn(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ", text)
        strict = strict or found > 0
    words = text.split()
    while words and words[0] in module.TIME_FILLERS:
        words.pop(0)
    while words and words[-1] in module.TIME_FILLERS:
        words.pop()
    return " ".join(words), strict


def moment(text: str, tz: ZoneInfo, now: dt.datetime, language: str) -> dt.datetime | None:
    """The UTC instant ``text`` names in ``language`` (wall time in ``tz``), or None when it names
    none. Past times are returned as they are: the caller says they are past."""
    module = phrases.module(language)
    if module is None or not text or len(text) > 80:
        return None
    words = _words(text)
    counted = re.match(rf"(?:{module.IN_LEADS})\s", words) is not None  # "in 3 days": from now
    clock, rest = _clock(_rewritten(words, module), module)
    part, rest = _part_of_day(rest, module, clock is not None)
    if part is not None:
        clock = _at_part(clock, part)
    day_words, strict = _day_text(rest, module)
    local_now = now.astimezone(tz).replace(tzinfo=None)
    if not day_words:
        if clock is None:
            return None
        day = local_now.date()
        if dt.datetime.combine(day, clock) <= local_now:
            day += dt.timedelta(days=1)
        return _instant(day, clock, tz)
    if not re.search(r"[^\W\d_]", day_words) and not _DATE_LIKE.fullmatch(day_words):
        return None  # a bare number is not a day
    parser = DateDataParser(languages=[module.DATEPARSER], settings={**_SETTINGS, "RELATIVE_BASE": local_now})
    found = parser.get_date_data(day_words)
    if found is None or found.date_obj is None:
        return None
    value: dt.datetime = found.date_obj.replace(tzinfo=None)
    day = value.date()
    if strict and found.period == "day" and day == local_now.date():
        day += dt.timedelta(days=7)  # "el próximo viernes" on a Friday: not today
    if clock is not None:
        return _instant(day, clock, tz)
    if counted or found.period == "time":  # "in 2 hours", "через 3 дня": counted from now
        return _instant(day, value.time(), tz)
    return _instant(day, DEFAULT_TIME, tz)


def _instant(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    from librium.services.when import localize

    return localize(day, time, tz)


def what_of(text: str, language: str) -> str:
    """A reminder's text without the small word that joins it to the time ("to", "de", "an", ":")."""
    module = phrases.module(language)
    if module is None:
        return text
    # "d'appeler": a lead ending in an apostrophe needs no space after it
    lead = rf"^(?:(?:{module.WHAT_LEADS})(?:,?\s+|(?<=['’]))|[:,\-–—]\s*)"  # "daran, Dune zurückzugeben"
    return re.sub(lead, "", text.strip(), flags=re.IGNORECASE)
