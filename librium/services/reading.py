"""Reading: status, readings (rereads are separate rows), progress, rating and notes.

Dates come from the caller. Functions that need "today" take a ``today`` argument (default: the
server's date), so the bot can pass the user's local date and tests can pin it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from librium import validation
from librium.database.sqlalchemy import db
from librium.errors import Invalid, NotFound
from librium.i18n import _, formats
from librium.services.books import BookView, get_book

__all__ = [
    "ReadingView",
    "abandon",
    "add_progress",
    "current_readings",
    "delete_reading",
    "finish_reading",
    "list_readings",
    "rate",
    "set_notes",
    "set_reading_dates",
    "set_status",
    "start_reading",
]


@dataclass(frozen=True)
class ReadingView:
    id: int
    book_id: int
    book_title: str
    user_id: int | None
    started_on: dt.date | None
    finished_on: dt.date | None
    abandoned: bool
    pages_read: int | None
    page_count: int | None

    @property
    def open(self) -> bool:
        return self.finished_on is None and not self.abandoned

    @property
    def percent(self) -> int | None:
        """Progress in whole percent when both the pages read and the page count are known."""
        if self.pages_read is None or not self.page_count:
            return None
        return min(100, round(100 * self.pages_read / self.page_count))


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def _book(session: Session, library_id: int, book_id: int) -> db.Book:
    book = session.scalar(
        select(db.Book).where(
            db.Book.id == book_id, db.Book.library_id == library_id, db.Book.deleted_at.is_(None)
        )
    )
    if book is None:
        raise NotFound(_("That book is not in this library (it may have been deleted)."))
    return book


def _view(reading: db.Reading, book: db.Book) -> ReadingView:
    return ReadingView(
        id=reading.id,
        book_id=book.id,
        book_title=book.title,
        user_id=reading.user_id,
        started_on=reading.started_on,
        finished_on=reading.finished_on,
        abandoned=reading.abandoned,
        pages_read=reading.pages_read,
        page_count=book.page_count,
    )


def _open_reading(session: Session, book_id: int) -> db.Reading | None:
    return session.scalar(
        select(db.Reading)
        .where(
            db.Reading.book_id == book_id, db.Reading.finished_on.is_(None), db.Reading.abandoned.is_(False)
        )
        .order_by(db.Reading.id.desc())
        .limit(1)
    )


def set_status(session: Session, library_id: int, book_id: int, status: str) -> BookView:
    """Set the reading status (to-read, reading, read, abandoned; "unread"/"dnf" accepted) without dates.

    A book that stops being read must not stay "currently reading" (in /reading, in nudges), so its
    open reading is closed:
    - back to "to-read": an open reading with no progress (no pages read) was a mistaken start and is
      deleted; one with progress is kept as history, marked abandoned;
    - "abandoned": the open reading is marked abandoned.
    "read" leaves the reading alone: finishing needs a date, which :func:`finish_reading` records.
    """
    book = _book(session, library_id, book_id)
    book.status = status
    if book.status in ("to-read", "abandoned"):
        reading = _open_reading(session, book.id)
        if reading is not None and book.status == "to-read" and not reading.pages_read:
            session.delete(reading)
        elif reading is not None:
            reading.abandoned = True
    session.flush()
    return get_book(session, library_id, book.id)


def start_reading(
    session: Session,
    library_id: int,
    book_id: int,
    *,
    user_id: int | None = None,
    started_on: dt.date | None = None,
    today: dt.date | None = None,
) -> ReadingView:
    """Start a reading (a reread after a finished one is a new reading); status becomes "reading".

    Starting a book that is being read already returns the open reading unchanged.
    """
    book = _book(session, library_id, book_id)
    reading = _open_reading(session, book.id)
    if reading is None:
        reading = db.Reading(book_id=book.id, user_id=user_id, started_on=started_on or _today(today))
        session.add(reading)
    book.status = "reading"
    session.flush()
    return _view(reading, book)


def finish_reading(
    session: Session,
    library_id: int,
    book_id: int,
    *,
    finished_on: dt.date | None = None,
    user_id: int | None = None,
    today: dt.date | None = None,
) -> ReadingView:
    """Finish the open reading (or record a reading with only a finish date); status becomes "read"."""
    book = _book(session, library_id, book_id)
    end = finished_on or _today(today)
    reading = _open_reading(session, book.id)
    if reading is None:
        reading = db.Reading(book_id=book.id, user_id=user_id)
        session.add(reading)
    validation.date_order(reading.started_on, end, "finish date")
    reading.finished_on = end
    if book.page_count:
        reading.pages_read = book.page_count
    book.status = "read"
    session.flush()
    return _view(reading, book)


def abandon(session: Session, library_id: int, book_id: int, *, today: dt.date | None = None) -> ReadingView:
    """Give up the open reading (started today if there was none); status becomes "abandoned"."""
    book = _book(session, library_id, book_id)
    reading = _open_reading(session, book.id)
    if reading is None:
        reading = db.Reading(book_id=book.id, started_on=_today(today))
        session.add(reading)
    reading.abandoned = True
    book.status = "abandoned"
    session.flush()
    return _view(reading, book)


def add_progress(
    session: Session,
    library_id: int,
    book_id: int,
    pages: int,
    *,
    absolute: bool = False,
    today: dt.date | None = None,
) -> ReadingView:
    """Record progress: ``pages`` more pages read, or (``absolute``) "I am at page N".

    Starts a reading when none is open. Refuses going past the book's page count when it is known.
    """
    try:
        amount = int(pages)
    except (TypeError, ValueError):
        raise Invalid(_("“{pages}” is not a number of pages.").format(pages=pages)) from None
    if amount < 0 or (amount == 0 and not absolute):
        raise Invalid(_("Progress is a positive number of pages."))
    book = _book(session, library_id, book_id)
    reading = _open_reading(session, book.id)
    if reading is None:
        reading = db.Reading(book_id=book.id, started_on=_today(today), pages_read=0)
        session.add(reading)
        book.status = "reading"
    total = amount if absolute else (reading.pages_read or 0) + amount
    if book.page_count and total > book.page_count:
        raise Invalid(
            _("“{title}” has only {page_count} pages (that would make {total}).").format(
                title=book.title, page_count=book.page_count, total=total
            )
        )
    reading.pages_read = total
    session.flush()
    return _view(reading, book)


def rate(session: Session, library_id: int, book_id: int, stars: float | str | None) -> BookView:
    """Rate in stars, half steps from 0.5 to 5; None clears the rating."""
    book = _book(session, library_id, book_id)
    book.rating = validation.rating(stars)
    session.flush()
    return get_book(session, library_id, book.id)


def set_notes(session: Session, library_id: int, book_id: int, notes: str | None) -> BookView:
    """Replace the book's notes (blank clears them)."""
    book = _book(session, library_id, book_id)
    text = (notes or "").strip() or None  # line breaks are kept
    if text and len(text) > 10_000:
        raise Invalid(
            _("Notes are limited to {limit} characters (these have {length}).").format(
                limit=formats.number(10_000), length=formats.number(len(text))
            )
        )
    book.notes = text
    session.flush()
    return get_book(session, library_id, book.id)


def list_readings(session: Session, library_id: int, book_id: int) -> list[ReadingView]:
    """The book's readings, oldest first."""
    book = _book(session, library_id, book_id)
    readings = session.scalars(
        select(db.Reading).where(db.Reading.book_id == book.id).order_by(db.Reading.id)
    )
    return [_view(r, book) for r in readings]


def current_readings(session: Session, library_id: int) -> list[ReadingView]:
    """Open readings of live books in the library, most recently started first."""
    rows = session.execute(
        select(db.Reading, db.Book)
        .join(db.Book, db.Book.id == db.Reading.book_id)
        .where(
            db.Book.library_id == library_id,
            db.Book.deleted_at.is_(None),
            db.Reading.finished_on.is_(None),
            db.Reading.abandoned.is_(False),
        )
        .order_by(db.Reading.started_on.desc(), db.Reading.id.desc())
    ).all()
    return [_view(reading, book) for reading, book in rows]


def _reading(session: Session, library_id: int, reading_id: int) -> tuple[db.Reading, db.Book]:
    row = session.execute(
        select(db.Reading, db.Book)
        .join(db.Book, db.Book.id == db.Reading.book_id)
        .where(db.Reading.id == reading_id, db.Book.library_id == library_id, db.Book.deleted_at.is_(None))
    ).first()
    if row is None:
        raise NotFound(_("That reading is not in this library."))
    return row[0], row[1]


def set_reading_dates(
    session: Session,
    library_id: int,
    reading_id: int,
    started_on: dt.date | None,
    finished_on: dt.date | None,
) -> ReadingView:
    """Correct a reading's dates (either may be None)."""
    reading, book = _reading(session, library_id, reading_id)
    validation.date_order(started_on, finished_on, "finish date")
    reading.started_on, reading.finished_on = started_on, finished_on
    session.flush()
    return _view(reading, book)


def delete_reading(session: Session, library_id: int, reading_id: int) -> None:
    reading, _book_row = _reading(session, library_id, reading_id)
    session.delete(reading)
    session.flush()
