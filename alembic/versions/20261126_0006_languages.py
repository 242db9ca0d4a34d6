"""languages: the language a user chose with /language, and the one set for a group's library

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 06:00:00

Expand-only: two nullable columns the previous release never reads.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("chosen_language", sa.String(length=16), nullable=True))
    with op.batch_alter_table("libraries") as batch:
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("libraries") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("chosen_language")
