"""Transactions: session_scope (read-write, all or nothing) and read_scope (read-only, never waits)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError

from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import READ_ONLY, read_scope, session_scope


def users(factory) -> int:
    with read_scope(factory) as session:
        return session.scalar(select(func.count(db.User.id)))


def test_a_read_scope_refuses_writes(session_factory):
    with pytest.raises(DBAPIError), read_scope(session_factory) as session:
        session.add(db.User(telegram_id=5001, display_name="Ada"))
        session.flush()
    with pytest.raises(DBAPIError), read_scope(session_factory) as session:
        session.execute(insert(db.User).values(telegram_id=5002, display_name="Bob", timezone="UTC"))
    assert users(session_factory) == 0


def test_a_read_scope_says_so_and_a_session_scope_does_not(session_factory):
    with read_scope(session_factory) as session:
        assert session.info.get(READ_ONLY) is True
    with session_scope(session_factory) as session:
        assert not session.info.get(READ_ONLY)


def test_a_session_scope_after_a_read_scope_on_the_same_connection_can_write(session_factory):
    """The pooled connection goes back writable (SQLite's query_only, PostgreSQL's READ ONLY)."""
    for n in range(3):
        assert users(session_factory) == n
        with session_scope(session_factory) as session:
            session.add(db.User(telegram_id=6000 + n, display_name=f"User {n}"))
    assert users(session_factory) == 3


def test_a_read_scope_does_not_wait_for_a_writer_in_this_process(session_factory):
    """A reader sees the last committed state while a writer's transaction is still open."""
    with session_scope(session_factory) as session:
        session.add(db.User(telegram_id=7000, display_name="Ada"))
    wrote, release = threading.Event(), threading.Event()

    def writer() -> None:
        with session_scope(session_factory) as session:
            session.add(db.User(telegram_id=7001, display_name="Bob"))
            session.flush()
            wrote.set()
            release.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert wrote.wait(30)
        seen: list[int] = []
        reader = threading.Thread(target=lambda: seen.append(users(session_factory)))
        reader.start()
        reader.join(20)
        assert not reader.is_alive(), "the read waited for the writer"
        assert seen == [1]  # the writer's row is not committed yet
    finally:
        release.set()
        thread.join(30)
    assert users(session_factory) == 2
