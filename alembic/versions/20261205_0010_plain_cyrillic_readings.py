"""search_terms: Cyrillic words also read without the y of я/ю after a consonant ("дюна" -> "duna")

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 12:00:00

Data only, expand-only: adds rows to each library's vocabulary beside the ones it has, so "dune"
finds "Дюна" (one edit from "duna"; "dyuna" is two). The previous release reads these rows as any
other reading; books it adds while it still runs get the new reading at their next edit
(``vocabulary.rebuild`` repairs a library). Downgrade leaves the rows: they are readings like others.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from anyascii import anyascii

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VOWELS = set("aeiouy")


def _plain(term: str) -> str:
    """A frozen copy of wordforms.plain over a folded term, kept to ASCII letters and digits."""
    out, previous = [], ""
    for ch in term:
        latin = anyascii(ch).lower()
        if len(latin) > 1 and latin[0] == "y" and previous[-1:].isalpha() and previous[-1:] not in _VOWELS:
            latin = latin[1:]
        out.append(latin)
        previous = latin
    return "".join(c for c in "".join(out) if c.isascii() and c.isalnum())[:64]


def upgrade() -> None:
    if op.get_context().as_sql:
        return
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT DISTINCT library_id, term, stem FROM search_terms"))
    values = []
    for library_id, term, stem in rows:
        if not any("\u0400" <= ch <= "\u04ff" for ch in term):
            continue
        latin = _plain(term)
        if latin:
            values.append(
                {
                    "library_id": library_id,
                    "term": term,
                    "latin": latin,
                    "backwards": latin[::-1],
                    "stem": stem,
                }
            )
    insert = sa.text(
        "INSERT INTO search_terms (library_id, term, latin, backwards, stem) "
        "VALUES (:library_id, :term, :latin, :backwards, :stem) "
        "ON CONFLICT (library_id, term, latin) DO NOTHING"
    )
    for start in range(0, len(values), 1000):
        bind.execute(insert, values[start : start + 1000])


def downgrade() -> None:
    pass
