"""Wider names and titles (no arbitrary limits), and books.import_note

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 10:00:00

Expand-only. Names (publishers, genres, tags, shelves, formats, languages, series, authors and their
parts) widen to 1,000 characters and titles to 1,000: real books have 59-character publishers and
32-character surnames. On PostgreSQL widening a VARCHAR only changes the catalogue (no table rewrite,
no lock held for long), and the previous release's worker never writes more than it did. SQLite keeps
any length in a VARCHAR, so there is nothing to change there. ``books.import_note`` is a new nullable
column the previous release never reads.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAMED = ("formats", "genres", "publishers", "languages", "tags", "locations")
# (table, column, old length, new length)
WIDENED = [
    *((table, "name", 50, 1000) for table in NAMED),
    *((table, "key", 100, 2000) for table in NAMED),
    ("series", "name", 200, 1000),
    ("series", "key", 400, 2000),
    *(("authors", part, 50, 1000) for part in ("first_name", "middle_name", "last_name")),
    *(("authors", part, 20, 1000) for part in ("prefix", "suffix")),
    ("authors", "display_name", 300, 1000),
    ("authors", "sort_name", 300, 1002),
    ("authors", "key", 600, 2000),
    ("books", "title", 500, 1000),
    ("books", "subtitle", 500, 1000),
    ("books", "title_key", 1000, 2000),
]


def _retype(old: bool) -> None:
    if op.get_context().dialect.name == "sqlite":
        return  # SQLite never enforces a VARCHAR's length
    for table, column, before, after in WIDENED:
        wanted, existing = (before, after) if old else (after, before)
        op.alter_column(table, column, type_=sa.String(wanted), existing_type=sa.String(existing))


def upgrade() -> None:
    _retype(old=False)
    op.add_column("books", sa.Column("import_note", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("books", "import_note")  # in place, also on SQLite (3.35+): no table copy
    _retype(old=True)
