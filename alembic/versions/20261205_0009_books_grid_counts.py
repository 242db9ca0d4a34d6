"""books: an index that counts a library's live books by status and ownership without reading them

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 10:30:00

Expand-only: one new index, which the previous release's worker neither needs nor minds. The Mini App's
grid counts the books a chip shows (unread, reading, wishlist) on every page; with ``(library_id,
deleted_at, status, owned)`` both engines count from the index alone (SQLite: a covering index;
PostgreSQL: an index-only scan) instead of reading every book row of the library. Built CONCURRENTLY on
PostgreSQL so a live library's writes never wait for it.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_books_library_id_deleted_at_status_owned"
COLUMNS = ["library_id", "deleted_at", "status", "owned"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.create_index(NAME, "books", COLUMNS, postgresql_concurrently=True, if_not_exists=True)
    else:
        op.create_index(NAME, "books", COLUMNS, if_not_exists=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.drop_index(NAME, "books", postgresql_concurrently=True, if_exists=True)
    else:
        op.drop_index(NAME, "books", if_exists=True)
