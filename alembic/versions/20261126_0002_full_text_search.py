"""full-text search: book_search, its engine index, and a backfill of existing books

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 00:40:00

"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "book_search",
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("library_id", sa.Integer(), nullable=False),
        sa.Column("title_text", sa.Text(), nullable=False),
        sa.Column("people_text", sa.Text(), nullable=False),
        sa.Column("other_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id"],
            ["books.id"],
            name=op.f("fk_book_search_book_id_books"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["library_id"],
            ["libraries.id"],
            name=op.f("fk_book_search_library_id_libraries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("book_id", name=op.f("pk_book_search")),
    )
    with op.batch_alter_table("book_search", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_book_search_library_id"), ["library_id"], unique=False)

    create_search_index()
    backfill()


def downgrade() -> None:
    drop_search_index()
    with op.batch_alter_table("book_search", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_book_search_library_id"))

    op.drop_table("book_search")


def _fold(text: str | None) -> str:
    # A frozen copy of librium.text.fold at this revision: migrations must not change with app code.
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def backfill() -> None:
    """Index books that exist already (title words only; the service refreshes the rest on edit)."""
    if op.get_context().as_sql:
        # Offline (--sql): no rows to read, so fold in SQL as far as SQL can (no accent stripping).
        op.execute(
            "INSERT INTO book_search (book_id, library_id, title_text, people_text, other_text) "
            "SELECT id, library_id, lower(title || ' ' || coalesce(subtitle, '')), '', coalesce(isbn13, '') "
            "FROM books WHERE deleted_at IS NULL"
        )
        return
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, library_id, title, subtitle, isbn13 FROM books WHERE deleted_at IS NULL")
    ).all()
    if not rows:
        return
    bind.execute(
        sa.text(
            "INSERT INTO book_search (book_id, library_id, title_text, people_text, other_text) "
            "VALUES (:book_id, :library_id, :title_text, '', :other_text)"
        ),
        [
            {
                "book_id": r.id,
                "library_id": r.library_id,
                "title_text": _fold(" ".join(filter(None, [r.title, r.subtitle]))),
                "other_text": r.isbn13 or "",
            }
            for r in rows
        ],
    )


# Full-text search over book_search. Outside the models' metadata (env.py's include_object skips
# names starting with "book_fts"), because each engine does it its own way.
_SQLITE_FTS = [
    """CREATE VIRTUAL TABLE book_fts USING fts5(
        title_text, people_text, other_text, library_id UNINDEXED,
        content='book_search', content_rowid='book_id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    """CREATE TRIGGER book_fts_ai AFTER INSERT ON book_search BEGIN
        INSERT INTO book_fts(rowid, title_text, people_text, other_text, library_id)
        VALUES (new.book_id, new.title_text, new.people_text, new.other_text, new.library_id);
    END""",
    """CREATE TRIGGER book_fts_ad AFTER DELETE ON book_search BEGIN
        INSERT INTO book_fts(book_fts, rowid, title_text, people_text, other_text, library_id)
        VALUES ('delete', old.book_id, old.title_text, old.people_text, old.other_text, old.library_id);
    END""",
    """CREATE TRIGGER book_fts_au AFTER UPDATE ON book_search BEGIN
        INSERT INTO book_fts(book_fts, rowid, title_text, people_text, other_text, library_id)
        VALUES ('delete', old.book_id, old.title_text, old.people_text, old.other_text, old.library_id);
        INSERT INTO book_fts(rowid, title_text, people_text, other_text, library_id)
        VALUES (new.book_id, new.title_text, new.people_text, new.other_text, new.library_id);
    END""",
    # Rebuild from book_search in case rows exist already (an upgrade over data).
    "INSERT INTO book_fts(book_fts) VALUES ('rebuild')",
]

_PG_FTS = [
    """CREATE INDEX book_fts_gin ON book_search USING gin ((
        setweight(to_tsvector('simple', title_text), 'A') ||
        setweight(to_tsvector('simple', people_text), 'B') ||
        setweight(to_tsvector('simple', other_text), 'C')))""",
]


def create_search_index() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_FTS if dialect == "sqlite" else _PG_FTS:
        op.execute(statement)


def drop_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("book_fts_ai", "book_fts_ad", "book_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS book_fts")
    else:
        op.execute("DROP INDEX IF EXISTS book_fts_gin")
