"""Natural time parsing across zones and daylight-saving changes (no clock: every test passes ``now``)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from librium.errors import Invalid
from librium.services import when

UTC = dt.UTC
BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
KOLKATA = "Asia/Kolkata"
LORD_HOWE = "Australia/Lord_Howe"

# Thursday 26 November 2026, 11:00 in Berlin (CET, UTC+1).
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def u(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow 9:00", u(2026, 11, 27, 8, 0)),
        ("tomorrow 9am", u(2026, 11, 27, 8, 0)),
        ("Tomorrow at 9", u(2026, 11, 27, 8, 0)),
        ("tomorrow 9:30 pm", u(2026, 11, 27, 20, 30)),
        ("in 2 hours", u(2026, 11, 26, 12, 0)),
        ("in 30 minutes", u(2026, 11, 26, 10, 30)),
        ("in 1h30m", u(2026, 11, 26, 11, 30)),
        ("in half an hour", u(2026, 11, 26, 10, 30)),
        ("in an hour", u(2026, 11, 26, 11, 0)),
        ("in 3 days", u(2026, 11, 29, 10, 0)),
        ("in 2 weeks", u(2026, 12, 10, 10, 0)),
        ("friday", u(2026, 11, 27, 8, 0)),
        ("friday 18:00", u(2026, 11, 27, 17, 0)),
        ("on fri at 6pm", u(2026, 11, 27, 17, 0)),
        ("next monday", u(2026, 11, 30, 8, 0)),
        ("thursday", u(2026, 12, 3, 8, 0)),  # today is Thursday but 9:00 has passed
        ("thursday 18:00", u(2026, 11, 26, 17, 0)),  # today, still ahead
        ("next thursday 18:00", u(2026, 12, 3, 17, 0)),  # "next" never means today
        ("2026-12-24 18:00", u(2026, 12, 24, 17, 0)),
        ("24.12.2026 18:00", u(2026, 12, 24, 17, 0)),
        ("24/12 18:00", u(2026, 12, 24, 17, 0)),
        ("18:00 24/12", u(2026, 12, 24, 17, 0)),
        ("24 dec 7pm", u(2026, 12, 24, 18, 0)),
        ("dec 24 2027", u(2027, 12, 24, 8, 0)),
        ("1.1.", u(2027, 1, 1, 8, 0)),  # no year and already past this year: next year
        ("18:30", u(2026, 11, 26, 17, 30)),  # later today
        ("10:30", u(2026, 11, 27, 9, 30)),  # passed today: tomorrow
        ("tonight", u(2026, 11, 26, 19, 0)),
        ("tonight at 9:30", u(2026, 11, 26, 20, 30)),
        ("noon", u(2026, 11, 26, 11, 0)),
        ("tomorrow noon", u(2026, 11, 27, 11, 0)),
        ("midnight", u(2026, 11, 26, 23, 0)),
    ],
)
def test_forms_in_berlin(text, expected):
    assert when.parse(text, BERLIN, NOW) == expected


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        (NEW_YORK, u(2026, 11, 27, 14, 0)),  # EST, UTC-5
        (KOLKATA, u(2026, 11, 27, 3, 30)),  # UTC+5:30, no DST
        (LORD_HOWE, u(2026, 11, 26, 22, 0)),  # summer time, UTC+11
        ("UTC", u(2026, 11, 27, 9, 0)),
    ],
)
def test_tomorrow_nine_in_other_zones(tz, expected):
    assert when.parse("tomorrow 9:00", tz, NOW) == expected


def test_tomorrow_means_the_users_tomorrow_not_utcs():
    # 23:30 UTC on the 26th is already the 27th in Kolkata: "tomorrow" is the 28th there.
    now = u(2026, 11, 26, 23, 30)
    assert when.parse("tomorrow 9:00", KOLKATA, now) == u(2026, 11, 28, 3, 30)
    assert when.parse("tomorrow 9:00", NEW_YORK, now) == u(2026, 11, 27, 14, 0)


# --------------------------------------------------------------------------- daylight saving


def test_spring_forward_gap_moves_forward():
    # Berlin skips 02:00-03:00 on Sunday 28 March 2027; 02:30 does not exist and becomes 03:30 CEST.
    due = when.parse("2027-03-28 02:30", BERLIN, NOW)
    assert due == u(2027, 3, 28, 1, 30)
    assert due.astimezone(when.zone(BERLIN)).strftime("%H:%M %Z") == "03:30 CEST"
    # New York skips 02:00-03:00 on 14 March 2027.
    assert when.parse("2027-03-14 02:30", NEW_YORK, NOW) == u(2027, 3, 14, 7, 30)


def test_autumn_overlap_takes_first_occurrence():
    # Berlin lives 02:00-03:00 twice on 25 October 2026: the first one is still summer time (UTC+2).
    now = u(2026, 10, 1, 0, 0)
    assert when.parse("25.10.2026 02:30", BERLIN, now) == u(2026, 10, 25, 0, 30)
    assert when.parse("2026-11-01 01:30", NEW_YORK, now) == u(2026, 11, 1, 5, 30)  # EDT


def test_lord_howe_half_hour_shift():
    # Lord Howe moves from UTC+10:30 to UTC+11 at 02:00 on the first Sunday of October.
    now = u(2026, 9, 30, 0, 0)
    before = when.parse("2026-10-03 09:00", LORD_HOWE, now)
    after = when.parse("2026-10-04 09:00", LORD_HOWE, now)
    assert before == u(2026, 10, 2, 22, 30)
    assert after == u(2026, 10, 3, 22, 0)
    assert after - before == dt.timedelta(hours=23, minutes=30)


def test_in_days_keeps_wall_time_across_dst_but_hours_do_not():
    now = u(2026, 10, 23, 10, 0)  # Friday 12:00 CEST
    assert when.parse("in 3 days", BERLIN, now) == u(2026, 10, 26, 11, 0)  # Monday 12:00 CET
    assert when.parse("in 72 hours", BERLIN, now) == u(2026, 10, 26, 10, 0)  # exactly 72 h


def test_daily_nine_stays_nine_local_across_both_changes():
    tz = when.zone(BERLIN)
    nine = dt.time(9, 0)
    # Walk a daily 09:00 series from mid-March to early November 2027 and back through October.
    due = when.next_daily(nine, BERLIN, u(2027, 3, 20, 12, 0))
    seen = []
    while due < u(2027, 11, 5, 0, 0):
        assert due.astimezone(tz).time() == nine
        seen.append(due)
        due = when.next_daily(nine, BERLIN, due)
    utc_hours = {d.date(): d.hour for d in seen}
    assert utc_hours[dt.date(2027, 3, 27)] == 8  # Saturday, CET
    assert utc_hours[dt.date(2027, 3, 28)] == 7  # Sunday, CEST: UTC shifts by an hour
    assert utc_hours[dt.date(2027, 10, 30)] == 7  # Saturday, CEST
    assert utc_hours[dt.date(2027, 10, 31)] == 8  # Sunday, CET again
    assert (
        len(seen)
        == len(set(d.date() for d in seen))
        == (dt.date(2027, 11, 4) - dt.date(2027, 3, 21)).days + 1
    )


def test_next_weekly_sunday_evening_across_dst():
    after = u(2027, 3, 22, 0, 0)  # Monday
    first = when.next_weekly(6, dt.time(18, 0), BERLIN, u(2027, 3, 15, 0, 0))
    second = when.next_weekly(6, dt.time(18, 0), BERLIN, first)
    assert first == u(2027, 3, 21, 17, 0)  # CET
    assert second == u(2027, 3, 28, 16, 0)  # CEST
    assert when.next_weekly(6, dt.time(18, 0), BERLIN, after) == second


def test_daily_time_inside_the_gap_fires_at_the_shifted_time_that_day_only():
    days = []
    due = when.next_daily(dt.time(2, 30), BERLIN, u(2027, 3, 26, 12, 0))
    for _ in range(3):
        days.append(due.astimezone(when.zone(BERLIN)).strftime("%d %H:%M"))
        due = when.next_daily(dt.time(2, 30), BERLIN, due)
    assert days == ["27 02:30", "28 03:30", "29 02:30"]


# --------------------------------------------------------------------------- rejections


@pytest.mark.parametrize(
    "text", ["", "   ", "banana", "tomorrow tomorrow", "31.02.2027", "25:00", "in 5 bananas", "friday 9"]
)
def test_nonsense_is_invalid_with_examples(text):
    with pytest.raises(Invalid) as err:
        when.parse(text, BERLIN, NOW)
    assert "tomorrow 9:00" in str(err.value)


@pytest.mark.parametrize("text", ["today 9:00", "2020-01-01", "24.11.2026 18:00"])
def test_past_is_invalid(text):
    with pytest.raises(Invalid, match="in the past"):
        when.parse(text, BERLIN, NOW)


def test_too_far_ahead_is_invalid():
    with pytest.raises(Invalid, match="too far"):
        when.parse("9999-12-31 23:59", KOLKATA, NOW)
    with pytest.raises(Invalid):
        when.parse("in 99999999 minutes", BERLIN, NOW)


def test_unknown_zone_is_invalid():
    with pytest.raises(Invalid, match="time zone"):
        when.parse("tomorrow", "Mars/Olympus", NOW)


def test_leap_day_without_year_waits_for_a_leap_year():
    assert when.parse("29.02.", BERLIN, NOW) == u(2028, 2, 29, 8, 0)


# --------------------------------------------------------------------------- local times and splitting


@pytest.mark.parametrize(
    ("text", "expected"),
    [("21:30", dt.time(21, 30)), ("9pm", dt.time(21, 0)), ("7:15 am", dt.time(7, 15)), ("21", dt.time(21)),
     ("21h", dt.time(21)), ("noon", dt.time(12)), ("00:00", dt.time(0))],
)  # fmt: skip
def test_parse_local_time(text, expected):
    assert when.parse_local_time(text) == expected


@pytest.mark.parametrize("text", ["", "24:00", "9:60", "13pm", "tomorrow", "21:30 tomorrow", "off"])
def test_parse_local_time_rejects(text):
    with pytest.raises(Invalid, match="21:30"):
        when.parse_local_time(text)


@pytest.mark.parametrize(
    ("text", "due", "what"),
    [
        ("tomorrow 9:00 call Alice", u(2026, 11, 27, 8, 0), "call Alice"),
        ("friday 18:00 return Dune to Bob", u(2026, 11, 27, 17, 0), "return Dune to Bob"),
        ("friday buy 2 books", u(2026, 11, 27, 8, 0), "buy 2 books"),
        ("in 2 hours to water the plants", u(2026, 11, 26, 12, 0), "water the plants"),
        ("2026-12-24 18:00 wrap presents", u(2026, 12, 24, 17, 0), "wrap presents"),
        ("24 dec 7 pm party", u(2026, 12, 24, 18, 0), "party"),
        ("next monday at 8:15 library", u(2026, 11, 30, 7, 15), "library"),
        # The time last, as people say it.
        ("call Alice tomorrow", u(2026, 11, 27, 8, 0), "call Alice"),
        ("to return Dune on friday at 18:00", u(2026, 11, 27, 17, 0), "return Dune"),
        ("water the plants in 2 hours", u(2026, 11, 26, 12, 0), "water the plants"),
        ("return Dune to Bob on 24 dec", u(2026, 12, 24, 8, 0), "return Dune to Bob"),
        # A leading time wins over a trailing one.
        ("friday call Alice tomorrow", u(2026, 11, 27, 8, 0), "call Alice tomorrow"),
    ],
)
def test_split_when_what_takes_longest_time_prefix(text, due, what):
    assert when.split_when_what(text, BERLIN, NOW) == (due, what)


def test_split_when_what_needs_both_parts():
    with pytest.raises(Invalid, match="What should I remind you about"):
        when.split_when_what("tomorrow 9:00", BERLIN, NOW)
    with pytest.raises(Invalid, match="when and what"):
        when.split_when_what("call Alice someday", BERLIN, NOW)
    with pytest.raises(Invalid, match="in the past"):
        when.split_when_what("today 9:00 call Alice", BERLIN, NOW)


# --------------------------------------------------------------------------- property tests

ZONES = [BERLIN, NEW_YORK, KOLKATA, LORD_HOWE, "UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
VOCABULARY = [
    "in", "at", "on", "next", "this", "tomorrow", "today", "tonight", "noon", "friday", "mon", "dec",
    "2", "30", "99999999", "0", "24", "9:00", "23:59", "12am", "12pm", "13pm", "h", "hours", "minutes",
    "days", "weeks", "an", "half", "hour", "1h30m", "24.12.", "29.02.", "2026-02-29", "9999-12-31",
    "31/12/9999", "0001-01-01", "and", "am", "pm", "٣", "²", "½",
]  # fmt: skip
NOWS = st.datetimes(
    min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=400, deadline=None)
@given(text=st.text(max_size=60), tz=st.sampled_from(ZONES), now=NOWS)
def test_parse_raises_only_invalid_on_arbitrary_text(text, tz, now):
    for call in (lambda: when.split_when_what(text, tz, now), lambda: when.parse_local_time(text)):
        try:
            call()
        except Invalid:
            pass
    try:
        due = when.parse(text, tz, now)
    except Invalid as err:
        assert str(err)
        return
    assert due.tzinfo is not None and due > now


@settings(max_examples=600, deadline=None)
@given(
    words=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=6), tz=st.sampled_from(ZONES), now=NOWS
)
def test_parse_raises_only_invalid_on_time_like_words(words, tz, now):
    text = " ".join(words)
    for call in (
        lambda: when.parse(text, tz, now),
        lambda: when.split_when_what(text + " something", tz, now),
        lambda: when.parse_local_time(text),
    ):
        try:
            call()
        except Invalid:
            pass
