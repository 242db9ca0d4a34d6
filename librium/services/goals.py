"""Yearly reading goals: "read 30 books in 2026", and how far along the year's reading is.

A goal belongs to a user (not a library): progress counts that user's finished readings (rereads
count, abandoned readings do not) in the libraries given, over live books only. Readings recorded
without a reader (imports) count too, as in :mod:`librium.services.stats`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from librium import validation
from librium.database.sqlalchemy import db
from librium.errors import Invalid
from librium.i18n import _, formats

TARGET_MAX = 10_000


@dataclass(frozen=True)
class Goal:
    user_id: int
    year: int
    target: int


@dataclass(frozen=True)
class GoalProgress:
    """Figures for "12 of 30, 3 ahead of schedule".

    ``expected`` is how many books a steady pace would have finished by the end of ``today`` (rounded
    down); ``ahead`` is ``read - expected`` (negative: behind).
    """

    year: int
    target: int
    read: int
    expected: int
    ahead: int
    days_elapsed: int
    days_in_year: int

    @property
    def remaining(self) -> int:
        return max(self.target - self.read, 0)

    @property
    def done(self) -> bool:
        return self.read >= self.target

    @property
    def behind(self) -> int:
        return max(-self.ahead, 0)

    @property
    def fraction(self) -> float:
        return min(self.read / self.target, 1.0)

    def status(self) -> str:
        """ "goal reached", "3 ahead of schedule", "2 behind schedule", "on schedule" (current language)."""
        if self.done:
            return _("goal reached")
        if self.ahead > 0:
            return _("{n} ahead of schedule").format(n=self.ahead)
        if self.ahead < 0:
            return _("{n} behind schedule").format(n=-self.ahead)
        return _("on schedule")

    def summary(self) -> str:
        """ "12 of 30, 2 behind schedule" in the current language."""
        return _("{read} of {target}, {status}").format(
            read=self.read, target=self.target, status=self.status()
        )


def _check_target(target: int | str) -> int:
    try:
        number = int(target)
    except (TypeError, ValueError):
        raise Invalid(_("“{target}” is not a number of books.").format(target=target)) from None
    if not 1 <= number <= TARGET_MAX:
        raise Invalid(_("A reading goal is between 1 and {n} books.").format(n=formats.number(TARGET_MAX)))
    return number


def set_goal(session: Session, user_id: int, year: int, target: int | str) -> Goal:
    """Create or replace the user's goal for ``year``."""
    number = _check_target(target)
    year = validation.year(year)  # type: ignore[assignment]
    goal = session.scalar(
        select(db.ReadingGoal).where(db.ReadingGoal.user_id == user_id, db.ReadingGoal.year == year)
    )
    if goal is None:
        goal = db.ReadingGoal(user_id=user_id, year=year, target=number)
        session.add(goal)
    else:
        goal.target = number
    session.flush()
    return Goal(user_id, year, number)


def get_goal(session: Session, user_id: int, year: int) -> Goal | None:
    target = session.scalar(
        select(db.ReadingGoal.target).where(db.ReadingGoal.user_id == user_id, db.ReadingGoal.year == year)
    )
    return Goal(user_id, year, int(target)) if target is not None else None


def clear_goal(session: Session, user_id: int, year: int) -> bool:
    """Remove the goal; True if there was one."""
    goal = session.scalar(
        select(db.ReadingGoal).where(db.ReadingGoal.user_id == user_id, db.ReadingGoal.year == year)
    )
    if goal is None:
        return False
    session.delete(goal)
    session.flush()
    return True


def books_read(session: Session, user_id: int, library_ids: list[int], year: int) -> int:
    """Finished readings by the user in ``year`` across the libraries (rereads count)."""
    if not library_ids:
        return 0
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return int(
        session.scalar(
            select(func.count())
            .select_from(db.Reading)
            .join(db.Book, db.Book.id == db.Reading.book_id)
            .where(
                db.Book.library_id.in_(library_ids),
                db.Book.deleted_at.is_(None),
                db.Reading.finished_on.between(start, end),
                db.Reading.abandoned.is_(False),
                or_(db.Reading.user_id == user_id, db.Reading.user_id.is_(None)),
            )
        )
        or 0
    )


def goal_progress(
    session: Session, user_id: int, library_ids: list[int], year: int, today: dt.date
) -> GoalProgress | None:
    """Progress towards the goal for ``year`` as of ``today`` (the user's local date); None without a goal."""
    goal = get_goal(session, user_id, year)
    if goal is None:
        return None
    days_in_year = 366 if calendar.isleap(year) else 365
    if today.year < year:
        elapsed = 0
    elif today.year > year:
        elapsed = days_in_year
    else:
        elapsed = today.timetuple().tm_yday
    expected = goal.target * elapsed // days_in_year
    read = books_read(session, user_id, library_ids, year)
    return GoalProgress(year, goal.target, read, expected, read - expected, elapsed, days_in_year)
