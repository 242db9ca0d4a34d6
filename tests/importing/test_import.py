"""Importing into a real library (SQLite and PostgreSQL): the shared real Goodreads exports end to end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from librium.database.sqlalchemy import db
from librium.errors import Invalid
from librium.services import books, reading
from librium.services.importing import apply_plan, import_file, plan_import
from tests.importing.conftest import csv_rows, goodreads_csv, goodreads_file


def _book_count(session, library_id: int) -> int:
    return session.scalar(select(func.count(db.Book.id)).where(db.Book.library_id == library_id))


def _snapshot(session, library_id: int) -> dict:
    """Row counts of everything an import writes, to prove a failed import left nothing behind."""
    counts = {}
    for model in (db.Book, db.Author, db.Tag, db.Series, db.Publisher, db.Format):
        counts[model.__name__] = session.scalar(
            select(func.count()).select_from(model).where(model.library_id == library_id)
        )
    counts["readings"] = session.scalar(
        select(func.count(db.Reading.id)).join(db.Book).where(db.Book.library_id == library_id)
    )
    counts["search"] = session.scalar(
        select(func.count()).select_from(db.BookSearch).where(db.BookSearch.library_id == library_id)
    )
    return counts


def _load(session, library_id: int, title: str) -> db.Book:
    return session.scalars(
        select(db.Book)
        .where(db.Book.library_id == library_id, db.Book.title == title)
        .options(
            selectinload(db.Book.author_links).selectinload(db.BookAuthor.author),
            selectinload(db.Book.series_links).selectinload(db.BookSeries.series),
            selectinload(db.Book.tags),
            selectinload(db.Book.publishers),
            selectinload(db.Book.format),
            selectinload(db.Book.readings),
        )
    ).one()


def test_every_row_of_every_real_export_is_accounted_for(session, library, goodreads_export):
    _name, data = goodreads_export
    rows = csv_rows(data)
    plan = plan_import(session, library.id, data)
    assert plan.rows == len(rows)
    assert len(plan.new) + len(plan.duplicates) + len(plan.problems) == len(rows)
    if plan.problems:
        with pytest.raises(Invalid, match="problems"):
            apply_plan(session, library.id, plan)
        assert _book_count(session, library.id) == 0
    result = apply_plan(session, library.id, plan, skip_invalid=True, user_id=library.owner_id)
    assert result.added == len(plan.new)
    assert _book_count(session, library.id) == len(plan.new)
    # search rows were written for every book
    assert _snapshot(session, library.id)["search"] == len(plan.new)

    again = plan_import(session, library.id, data)
    assert len(again.new) == 0
    assert len(again.duplicates) == len(plan.new) + len(plan.duplicates)
    second = apply_plan(session, library.id, again, skip_invalid=True)
    assert second.added == 0
    assert _book_count(session, library.id) == len(plan.new)


EXPECTED_PROBLEM_LINES = {
    "Joy-Patterson__HackPrinceton.csv": set(),
    "Lorena-Cec__Vizualizacija-citanja-knjiga.csv": {26},  # ISBN13 9789536310815 has a wrong check digit
    "Psilolouben__your_next_book.csv": {166, 471},  # 10-digit ISBN "9786188033"; a 66-character publisher
    "advokatb__advokatb-goodreads-reading-stats.csv": set(),
    "dr-rodriguez__Exploring-Goodreads.csv": {126},  # ISBN columns hold "AlexisGlyn" / "Contributor"
}
EXPECTED_DUPLICATE_LINES = {
    # lines 121-123 repeat the ISBNs of lines 32-34 (Volume 2 rows carrying Volume 1's ISBN)
    "Lorena-Cec__Vizualizacija-citanja-knjiga.csv": 3,
    "Psilolouben__your_next_book.csv": 1,  # "Night Film" by Marisha Pessl twice
    # line 4 is a Kindle edition of line 3 (The Subtle Knife); "The Wandering Earth" twice (44, 117)
    "dr-rodriguez__Exploring-Goodreads.csv": 2,
}


def test_problem_rows_are_reported_by_their_line(session, library, goodreads_export):
    name, data = goodreads_export
    plan = plan_import(session, library.id, data)
    assert {p.line for p in plan.problems} == EXPECTED_PROBLEM_LINES[name]
    assert len(plan.duplicates) == EXPECTED_DUPLICATE_LINES.get(name, 0)
    assert all("same book as line" in d.reasons[0] for d in plan.duplicates)


def test_rows_checked_by_hand(session, library):
    owner = library.owner_id
    for name in (
        "Joy-Patterson__HackPrinceton.csv",
        "Lorena-Cec__Vizualizacija-citanja-knjiga.csv",
        "Psilolouben__your_next_book.csv",
        "advokatb__advokatb-goodreads-reading-stats.csv",
        "dr-rodriguez__Exploring-Goodreads.csv",
    ):
        import_file(session, library.id, goodreads_file(name), skip_invalid=True, user_id=owner)

    # Joy-Patterson line 2
    book = _load(session, library.id, "Book of Night")
    assert [link.author.display_name for link in book.author_links] == ["Holly Black"]
    assert book.author_links[0].author.sort_name == "Black, Holly"
    assert book.isbn13 == "9781250812193"
    assert [(s.series.name, s.series_index) for s in book.series_links] == [("Book of Night", Decimal("1"))]
    assert (book.rating, book.page_count, book.release_year, book.format.name) == (8, 304, 2022, "Hardcover")
    assert book.status == "read" and book.owned and book.copies == 1
    assert book.created_at == dt.datetime(2022, 11, 11, tzinfo=dt.UTC)
    assert book.notes == "Interesting to see Black write about an adult and not a teen"
    assert book.readings == []  # "read" without a Date Read: the status says it

    # Lorena-Cec line 3: five additional authors, a Date Read, Original Publication Year -560 ignored
    book = _load(session, library.id, "Aesop’s Fables")
    assert [link.author.display_name for link in book.author_links] == [
        "Aesop",
        "Laura Gibbs",
        "Laura Harris",
        "V.S. Vernon Jones",
        "Edward Julius Detmold",
        "G.K. Chesterton",
    ]
    assert book.isbn13 == "9780192840509" and book.release_year == 2003 and book.rating is None
    assert [(r.finished_on, r.user_id) for r in book.readings] == [(dt.date(2015, 11, 1), owner)]

    # Psilolouben line 2: Greek, to-read with 0 owned copies -> wishlist, "looking-for" shelf -> tag
    book = _load(session, library.id, "Ουίσκυ Τάνγκο Φόξτροτ")
    assert [link.author.display_name for link in book.author_links] == ["David Shafer", "Λευτέρης Καλοσπύρος"]
    assert book.isbn13 == "9789604356713"
    assert [p.name for p in book.publishers] == ["Πόλις"]
    assert (book.status, book.owned, book.copies) == ("to-read", False, 0)
    assert [t.name for t in book.tags] == ["looking-for"]
    assert book.created_at == dt.datetime(2023, 11, 11, tzinfo=dt.UTC)

    # advokatb line 3: Cyrillic series in the title, rating 4, read on 2026/06/04
    book = _load(session, library.id, "Девятый")
    assert [link.author.display_name for link in book.author_links] == [
        "Сергей Лукьяненко",
        "Sergei Lukyanenko",
    ]
    assert [(s.series.name, s.series_index) for s in book.series_links] == [
        ("Небесное воинство", Decimal("2"))
    ]
    assert (book.isbn13, book.rating, book.status) == ("9785171829889", 8, "read")
    assert [r.finished_on for r in book.readings] == [dt.date(2026, 6, 4)]

    # dr-rodriguez line 2: currently-reading, Read Count 2, Date Added 2010/12/02, Date Read 2014/04/05
    # -> the earlier read (dated on Date Added), the dated one, and the open current reading
    book = _load(session, library.id, "Warbreaker")
    assert book.status == "reading"
    assert [(r.started_on, r.finished_on) for r in sorted(book.readings, key=lambda r: r.id)] == [
        (None, dt.date(2010, 12, 2)),
        (None, dt.date(2014, 4, 5)),
        (None, None),
    ]
    current = reading.current_readings(session, library.id)
    assert "Warbreaker" in {c.book_title for c in current}
    assert book.isbn13 is None and book.format.name == "ebook"

    # Japanese title with the series taken out
    book = _load(session, library.id, "山田くんとLv999の恋をする 1")
    assert [(s.series.name, s.series_index) for s in book.series_links] == [
        ("Yamada-kun to Lv999 no Koi wo Suru", Decimal("1"))
    ]

    # Shared authors across files are one row each (Brandon Sanderson is in two files)
    sanderson = session.scalars(
        select(db.Author).where(db.Author.library_id == library.id, db.Author.key == "brandon sanderson")
    ).all()
    assert len(sanderson) == 1

    # the books service sees the imported books (search rows, duplicates)
    dupes = books.find_duplicates(session, library.id, title="Book of Night", authors=["Holly Black"])
    assert [d.title for d in dupes] == ["Book of Night"]


def test_refuses_rows_with_problems_unless_told(session, library):
    data = goodreads_csv(
        [{"Title": "Fine", "Author": "A B"}, {"Title": "Bad", "Author": "A B", "ISBN": '="123"'}]
    )
    plan = plan_import(session, library.id, data)
    assert (len(plan.new), len(plan.problems)) == (1, 1)
    assert "line 3" in plan.summary()
    with pytest.raises(Invalid, match="line 3"):
        apply_plan(session, library.id, plan)
    assert _book_count(session, library.id) == 0
    assert apply_plan(session, library.id, plan, skip_invalid=True).added == 1


def test_progress_is_reported_and_an_exception_from_it_leaves_nothing(session, library):
    data = goodreads_csv(
        [{"Title": f"Book {i}", "Author": f"Author {i % 7}", "Bookshelves": "x"} for i in range(1200)]
    )
    before = _snapshot(session, library.id)
    calls = []

    def failing(done, total):
        calls.append((done, total))
        if done > 500:
            raise RuntimeError("message could not be edited")

    with pytest.raises(RuntimeError):
        import_file(session, library.id, data, progress=failing)
    assert calls == [(500, 1200), (1000, 1200)]
    assert _snapshot(session, library.id) == before

    seen = []
    result = import_file(session, library.id, data, progress=lambda d, t: seen.append((d, t)))
    assert result.added == 1200
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]


def test_a_row_failing_inside_apply_leaves_nothing(session, library):
    data = goodreads_csv([{"Title": f"Book {i}", "Author": "Ann Author"} for i in range(700)])
    plan = plan_import(session, library.id, data)
    before = _snapshot(session, library.id)
    plan.new[650].copies = 5000  # the Book model refuses this (copies are 0..1000) mid-way, after a flush
    with pytest.raises(Invalid, match=r"Line 652.*copies"):
        apply_plan(session, library.id, plan)
    assert _snapshot(session, library.id) == before
    # the session is still usable and a good import works afterwards
    plan.new[650].copies = 1
    assert apply_plan(session, library.id, plan).added == 700


def test_duplicates_against_existing_books(session, library):
    books.add_book(session, library.id, books.BookInput(title="Dune", authors=["Frank Herbert"]))
    books.add_book(session, library.id, books.BookInput(title="Other", isbn="9780441172719"))
    data = goodreads_csv(
        [
            {"Title": "Dune (Dune, #1)", "Author": "Frank  Herbert"},  # same title + first author
            {"Title": "Dune: special", "Author": "X Y", "ISBN13": '="9780441172719"'},  # same ISBN
            {"Title": "Children of Dune", "Author": "Frank Herbert"},
        ]
    )
    plan = plan_import(session, library.id, data)
    assert [d.line for d in plan.duplicates] == [2, 3]
    assert [r.title for r in plan.new] == ["Children of Dune"]
    # Author matching reuses the existing author row
    import_file(session, library.id, data)
    authors = session.scalars(
        select(db.Author).where(db.Author.library_id == library.id, db.Author.key == "frank herbert")
    )
    assert len(authors.all()) == 1


def test_other_libraries_are_untouched(session, library):
    other = db.Library(name="Other", kind="personal")
    session.add(other)
    session.flush()
    data = goodreads_file("Joy-Patterson__HackPrinceton.csv")
    import_file(session, other.id, data)
    plan = plan_import(session, library.id, data)
    assert len(plan.new) == 3  # books of another library are not duplicates here
    assert _book_count(session, library.id) == 0


def test_original_librium_csv_into_the_library(session, library):
    text = (
        "_id,author_details,title,isbn,publisher,date_published,rating,bookshelf,read,series_details,pages,"
        "notes,list_price,location,read_start,read_end,format,genre,language,date_added,book_uuid\n"
        '1,"King Jr., Dr. Martin Luther|Le Guin, Ursula K.",Strength to Love,,Harper,1963,0,,1,'
        "Sermons (0.5),200,,7.50,Study,2020-01-01,2020-01-20,Paperback,Religion|Essays,English,"
        "2019-05-06,0123456789abcdef0123456789abcdef\n"
        "2,Aesop,Fables,,,,,,0,,,,,,,,Hardcover,,,,\n"
    )
    result = import_file(session, library.id, text.encode())
    assert result.added == 2
    book = _load(session, library.id, "Strength to Love")
    king = book.author_links[0].author
    assert (king.prefix, king.first_name, king.middle_name, king.last_name, king.suffix) == (
        "Dr.",
        "Martin",
        "Luther",
        "King",
        "Jr.",
    )
    assert king.display_name == "Dr. Martin Luther King Jr."
    assert book.uuid == "01234567-89ab-cdef-0123-456789abcdef"
    assert [(s.series.name, s.series_index) for s in book.series_links] == [("Sermons", Decimal("0.5"))]
    assert (book.status, book.price, book.format.name) == ("read", Decimal("7.50"), "Paperback")
    assert [(r.started_on, r.finished_on) for r in book.readings] == [
        (dt.date(2020, 1, 1), dt.date(2020, 1, 20))
    ]
    assert import_file(session, library.id, text.encode()).added == 0
