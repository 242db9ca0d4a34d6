"""The read side follows the write side: books added, edited, deleted and restored through the book
service are found (or not) by search, browse and ownership at once, on both engines."""

from __future__ import annotations

from librium.services import books, browse, ownership
from librium.services.search import search


def titles(session, library_id, text) -> list[str]:
    return [row.title for row in search(session, library_id, text, page_size=50).rows]


def test_add_edit_delete_restore_round_trip(session, library):
    lib = library.id
    added = books.add_book(
        session,
        lib,
        books.BookInput(
            title="Cien años de soledad",
            authors="García Márquez, Gabriel",
            isbn="0-06-088328-6",
            genres="Magical Realism; Classics",
            series="Macondo",
            series_index=1,
            location="Study",
        ),
    )
    book_id = added.book.id
    assert titles(session, lib, "garcia marq") == ["Cien años de soledad"]
    assert titles(session, lib, "9780060883287") == ["Cien años de soledad"]
    assert titles(session, lib, "genre:classics shelf:study series:macondo") == ["Cien años de soledad"]

    books.update_book(session, lib, book_id, title="One Hundred Years of Solitude")
    assert titles(session, lib, "soledad") == []
    assert titles(session, lib, "solit") == ["One Hundred Years of Solitude"]
    assert ownership.check(session, lib, "one hundred years of solitude").owned

    books.set_authors(session, lib, book_id, ["Gabo"])
    assert titles(session, lib, "marquez") == []
    assert titles(session, lib, "author:gabo") == ["One Hundred Years of Solitude"]
    assert [a.name for a in browse.authors(session, lib).items] == ["Gabo"]

    books.delete_book(session, lib, book_id)
    for text in ("solitude", "", "author:gabo", "is:unread"):
        assert titles(session, lib, text) == [], text
    assert browse.authors(session, lib).total == 0
    assert browse.genres(session, lib).total == 0
    assert not ownership.check(session, lib, "0060883286").found

    books.restore_book(session, lib, book_id)
    assert titles(session, lib, "solitude") == ["One Hundred Years of Solitude"]
    series = browse.series(session, lib).items
    assert [(s.name, s.books) for s in series] == [("Macondo", 1)]
    detail = browse.series_detail(session, lib, series[0].id)
    assert [b.id for b in detail.books] == [book_id]


def test_copies_are_one_book_in_counts(session, library):
    lib = library.id
    first = books.add_book(
        session, lib, books.BookInput(title="Dune", authors="Frank Herbert", isbn="9780441172719")
    )
    again = books.add_book(
        session, lib, books.BookInput(title="Dune", isbn="0441172717", copies=1), allow_duplicate=True
    )
    assert again.copies_added and again.book.id == first.book.id
    page = search(session, lib, "dune")
    assert page.total == 1
    answer = ownership.check(session, lib, "978-0-441-17271-9")
    assert [m.copies for m in answer.matches] == [2]
