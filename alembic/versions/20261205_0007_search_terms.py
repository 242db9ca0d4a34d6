"""search_terms: each library's vocabulary for typo, transliteration and word-form search

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 08:00:00

A new table (with a trigram index over its ASCII readings: FTS5's trigram tokenizer on SQLite,
pg_trgm on PostgreSQL), filled from the books' search rows. Expand-only: the previous release never
reads it; books it adds or edits while it still runs miss their new words until their next edit
(``vocabulary.rebuild`` repairs a library), and are still found by their exact words.

PostgreSQL needs the pg_trgm extension (in postgresql-contrib; a trusted extension since PostgreSQL
13, so the database owner may create it; Heroku allows it).
"""

import re
import unicodedata
from collections.abc import Sequence

import snowballstemmer
import sqlalchemy as sa
from alembic import op
from anyascii import anyascii

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Named book_fts_*: env.py's include_object leaves these out of autogenerate (not in the models).
_SQLITE = [
    """CREATE VIRTUAL TABLE book_fts_terms USING fts5(
        latin, content='search_terms', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER book_fts_terms_ai AFTER INSERT ON search_terms BEGIN
        INSERT INTO book_fts_terms(rowid, latin) VALUES (new.id, new.latin);
    END""",
    """CREATE TRIGGER book_fts_terms_ad AFTER DELETE ON search_terms BEGIN
        INSERT INTO book_fts_terms(book_fts_terms, rowid, latin) VALUES ('delete', old.id, old.latin);
    END""",
    """CREATE TRIGGER book_fts_terms_au AFTER UPDATE ON search_terms BEGIN
        INSERT INTO book_fts_terms(book_fts_terms, rowid, latin) VALUES ('delete', old.id, old.latin);
        INSERT INTO book_fts_terms(rowid, latin) VALUES (new.id, new.latin);
    END""",
]
_POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX book_fts_terms_latin_trgm ON search_terms USING gin (latin gin_trgm_ops)",
    "CREATE INDEX book_fts_terms_backwards_trgm ON search_terms USING gin (backwards gin_trgm_ops)",
]


def upgrade() -> None:
    op.create_table(
        "search_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("library_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("latin", sa.String(length=64), nullable=False),
        sa.Column("backwards", sa.String(length=64), nullable=False),
        sa.Column("stem", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["library_id"],
            ["libraries.id"],
            name=op.f("fk_search_terms_library_id_libraries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_terms")),
        sa.UniqueConstraint(
            "library_id", "term", "latin", name=op.f("uq_search_terms_library_id_term_latin")
        ),
    )
    with op.batch_alter_table("search_terms", schema=None) as batch_op:
        batch_op.create_index(
            "ix_search_terms_library_id_backwards", ["library_id", "backwards"], unique=False
        )
        batch_op.create_index("ix_search_terms_library_id_latin", ["library_id", "latin"], unique=False)
        batch_op.create_index("ix_search_terms_library_id_stem", ["library_id", "stem"], unique=False)
    for statement in _SQLITE if op.get_context().dialect.name == "sqlite" else _POSTGRESQL:
        op.execute(statement)
    if not op.get_context().as_sql:
        backfill()


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for trigger in ("book_fts_terms_ai", "book_fts_terms_ad", "book_fts_terms_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS book_fts_terms")
    else:
        op.execute("DROP INDEX IF EXISTS book_fts_terms_backwards_trgm")
        op.execute("DROP INDEX IF EXISTS book_fts_terms_latin_trgm")
    with op.batch_alter_table("search_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_search_terms_library_id_stem")
        batch_op.drop_index("ix_search_terms_library_id_latin")
        batch_op.drop_index("ix_search_terms_library_id_backwards")
    op.drop_table("search_terms")


# A frozen copy of what librium.services.vocabulary did at this revision (migrations must not change
# with app code), from the folded search rows: Latin, Cyrillic and Greek readings and stems.
_WORD = re.compile(r"[^\W_]+")
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")
_STEMMERS = {"LATIN": "english", "CYRILLIC": "russian", "GREEK": "greek"}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _stem(word: str, stemmers: dict) -> str:
    script = unicodedata.name(word[0], "").split(" ")[0]
    language = _STEMMERS.get(script)
    if language not in stemmers and language:
        stemmers[language] = snowballstemmer.stemmer(language)
    return _fold(stemmers[language].stemWord(word) if language else word)[:64]


def backfill() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT library_id, title_text, people_text, other_text FROM book_search"))
    found: set[tuple] = set()
    stemmers: dict = {}
    for library_id, *texts in rows:
        for term in _WORD.findall(" ".join(t or "" for t in texts)):
            if len(term) < 2 or len(term) > 64 or any(ch.isdigit() for ch in term):
                continue
            latin = _NOT_ASCII_WORD.sub("", _fold(anyascii(term)))[:64]
            if latin:
                found.add((library_id, term, latin, latin[::-1], _stem(term, stemmers)))
    values = [dict(zip(("library_id", "term", "latin", "backwards", "stem"), v, strict=True)) for v in found]
    insert = sa.text(
        "INSERT INTO search_terms (library_id, term, latin, backwards, stem) "
        "VALUES (:library_id, :term, :latin, :backwards, :stem)"
    )
    for start in range(0, len(values), 1000):
        bind.execute(insert, values[start : start + 1000])
