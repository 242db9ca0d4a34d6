"""one personal library per user (a partial unique index)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 00:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Before this rule a race could create a second personal library. The bot always used the oldest,
    # so later ones are empty: delete those, and refuse (rather than lose books) if one is not.
    bind = op.get_bind()
    if op.get_context().as_sql:  # offline (--sql): nothing to inspect; the index creation follows
        duplicates = []
    else:
        duplicates = (
            bind.execute(
                sa.text(
                    "SELECT l.id FROM libraries l WHERE l.kind = 'personal' AND l.owner_id IS NOT NULL AND EXISTS ("
                    " SELECT 1 FROM libraries o WHERE o.kind = 'personal' AND o.owner_id = l.owner_id AND o.id < l.id)"
                )
            )
            .scalars()
            .all()
        )
    for library_id in duplicates:
        has_books = bind.execute(
            sa.text("SELECT 1 FROM books WHERE library_id = :id LIMIT 1"), {"id": library_id}
        ).first()
        if has_books:
            raise RuntimeError(
                f"library {library_id} duplicates a personal library and has books: merge it first"
            )
        bind.execute(sa.text("DELETE FROM libraries WHERE id = :id"), {"id": library_id})
    with op.batch_alter_table("libraries", schema=None) as batch_op:
        batch_op.create_index(
            "uq_libraries_owner_id_personal",
            ["owner_id"],
            unique=True,
            sqlite_where=sa.text("kind = 'personal'"),
            postgresql_where=sa.text("kind = 'personal'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("libraries", schema=None) as batch_op:
        batch_op.drop_index("uq_libraries_owner_id_personal")
