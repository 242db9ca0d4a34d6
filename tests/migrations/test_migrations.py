"""Real Alembic migrations on SQLite and PostgreSQL, through pytest-alembic.

The imported pytest-alembic tests check: one head, upgrade from empty to head, the models match the
migrated DDL (what ``alembic check`` checks), and every revision goes up, down and up again.
"""

import pytest
from pytest_alembic.tests import (  # noqa: F401 - collected as tests
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import create_engine, inspect, text

from tests.conftest import ROOT


@pytest.fixture(params=["sqlite", "postgresql"])
def alembic_engine(request, fresh_db_url):
    engine = create_engine(fresh_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def alembic_config():
    from pytest_alembic.config import Config

    return Config(config_options={"script_location": str(ROOT / "alembic"), "configure_logger": False})


def test_data_written_at_an_older_revision_survives_upgrade(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to("0001")
    alembic_runner.insert_into("libraries", {"id": 1, "name": "Mine", "kind": "personal"})
    alembic_runner.insert_into(
        "books",
        {
            "id": 7,
            "library_id": 1,
            "uuid": "00000000-0000-0000-0000-000000000007",
            "title": "Cien años de soledad",
            "title_key": "cien anos de soledad",
            "isbn13": "9780060883287",
            "status": "read",
            "owned": True,
            "copies": 1,
        },
    )
    alembic_runner.migrate_up_to("heads")

    with alembic_engine.connect() as conn:
        book = conn.execute(text("SELECT title, isbn13, status FROM books WHERE id = 7")).one()
        assert tuple(book) == ("Cien años de soledad", "9780060883287", "read")
        indexed = conn.execute(text("SELECT title_text, other_text FROM book_search WHERE book_id = 7")).one()
        assert tuple(indexed) == ("cien anos de soledad", "9780060883287")
        if alembic_engine.dialect.name == "sqlite":
            hits = (
                conn.execute(text("SELECT rowid FROM book_fts WHERE book_fts MATCH 'sole*'")).scalars().all()
            )
            assert hits == [7]


def test_downgrade_to_base_leaves_no_table(alembic_runner, alembic_engine):
    alembic_runner.migrate_up_to("heads")
    alembic_runner.migrate_down_to("base")
    tables = set(inspect(alembic_engine).get_table_names()) - {"alembic_version"}
    assert tables == set()


def test_offline_sql_builds_the_same_schema(tmp_path):
    """`alembic upgrade head --sql` (as in docs/alembic_usage.md) prints SQL that builds head."""
    import io
    import sqlite3

    from alembic import command

    from librium.database.sqlalchemy.migrations import alembic_config, head_revision

    url = f"sqlite:///{tmp_path / 'offline.sqlite'}"
    cfg = alembic_config(url)
    cfg.output_buffer = io.StringIO()
    command.upgrade(cfg, "head", sql=True)
    with sqlite3.connect(tmp_path / "offline.sqlite") as conn:
        conn.executescript(cfg.output_buffer.getvalue())
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (head_revision(),)
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'book_fts'").fetchone() == (1,)
