"""Reminders: durable rows with a UTC due time, claimed atomically and sent exactly once.

The table is the source of truth; a scheduler only calls :func:`sweep` every minute or so. A sweep
claims due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a conditional UPDATE per row on SQLite),
hands each to the transport's ``send`` and marks it sent only after ``send`` returned. A row stuck in
``sending`` longer than :data:`LEASE` (its worker died) is claimed again, so a crash can repeat a
message but never lose one. Recurring reminders (daily nudge, weekly digest and backup) keep their
local time and zone: every next occurrence is computed from the wall clock, so daylight saving
never shifts them, and occurrences missed while the bot was down are skipped (one late message).

Functions taking a ``Session`` flush but never commit; the claim/mark/sweep functions take a
``sessionmaker`` because each of them is its own transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import session_scope
from librium.errors import Invalid, NotFound
from librium.i18n import _
from librium.services import when
from librium.text import clean

R = db.Reminder

LEASE = dt.timedelta(minutes=5)  # a 'sending' row older than this belongs to a dead worker
LATE_AFTER = dt.timedelta(minutes=10)  # sent later than this after due_at: the message says "(late)"
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1  # the sixth failed attempt gives up (state 'failed')
MAX_TEXT = 1000
MAX_PENDING_PER_USER = 200
LOAN_TIME = dt.time(9, 0)  # loan reminders fire at 9:00 in the user's zone
OVERDUE_EVERY = dt.timedelta(days=7)
WEEKLY_SLOTS = {"digest": (6, dt.time(18, 0)), "backup": (6, dt.time(10, 0))}  # Sunday, local time
RECURRING_KINDS = ("nudge", "digest", "backup")
LOAN_KINDS = ("loan_due", "loan_overdue")
OPEN_STATES = ("pending", "sending")
SEND_TIMEOUT = 60.0  # seconds one send may take before it counts as a transient failure
SEND_BUDGET = LEASE.total_seconds() / 2  # after this long, a sweep hands back what it has not sent


class RecipientGone(Exception):
    """Raised by a transport's ``send`` when the recipient can never be reached (blocked the bot,
    deleted the account, left the chat). The user is marked blocked and their reminders stop."""


# --------------------------------------------------------------------------- returned values


@dataclass(frozen=True)
class ReminderInfo:
    id: int
    user_id: int
    chat_id: int
    kind: str
    text: str
    due_at: dt.datetime  # UTC
    timezone: str
    recurrence: str | None
    local_time: str | None
    loan_id: int | None
    library_id: int | None
    state: str

    @property
    def due_local(self) -> dt.datetime:
        return self.due_at.astimezone(when.zone(self.timezone))


@dataclass(frozen=True)
class LoanInfo:
    """What a loan reminder talks about, loaded with the claim so the sender needs no query."""

    loan_id: int
    book_id: int
    library_id: int
    title: str
    borrower: str
    lent_on: dt.date
    due_on: dt.date | None


@dataclass(frozen=True)
class ClaimedReminder:
    """Everything needed to send one reminder. ``late``: due more than :data:`LATE_AFTER` ago."""

    id: int
    user_id: int
    chat_id: int
    library_id: int | None
    kind: str
    text: str
    due_at: dt.datetime  # UTC
    timezone: str  # the user's zone now, for showing times
    recurrence: str | None
    local_time: str | None
    attempts: int  # failed attempts so far
    late: bool
    loan_id: int | None
    loan: LoanInfo | None


@dataclass(frozen=True)
class SweepResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0  # transient failure, will be tried again later
    failed: int = 0  # gave up after MAX_ATTEMPTS
    gone: int = 0  # RecipientGone: user marked blocked
    skipped: int = 0  # cancelled while this sweep ran (e.g. the same user was found gone)
    released: int = 0  # handed back unsent because this sweep ran too long (see SEND_BUDGET)


@dataclass(frozen=True)
class LoanDue:
    loan_id: int
    book_id: int
    library_id: int
    title: str
    borrower: str
    lent_on: dt.date
    due_on: dt.date
    days_overdue: int  # relative to the day asked about; negative = due in that many days


@dataclass(frozen=True)
class Digest:
    since: dt.datetime
    until: dt.datetime
    books_added: int
    books_finished: int
    pages_read: int  # pages of the books finished in the period (progress has no per-day history)
    loans_due: list[LoanDue]


# --------------------------------------------------------------------------- helpers


def _now(now: dt.datetime | None) -> dt.datetime:
    return db.utcnow() if now is None else when.utc(now)


def _info(row: db.Reminder) -> ReminderInfo:
    return ReminderInfo(
        id=row.id,
        user_id=row.user_id,
        chat_id=row.chat_id,
        kind=row.kind,
        text=row.text,
        due_at=row.due_at,
        timezone=row.timezone,
        recurrence=row.recurrence,
        local_time=row.local_time,
        loan_id=row.loan_id,
        library_id=row.library_id,
        state=row.state,
    )


def _hhmm(value: dt.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def _time(hhmm: str) -> dt.time:
    hour, minute = hhmm.split(":")
    return dt.time(int(hour), int(minute))


def _next_occurrence(kind: str, recurrence: str, local_time: str, tz: str, after: dt.datetime) -> dt.datetime:
    if recurrence == "daily":
        return when.next_daily(_time(local_time), tz, after)
    if recurrence == "weekly":
        weekday = WEEKLY_SLOTS.get(kind, (6, None))[0]
        return when.next_weekly(weekday, _time(local_time), tz, after)
    raise ValueError(f"unknown recurrence {recurrence!r}")


def _cancel_where(session: Session, *conditions) -> int:
    result = session.execute(
        update(R)
        .where(R.state.in_(OPEN_STATES), *conditions)
        .values(state="cancelled", claimed_by=None, claimed_at=None)
    )
    return result.rowcount or 0


def _check_text(text: str | None) -> str:
    value = clean(text) or ""
    if not value:
        raise Invalid(_("What should I remind you about? For example: /remind tomorrow 9:00 call Alice"))
    if len(value) > MAX_TEXT:
        raise Invalid(_("That reminder is too long (at most {n} characters).").format(n=MAX_TEXT))
    return value


# --------------------------------------------------------------------------- one-off reminders


def _schedule(session: Session, user: db.User, chat_id: int, **fields) -> ReminderInfo:
    """A pending reminder row for ``user`` in ``chat_id`` (in the user's zone), returned as ReminderInfo."""
    fields.setdefault("text", "")
    row = R(user_id=user.id, chat_id=chat_id, timezone=user.timezone, state="pending", **fields)
    session.add(row)
    session.flush()
    return _info(row)


def create_reminder(
    session: Session,
    user: db.User,
    chat_id: int,
    due_at: dt.datetime,
    text: str,
    *,
    library_id: int | None = None,
) -> ReminderInfo:
    """A one-off reminder (kind 'custom') at ``due_at`` (aware; stored as UTC)."""
    text = _check_text(text)
    pending = session.scalar(
        select(func.count()).select_from(R).where(R.user_id == user.id, R.state == "pending")
    )
    if (pending or 0) >= MAX_PENDING_PER_USER:
        raise Invalid(
            _("You have {n} reminders waiting already; delete some first.").format(n=MAX_PENDING_PER_USER)
        )
    return _schedule(
        session, user, chat_id, kind="custom", text=text, due_at=when.utc(due_at), library_id=library_id
    )


def list_reminders(
    session: Session, user_id: int, *, kinds: Iterable[str] | None = None
) -> list[ReminderInfo]:
    """The user's reminders still to come (pending or being sent), soonest first."""
    query = select(R).where(R.user_id == user_id, R.state.in_(OPEN_STATES))
    if kinds is not None:
        query = query.where(R.kind.in_(list(kinds)))
    return [_info(row) for row in session.scalars(query.order_by(R.due_at, R.id))]


def cancel_reminder(session: Session, user_id: int, reminder_id: int) -> ReminderInfo:
    """Cancel one of the user's upcoming reminders. Cancelling a nudge/digest/backup turns it off."""
    row = session.scalar(select(R).where(R.id == reminder_id, R.user_id == user_id, R.state.in_(OPEN_STATES)))
    if row is None:
        raise NotFound(_("That reminder is not there any more (sent or deleted already)."))
    row.state = "cancelled"
    row.claimed_by = None
    if row.kind in RECURRING_KINDS:
        user = session.get(db.User, user_id)
        if user is not None:
            if row.kind == "nudge":
                user.nudge_time = None
            elif row.kind == "digest":
                user.weekly_digest = False
            else:
                user.weekly_backup = False
    session.flush()
    return _info(row)


# --------------------------------------------------------------------------- recurring reminders


def _replace_recurring(
    session: Session,
    user: db.User,
    chat_id: int,
    kind: str,
    recurrence: str | None,
    local_time: dt.time | None,
    now: dt.datetime,
) -> ReminderInfo | None:
    """Cancel the user's open reminders of ``kind`` and, unless turning off, create the next one."""
    _cancel_where(session, R.user_id == user.id, R.kind == kind)
    if recurrence is None or local_time is None:
        return None
    hhmm = _hhmm(local_time)
    due_at = _next_occurrence(kind, recurrence, hhmm, user.timezone, now)
    return _schedule(session, user, chat_id, kind=kind, due_at=due_at, recurrence=recurrence, local_time=hhmm)


def set_nudge(
    session: Session,
    user: db.User,
    chat_id: int,
    local_time: str | dt.time | None,
    *,
    now: dt.datetime | None = None,
) -> ReminderInfo | None:
    """Set (or with None/"off" turn off) the daily reading nudge at a local time like "21:30"."""
    if isinstance(local_time, str) and local_time.strip().lower() in ("", "off", "none", "stop", "no"):
        local_time = None
    if isinstance(local_time, str):
        local_time = when.parse_local_time(local_time)
    user.nudge_time = _hhmm(local_time) if local_time is not None else None
    recurrence = "daily" if local_time is not None else None
    return _replace_recurring(session, user, chat_id, "nudge", recurrence, local_time, _now(now))


def set_weekly_digest(
    session: Session, user: db.User, chat_id: int, on: bool, *, now: dt.datetime | None = None
) -> ReminderInfo | None:
    """Turn the weekly digest (Sunday 18:00 local) on or off."""
    user.weekly_digest = bool(on)
    slot = WEEKLY_SLOTS["digest"][1] if on else None
    return _replace_recurring(session, user, chat_id, "digest", "weekly" if on else None, slot, _now(now))


def set_weekly_backup(
    session: Session, user: db.User, chat_id: int, on: bool, *, now: dt.datetime | None = None
) -> ReminderInfo | None:
    """Turn the weekly backup (Sunday 10:00 local) on or off."""
    user.weekly_backup = bool(on)
    slot = WEEKLY_SLOTS["backup"][1] if on else None
    return _replace_recurring(session, user, chat_id, "backup", "weekly" if on else None, slot, _now(now))


def refresh_recurring(
    session: Session, user: db.User, *, chat_id: int | None = None, now: dt.datetime | None = None
) -> list[ReminderInfo]:
    """Rebuild the nudge/digest/backup rows from the user's preferences.

    Call after ``user.timezone`` changed (the rows keep the zone they were made in) or after a user
    who had blocked the bot came back (``resume_user``). ``chat_id`` defaults to the chat of the
    current rows, else the user's private chat.
    """
    now = _now(now)
    if chat_id is None:
        chat_id = session.scalar(
            select(R.chat_id)
            .where(R.user_id == user.id, R.kind.in_(RECURRING_KINDS))
            .order_by(R.id.desc())
            .limit(1)
        )
        chat_id = chat_id if chat_id is not None else user.telegram_id
    made = [
        set_nudge(session, user, chat_id, user.nudge_time, now=now),
        set_weekly_digest(session, user, chat_id, user.weekly_digest, now=now),
        set_weekly_backup(session, user, chat_id, user.weekly_backup, now=now),
    ]
    return [info for info in made if info is not None]


def resume_user(session: Session, user: db.User, *, now: dt.datetime | None = None) -> list[ReminderInfo]:
    """The user talks to the bot again after blocking it: clear ``blocked_at``, restore recurring ones."""
    user.blocked_at = None
    return refresh_recurring(session, user, now=now)


# --------------------------------------------------------------------------- loans


def _loan_for(session: Session, loan_id: int, user: db.User) -> tuple[db.Loan, db.Book]:
    """The loan, if its book is live in a library the user belongs to (else NotFound)."""
    found = session.execute(
        select(db.Loan, db.Book)
        .join(db.Book, db.Book.id == db.Loan.book_id)
        .join(
            db.LibraryMember,
            and_(db.LibraryMember.library_id == db.Book.library_id, db.LibraryMember.user_id == user.id),
        )
        .where(db.Loan.id == loan_id, db.Book.deleted_at.is_(None))
    ).first()
    if found is None:
        raise NotFound(_("That loan is not in your library."))
    return found[0], found[1]


def cancel_loan_reminders(session: Session, loan_id: int, *, library_id: int | None = None) -> int:
    """Cancel the loan's upcoming reminders (call when the book comes back). Returns how many."""
    conditions = [R.loan_id == loan_id, R.kind.in_(LOAN_KINDS)]
    if library_id is not None:
        conditions.append(R.library_id == library_id)
    count = _cancel_where(session, *conditions)
    session.flush()
    return count


def schedule_loan_reminders(
    session: Session, loan_id: int, user: db.User, chat_id: int, *, now: dt.datetime | None = None
) -> ReminderInfo | None:
    """(Re)schedule the reminder of an open loan with a due date: 9:00 local on the due day.

    When that 9:00 has passed, the next 9:00 is used, and since that is after the due day the
    reminder is a loan_overdue one.
    Returns None (and cancels) when the loan is returned or has no due date.
    """
    now = _now(now)
    loan, book = _loan_for(session, loan_id, user)
    cancel_loan_reminders(session, loan.id)
    if loan.returned_on is not None or loan.due_on is None:
        return None
    tz = when.zone(user.timezone)
    due_at = when.localize(loan.due_on, LOAN_TIME, tz)
    if due_at <= now:
        due_at = when.next_daily(LOAN_TIME, tz, now)
    kind = "loan_due" if due_at.astimezone(tz).date() <= loan.due_on else "loan_overdue"
    return _schedule(
        session, user, chat_id, kind=kind, due_at=due_at, library_id=book.library_id, loan_id=loan.id
    )


def extend_loan(
    session: Session,
    loan_id: int,
    user: db.User,
    chat_id: int,
    *,
    days: int = 7,
    now: dt.datetime | None = None,
) -> LoanDue:
    """Move an open loan's due date ``days`` later (from today if it is already overdue) and reschedule."""
    if not 1 <= days <= 366:
        raise Invalid(_("A loan can be extended by 1 to 366 days."))
    now = _now(now)
    loan, book = _loan_for(session, loan_id, user)
    if loan.returned_on is not None:
        raise Invalid(_("That book has been returned already."))
    today = now.astimezone(when.zone(user.timezone)).date()
    loan.due_on = max(loan.due_on or today, today) + dt.timedelta(days=days)
    session.flush()
    schedule_loan_reminders(session, loan.id, user, chat_id, now=now)
    return _loan_due(loan, book.title, book.library_id, today)


def _loan_due(loan: db.Loan, title: str, library_id: int, today: dt.date) -> LoanDue:
    assert loan.due_on is not None
    return LoanDue(
        loan_id=loan.id,
        book_id=loan.book_id,
        library_id=library_id,
        title=title,
        borrower=loan.borrower,
        lent_on=loan.lent_on,
        due_on=loan.due_on,
        days_overdue=(today - loan.due_on).days,
    )


def _open_loans(session: Session, library_ids: Iterable[int], today: dt.date, *conditions) -> list[LoanDue]:
    ids = list(library_ids)
    if not ids:
        return []
    rows = session.execute(
        select(db.Loan, db.Book.title, db.Book.library_id)
        .join(db.Book, db.Book.id == db.Loan.book_id)
        .where(
            db.Book.library_id.in_(ids),
            db.Book.deleted_at.is_(None),
            db.Loan.returned_on.is_(None),
            db.Loan.due_on.is_not(None),
            *conditions,
        )
        .order_by(db.Loan.due_on, db.Loan.id)
    ).all()
    return [_loan_due(loan, title, library_id, today) for loan, title, library_id in rows]


def loans_due_on(session: Session, library_ids: Iterable[int], day: dt.date) -> list[LoanDue]:
    """Open loans due exactly on ``day``."""
    return _open_loans(session, library_ids, day, db.Loan.due_on == day)


def overdue_loans(session: Session, library_ids: Iterable[int], today: dt.date) -> list[LoanDue]:
    """Open loans whose due date is before ``today``, most overdue first."""
    return _open_loans(session, library_ids, today, db.Loan.due_on < today)


def loans_due_by(
    session: Session, library_ids: Iterable[int], today: dt.date, until: dt.date
) -> list[LoanDue]:
    """Open loans due on or before ``until`` (overdue ones included), for the digest's "loans due" line."""
    return _open_loans(session, library_ids, today, db.Loan.due_on <= until)


def digest(
    session: Session,
    user_id: int,
    library_ids: Iterable[int],
    since: dt.datetime,
    until: dt.datetime,
    *,
    loans_ahead: dt.timedelta = dt.timedelta(days=7),
) -> Digest:
    """The weekly summary over [since, until): books added, finished (by this user), pages, loans due.

    Finishing dates are calendar dates, compared with the dates of ``since`` and ``until`` in the zone
    they are given in (pass local midnights for a local week), not in UTC, which would shift the week
    by a day east of Greenwich. Loans listed: open ones due before ``until + loans_ahead``.
    """
    first_day, end_day = since.date(), until.date()
    since, until = when.utc(since), when.utc(until)
    ids = list(library_ids)
    if not ids:
        return Digest(since, until, 0, 0, 0, [])
    added = session.scalar(
        select(func.count())
        .select_from(db.Book)
        .where(
            db.Book.library_id.in_(ids),
            db.Book.deleted_at.is_(None),
            db.Book.created_at >= since,
            db.Book.created_at < until,
        )
    )
    finished = session.execute(
        select(
            func.count(db.Reading.id),
            func.coalesce(func.sum(func.coalesce(db.Book.page_count, db.Reading.pages_read, 0)), 0),
        )
        .join(db.Book, db.Book.id == db.Reading.book_id)
        .where(
            db.Book.library_id.in_(ids),
            db.Book.deleted_at.is_(None),
            or_(db.Reading.user_id == user_id, db.Reading.user_id.is_(None)),
            db.Reading.abandoned.is_(False),
            db.Reading.finished_on >= first_day,
            db.Reading.finished_on < end_day,
        )
    ).one()
    loans = loans_due_by(session, ids, end_day, end_day + loans_ahead)
    return Digest(since, until, int(added or 0), int(finished[0] or 0), int(finished[1] or 0), loans)


def purge_finished(session: Session, before: dt.datetime) -> int:
    """Delete sent/cancelled/failed reminders last touched before ``before`` (housekeeping)."""
    result = session.execute(
        delete(R)
        .where(R.state.in_(("sent", "cancelled", "failed")), R.updated_at < when.utc(before))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# --------------------------------------------------------------------------- claiming and sending


def _due(now: dt.datetime, lease: dt.timedelta):
    return or_(
        and_(R.state == "pending", R.due_at <= now),
        and_(R.state == "sending", R.claimed_at < now - lease),
    )


def claim_due(
    session_factory: sessionmaker[Session],
    now: dt.datetime,
    worker_id: str,
    limit: int = 50,
    *,
    lease: dt.timedelta = LEASE,
) -> list[ClaimedReminder]:
    """Atomically claim up to ``limit`` due reminders for ``worker_id`` (its own transaction).

    Rows are due when pending with ``due_at <= now``, or stuck in 'sending' longer than ``lease``.
    A concurrent worker never gets the same row: PostgreSQL locks with SKIP LOCKED, SQLite flips each
    row with a conditional UPDATE and keeps only those whose rowcount is 1. Loan reminders whose
    loan was returned meanwhile are cancelled here instead of being sent.
    """
    now = when.utc(now)
    with session_scope(session_factory) as session:
        due = _due(now, lease)
        order = (R.due_at, R.id)
        claim = {"state": "sending", "claimed_by": worker_id, "claimed_at": now}
        if session.get_bind().dialect.name == "postgresql":
            ids = list(
                session.scalars(
                    select(R.id).where(due).order_by(*order).limit(limit).with_for_update(skip_locked=True)
                )
            )
            if ids:
                session.execute(
                    update(R)
                    .where(R.id.in_(ids))
                    .values(**claim)
                    .execution_options(synchronize_session=False)
                )
        else:
            # Each row flips with its own conditional UPDATE; a row another worker took between our
            # SELECT and UPDATE matches nothing (rowcount 0), so look again past the ones tried.
            ids = []
            tried: list[int] = []
            while len(ids) < limit:
                query = select(R.id).where(due)
                if tried:
                    query = query.where(R.id.not_in(tried))
                candidates = session.scalars(query.order_by(*order).limit(limit - len(ids))).all()
                if not candidates:
                    break
                for candidate in candidates:
                    tried.append(candidate)
                    result = session.execute(
                        update(R)
                        .where(R.id == candidate, due)
                        .values(**claim)
                        .execution_options(synchronize_session=False)
                    )
                    if result.rowcount == 1:
                        ids.append(candidate)
        if not ids:
            return []
        rows = session.execute(
            select(R, db.User.timezone, db.Loan, db.Book.title, db.Book.library_id, db.Book.deleted_at)
            .join(db.User, db.User.id == R.user_id)
            .outerjoin(db.Loan, db.Loan.id == R.loan_id)
            .outerjoin(db.Book, db.Book.id == db.Loan.book_id)
            .where(R.id.in_(ids))
            .order_by(*order)
        ).all()
        claimed: list[ClaimedReminder] = []
        stale: list[int] = []
        for row, user_tz, loan, title, library_id, deleted_at in rows:
            loan_info = None
            if row.kind in LOAN_KINDS:
                if loan is None or loan.returned_on is not None or deleted_at is not None:
                    stale.append(row.id)
                    continue
                loan_info = LoanInfo(
                    loan.id, loan.book_id, library_id, title, loan.borrower, loan.lent_on, loan.due_on
                )
            claimed.append(
                ClaimedReminder(
                    id=row.id,
                    user_id=row.user_id,
                    chat_id=row.chat_id,
                    library_id=row.library_id,
                    kind=row.kind,
                    text=row.text,
                    due_at=row.due_at,
                    timezone=user_tz,
                    recurrence=row.recurrence,
                    local_time=row.local_time,
                    attempts=row.attempts,
                    late=now - row.due_at > LATE_AFTER,
                    loan_id=row.loan_id,
                    loan=loan_info,
                )
            )
        if stale:
            session.execute(
                update(R)
                .where(R.id.in_(stale))
                .values(state="cancelled", claimed_by=None, claimed_at=None)
                .execution_options(synchronize_session=False)
            )
        return claimed


def _settle(
    session: Session, reminder_id: int, worker_id: str | None, values: dict, attempts: int | None = None
) -> db.Reminder | None:
    """Move a row out of 'sending' if it is still claimed (by ``worker_id`` when given); else None."""
    conditions = [R.id == reminder_id, R.state == "sending"]
    if worker_id is not None:
        conditions.append(R.claimed_by == worker_id)
    if attempts is not None:
        conditions.append(R.attempts == attempts)
    result = session.execute(update(R).where(*conditions).values(**values))
    if result.rowcount != 1:
        return None
    return session.get(R, reminder_id, populate_existing=True)


def _follow_up(session: Session, row: db.Reminder, now: dt.datetime) -> int | None:
    """After a reminder is done: the next occurrence of a recurring one, or the weekly overdue nudge
    of a loan still out. Skips missed occurrences: the next one is the first after ``now``."""
    if row.recurrence and row.local_time:
        if row.kind in RECURRING_KINDS:
            user = session.get(db.User, row.user_id)
            wanted = {
                "nudge": user.nudge_time is not None,
                "digest": user.weekly_digest,
                "backup": user.weekly_backup,
            }[row.kind]
            if not wanted or user.blocked_at is not None:
                return None
        clash = session.scalar(
            select(R.id)
            .where(R.user_id == row.user_id, R.kind == row.kind, R.state.in_(OPEN_STATES))
            .limit(1)
        )
        if clash is not None and row.kind != "custom":
            return None  # the series was replaced meanwhile (set_nudge while this one was sending)
        due_at = _next_occurrence(row.kind, row.recurrence, row.local_time, row.timezone, now)
        follow = R(
            user_id=row.user_id,
            chat_id=row.chat_id,
            library_id=row.library_id,
            kind=row.kind,
            text=row.text,
            due_at=due_at,
            recurrence=row.recurrence,
            local_time=row.local_time,
            timezone=row.timezone,
            state="pending",
        )
    elif row.kind in LOAN_KINDS and row.loan_id is not None:
        loan = session.get(db.Loan, row.loan_id)
        if loan is None or loan.returned_on is not None:
            return None
        clash = session.scalar(
            select(R.id)
            .where(R.loan_id == row.loan_id, R.kind.in_(LOAN_KINDS), R.state.in_(OPEN_STATES))
            .limit(1)
        )
        if clash is not None:
            return None
        tz = when.zone(row.timezone)
        day = now.astimezone(tz).date() + OVERDUE_EVERY
        follow = R(
            user_id=row.user_id,
            chat_id=row.chat_id,
            library_id=row.library_id,
            loan_id=row.loan_id,
            kind="loan_overdue",
            text="",
            due_at=when.localize(day, LOAN_TIME, tz),
            timezone=row.timezone,
            state="pending",
        )
    else:
        return None
    session.add(follow)
    session.flush()
    return follow.id


def mark_sent(
    session_factory: sessionmaker[Session],
    reminder_id: int,
    now: dt.datetime,
    *,
    worker_id: str | None = None,
) -> bool:
    """Record that the transport accepted the message, and schedule what follows it.

    Returns False (and changes nothing) when the row is no longer being sent, e.g. it was cancelled
    meanwhile or its lease expired and another worker took it.
    """
    now = when.utc(now)
    with session_scope(session_factory) as session:
        row = _settle(session, reminder_id, worker_id, {"state": "sent", "sent_at": now, "last_error": None})
        if row is None:
            return False
        _follow_up(session, row, now)
        return True


def mark_failed(
    session_factory: sessionmaker[Session],
    reminder_id: int,
    now: dt.datetime,
    error: str,
    *,
    permanent: bool = False,
    worker_id: str | None = None,
) -> str:
    """Record a failed send. Returns "retry", "failed", "gone" or "stale" (no longer ours).

    Transient: retried after 1 min, 5 min, 30 min, 2 h, 6 h, then given up ('failed'; a recurring
    reminder still gets its next occurrence). ``permanent`` (the user blocked the bot): the user is
    marked blocked and all their upcoming reminders are cancelled.
    """
    now = when.utc(now)
    error = (error or "error")[:500]
    with session_scope(session_factory) as session:
        current = session.scalar(select(R.attempts).where(R.id == reminder_id))
        if current is None:
            return "stale"
        attempts = current + 1
        if permanent:
            row = _settle(
                session,
                reminder_id,
                worker_id,
                {"state": "failed", "attempts": attempts, "last_error": error},
                current,
            )
            if row is None:
                return "stale"
            session.execute(update(db.User).where(db.User.id == row.user_id).values(blocked_at=now))
            _cancel_where(session, R.user_id == row.user_id)
            return "gone"
        if attempts >= MAX_ATTEMPTS:
            row = _settle(
                session,
                reminder_id,
                worker_id,
                {"state": "failed", "attempts": attempts, "last_error": error},
                current,
            )
            if row is None:
                return "stale"
            _follow_up(session, row, now)
            return "failed"
        retry = {
            "state": "pending",
            "attempts": attempts,
            "last_error": error,
            "due_at": now + BACKOFF[attempts - 1],
            "claimed_by": None,
            "claimed_at": None,
        }
        return "retry" if _settle(session, reminder_id, worker_id, retry, current) is not None else "stale"


def _describe(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__


def release(session_factory: sessionmaker[Session], reminder_ids: Iterable[int], worker_id: str) -> int:
    """Hand claimed but unsent reminders back (pending, unclaimed) so any worker can send them now."""
    ids = list(reminder_ids)
    if not ids:
        return 0
    with session_scope(session_factory) as session:
        result = session.execute(
            update(R)
            .where(R.id.in_(ids), R.state == "sending", R.claimed_by == worker_id)
            .values(state="pending", claimed_by=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount or 0


Send = Callable[[ClaimedReminder], Awaitable[object]]


async def sweep(
    session_factory: sessionmaker[Session],
    now: dt.datetime,
    worker_id: str,
    send: Send,
    *,
    limit: int = 50,
    send_timeout: float = SEND_TIMEOUT,
    budget: float = SEND_BUDGET,
    monotonic: Callable[[], float] = time.monotonic,
) -> SweepResult:
    """Claim due reminders and send them one by one with ``await send(claimed)``.

    ``send`` raises :class:`RecipientGone` when the user can never be reached, and any other exception
    for a transient failure; a send taking longer than ``send_timeout`` seconds is a transient failure
    too. A reminder is marked sent only after ``send`` returned. Once the sweep has spent ``budget``
    seconds (by ``monotonic``), the rest is released unsent, well before the claim's lease runs out
    and another worker could take it. Database work runs in worker threads (``asyncio.to_thread``)
    so the event loop never waits on the database.
    """
    started = monotonic()
    claimed = await asyncio.to_thread(claim_due, session_factory, now, worker_id, limit)
    counts = {"sent": 0, "retried": 0, "failed": 0, "gone": 0, "skipped": 0, "released": 0}
    gone_users: set[int] = set()
    for position, reminder in enumerate(claimed):
        if monotonic() - started > budget:
            rest = [r.id for r in claimed[position:] if r.user_id not in gone_users]
            counts["released"] = await asyncio.to_thread(release, session_factory, rest, worker_id)
            break
        if reminder.user_id in gone_users:
            counts["skipped"] += 1  # cancelled when the user was found gone
            continue
        try:
            await asyncio.wait_for(send(reminder), send_timeout)
        except RecipientGone as err:
            outcome = await asyncio.to_thread(
                mark_failed, session_factory, reminder.id, now, str(err) or "recipient gone",
                permanent=True, worker_id=worker_id,
            )  # fmt: skip
            gone_users.add(reminder.user_id)
            counts["gone" if outcome == "gone" else "skipped"] += 1
            continue
        except Exception as err:
            outcome = await asyncio.to_thread(
                mark_failed, session_factory, reminder.id, now, _describe(err),
                worker_id=worker_id,
            )  # fmt: skip
            counts[{"retry": "retried", "failed": "failed"}.get(outcome, "skipped")] += 1
            continue
        # False means the row was cancelled (or re-claimed after a lease) meanwhile; it was sent anyway.
        await asyncio.to_thread(mark_sent, session_factory, reminder.id, now, worker_id=worker_id)
        counts["sent"] += 1
    return SweepResult(claimed=len(claimed), **counts)
