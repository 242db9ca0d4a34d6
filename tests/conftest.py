"""Shared fixtures: real databases built by the real Alembic migrations.

Every database test runs on SQLite (a real file) and, when ``TEST_DATABASE_URL`` points at a PostgreSQL
server, on PostgreSQL too: a fresh database is created for the test session and dropped after it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from librium.config import database_url
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.migrations import alembic_config
from librium.database.sqlalchemy.session import make_engine, make_sessionmaker

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def pg_admin_url() -> str | None:
    raw = os.environ.get("TEST_DATABASE_URL")
    return database_url(raw) if raw else None


def create_pg_database(admin_url: str) -> str:
    name = f"librium_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(admin_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def fresh_db_url(request, tmp_path) -> Iterator[str]:
    """An empty database (no tables) on the engine named by ``request.param`` ("sqlite"/"postgresql")."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        return
    admin = pg_admin_url()
    if not admin:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    url = create_pg_database(admin)
    try:
        yield url
    finally:
        drop_pg_database(admin, url)


ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=ENGINES)
def migrated_url(request, tmp_path_factory) -> Iterator[str]:
    """A database at Alembic head, one per engine per test session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'librium.sqlite'}"
        command.upgrade(alembic_config(url), "head")
        yield url
        return
    admin = pg_admin_url()
    if not admin:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    url = create_pg_database(admin)
    command.upgrade(alembic_config(url), "head")
    try:
        yield url
    finally:
        drop_pg_database(admin, url)


@pytest.fixture(scope="session")
def engine(migrated_url) -> Iterator[Engine]:
    eng = make_engine(migrated_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test (commits become savepoints)."""
    with engine.connect() as conn:
        outer = conn.begin()
        sess = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield sess
        finally:
            sess.close()
            if outer.is_active:
                outer.rollback()


def _wipe(eng: Engine) -> None:
    with eng.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def session_factory(engine) -> Iterator[sessionmaker[Session]]:
    """A real sessionmaker (each call commits for real); every table is emptied after the test."""
    _wipe(engine)
    yield make_sessionmaker(engine)
    _wipe(engine)


@pytest.fixture
def library(session) -> db.Library:
    """A personal library with its owner, in the rolled-back session."""
    user = db.User(telegram_id=int(uuid.uuid4().int % 10**9) + 1000, display_name="Ada")
    lib = db.Library(name="Ada's library", kind="personal")
    session.add_all([user, lib])
    session.flush()
    lib.owner_id = user.id
    session.add(db.LibraryMember(library_id=lib.id, user_id=user.id, role="owner"))
    session.flush()
    return lib
