"""browse: authors, series (progress and gaps), groupings with counts, reading lists; both engines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from librium.errors import Invalid, NotFound
from librium.services import browse

from .conftest import count_statements


@pytest.fixture
def library_books(shelf):
    s = shelf
    s.book(
        "A Wizard of Earthsea",
        authors=["Ursula K. Le Guin"],
        series=[("Earthsea", 1)],
        status="read",
        genres=["Fantasy"],
        year=1968,
        format="Paperback",
        shelf="Attic",
        languages=["English"],
        publishers=["Parnassus"],
        tags=["classic"],
    )
    s.book(
        "The Tombs of Atuan",
        authors=["Ursula K. Le Guin"],
        series=[("Earthsea", 2)],
        status="read",
        genres=["Fantasy"],
        year=1970,
        format="Paperback",
        shelf="Attic",
        languages=["English"],
    )
    s.book(
        "Tehanu",
        authors=["Ursula K. Le Guin"],
        series=[("Earthsea", 4)],
        status="reading",
        genres=["Fantasy"],
        year=1990,
        format="Hardcover",
        tags=["classic", "fav"],
    )
    s.book(
        "Tales from Earthsea",
        authors=["Ursula K. Le Guin"],
        series=[("Earthsea", "4.5")],
        genres=["Fantasy", "Short Stories"],
        year=2001,
    )
    s.book(
        "The Dispossessed",
        authors=["Ursula K. Le Guin"],
        genres=["Science Fiction"],
        year=1974,
        status="read",
    )
    s.book("The Left Hand of Darkness", authors=["Ursula K. Le Guin"], genres=["Science Fiction"], year=1969)
    s.book(
        "Good Omens",
        authors=["Terry Pratchett", "Neil Gaiman"],
        genres=["Fantasy", "Humour"],
        year=1990,
        status="read",
        languages=["English"],
    )
    s.book("Cien años de soledad", authors=["Gabriel García Márquez"], year=1967, languages=["Español"])
    s.book(
        "Deleted Earthsea",
        authors=["Ursula K. Le Guin", "Ghost Writer"],
        series=[("Earthsea", 3)],
        genres=["Fantasy", "Gone"],
        year=1999,
        tags=["gone"],
        format="Audio",
        deleted=True,
    )
    return s


def test_authors_sorted_by_sort_name_with_counts(session, library_books):
    library_books.author("Anne Orphan")  # no books at all
    library_books.named("series", "Empty Saga")
    page = browse.authors(session, library_books.library_id)
    assert [(a.sort_name, a.books, a.read, a.unread) for a in page.items] == [
        ("Gaiman, Neil", 1, 1, 0),
        ("García Márquez, Gabriel", 1, 0, 1),
        ("Le Guin, Ursula K.", 6, 3, 3),  # the deleted book is not counted
        ("Pratchett, Terry", 1, 1, 0),
    ]  # "Ghost Writer" has only a deleted book, "Anne Orphan" none
    assert (page.total, page.pages) == (4, 1)
    assert browse.series(session, library_books.library_id).total == 1  # Earthsea; not the empty one


def test_authors_paginate(session, library_books):
    first = browse.authors(session, library_books.library_id, page=1, page_size=3)
    second = browse.authors(session, library_books.library_id, page=2, page_size=3)
    assert [a.name for a in first.items] == ["Neil Gaiman", "Gabriel García Márquez", "Ursula K. Le Guin"]
    assert [a.name for a in second.items] == ["Terry Pratchett"]
    assert (first.total, first.pages, second.page) == (4, 2, 2)
    beyond = browse.authors(session, library_books.library_id, page=7, page_size=3)
    assert beyond.page == 2 and [a.name for a in beyond.items] == ["Terry Pratchett"]


def test_author_books_grouped_by_series(session, library_books):
    le_guin = next(a for a in browse.authors(session, library_books.library_id).items if a.books == 6)
    result = browse.author_books(session, library_books.library_id, le_guin.id)
    assert (result.author.books, result.author.read) == (6, 3)
    assert [(g.name, [b.title for b in g.books]) for g in result.groups] == [
        ("Earthsea", ["A Wizard of Earthsea", "The Tombs of Atuan", "Tehanu", "Tales from Earthsea"]),
        (None, ["The Left Hand of Darkness", "The Dispossessed"]),  # outside a series: by year
    ]
    assert [b.read for b in result.groups[0].books] == [True, True, False, False]
    assert result.groups[0].books[3].series_index == Decimal("4.5")


def test_author_of_another_library_is_not_found(session, library_books, other_shelf):
    stranger = other_shelf.author("Someone Else")
    with pytest.raises(NotFound):
        browse.author_books(session, library_books.library_id, stranger.id)


def test_series_list_with_progress(session, library_books):
    library_books.book("Mort", authors=["Terry Pratchett"], series=[("Discworld", 4)], status="read")
    page = browse.series(session, library_books.library_id)
    assert [(s.name, s.books, s.read) for s in page.items] == [("Discworld", 1, 1), ("Earthsea", 4, 2)]


def test_series_detail_in_order_with_gaps(session, library_books):
    earthsea = next(s for s in browse.series(session, library_books.library_id).items if s.name == "Earthsea")
    detail = browse.series_detail(session, library_books.library_id, earthsea.id)
    assert [(b.title, b.series_index, b.read) for b in detail.books] == [
        ("A Wizard of Earthsea", Decimal("1"), True),
        ("The Tombs of Atuan", Decimal("2"), True),
        ("Tehanu", Decimal("4"), False),
        ("Tales from Earthsea", Decimal("4.5"), False),
    ]
    assert detail.gaps == [3]  # book 3 is deleted, so missing; 4.5 is not a gap
    assert (detail.total, detail.read) == (4, 2)
    assert detail.books[0].authors == ["Ursula K. Le Guin"]


@pytest.mark.parametrize(
    ("indices", "expected"),
    [
        (["1", "2", "4"], [3]),
        (["1", "1.5", "2"], []),
        (["3", "4"], [1, 2]),
        (["1", "2.5", "3"], [2]),
        ([None, "2"], [1]),
        ([None], []),
        (["0", "1"], []),
        ([], []),
    ],
)
def test_gaps(indices, expected):
    assert browse.gaps([Decimal(i) if i is not None else None for i in indices]) == expected


def test_series_detail_unnumbered_last_and_not_found(session, shelf, other_shelf):
    shelf.book("Extra", series=[("Saga", None)])
    shelf.book("First", series=[("Saga", 1)])
    saga = browse.series(session, shelf.library_id).items[0]
    assert [b.title for b in browse.series_detail(session, shelf.library_id, saga.id).books] == [
        "First",
        "Extra",
    ]
    other_shelf.book("Theirs", series=[("Theirs", 1)])
    theirs = browse.series(session, other_shelf.library_id).items[0]
    with pytest.raises(NotFound):
        browse.series_detail(session, shelf.library_id, theirs.id)


def test_find_series_by_name_exact_first_then_word_prefixes(session, shelf, other_shelf):
    for name in ("Discworld", "Discworld: City Watch", "The Disc Saga", "100% Disc_s", "Dune"):
        shelf.book(f"A book of {name}", series=[(name, 1)])
    other_shelf.book("Theirs", series=[("Discworld", 1)])

    def names(text: str, **kw) -> list[str]:
        return [name for _, name in browse.find_series(session, shelf.library_id, text, **kw)]

    assert names("discworld") == ["Discworld", "Discworld: City Watch"]
    # No exact name: the shortest first.
    assert names("DÍSC") == ["Discworld", "100% Disc_s", "The Disc Saga", "Discworld: City Watch"]
    assert names("disc", limit=1) == ["Discworld"]
    assert names("city") == ["Discworld: City Watch"]
    assert names("100%") == ["100% Disc_s"] and names("disc_") == ["100% Disc_s"]  # LIKE wildcards are plain
    assert names("%") == [] and names("") == [] and names("nothing") == []


def test_groupings_with_counts(session, library_books):
    lib = library_books.library_id

    def names(page):
        return [(e.name, e.books) for e in page.items]

    assert names(browse.genres(session, lib)) == [
        ("Fantasy", 5),
        ("Humour", 1),
        ("Science Fiction", 2),
        ("Short Stories", 1),
    ]
    assert names(browse.genres(session, lib, order="count"))[0] == ("Fantasy", 5)
    assert names(browse.tags(session, lib)) == [("classic", 2), ("fav", 1)]
    assert names(browse.shelves(session, lib)) == [("Attic", 2)]
    assert names(browse.formats(session, lib)) == [("Hardcover", 1), ("Paperback", 2)]
    assert names(browse.languages(session, lib)) == [("English", 3), ("Español", 1)]
    assert names(browse.publishers(session, lib)) == [("Parnassus", 1)]
    assert [(y.year, y.books) for y in browse.years(session, lib).items] == [
        (2001, 1),
        (1990, 2),
        (1974, 1),
        (1970, 1),
        (1969, 1),
        (1968, 1),
        (1967, 1),
    ]
    assert [(y.year, y.books) for y in browse.decades(session, lib).items] == [
        (2000, 1),
        (1990, 2),
        (1970, 2),
        (1960, 3),
    ]


def test_grouping_pages(session, library_books):
    lib = library_books.library_id
    first = browse.genres(session, lib, page_size=3)
    second = browse.genres(session, lib, page=2, page_size=3)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (4, 2, 3, 1)
    assert second.items[0].name == "Short Stories"
    past = browse.years(session, lib, page=10, page_size=5)
    assert (past.page, past.total, [y.year for y in past.items]) == (2, 7, [1968, 1967])


def test_grouping_errors(session, library):
    with pytest.raises(Invalid):
        browse.facet(session, library.id, "colour")
    with pytest.raises(Invalid):
        browse.genres(session, library.id, order="size")
    empty = browse.genres(session, library.id)
    assert (empty.items, empty.total, empty.pages) == ([], 0, 1)


def test_other_library_invisible_in_browse(session, library_books, other_shelf):
    other_shelf.book(
        "Theirs", authors=["Ursula K. Le Guin"], genres=["Fantasy"], year=1968, series=[("Earthsea", 3)]
    )
    lib = library_books.library_id
    assert browse.genres(session, lib).items[0].books == 5
    assert next(a for a in browse.authors(session, lib).items if a.name == "Ursula K. Le Guin").books == 6
    assert [(s.name, s.books) for s in browse.series(session, lib).items] == [("Earthsea", 4)]


def test_unread_and_reading_lists(session, library_books):
    lib = library_books.library_id
    unread = browse.unread(session, lib)
    assert [r.title for r in unread.rows] == [
        "Cien años de soledad",
        "Tales from Earthsea",
        "Tehanu",
        "The Left Hand of Darkness",
    ]
    assert unread.total == 4
    assert [r.title for r in browse.reading(session, lib).rows] == ["Tehanu"]
    assert [r.title for r in browse.unread(session, lib, sort="-year", page_size=2).rows] == [
        "Tales from Earthsea",
        "Tehanu",
    ]


def test_browse_statements_do_not_grow_with_page_size(session, shelf):
    for n in range(40):
        shelf.book(
            f"B{n}", authors=[f"Author {n:02d}"], series=[(f"Series {n:02d}", 1)], genres=[f"G{n:02d}"]
        )
    for call in (browse.authors, browse.series, browse.genres, browse.years):
        counts = []
        for size in (10, 30):
            with count_statements(session) as statements:
                call(session, shelf.library_id, page_size=size)
            counts.append(len(statements))
        assert counts[0] == counts[1], call.__name__
