"""Real Alembic migrations on SQLite and PostgreSQL, through pytest-alembic.

The imported pytest-alembic tests check: one head, upgrade from empty to head, the models match the
migrated DDL (what ``alembic check`` checks), and every revision goes up, down and up again.
"""

import re

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
    alembic_runner.insert_into(
        "books",
        {
            "id": 8,
            "library_id": 1,
            "uuid": "00000000-0000-0000-0000-000000000008",
            "title": "Дюна",
            "title_key": "дюна",
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
        # 0007 took the vocabulary from the search rows: the words, their readings and stems.
        words = conn.execute(
            text("SELECT term, latin, stem FROM search_terms WHERE library_id = 1 ORDER BY term")
        ).all()
        assert ("soledad", "soledad", "soledad") in [tuple(w) for w in words]
        assert not any(term.isdigit() for term, _, _ in words)  # the ISBN is matched exactly only
        # 0010 added the plain reading of Cyrillic words: "dune" is one edit from "duna".
        assert {latin for term, latin, _ in words if term == "дюна"} == {"dyuna", "duna"}


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


DESTRUCTIVE = re.compile(
    r"\bDROP\s+(TABLE|COLUMN|VIEW)\b|\bRENAME\b|\bALTER\s+COLUMN\s+\S+\s+(TYPE|SET\s+NOT\s+NULL)\b",
    re.IGNORECASE,
)
_RETYPE = re.compile(
    r"ALTER\s+TABLE\s+(\w+)\s+ALTER\s+COLUMN\s+(\w+)\s+TYPE\s+(\w+)(?:\s*\((\d+)\))?", re.IGNORECASE
)
_CREATE_TABLE = re.compile(r"CREATE\s+TABLE\s+(\w+)\s*\((.*?)\n\);", re.IGNORECASE | re.DOTALL)
_ADD_COLUMN = re.compile(
    r"ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)\s+(\w+)(?:\s*\((\d+)\))?", re.IGNORECASE
)
_COLUMN_DEF = re.compile(r"^\s*(\w+)\s+(\w+)(?:\s*\((\d+)\))?", re.MULTILINE)
_TEXT_TYPES = {"VARCHAR", "TEXT"}


def column_types(sql: str, known: dict | None = None) -> dict[tuple[str, str], tuple[str, int | None]]:
    """(table, column) -> (type, length) after the PostgreSQL DDL ``sql``, starting from ``known``."""
    types = dict(known or {})
    for table, body in _CREATE_TABLE.findall(sql):
        for column, kind, length in _COLUMN_DEF.findall(body):
            types[(table, column)] = (kind.upper(), int(length) if length else None)
    for pattern in (_ADD_COLUMN, _RETYPE):
        for table, column, kind, length in pattern.findall(sql):
            types[(table, column)] = (kind.upper(), int(length) if length else None)
    return types


def destructive_statements(sql: str, types_before: dict) -> list[str]:
    """What in ``sql`` the previous release's worker could trip on. Widening a VARCHAR (a longer
    length, or TEXT) only changes the catalogue on PostgreSQL, so it is expand-only; any other
    retype is not."""
    found = []
    for match in DESTRUCTIVE.finditer(sql):
        found.append(match.group(0))
    for table, column, kind, length in _RETYPE.findall(sql):
        old_kind, old_length = types_before.get((table, column), (None, None))
        new_kind, new_length = kind.upper(), int(length) if length else None
        widened = (
            old_kind == "VARCHAR"
            and new_kind in _TEXT_TYPES
            and (
                new_kind == "TEXT"
                or (old_length is not None and new_length is not None and new_length >= old_length)
            )
        )
        if widened:
            found.remove(next(f for f in found if re.search(rf"ALTER\s+COLUMN\s+{column}\s+TYPE", f, re.I)))
    return found


def upgrade_sql(revision, dialect_url: str) -> str:
    import io

    from alembic import command

    from librium.database.sqlalchemy.migrations import alembic_config

    cfg = alembic_config(dialect_url)
    cfg.output_buffer = io.StringIO()
    command.upgrade(cfg, f"{revision.down_revision or 'base'}:{revision.revision}", sql=True)
    return cfg.output_buffer.getvalue()


def test_every_migration_only_expands_unless_it_says_it_contracts():
    """The release phase migrates while the previous release's worker still runs: a revision may add
    tables, columns, indexes and constraints, but not drop, rename or retype what that worker uses.
    A contract revision (``CONTRACT = True`` in its module, removing what the release before it
    stopped using) is the only exception. Checked on the PostgreSQL SQL each upgrade emits."""
    from librium.database.sqlalchemy.migrations import script_directory

    revisions = list(reversed(list(script_directory().walk_revisions())))
    assert len(revisions) > 1, "no revision after the first"
    url = "postgresql+psycopg://nobody@127.0.0.1:1/offline"
    types = column_types(upgrade_sql(revisions[0], url))
    for revision in revisions[1:]:
        statements = upgrade_sql(revision, url)
        assert f"UPDATE alembic_version SET version_num='{revision.revision}'" in statements
        destructive = destructive_statements(statements, types)
        types = column_types(statements, types)
        if getattr(revision.module, "CONTRACT", False):
            continue
        assert not destructive, f"{revision.revision} is not expand-only: {destructive}"


@pytest.mark.parametrize(
    ("sql", "destructive"),
    [
        ("ALTER TABLE books DROP COLUMN notes;", True),
        ("DROP TABLE loans;", True),
        ("ALTER TABLE books RENAME TO volumes;", True),
        ("ALTER TABLE books ALTER COLUMN title TYPE INTEGER;", True),
        ("ALTER TABLE books ALTER COLUMN title TYPE VARCHAR(100);", True),
        ("ALTER TABLE books ALTER COLUMN notes TYPE VARCHAR(100);", True),
        ("ALTER TABLE books ALTER COLUMN missing TYPE VARCHAR(100);", True),
        ("ALTER TABLE books ALTER COLUMN title TYPE VARCHAR(1000);", False),
        ("ALTER TABLE books ALTER COLUMN title TYPE VARCHAR(500);", False),
        ("ALTER TABLE books ALTER COLUMN title TYPE TEXT;", False),
        ("ALTER TABLE books ALTER COLUMN notes SET NOT NULL;", True),
        ("ALTER TABLE books ADD COLUMN shelf_note TEXT;", False),
        ("CREATE UNIQUE INDEX uq_x ON libraries (owner_id) WHERE kind = 'personal';", False),
        ("DROP INDEX ix_books_title;", False),
    ],
)
def test_the_expand_check_tells_destructive_sql(sql, destructive):
    before = column_types("CREATE TABLE books (\n\ttitle VARCHAR(500), \n\tnotes TEXT\n);")
    assert bool(destructive_statements(sql, before)) is destructive


def test_the_start_up_check_reads_the_same_revisions_as_alembic():
    """require_head reads alembic/versions without Alembic: the same revisions and head as Alembic's, and
    so it refuses and warns on the same databases (tests/foundation/test_startup.py)."""
    from librium.database.sqlalchemy import migrations

    known, heads = migrations.revisions()
    assert known == {r.revision for r in migrations.script_directory().walk_revisions()}
    assert heads == {migrations.head_revision()}
