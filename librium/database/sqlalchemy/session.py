"""Engine and session factory. Nothing here is module-level state: callers build and pass them down."""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")

READ_ONLY = "librium_read_only"


class WriteNeeded(Exception):
    """Raised inside a :func:`read_scope` by code that finds it must write after all (a first contact).

    Callers that read optimistically catch it and run the same work again in :func:`session_scope`.
    """


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; on SQLite, enforce foreign keys and use WAL with a busy timeout."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Take transaction control away from the sqlite3 module (it would only BEGIN before
            # DML, so a SAVEPOINT could open, and its RELEASE commit, a transaction of its own).
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # SQLAlchemy's documented recipe: emit BEGIN ourselves, so savepoints nest inside it.
            # IMMEDIATE takes the write lock up front and waits (busy timeout) for it: a deferred
            # transaction that reads, then writes, fails at once with "database is locked" when
            # another connection wrote in between. SQLite has one writer at a time anyway.
            # A read scope (see read_scope) takes no lock: WAL readers see a snapshot and never wait.
            # query_only is a setting of the connection: set only when it changes (most transactions
            # in a row are reads, or writes, on the same pooled connection).
            read_only = bool(conn.get_execution_options().get(READ_ONLY))
            info = conn.connection.info
            if info.get(READ_ONLY) is not read_only:
                conn.exec_driver_sql(f"PRAGMA query_only={int(read_only)}")
                info[READ_ONLY] = read_only
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


_sqlite_locks: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_sqlite_locks_guard = threading.Lock()


def _writer_lock(factory: sessionmaker[Session]) -> AbstractContextManager:
    """On SQLite, one transaction at a time per process, queued on a Python lock.

    SQLite has a single writer; with BEGIN IMMEDIATE the others wait in SQLite's busy handler, which
    sleeps in steps of up to 100 ms. Queuing threads here hands the database over at once instead.
    (Other processes still wait through the busy timeout.)
    """
    bind = factory.kw.get("bind")
    if bind is None or bind.dialect.name != "sqlite":
        return nullcontext()
    with _sqlite_locks_guard:
        lock = _sqlite_locks.get(bind)
        if lock is None:
            lock = _sqlite_locks[bind] = threading.RLock()
    return lock


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error (nothing half-written stays)."""
    with _writer_lock(factory):
        session = factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


@contextmanager
def read_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One read-only transaction, rolled back at the end.

    Unlike :func:`session_scope` it does not queue behind this process's SQLite writers: on SQLite it
    is a deferred transaction on a WAL snapshot with ``PRAGMA query_only``; on PostgreSQL a READ ONLY
    transaction. A write in it fails loudly on both engines. ``session.info[READ_ONLY]`` tells code that
    would write (first contact) to raise :class:`WriteNeeded` instead.
    """
    session = factory()
    session.info[READ_ONLY] = True
    try:
        options = {READ_ONLY: True}
        if session.get_bind().dialect.name == "postgresql":
            options["postgresql_readonly"] = True
        session.connection(execution_options=options)
        yield session
    finally:
        session.rollback()
        session.close()


async def in_thread(
    factory: sessionmaker[Session], fn: Callable[..., T], *args: Any, read: bool = False, **kwargs: Any
) -> T:
    """``fn(session, *args, **kwargs)`` in a worker thread, in one :func:`session_scope` (or, with
    ``read``, one :func:`read_scope`): database round trips never stall the event loop."""

    def work() -> T:
        with (read_scope if read else session_scope)(factory) as session:
            return fn(session, *args, **kwargs)

    return await asyncio.to_thread(work)


def insert_for(session: Session | Connection):
    """The engine's own ``insert`` (PostgreSQL or SQLite), which has ``on_conflict_do_*``."""
    bind = session.get_bind() if isinstance(session, Session) else session
    return postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert
