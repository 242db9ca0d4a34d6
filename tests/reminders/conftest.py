"""Fixtures for the reminder tests: people with a personal library, in either kind of session."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import session_scope

_ids = itertools.count(1)


@dataclass(frozen=True)
class Person:
    user_id: int
    library_id: int
    telegram_id: int
    timezone: str


def add_person(session: Session, tz: str = "Europe/Berlin", name: str = "Ada") -> Person:
    telegram_id = 10**9 + uuid.uuid4().int % 10**9 + next(_ids)
    user = db.User(telegram_id=telegram_id, display_name=name, timezone=tz)
    lib = db.Library(name=f"{name}'s library", kind="personal")
    session.add_all([user, lib])
    session.flush()
    lib.owner_id = user.id
    session.add(db.LibraryMember(library_id=lib.id, user_id=user.id, role="owner"))
    session.flush()
    return Person(user.id, lib.id, telegram_id, tz)


def add_loan(
    session: Session,
    library_id: int,
    title: str = "Dune",
    borrower: str = "Alice",
    lent_on: dt.date = dt.date(2026, 11, 1),
    due_on: dt.date | None = dt.date(2026, 11, 29),
    page_count: int | None = None,
) -> db.Loan:
    created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # long before any test's clock
    book = db.Book(library_id=library_id, title=title, page_count=page_count, created_at=created)
    session.add(book)
    session.flush()
    loan = db.Loan(book_id=book.id, borrower=borrower, lent_on=lent_on, due_on=due_on)
    session.add(loan)
    session.flush()
    return loan


@pytest.fixture
def person(session) -> Person:
    """Ada in Berlin, with her personal library, in the rolled-back session."""
    return add_person(session)


@pytest.fixture
def make_person(session_factory) -> Callable[..., Person]:
    """Create (and commit) a person through the real sessionmaker."""

    def make(tz: str = "Europe/Berlin", name: str = "Ada") -> Person:
        with session_scope(session_factory) as s:
            return add_person(s, tz, name)

    return make
