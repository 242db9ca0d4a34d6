"""book_search rows feed the engine's full-text index (FTS5 triggers / PostgreSQL tsvector expression)."""

from __future__ import annotations

from sqlalchemy import text

from librium.database.sqlalchemy import db
from librium.services import books, search_index
from librium.services.books import BookInput


def fts_ids(session, library_id: int, words: str) -> set[int]:
    """Book ids whose search text matches every (prefix) word, through the engine's own index."""
    if session.get_bind().dialect.name == "sqlite":
        query = " ".join(f'"{w}"*' for w in words.split())
        rows = session.execute(
            text("SELECT rowid FROM book_fts WHERE book_fts MATCH :q AND library_id = :lib"),
            {"q": query, "lib": library_id},
        )
    else:
        query = " & ".join(f"{w}:*" for w in words.split())
        rows = session.execute(
            text(
                "SELECT book_id FROM book_search WHERE library_id = :lib AND "
                "(setweight(to_tsvector('simple', title_text), 'A') || "
                "setweight(to_tsvector('simple', people_text), 'B') || "
                "setweight(to_tsvector('simple', other_text), 'C')) @@ to_tsquery('simple', :q)"
            ),
            {"q": query, "lib": library_id},
        )
    return {r[0] for r in rows}


def test_index_follows_add_edit_delete_restore(session, library, other_library):
    lib = library.id
    b = books.add_book(
        session,
        lib,
        BookInput(title="Cien años de soledad", authors="Gabriel García Márquez", isbn="0-06-088328-6"),
    ).book
    books.add_book(session, other_library.id, BookInput(title="Cien años de soledad"))
    assert fts_ids(session, lib, "garcia marquez") == {b.id}
    assert fts_ids(session, lib, "cien anos") == {b.id}
    assert fts_ids(session, lib, "0060883286") == {b.id}  # ISBN-10 spelling
    assert fts_ids(session, lib, "9780060883287") == {b.id}
    books.set_tags(session, lib, b.id, ["Realismo mágico"])
    assert fts_ids(session, lib, "magic") == {b.id}  # prefix of "magico"
    books.update_book(session, lib, b.id, title="One Hundred Years of Solitude")
    assert fts_ids(session, lib, "cien") == set()
    assert fts_ids(session, lib, "solit") == {b.id}
    books.delete_book(session, lib, b.id)
    assert fts_ids(session, lib, "solitude") == set()
    books.restore_book(session, lib, b.id)
    assert fts_ids(session, lib, "solitude") == {b.id}


def test_refresh_library_rebuilds_rows(session, library):
    ids = [
        books.add_book(session, library.id, BookInput(title=f"Book {i}", tags="x")).book.id for i in range(3)
    ]
    session.execute(db.BookSearch.__table__.delete().where(db.BookSearch.book_id.in_(ids)))
    assert fts_ids(session, library.id, "book") == set()
    assert search_index.refresh_library(session, library.id) == 3
    assert fts_ids(session, library.id, "book") == set(ids)
    search_index.refresh(session, [])  # nothing to do
    search_index.refresh(session, [987654321])  # an id that does not exist is ignored


def test_search_row_columns():
    row = search_index.search_row(
        title="Dune",
        subtitle="Part One",
        isbn13="9780441172719",
        authors=[("Frank Herbert", "Herbert")],
        series=["Dune Chronicles"],
        tags=["Épico"],
        publishers=["Ace"],
        genres=["SF"],
        location="Shelf Ω",
    )
    assert row == {
        "title_text": "dune part one",
        "people_text": "frank herbert herbert dune chronicles",
        "other_text": "9780441172719 0441172717 epico ace sf shelf ω",
    }
