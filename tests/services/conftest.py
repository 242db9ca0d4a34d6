"""Fixtures for the catalogue services: a second library and a SQL statement counter."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db


@pytest.fixture
def other_library(session) -> db.Library:
    """A second personal library (somebody else's) in the same session."""
    user = db.User(telegram_id=int(uuid.uuid4().int % 10**9) + 2000, display_name="Bob")
    session.add(user)
    session.flush()
    lib = db.Library(name="Bob's library", kind="personal", owner_id=user.id)
    session.add(lib)
    session.flush()
    session.add(db.LibraryMember(library_id=lib.id, user_id=user.id, role="owner"))
    session.flush()
    return lib


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_statements(session: Session) -> Iterator[StatementCounter]:
    """Count the SQL statements the session sends (SAVEPOINTs included)."""
    counter = StatementCounter()
    conn = session.connection()

    def record(_conn, _cursor, statement, *_args):
        counter.statements.append(statement)

    event.listen(conn, "before_cursor_execute", record)
    try:
        yield counter
    finally:
        event.remove(conn, "before_cursor_execute", record)
