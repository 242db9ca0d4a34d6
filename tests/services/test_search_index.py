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


def _row(session, book_id: int) -> dict[str, list[str]]:
    row = session.get(db.BookSearch, book_id, populate_existing=True)
    return {col: sorted(getattr(row, col).split()) for col in ("title_text", "people_text", "other_text")}


def test_a_new_books_row_is_what_a_refresh_would_write(session, library):
    """add_book writes the search row from what it just stored, without reading it back."""
    full = BookInput(
        title="The Colour of Magic",
        subtitle="A Discworld Novel",
        authors=["Terry Pratchett", "Ursula K. Le Guin", "Gabriel García Márquez"],
        isbn="978-0-552-12475-1",
        series="Discworld",
        series_index="1",
        genres="Fantasy, Humour",
        publishers="Corgi; Colin Smythe",
        languages="English",
        tags="favourites, signed <1st>",
        location="Living room, shelf 2",
        format="Paperback",
    )
    bare = BookInput(title="Ἰλιάς", authors="Homer")
    for data in (full, bare):
        book = books.add_book(session, library.id, data).book
        written = _row(session, book.id)
        search_index.refresh(session, [book.id])
        assert written == _row(session, book.id)
    assert "pratchett" in written["people_text"] or "homer" in written["people_text"]
