"""Books: add, duplicates and copies, cards, edits, soft delete/restore, and library scoping."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from stdnum import ean
from stdnum import isbn as stdnum_isbn

from librium.database.sqlalchemy import db
from librium.errors import Duplicate, Invalid, NotFound
from librium.services import books
from librium.services.books import BookInput
from tests.services.conftest import count_statements

DUNE_13 = "9780441172719"
DUNE_10 = "0-441-17271-7"


def add(session, library, **kw):
    kw.setdefault("title", "A Book")
    return books.add_book(session, library.id, BookInput(**kw))


def search_row(session, book_id):
    return session.get(db.BookSearch, book_id, populate_existing=True)


def test_a_title_alone_is_enough(session, library):
    result = add(session, library, title="  The   Dispossessed ")
    assert result.added and not result.duplicates
    book = result.book
    assert book.title == "The Dispossessed"
    assert book.authors == [] and book.series == [] and book.status == "to-read"
    assert book.copies == 1 and book.owned and not book.deleted and book.readings == 0
    assert book.current_loan is None


def test_full_card(session, library):
    result = add(
        session,
        library,
        title="The Fellowship of the Ring",
        subtitle="Being the first part of The Lord of the Rings",
        authors="J. R. R. Tolkien",
        isbn="978-0-261-10235-4",
        year="1954",
        pages=432,
        price="12,99",
        currency="gbp",
        format="Paperback",
        series="The Lord of the Rings",
        series_index=1,
        genres="Fantasy; Classics",
        publishers=["Allen & Unwin"],
        languages="English",
        tags=["favourites", "reread"],
        location="Living room shelf",
        rating=4.5,
        status="read",
        notes="  Loved it. ",
        metadata_source="manual",
    )
    b = result.book
    assert [a.name for a in b.authors] == ["J. R. R. Tolkien"]
    assert b.authors[0].sort_name == "Tolkien, J. R. R."
    assert b.isbn13 == "9780261102354" and b.isbn10 == "0261102354"
    assert (b.year, b.pages, b.price, b.currency) == (1954, 432, Decimal("12.99"), "GBP")
    assert b.format.name == "Paperback"
    assert [(s.name, s.index) for s in b.series] == [("The Lord of the Rings", Decimal("1.000"))]
    assert [g.name for g in b.genres] == ["Classics", "Fantasy"]
    assert [p.name for p in b.publishers] == ["Allen & Unwin"]
    assert [t.name for t in b.tags] == ["favourites", "reread"]
    assert b.location.name == "Living room shelf"
    assert (b.rating, b.status, b.notes) == (4.5, "read", "Loved it.")

    row = search_row(session, b.id)
    assert row.title_text == "the fellowship of the ring being the first part of the lord of the rings"
    assert "j r r tolkien" in row.people_text and "the lord of the rings" in row.people_text
    for word in (
        "9780261102354",
        "0261102354",
        "favourites",
        "allen unwin",  # punctuation is dropped from the indexed text
        "fantasy",
        "living room shelf",
    ):
        assert word in row.other_text


def test_authors_keep_their_order_and_comma_forms(session, library):
    b = add(session, library, title="Good Omens", authors="Pratchett, Terry & Neil Gaiman").book
    assert b.author_names == ["Terry Pratchett", "Neil Gaiman"]
    b = add(session, library, title="Other", authors=["Le Guin, Ursula K.", "King, Martin Luther, Jr."]).book
    assert b.author_names == ["Ursula K. Le Guin", "Martin Luther King Jr."]


def test_search_row_is_folded(session, library):
    b = add(
        session, library, title="Cien años de soledad", authors="Gabriel García Márquez", tags="Réalisme"
    ).book
    row = search_row(session, b.id)
    assert row.title_text == "cien anos de soledad"
    assert "gabriel garcia marquez" in row.people_text and "garcia marquez" in row.people_text
    assert "realisme" in row.other_text


# --------------------------------------------------------------------------- duplicates and copies


def test_same_isbn_in_another_spelling_is_a_duplicate(session, library):
    first = add(session, library, title="Dune", isbn=DUNE_13).book
    result = add(session, library, title="Dune (another title)", isbn=DUNE_10)
    assert not result.added and result.book is None
    assert [d.id for d in result.duplicates] == [first.id]
    assert session.scalar(select(db.Book.copies).where(db.Book.id == first.id)) == 1


def test_allow_duplicate_with_same_isbn_adds_a_copy(session, library):
    first = add(session, library, title="Dune", isbn=DUNE_13).book
    result = books.add_book(session, library.id, BookInput(title="Dune", isbn=DUNE_10), allow_duplicate=True)
    assert result.copies_added and not result.added
    assert result.book.id == first.id and result.book.copies == 2
    count = session.scalar(select(func.count()).where(db.Book.library_id == library.id))
    assert count == 1


def test_same_title_and_first_author_is_a_duplicate_whatever_the_spelling(session, library):
    first = add(session, library, title="The Left Hand of Darkness", authors="Ursula K. Le Guin").book
    result = add(session, library, title="the left hand of DARKNÉSS", authors="Le Guin, Ursula K.")
    assert [d.id for d in result.duplicates] == [first.id] and not result.added
    # Another author or another title is not a duplicate.
    assert add(session, library, title="The Left Hand of Darkness", authors="Somebody Else").added
    assert add(session, library, title="The Lathe of Heaven", authors="Ursula K. Le Guin").added


def test_allow_duplicate_without_isbn_adds_a_second_book(session, library):
    add(session, library, title="Emma", authors="Jane Austen")
    result = books.add_book(
        session, library.id, BookInput(title="Emma", authors="Jane Austen"), allow_duplicate=True
    )
    assert result.added and len(result.duplicates) == 1 and result.book.id != result.duplicates[0].id


def test_duplicates_ignore_other_libraries_and_deleted_books(session, library, other_library):
    add(session, other_library, title="Dune", isbn=DUNE_13)
    gone = add(session, library, title="Dune", isbn=DUNE_13).book
    books.delete_book(session, library.id, gone.id)
    result = add(session, library, title="Dune", isbn=DUNE_10)
    assert result.added and result.duplicates == []


# --------------------------------------------------------------------------- entities are matched, not duplicated


def test_entities_are_matched_case_and_accent_insensitively(session, library):
    a = add(session, library, title="A", genres=["science fiction"], authors="Gabriel García Márquez").book
    b = add(session, library, title="B", genres=["Science Fiction"], authors="gabriel garcia marquez").book
    c = add(session, library, title="C", genres="Scíence Fiction", authors="García Márquez, Gabriel").book
    assert a.genres[0].id == b.genres[0].id == c.genres[0].id
    assert a.genres[0].name == "science fiction"  # the first spelling is kept
    assert a.authors[0].id == b.authors[0].id == c.authors[0].id
    genres = session.scalars(select(db.Genre).where(db.Genre.library_id == library.id)).all()
    assert len(genres) == 1


def test_entities_are_per_library(session, library, other_library):
    a = add(session, library, title="A", genres="Fantasy").book
    b = add(session, other_library, title="B", genres="Fantasy").book
    assert a.genres[0].id != b.genres[0].id


# --------------------------------------------------------------------------- edits


def test_update_fields(session, library):
    b = add(session, library, title="Dune").book
    v = books.update_book(
        session,
        library.id,
        b.id,
        title="Dune Messiah",
        isbn=DUNE_10,
        year=1969,
        rating="3.5",
        notes="ok",
        copies=2,
    )
    assert (v.title, v.isbn13, v.year, v.rating, v.notes, v.copies) == (
        "Dune Messiah",
        DUNE_13,
        1969,
        3.5,
        "ok",
        2,
    )
    v = books.update_book(session, library.id, b.id, rating=None, isbn=None, year=None)
    assert (v.rating, v.isbn13, v.year) == (None, None, None)
    assert search_row(session, b.id).title_text == "dune messiah"


def test_update_relations_in_one_call(session, library):
    b = add(session, library, title="Dune", authors="Frank Herbert", genres="SF").book
    v = books.update_book(
        session,
        library.id,
        b.id,
        authors=["Brian Herbert", "Kevin J. Anderson"],
        series="Dune",
        series_index="1.5",
        genres=[],
        tags="desert, spice",
        location="Box 3",
        format="Hardcover",
    )
    assert v.author_names == ["Brian Herbert", "Kevin J. Anderson"]
    assert [(s.name, s.index) for s in v.series] == [("Dune", Decimal("1.500"))]
    assert v.genres == [] and [t.name for t in v.tags] == ["desert", "spice"]
    assert v.location.name == "Box 3" and v.format.name == "Hardcover"
    v = books.update_book(session, library.id, b.id, series_index=2)
    assert v.series[0].index == Decimal("2.000")
    row = search_row(session, b.id)
    assert "kevin j anderson" in row.people_text and "frank herbert" not in row.people_text
    assert "box 3" in row.other_text and "desert" in row.other_text


def test_set_authors_reorders(session, library):
    b = add(session, library, title="Good Omens", authors="Terry Pratchett & Neil Gaiman").book
    v = books.set_authors(session, library.id, b.id, ["Neil Gaiman", "Terry Pratchett"])
    assert v.author_names == ["Neil Gaiman", "Terry Pratchett"]
    v = books.set_authors(session, library.id, b.id, [])
    assert v.authors == []


def test_set_series_genres_tags_location(session, library):
    b = add(session, library, title="Mort").book
    v = books.set_series(session, library.id, b.id, "Discworld", 4)
    assert [(s.name, s.index) for s in v.series] == [("Discworld", Decimal("4.000"))]
    v = books.set_series(session, library.id, b.id, "Death", None)
    assert [(s.name, s.index) for s in v.series] == [("Death", None)]
    assert books.set_series(session, library.id, b.id, None).series == []
    assert [g.name for g in books.set_genres(session, library.id, b.id, ["Fantasy", "Humour"]).genres] == [
        "Fantasy",
        "Humour",
    ]
    assert [t.name for t in books.set_tags(session, library.id, b.id, "funny").tags] == ["funny"]
    assert books.set_location(session, library.id, b.id, "Shelf A").location.name == "Shelf A"
    assert books.set_location(session, library.id, b.id, None).location is None
    assert "shelf a" not in search_row(session, b.id).other_text


def test_changing_isbn_to_one_another_book_has_is_refused(session, library):
    add(session, library, title="Dune", isbn=DUNE_13)
    other = add(session, library, title="Other").book
    with pytest.raises(Duplicate, match="already has ISBN"):
        books.update_book(session, library.id, other.id, isbn=DUNE_10)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "needs a title"),
        ({"title": None}, "needs a title"),
        ({"isbn": "123"}, "not a valid ISBN"),
        ({"year": "soon"}, "is not a year"),
        ({"pages": 0}, "more than 0"),
        ({"rating": 7}, "0.5 to 5 stars"),
        ({"rating": 4.25}, "half stars"),
        ({"status": "maybe"}, "not a reading status"),
        ({"currency": "euro"}, "currency code"),
        ({"colour": "red"}, "cannot change colour"),
        ({"series_index": 3}, "in no series"),
        ({"genres": ["x" * 1001]}, "too long"),
        ({"genres": ["𝔁" * 700]}, "too long"),  # under 1,000 characters, over what an index holds
    ],
)
def test_validation_errors_are_readable(session, library, changes, message):
    b = add(session, library, title="Dune").book
    with pytest.raises(Invalid, match=message):
        books.update_book(session, library.id, b.id, **changes)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "  "}, "needs a title"),
        ({"title": "X", "isbn": "978-0-441-17271-8"}, "not a valid ISBN"),
        ({"title": "X", "series_index": 2}, "needs a series name"),
        ({"title": "X", "authors": "@@"}, "not an author's name"),
        ({"title": "X", "price": "-3"}, "cannot be negative"),
    ],
)
def test_add_validation_errors_are_readable(session, library, data, message):
    with pytest.raises(Invalid, match=message):
        books.add_book(session, library.id, BookInput(**data))


# --------------------------------------------------------------------------- delete and restore


def test_soft_delete_hides_and_restore_brings_back(session, library):
    b = add(session, library, title="Dune", isbn=DUNE_13, authors="Frank Herbert").book
    gone = books.delete_book(session, library.id, b.id)
    assert gone.deleted
    with pytest.raises(NotFound):
        books.get_book(session, library.id, b.id)
    assert books.get_books(session, library.id, [b.id]) == []
    assert search_row(session, b.id) is None
    assert books.get_book(session, library.id, b.id, include_deleted=True).deleted
    with pytest.raises(NotFound):
        books.update_book(session, library.id, b.id, title="x")

    back = books.restore_book(session, library.id, b.id)
    assert not back.deleted and back.author_names == ["Frank Herbert"]
    assert books.get_book(session, library.id, b.id).title == "Dune"
    assert search_row(session, b.id).title_text == "dune"
    with pytest.raises(NotFound):
        books.restore_book(session, library.id, b.id)  # not deleted any more


def test_restore_is_refused_when_the_isbn_was_taken_again(session, library):
    b = add(session, library, title="Dune", isbn=DUNE_13).book
    books.delete_book(session, library.id, b.id)
    again = add(session, library, title="Dune (new copy)", isbn=DUNE_10).book
    with pytest.raises(
        Duplicate, match="Cannot restore “Dune”: “Dune \\(new copy\\)” now has the same ISBN"
    ) as exc:
        books.restore_book(session, library.id, b.id)
    assert exc.value.existing_ids == [again.id]


# --------------------------------------------------------------------------- scoping by library


def test_every_book_function_refuses_a_book_of_another_library(session, library, other_library):
    theirs = add(session, other_library, title="Secret", isbn=DUNE_13).book
    lib = library.id
    calls = [
        lambda: books.get_book(session, lib, theirs.id),
        lambda: books.update_book(session, lib, theirs.id, title="Mine now"),
        lambda: books.set_authors(session, lib, theirs.id, ["X Y"]),
        lambda: books.set_series(session, lib, theirs.id, "S", 1),
        lambda: books.set_genres(session, lib, theirs.id, ["G"]),
        lambda: books.set_tags(session, lib, theirs.id, ["T"]),
        lambda: books.set_publishers(session, lib, theirs.id, ["P"]),
        lambda: books.set_languages(session, lib, theirs.id, ["L"]),
        lambda: books.set_location(session, lib, theirs.id, "Shelf"),
        lambda: books.set_format(session, lib, theirs.id, "Ebook"),
        lambda: books.delete_book(session, lib, theirs.id),
        lambda: books.restore_book(session, lib, theirs.id),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert books.get_books(session, lib, [theirs.id]) == []
    assert books.get_book(session, other_library.id, theirs.id).title == "Secret"


# --------------------------------------------------------------------------- constant number of queries


def _fill(session, library, n):
    ids = []
    for i in range(n):
        b = add(
            session,
            library,
            title=f"Book {i}",
            authors=[f"Author{i} One", f"Author{i} Two"],
            series="Saga",
            series_index=i + 1,
            genres=["G", f"G-{i}"],
            tags=["t", f"t-{i}"],
            publishers="P",
            languages="English",
            location="Shelf",
            format="Paperback",
        ).book
        ids.append(b.id)
    return ids


def test_get_books_uses_a_constant_number_of_queries_and_keeps_order(session, library):
    ids = _fill(session, library, 12)
    session.expunge_all()
    with count_statements(session) as few:
        small = books.get_books(session, library.id, ids[:2])
    session.expunge_all()
    with count_statements(session) as many:
        big = books.get_books(session, library.id, list(reversed(ids)))
    assert few.count == many.count <= 10
    assert [b.id for b in big] == list(reversed(ids)) and len(small) == 2
    assert all(len(b.authors) == 2 and len(b.tags) == 2 for b in big)


def test_refresh_uses_a_constant_number_of_queries(session, library):
    from librium.services import search_index

    ids = _fill(session, library, 10)
    with count_statements(session) as few:
        search_index.refresh(session, ids[:1])
    with count_statements(session) as many:
        search_index.refresh(session, ids)
    assert few.count == many.count


# --------------------------------------------------------------------------- ISBN-10/13 property


def _isbn10(digits: str) -> str:
    return stdnum_isbn.to_isbn10("978" + digits + ean.calc_check_digit("978" + digits))


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.from_regex(r"[0-9]{9}", fullmatch=True), st.sampled_from(["", "-", " "]))
def test_isbn10_and_isbn13_spellings_are_one_book(session, library, digits, sep):
    ten = _isbn10(digits)
    thirteen = stdnum_isbn.to_isbn13(ten)
    spelled = sep.join([ten[:1], ten[1:5], ten[5:9], ten[9:]])
    with session.begin_nested() as nested:
        first = add(session, library, title="Edition", isbn=spelled)
        assert first.added and first.book.isbn13 == thirteen
        assert first.book.isbn10 == ten
        again = add(session, library, title="Other title", isbn=thirteen)
        assert [d.id for d in again.duplicates] == [first.book.id]
        nested.rollback()
