"""PostgreSQL: a stored tsvector column for full-text search (ranking no longer re-parses the text)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 03:40:00

The GIN expression index of 0002 found matches quickly, but ranking them (ts_rank) rebuilt each
matching row's tsvector from its text: a word matching a third of a 10,000-book library took about
50 ms. A generated column keeps the vector; the GIN index moves to it. SQLite (FTS5) is unchanged.

Expand-safe: the column is generated, so the previous release's INSERTs into book_search fill it
without knowing of it. Dropping the expression index only slows the previous release's searches
(a sequential scan) for the minutes its worker still runs; adding a stored column rewrites
book_search under a lock (a second or two for 100,000 books).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Named book_fts_*: env.py's include_object leaves these out of autogenerate (not in the models).
_VECTOR = """
    setweight(to_tsvector('simple', title_text), 'A') ||
    setweight(to_tsvector('simple', people_text), 'B') ||
    setweight(to_tsvector('simple', other_text), 'C')"""


def _postgresql() -> bool:
    return op.get_context().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgresql():
        return
    op.execute(
        f"ALTER TABLE book_search ADD COLUMN book_fts_vector tsvector GENERATED ALWAYS AS ({_VECTOR}) STORED"
    )
    op.execute("CREATE INDEX book_fts_vector_gin ON book_search USING gin (book_fts_vector)")
    op.execute("DROP INDEX IF EXISTS book_fts_gin")


def downgrade() -> None:
    if not _postgresql():
        return
    op.execute(f"CREATE INDEX book_fts_gin ON book_search USING gin (({_VECTOR}))")
    op.execute("DROP INDEX IF EXISTS book_fts_vector_gin")
    op.execute("ALTER TABLE book_search DROP COLUMN IF EXISTS book_fts_vector")
