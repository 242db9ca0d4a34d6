"""Reminder services over a real session (SQLite and PostgreSQL): one-offs, recurring, loans, digest."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from librium.database.sqlalchemy import db
from librium.errors import Invalid, NotFound
from librium.services import reminders, when

from .conftest import add_loan, add_person

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # Thursday, 11:00 in Berlin


def u(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def open_rows(session, user_id, kind=None):
    query = select(db.Reminder).where(
        db.Reminder.user_id == user_id, db.Reminder.state.in_(("pending", "sending"))
    )
    if kind:
        query = query.where(db.Reminder.kind == kind)
    return list(session.scalars(query))


# --------------------------------------------------------------------------- one-off reminders


def test_create_list_cancel(session, person):
    user = session.get(db.User, person.user_id)
    later = reminders.create_reminder(
        session, user, person.telegram_id, u(2026, 12, 24, 17, 0), "wrap presents"
    )
    soon = reminders.create_reminder(
        session, user, person.telegram_id, u(2026, 11, 27, 8, 0), "  call   Alice "
    )
    assert soon.text == "call Alice" and soon.kind == "custom" and soon.state == "pending"
    assert soon.timezone == "Europe/Berlin" and soon.due_local.hour == 9

    listed = reminders.list_reminders(session, person.user_id)
    assert [r.id for r in listed] == [soon.id, later.id]

    cancelled = reminders.cancel_reminder(session, person.user_id, soon.id)
    assert cancelled.state == "cancelled"
    assert [r.id for r in reminders.list_reminders(session, person.user_id)] == [later.id]
    with pytest.raises(NotFound):
        reminders.cancel_reminder(session, person.user_id, soon.id)  # already cancelled


def test_someone_elses_reminder_is_not_found(session, person):
    other = add_person(session, name="Bob")
    user = session.get(db.User, person.user_id)
    mine = reminders.create_reminder(session, user, person.telegram_id, u(2026, 12, 1, 8, 0), "mine")
    with pytest.raises(NotFound):
        reminders.cancel_reminder(session, other.user_id, mine.id)
    assert reminders.list_reminders(session, other.user_id) == []
    assert session.get(db.Reminder, mine.id).state == "pending"


@pytest.mark.parametrize("text", ["", "   ", "x" * 1001])
def test_reminder_text_is_checked(session, person, text):
    user = session.get(db.User, person.user_id)
    with pytest.raises(Invalid):
        reminders.create_reminder(session, user, person.telegram_id, u(2026, 12, 1, 8, 0), text)
    assert open_rows(session, person.user_id) == []


def test_parsed_reminder_round_trip(session, person):
    user = session.get(db.User, person.user_id)
    due, what = when.split_when_what("friday 18:00 return Dune", user.timezone, NOW)
    info = reminders.create_reminder(session, user, person.telegram_id, due, what)
    assert info.due_at == u(2026, 11, 27, 17, 0)
    assert session.get(db.Reminder, info.id).due_at == u(2026, 11, 27, 17, 0)  # read back as aware UTC


# --------------------------------------------------------------------------- recurring


def test_nudge_is_one_daily_row_and_replaces_the_previous(session, person):
    user = session.get(db.User, person.user_id)
    first = reminders.set_nudge(session, user, person.telegram_id, "21:30", now=NOW)
    assert first.recurrence == "daily" and first.local_time == "21:30"
    assert first.due_at == u(2026, 11, 26, 20, 30)  # today 21:30 CET
    assert user.nudge_time == "21:30"

    second = reminders.set_nudge(session, user, person.telegram_id, "7am", now=NOW)
    assert second.due_at == u(2026, 11, 27, 6, 0)  # 07:00 has passed today: tomorrow
    assert [r.id for r in open_rows(session, person.user_id, "nudge")] == [second.id]
    assert session.get(db.Reminder, first.id).state == "cancelled"

    assert reminders.set_nudge(session, user, person.telegram_id, "off", now=NOW) is None
    assert user.nudge_time is None
    assert open_rows(session, person.user_id, "nudge") == []


def test_bad_nudge_time_changes_nothing(session, person):
    user = session.get(db.User, person.user_id)
    kept = reminders.set_nudge(session, user, person.telegram_id, "21:30", now=NOW)
    with pytest.raises(Invalid):
        reminders.set_nudge(session, user, person.telegram_id, "25:99", now=NOW)
    assert user.nudge_time == "21:30"
    assert [r.id for r in open_rows(session, person.user_id, "nudge")] == [kept.id]


def test_weekly_digest_and_backup_on_sunday_local(session, person):
    user = session.get(db.User, person.user_id)
    digest = reminders.set_weekly_digest(session, user, person.telegram_id, True, now=NOW)
    backup = reminders.set_weekly_backup(session, user, person.telegram_id, True, now=NOW)
    assert digest.due_at == u(2026, 11, 29, 17, 0) and digest.recurrence == "weekly"  # Sunday 18:00 CET
    assert backup.due_at == u(2026, 11, 29, 9, 0)  # Sunday 10:00 CET
    assert user.weekly_digest and user.weekly_backup
    reminders.set_weekly_digest(session, user, person.telegram_id, True, now=NOW)  # again: still one row
    assert len(open_rows(session, person.user_id, "digest")) == 1
    assert reminders.set_weekly_digest(session, user, person.telegram_id, False, now=NOW) is None
    assert open_rows(session, person.user_id, "digest") == [] and not user.weekly_digest
    assert len(open_rows(session, person.user_id, "backup")) == 1


def test_cancelling_a_nudge_row_turns_the_preference_off(session, person):
    user = session.get(db.User, person.user_id)
    nudge = reminders.set_nudge(session, user, person.telegram_id, "21:30", now=NOW)
    reminders.cancel_reminder(session, person.user_id, nudge.id)
    assert user.nudge_time is None


def test_refresh_after_timezone_change_keeps_local_times(session, person):
    user = session.get(db.User, person.user_id)
    reminders.set_nudge(session, user, 555, "21:30", now=NOW)
    reminders.set_weekly_digest(session, user, 555, True, now=NOW)
    user.timezone = "America/New_York"
    rows = reminders.refresh_recurring(session, user, now=NOW)
    by_kind = {r.kind: r for r in rows}
    assert set(by_kind) == {"nudge", "digest"}
    assert by_kind["nudge"].due_at == u(2026, 11, 27, 2, 30)  # 21:30 EST on the 26th
    assert by_kind["digest"].due_at == u(2026, 11, 29, 23, 0)  # Sunday 18:00 EST
    assert all(r.chat_id == 555 and r.timezone == "America/New_York" for r in rows)
    assert len(open_rows(session, person.user_id)) == 2


# --------------------------------------------------------------------------- loans


def test_loan_due_reminder_on_the_due_day_at_nine_local(session, person):
    user = session.get(db.User, person.user_id)
    loan = add_loan(session, person.library_id, due_on=dt.date(2026, 12, 3))
    info = reminders.schedule_loan_reminders(session, loan.id, user, person.telegram_id, now=NOW)
    assert (info.kind, info.loan_id, info.library_id) == ("loan_due", loan.id, person.library_id)
    assert info.due_at == u(2026, 12, 3, 8, 0)
    # Scheduling again (e.g. the due date was edited) replaces, never duplicates.
    loan.due_on = dt.date(2026, 12, 10)
    again = reminders.schedule_loan_reminders(session, loan.id, user, person.telegram_id, now=NOW)
    assert again.due_at == u(2026, 12, 10, 8, 0)
    assert [r.id for r in open_rows(session, person.user_id)] == [again.id]

    assert reminders.cancel_loan_reminders(session, loan.id) == 1
    assert open_rows(session, person.user_id) == []


def test_loan_due_today_after_nine_and_overdue_loans(session, person):
    user = session.get(db.User, person.user_id)
    today = add_loan(session, person.library_id, title="Today", due_on=dt.date(2026, 11, 26))
    late = add_loan(session, person.library_id, title="Late", due_on=dt.date(2026, 11, 20))
    a = reminders.schedule_loan_reminders(session, today.id, user, person.telegram_id, now=NOW)
    b = reminders.schedule_loan_reminders(session, late.id, user, person.telegram_id, now=NOW)
    assert (a.kind, a.due_at) == ("loan_overdue", u(2026, 11, 27, 8, 0))  # 9:00 passed: tomorrow, overdue
    assert (b.kind, b.due_at) == ("loan_overdue", u(2026, 11, 27, 8, 0))


def test_loan_without_due_date_or_returned_gets_no_reminder(session, person):
    user = session.get(db.User, person.user_id)
    loan = add_loan(session, person.library_id, due_on=None)
    assert reminders.schedule_loan_reminders(session, loan.id, user, person.telegram_id, now=NOW) is None
    assert open_rows(session, person.user_id) == []


def test_loan_in_someone_elses_library_is_not_found(session, person):
    other = add_person(session, name="Bob")
    bobs_loan = add_loan(session, other.library_id)
    user = session.get(db.User, person.user_id)
    with pytest.raises(NotFound):
        reminders.schedule_loan_reminders(session, bobs_loan.id, user, person.telegram_id, now=NOW)
    with pytest.raises(NotFound):
        reminders.extend_loan(session, bobs_loan.id, user, person.telegram_id, now=NOW)
    assert session.get(db.Loan, bobs_loan.id).due_on == dt.date(2026, 11, 29)


def test_extend_a_week(session, person):
    user = session.get(db.User, person.user_id)
    loan = add_loan(session, person.library_id, due_on=dt.date(2026, 11, 29))
    reminders.schedule_loan_reminders(session, loan.id, user, person.telegram_id, now=NOW)
    extended = reminders.extend_loan(session, loan.id, user, person.telegram_id, now=NOW)
    assert extended.due_on == dt.date(2026, 12, 6) and loan.due_on == dt.date(2026, 12, 6)
    assert [(r.kind, r.due_at) for r in open_rows(session, person.user_id)] == [
        ("loan_due", u(2026, 12, 6, 8, 0))
    ]
    # An overdue loan is extended from today, not from its old due date.
    late = add_loan(session, person.library_id, title="Late", due_on=dt.date(2026, 11, 2))
    assert reminders.extend_loan(session, late.id, user, person.telegram_id, now=NOW).due_on == dt.date(
        2026, 12, 3
    )


def test_loan_listings(session, person):
    other = add_person(session, name="Bob")
    add_loan(session, person.library_id, title="Due today", due_on=dt.date(2026, 11, 26))
    add_loan(session, person.library_id, title="Overdue", due_on=dt.date(2026, 11, 10))
    add_loan(session, person.library_id, title="Later", due_on=dt.date(2026, 12, 20))
    returned = add_loan(session, person.library_id, title="Back", due_on=dt.date(2026, 11, 5))
    returned.returned_on = dt.date(2026, 11, 6)
    add_loan(session, other.library_id, title="Bob's", due_on=dt.date(2026, 11, 26))
    session.flush()
    today = dt.date(2026, 11, 26)
    assert [x.title for x in reminders.loans_due_on(session, [person.library_id], today)] == ["Due today"]
    overdue = reminders.overdue_loans(session, [person.library_id], today)
    assert [(x.title, x.days_overdue) for x in overdue] == [("Overdue", 16)]
    due_by = reminders.loans_due_by(session, [person.library_id], today, dt.date(2026, 12, 3))
    assert [x.title for x in due_by] == ["Overdue", "Due today"]
    assert reminders.loans_due_on(session, [], today) == []


def test_digest_counts(session, person):
    lib = person.library_id
    since, until = u(2026, 11, 22, 17, 0), u(2026, 11, 29, 17, 0)
    for title, created in [("Old", u(2026, 11, 1)), ("New 1", u(2026, 11, 23)), ("New 2", u(2026, 11, 28))]:
        session.add(db.Book(library_id=lib, title=title, created_at=created, page_count=300))
    gone = db.Book(library_id=lib, title="Deleted", created_at=u(2026, 11, 24), deleted_at=u(2026, 11, 25))
    session.add(gone)
    finished = db.Book(library_id=lib, title="Finished", created_at=u(2026, 1, 1), page_count=412)
    short = db.Book(library_id=lib, title="Short", created_at=u(2026, 1, 1))
    before = db.Book(library_id=lib, title="Before", created_at=u(2026, 1, 1), page_count=99)
    session.add_all([finished, short, before])
    session.flush()
    session.add_all(
        [
            db.Reading(book_id=finished.id, user_id=person.user_id, finished_on=dt.date(2026, 11, 25)),
            db.Reading(book_id=short.id, user_id=None, finished_on=dt.date(2026, 11, 23), pages_read=88),
            db.Reading(book_id=before.id, user_id=person.user_id, finished_on=dt.date(2026, 11, 20)),
            db.Reading(
                book_id=before.id, user_id=person.user_id, finished_on=dt.date(2026, 11, 24), abandoned=True
            ),
        ]
    )
    add_loan(session, lib, title="Lent", due_on=dt.date(2026, 12, 2))
    add_loan(session, lib, title="Far", due_on=dt.date(2027, 1, 2))
    session.flush()
    other = add_person(session, name="Bob")
    session.add(db.Book(library_id=other.library_id, title="Bob's new", created_at=u(2026, 11, 24)))
    session.flush()

    summary = reminders.digest(session, person.user_id, [lib], since, until)
    assert summary.books_added == 2  # "New 1", "New 2" (deleted and Bob's do not count)
    assert summary.books_finished == 2  # "Finished", "Short"
    assert summary.pages_read == 412 + 88
    assert [x.title for x in summary.loans_due] == ["Lent"]
    assert reminders.digest(session, person.user_id, [], since, until).books_added == 0


def test_digest_week_is_local_east_of_utc(session, person):
    """In Tokyo the week starts at local midnight (15:00 UTC the day before); finishing dates are local."""
    tokyo = ZoneInfo("Asia/Tokyo")
    since = dt.datetime(2026, 11, 23, tzinfo=tokyo)
    until = dt.datetime(2026, 11, 30, tzinfo=tokyo)
    lib = person.library_id
    first, last, outside = (
        db.Book(library_id=lib, title=t, page_count=100) for t in ("First", "Last", "Out")
    )
    session.add_all([first, last, outside])
    session.flush()
    session.add_all(
        [
            db.Reading(book_id=first.id, user_id=person.user_id, finished_on=dt.date(2026, 11, 23)),
            db.Reading(book_id=last.id, user_id=person.user_id, finished_on=dt.date(2026, 11, 29)),
            db.Reading(book_id=outside.id, user_id=person.user_id, finished_on=dt.date(2026, 11, 22)),
        ]
    )
    session.flush()
    summary = reminders.digest(session, person.user_id, [lib], since, until)
    assert (summary.books_finished, summary.pages_read) == (2, 200)
