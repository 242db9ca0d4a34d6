"""ownership.check: “do I own this?” by ISBN or title, in one call, on both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from librium.database.sqlalchemy import db
from librium.errors import Invalid
from librium.services.ownership import by_ids, check


@pytest.fixture
def owned(shelf):
    s = shelf
    dune = s.book(
        "Dune",
        authors=["Frank Herbert"],
        isbn="9780441172719",
        status="read",
        shelf="Attic",
        copies=2,
        format="Paperback",
        readings=[(dt.date(2020, 1, 1), dt.date(2020, 2, 1)), (dt.date(2024, 3, 1), dt.date(2024, 3, 20))],
        lent_to=("Bob", dt.date(2026, 1, 5)),
        returned_loan=("Eve", dt.date(2025, 1, 1), dt.date(2025, 2, 1)),
    )
    wish = s.book("Children of Dune", authors=["Frank Herbert"], isbn="9780441104024", owned=False)
    s.book("Cien años de soledad", authors=["Gabriel García Márquez"], status="reading")
    s.book("Dune Messiah", authors=["Frank Herbert"], deleted=True, isbn="9780441172696")
    return s, dune, wish


@pytest.mark.parametrize(
    "typed", ["9780441172719", "978-0-441-17271-9", "0441172717", "0-441-17271-7", " 978 0441 172719 "]
)
def test_by_isbn_in_any_spelling(session, owned, typed):
    shelf, dune, _ = owned
    answer = check(session, shelf.library_id, typed)
    assert answer.by == "isbn" and answer.isbn13 == "9780441172719"
    assert answer.found and answer.owned and not answer.wishlist
    (held,) = answer.matches
    assert held.book_id == dune
    assert (held.title, held.authors, held.status, held.copies, held.shelf, held.format) == (
        "Dune",
        ["Frank Herbert"],
        "read",
        2,
        "Attic",
        "Paperback",
    )
    assert held.times_read == 2
    assert held.loan is not None and (held.loan.borrower, held.loan.lent_on) == ("Bob", dt.date(2026, 1, 5))


def test_wishlist(session, owned):
    shelf, _, wish = owned
    answer = check(session, shelf.library_id, "0441104029")
    assert answer.found and answer.wishlist and not answer.owned
    assert answer.matches[0].book_id == wish
    assert answer.matches[0].loan is None
    assert not answer.matches[0].owned


def test_by_title_folded(session, owned):
    shelf, dune, _ = owned
    answer = check(session, shelf.library_id, "  DUNE ")
    assert answer.by == "title"
    assert [m.book_id for m in answer.matches] == [dune]  # exact title wins over "Children of Dune"
    answer = check(session, shelf.library_id, "cien anos de soledad")
    assert [m.title for m in answer.matches] == ["Cien años de soledad"]
    assert answer.matches[0].status == "reading" and answer.matches[0].loan is None


def test_by_title_words_when_no_exact_title(session, owned):
    shelf, _, wish = owned
    answer = check(session, shelf.library_id, "children dun")
    assert [m.book_id for m in answer.matches] == [wish]
    # "herbert" is an author, not a title: no title holds it
    assert not check(session, shelf.library_id, "herbert").found


def test_not_in_library(session, owned, other_shelf):
    shelf, _, _ = owned
    other_shelf.book("Neuromancer", isbn="9780441569595")
    for typed in ("Neuromancer", "9780441569595", "Dune Messiah", "9780441172696"):
        answer = check(session, shelf.library_id, typed)
        assert not answer.found and not answer.owned and not answer.wishlist
        assert answer.matches == []
    assert check(session, shelf.library_id, "0441569595").isbn13 == "9780441569595"


def test_bad_input(session, library):
    with pytest.raises(Invalid):
        check(session, library.id, "   ")
    with pytest.raises(Invalid, match="not a valid ISBN"):
        check(session, library.id, "9780441172710")
    assert not check(session, library.id, "!!!").found


def test_by_ids_keeps_only_live_books_of_the_library(session, owned, other_shelf):
    shelf, dune, wish = owned
    theirs = other_shelf.book("Theirs", authors=["Someone"])
    deleted = session.scalar(select(db.Book.id).where(db.Book.title == "Dune Messiah"))
    answer = by_ids(session, shelf.library_id, [dune, wish, theirs, deleted, 10**9])
    assert answer.by == "id"
    assert [(h.book_id, h.title, h.owned) for h in answer.matches] == [
        (dune, "Dune", True),
        (wish, "Children of Dune", False),
    ]
    assert answer.matches[0].loan.borrower == "Bob" and answer.matches[0].times_read == 2
    assert not by_ids(session, shelf.library_id, [theirs]).found
