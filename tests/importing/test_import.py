"""Importing into a real library (SQLite and PostgreSQL): real Goodreads exports end to end (the MIT one in
tests/fixtures always, the ../shared corpus when it is there), the rule "a row with a title is a book",
duplicates, copies, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from librium.database.sqlalchemy import db
from librium.services import books, reading, stats
from librium.services.importing import apply_plan, import_file, plan_import
from tests.conftest import ROOT
from tests.importing import synthetic
from tests.importing.conftest import (
    MIT_EXPORT,
    SHARED_GOODREADS,
    failing_insert,
    goodreads_csv,
    goodreads_file,
    needs_shared,
)


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


def _plan_rows(plan) -> int:
    return plan.new + plan.merged + plan.in_library + len(plan.refused)


@pytest.mark.parametrize("name", [MIT_EXPORT, *(p.name for p in SHARED_GOODREADS)])
def test_every_row_of_an_export_is_accounted_for_and_a_second_import_adds_nothing(session, library, name):
    data = goodreads_file(name)
    plan = plan_import(session, library.id, data)
    assert _plan_rows(plan) == plan.rows == plan.table.row_count
    assert plan.refused == []  # every Goodreads row has a title
    result = apply_plan(session, library.id, plan, user_id=library.owner_id)
    assert result.added == plan.new and result.merged == plan.merged
    assert _book_count(session, library.id) == plan.new
    assert _snapshot(session, library.id)["search"] == plan.new  # search rows for every book
    noted = session.scalar(
        select(func.count(db.Book.id)).where(
            db.Book.library_id == library.id, db.Book.import_note.is_not(None)
        )
    )
    assert noted == plan.dropped_rows

    again = plan_import(session, library.id, data)
    assert (again.new, again.merged, again.in_library) == (0, 0, plan.rows)
    assert apply_plan(session, library.id, again).added == 0
    assert _book_count(session, library.id) == plan.new


def test_the_mit_export_row_by_row(session, library):
    plan = plan_import(session, library.id, goodreads_file(MIT_EXPORT))
    assert (plan.rows, plan.new, plan.merged, plan.in_library, plan.refused) == (326, 324, 2, 0, [])
    # line 4 is the Kindle edition (no ISBN) of line 3; "The Wandering Earth" is on lines 44 and 117
    assert [(n.line, n.title) for n in plan.merged_notes] == [
        (4, "The Subtle Knife"),
        (117, "The Wandering Earth"),
    ]
    assert [str(n) for n in plan.dropped_notes] == [
        "line 126 “Diamonds in the Sky”: ISBN13 “Contributor” (not an ISBN); ISBN “AlexisGlyn” (not an ISBN)"
    ]
    import_file(session, library.id, goodreads_file(MIT_EXPORT), user_id=library.owner_id)
    book = _load(session, library.id, "Diamonds in the Sky")
    assert book.isbn13 is None
    assert book.import_note == (
        "Values from the import I couldn't keep:\n"
        "• ISBN13 “Contributor” (not an ISBN)\n"
        "• ISBN “AlexisGlyn” (not an ISBN)"
    )
    knife = _load(session, library.id, "The Subtle Knife")
    assert knife.copies == 2 and knife.owned

    # line 2: currently-reading, Read Count 2, Date Added 2010/12/02, Date Read 2014/04/05
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
    assert [(s.series.name, s.series_index) for s in book.series_links] == [("Warbreaker", Decimal("1"))]


def test_a_row_with_a_title_is_a_book_whatever_its_values(session, library):
    plan = plan_import(session, library.id, synthetic.long_values())
    assert (plan.rows, plan.new, plan.refused, plan.dropped_rows) == (10, 9, [10], 5)
    import_file(session, library.id, synthetic.long_values(), user_id=library.owner_id)
    assert _book_count(session, library.id) == 9
    book = _load(session, library.id, "Normativa técnica")
    assert [p.name for p in book.publishers] == [synthetic.LONG_PUBLISHER]
    book = _load(session, library.id, "Memorias")
    assert book.author_links[0].author.display_name == synthetic.LONG_SURNAME_AUTHOR
    book = _load(session, library.id, "Wrong check digit")
    assert book.isbn13 is None and "ISBN13 “9789536310815” (wrong check digit)" in book.import_note
    book = _load(session, library.id, "Seven stars")
    assert book.rating is None and "My Rating “7”" in book.import_note
    report = stats.problems(session, library.id)
    noted = next(p for p in report.problems if p.kind == "import")
    assert noted.count == 5
    assert sorted(b.title for b in noted.books) == [
        "Not a date",
        "Seven stars",
        "Too short",
        "Wrong check digit",
        "Year thirty",
    ]


def test_distinct_books_that_look_alike_are_not_merged(session, library):
    data = synthetic.excel_eu_distinct()
    plan = plan_import(session, library.id, data)
    assert (plan.rows, plan.new, plan.merged) == (6, 5, 1)
    assert [(n.line, n.title) for n in plan.merged_notes] == [(6, "Dune")]
    import_file(session, library.id, data, user_id=library.owner_id)
    dunes = session.scalars(
        select(db.Book).where(db.Book.library_id == library.id, db.Book.title == "Dune").order_by(db.Book.id)
    ).all()
    assert sorted((b.isbn13, b.copies) for b in dunes) == [("9780340960196", 1), ("9780441172719", 2)]
    assert sorted(b.created_at.date() for b in dunes) == [dt.date(2020, 2, 1), dt.date(2020, 2, 2)]
    emma = _load(session, library.id, "Emma")
    assert emma.created_at.date() == dt.date(2019, 1, 31)  # DD/MM/YYYY, decided for the whole file


def test_the_same_isbn_on_another_title_is_another_book_and_keeps_the_isbn_in_its_note(session, library):
    data = goodreads_csv(
        [
            {"Title": "Volume 1", "Author": "Ann Author", "ISBN13": '="9780441172719"'},
            {"Title": "Volume 2", "Author": "Ann Author", "ISBN13": '="9780441172719"'},
        ]
    )
    plan = plan_import(session, library.id, data)
    assert (plan.new, plan.merged) == (2, 0)
    import_file(session, library.id, data)
    assert _load(session, library.id, "Volume 1").isbn13 == "9780441172719"
    second = _load(session, library.id, "Volume 2")
    assert second.isbn13 is None
    assert "ISBN “9780441172719” (the same ISBN as line 2, a different title)" in second.import_note


def test_the_same_book_twice_is_one_book_with_two_copies(session, library):
    data = goodreads_csv(
        [
            {"Title": "Dune", "Author": "Frank Herbert", "Exclusive Shelf": "read", "Bookshelves": "sf"},
            {"Title": "Mort", "Author": "Terry Pratchett"},
            {
                "Title": "Dune",
                "Author": "Frank Herbert",
                "ISBN13": '="9780441172719"',
                "Exclusive Shelf": "read",
                "Bookshelves": "favourites",
                "Date Read": "2021/05/06",
            },
        ]
    )
    plan = plan_import(session, library.id, data)
    assert (plan.new, plan.merged) == (2, 1)
    assert str(plan.merged_notes[0]) == "line 4 “Dune”: same book as line 2"
    import_file(session, library.id, data, user_id=library.owner_id)
    dune = _load(session, library.id, "Dune")
    assert (dune.copies, dune.isbn13, dune.status) == (2, "9780441172719", "read")
    assert sorted(t.name for t in dune.tags) == ["favourites", "sf"]
    assert [r.finished_on for r in dune.readings] == [dt.date(2021, 5, 6)]


def test_the_answer_does_not_depend_on_hash_order(tmp_path):
    """The same file, planned in processes with different hash seeds, gives the same piles."""
    import subprocess
    import sys

    data = goodreads_file(MIT_EXPORT) + synthetic.excel_eu_distinct().split(b"\r\n", 1)[1].replace(
        b"\r\n", b"\n"
    )
    path = tmp_path / "file.csv"
    path.write_bytes(data)
    script = (
        "import sys, tempfile\n"
        "from librium.database.sqlalchemy import db\n"
        "from librium.database.sqlalchemy.migrations import upgrade_to_head\n"
        "from librium.database.sqlalchemy.session import make_engine, make_sessionmaker\n"
        "from librium.services.importing import plan_import\n"
        "url = f'sqlite:///{tempfile.mkdtemp()}/x.sqlite'\n"
        "upgrade_to_head(url)\n"
        "with make_sessionmaker(make_engine(url))() as s:\n"
        "    lib = db.Library(name='x', kind='personal'); s.add(lib); s.flush()\n"
        "    p = plan_import(s, lib.id, open(sys.argv[1], 'rb').read())\n"
        "    print(p.new, p.merged, p.in_library, [str(n) for n in p.merged_notes + p.dropped_notes])\n"
    )
    answers = set()
    for seed in ("1", "2", "3"):
        run = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        answers.add(run.stdout)
    assert len(answers) == 1, answers


@needs_shared
def test_rows_of_the_shared_exports_checked_by_hand(session, library):
    owner = library.owner_id
    for name in (
        "Joy-Patterson__HackPrinceton.csv",
        "Lorena-Cec__Vizualizacija-citanja-knjiga.csv",
        "Psilolouben__your_next_book.csv",
        "advokatb__advokatb-goodreads-reading-stats.csv",
        "dr-rodriguez__Exploring-Goodreads.csv",
    ):
        import_file(session, library.id, goodreads_file(name), user_id=owner)

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
    # a real database failure, after a flush
    with (
        failing_insert(session, "Book 650"),
        pytest.raises(Exception, match="simulated disk failure"),
    ):
        apply_plan(session, library.id, plan)
    assert _snapshot(session, library.id) == before
    # the session is still usable and a good import works afterwards
    assert apply_plan(session, library.id, plan).added == 700


def test_duplicates_against_existing_books(session, library):
    books.add_book(session, library.id, books.BookInput(title="Dune", authors=["Frank Herbert"]))
    books.add_book(session, library.id, books.BookInput(title="Dune: Deluxe", isbn="9780441172719"))
    data = goodreads_csv(
        [
            {"Title": "Dune (Dune, #1)", "Author": "Frank  Herbert"},  # same title + first author
            {"Title": "Dune: Deluxe Edition", "Author": "X Y", "ISBN13": '="9780441172719"'},  # same ISBN
            {"Title": "Children of Dune", "Author": "Frank Herbert"},
        ]
    )
    plan = plan_import(session, library.id, data)
    assert [n.line for n in plan.in_library_notes] == [2, 3]
    assert (plan.new, plan.in_library) == (1, 2)
    # Author matching reuses the existing author row
    import_file(session, library.id, data)
    authors = session.scalars(
        select(db.Author).where(db.Author.library_id == library.id, db.Author.key == "frank herbert")
    )
    assert len(authors.all()) == 1


def test_a_file_longer_than_a_chunk_finds_the_library_and_its_own_rows_in_every_chunk(session, library):
    """The library is read a chunk of rows at a time (plan.CHUNK) and its names a batch at a time
    (apply.BATCH): rows far apart in the file still find the library's books, authors, tags and series,
    and the file's own books, never taking a book this import wrote for one of the library's."""
    books.add_book(
        session,
        library.id,
        books.BookInput(
            title="Dune", authors=["Frank Herbert"], tags=["sf"], series="Dune Saga", series_index="1"
        ),
    )
    filler = [{"Title": f"Filler {i}", "Author": f"Writer {i % 7}"} for i in range(1300)]
    rows = [
        {
            "Title": "Mort",
            "Author": "Terry Pratchett",
            "Exclusive Shelf": "read",
            "Bookshelves": "sf",
        },  # line 2
        {"Title": "Volume 1", "Author": "Ann Author", "ISBN13": '="9780441172719"'},  # line 3
        *filler[:700],
        {"Title": "Dune", "Author": "Frank Herbert"},  # line 704: the library's, in the second chunk
        {"Title": "Children of Dune (Dune Saga, #3)", "Author": "Frank Herbert", "Bookshelves": "sf"},
        *filler[700:],
        {"Title": "Volume 2", "Author": "Ann Author", "ISBN13": '="9780441172719"'},  # the file's ISBN
        {
            "Title": "Mort",
            "Author": "Terry Pratchett",
            "Exclusive Shelf": "read",
            "Bookshelves": "favourites",
        },  # line 2's copy
        {"Title": "dune", "Author": "frank herbert"},  # the library's again, in the third chunk
    ]
    data = goodreads_csv(rows)
    plan = plan_import(session, library.id, data)
    assert (plan.new, plan.merged, plan.in_library) == (1304, 1, 2)
    result = import_file(session, library.id, data, user_id=library.owner_id)
    assert (result.added, result.merged, result.duplicates) == (1304, 1, 2)
    assert _book_count(session, library.id) == 1305
    mort = _load(session, library.id, "Mort")
    assert mort.copies == 2 and sorted(t.name for t in mort.tags) == ["favourites", "sf"]
    second = _load(session, library.id, "Volume 2")
    assert "ISBN “9780441172719” (the same ISBN as line 3, a different title)" in second.import_note
    children = _load(session, library.id, "Children of Dune")
    dune = _load(session, library.id, "Dune")
    assert [link.author_id for link in children.author_links] == [
        link.author_id for link in dune.author_links
    ]
    assert [t.id for t in children.tags] == [t.id for t in dune.tags]
    assert [s.series_id for s in children.series_links] == [s.series_id for s in dune.series_links]
    for model in (db.Author, db.Tag, db.Series):
        keys = session.scalars(select(model.key).where(model.library_id == library.id)).all()
        assert len(keys) == len(set(keys))


def test_other_libraries_are_untouched(session, library):
    other = db.Library(name="Other", kind="personal")
    session.add(other)
    session.flush()
    data = goodreads_file(MIT_EXPORT)
    import_file(session, other.id, data)
    plan = plan_import(session, library.id, data)
    assert (plan.new, plan.in_library) == (324, 0)  # books of another library are not duplicates here
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
