"""Loans: lend a book to a named borrower, take it back, see what is out and what is overdue.

A book has at most one open loan (a partial unique index enforces it too). A loan is overdue on a
date when it is still open and its due date is before that date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db
from librium.errors import Duplicate, Invalid, NotFound
from librium.i18n import _, formats

__all__ = ["LoanView", "lend", "list_loans", "loan_history", "return_book", "set_due_date"]

Which = Literal["current", "overdue", "returned", "all"]


@dataclass(frozen=True)
class LoanView:
    id: int
    book_id: int
    book_title: str
    borrower: str
    lent_on: dt.date
    due_on: dt.date | None
    returned_on: dt.date | None

    @property
    def open(self) -> bool:
        return self.returned_on is None

    def days_overdue(self, on: dt.date) -> int:
        """Days past the due date on ``on`` (0 when returned, not due yet or without a due date)."""
        if self.returned_on is not None or self.due_on is None or on <= self.due_on:
            return 0
        return (on - self.due_on).days


def _view(loan: db.Loan, title: str) -> LoanView:
    return LoanView(loan.id, loan.book_id, title, loan.borrower, loan.lent_on, loan.due_on, loan.returned_on)


def _book(session: Session, library_id: int, book_id: int) -> db.Book:
    book = session.scalar(
        select(db.Book).where(
            db.Book.id == book_id, db.Book.library_id == library_id, db.Book.deleted_at.is_(None)
        )
    )
    if book is None:
        raise NotFound(_("That book is not in this library (it may have been deleted)."))
    return book


def _open_loan(session: Session, book_id: int) -> db.Loan | None:
    return session.scalar(select(db.Loan).where(db.Loan.book_id == book_id, db.Loan.returned_on.is_(None)))


def _fmt(day: dt.date) -> str:
    """ "1 Mar 2024" / "1 mar 2024" / "1 мар. 2024 г.": a day in a message, as the reader's locale writes it."""
    return formats.date(day)


def lend(
    session: Session,
    library_id: int,
    book_id: int,
    borrower: str,
    lent_on: dt.date,
    due_on: dt.date | None = None,
) -> LoanView:
    """Lend a book. Refused (Duplicate) while it is lent already, and (Invalid) for a wishlist book."""
    book = _book(session, library_id, book_id)
    if not book.owned:
        raise Invalid(
            _("“{title}” is on your wishlist: you cannot lend a book you do not own.").format(
                title=book.title
            )
        )
    current = _open_loan(session, book.id)
    if current is not None:
        raise Duplicate(
            _("“{title}” is already lent to {who} (since {day}). Mark it returned first.").format(
                title=book.title, who=current.borrower, day=_fmt(current.lent_on)
            ),
            [current.id],
        )
    if due_on is not None and due_on < lent_on:
        raise Invalid(_("The due date cannot be before the day the book is lent."))
    loan = db.Loan(book_id=book.id, borrower=borrower, lent_on=lent_on, due_on=due_on)
    try:
        with session.begin_nested():
            session.add(loan)
    except IntegrityError:  # lent by a concurrent request a moment ago
        raise Duplicate(_("“{title}” was just lent by someone else.").format(title=book.title)) from None
    return _view(loan, book.title)


def return_book(session: Session, library_id: int, book_id: int, returned_on: dt.date) -> LoanView:
    """Close the book's open loan on ``returned_on``."""
    book = _book(session, library_id, book_id)
    loan = _open_loan(session, book.id)
    if loan is None:
        raise Invalid(_("“{title}” is not lent out.").format(title=book.title))
    if returned_on < loan.lent_on:
        raise Invalid(
            _("The return date cannot be before the day it was lent ({day}).").format(day=_fmt(loan.lent_on))
        )
    loan.returned_on = returned_on
    session.flush()
    return _view(loan, book.title)


def set_due_date(session: Session, library_id: int, book_id: int, due_on: dt.date | None) -> LoanView:
    """Change (or clear) the due date of the book's open loan."""
    book = _book(session, library_id, book_id)
    loan = _open_loan(session, book.id)
    if loan is None:
        raise Invalid(_("“{title}” is not lent out.").format(title=book.title))
    if due_on is not None and due_on < loan.lent_on:
        raise Invalid(_("The due date cannot be before the day the book was lent."))
    loan.due_on = due_on
    session.flush()
    return _view(loan, book.title)


def list_loans(
    session: Session, library_id: int, *, which: Which = "current", as_of: dt.date | None = None
) -> list[LoanView]:
    """Loans of the library's live books.

    ``which``: "current" (not returned; by due date, undated last), "overdue" (not returned and due
    before ``as_of``, default today; most overdue first), "returned" or "all" (newest first).
    """
    query = (
        select(db.Loan, db.Book.title)
        .join(db.Book, db.Book.id == db.Loan.book_id)
        .where(db.Book.library_id == library_id, db.Book.deleted_at.is_(None))
    )
    if which in ("current", "overdue"):
        query = query.where(db.Loan.returned_on.is_(None))
        if which == "overdue":
            query = query.where(db.Loan.due_on < (as_of or dt.date.today()))
        query = query.order_by(db.Loan.due_on.is_(None), db.Loan.due_on, db.Loan.lent_on, db.Loan.id)
    elif which == "returned":
        query = query.where(db.Loan.returned_on.is_not(None)).order_by(
            db.Loan.returned_on.desc(), db.Loan.id.desc()
        )
    elif which == "all":
        query = query.order_by(db.Loan.lent_on.desc(), db.Loan.id.desc())
    else:
        raise Invalid(
            _("“{which}” is not a list of loans (use current, overdue, returned or all).").format(which=which)
        )
    return [_view(loan, title) for loan, title in session.execute(query)]


def loan_history(session: Session, library_id: int, book_id: int) -> list[LoanView]:
    """Every loan of one book, newest first."""
    book = _book(session, library_id, book_id)
    loans = session.scalars(
        select(db.Loan).where(db.Loan.book_id == book.id).order_by(db.Loan.lent_on.desc(), db.Loan.id.desc())
    )
    return [_view(loan, book.title) for loan in loans]
