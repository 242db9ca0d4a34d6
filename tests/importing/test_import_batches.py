"""The import writes in batches (apply.BATCH rows, Core inserts, search rows built from what the batch
holds): a batch boundary inside a group of rows of the same book, names first seen in an earlier batch,
a library that already holds some of the file's books, and the search rows and vocabulary it writes
must all come out as if the books had been written one by one. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from librium.database.sqlalchemy import bulk, db
from librium.services import books, search_index
from librium.services.importing import BookRecord, apply, apply_plan, plan_import
from tests.importing.conftest import MIT_EXPORT, goodreads_csv, goodreads_file

AUTHORS = ["Frank Herbert", "Terry Pratchett", "Gabriel García Márquez", "Лев Толстой", "Ursula K. Le Guin"]
SHELVES = ["sf", "Favourites", "à-lire", "книги", "book club"]


def _rows() -> list[dict[str, str]]:
    """A file whose groups of the same book straddle batches of 7 rows, and whose names recur."""
    rows = []
    for i in range(60):
        rows.append(
            {
                "Title": f"Book {i} of the Wind" if i % 5 else f"Sága {i} (Long Road, #{i % 4 + 1})",
                "Author": AUTHORS[i % len(AUTHORS)],
                "Additional Authors": AUTHORS[(i + 2) % len(AUTHORS)] if i % 3 == 0 else "",
                "ISBN13": f'="{_isbn(i)}"' if i % 4 else "",
                "Publisher": ["Tor", "Gallimard", "АСТ"][i % 3],
                "Binding": ["Paperback", "Hardcover"][i % 2],
                "Bookshelves": ", ".join(SHELVES[j] for j in range(i % 4)),
                "Exclusive Shelf": ["read", "to-read", "currently-reading"][i % 3],
                "Date Read": f"2020/01/{i % 28 + 1:02d}" if i % 3 == 0 else "",
                "Owned Copies": "1",
            }
        )
    # The same books again, far from their first rows (other batches), with more to merge in.
    for i in (1, 2, 10, 33):
        again = dict(rows[i])
        again["Bookshelves"] = "second copy"
        again["Date Read"] = "2021/03/04"
        again["Exclusive Shelf"] = "read"
        rows.append(again)
    rows.insert(30, {**rows[5], "Bookshelves": "middle"})  # a group of three: rows 5, 30 and the end
    rows.append({**rows[5], "Binding": "Kindle Edition"})
    return rows


def _isbn(i: int) -> str:
    from stdnum import ean

    body = f"978{100000 + i:09d}"
    return body + ean.calc_check_digit(body)


def _library(session) -> db.Library:
    lib = db.Library(name="Batches", kind="personal")
    session.add(lib)
    session.flush()
    return lib


def _fingerprint(session, library_id: int) -> list[tuple]:
    """Everything an import decides about each book, in a form that does not depend on ids."""
    loaded = session.scalars(
        select(db.Book)
        .where(db.Book.library_id == library_id)
        .order_by(db.Book.title)
        .options(
            selectinload(db.Book.author_links).selectinload(db.BookAuthor.author),
            selectinload(db.Book.series_links).selectinload(db.BookSeries.series),
            selectinload(db.Book.tags),
            selectinload(db.Book.readings),
        )
    )
    return [
        (
            book.title,
            book.isbn13,
            book.copies,
            book.status,
            book.import_note,
            tuple(link.author.display_name for link in book.author_links),
            tuple(sorted(tag.name for tag in book.tags)),
            tuple((link.series.name, link.series_index) for link in book.series_links),
            tuple(sorted(str(r.finished_on) for r in book.readings)),
            _words(session.get(db.BookSearch, book.id)),
        )
        for book in loaded
    ]


def _words(search: db.BookSearch | None) -> tuple | None:
    """A search row's words per column (the order of names inside a column is not a rule)."""
    if search is None:
        return None
    return tuple(
        tuple(sorted(text.split())) for text in (search.title_text, search.people_text, search.other_text)
    )


def _vocabulary(session, library_id: int) -> set[tuple]:
    terms = db.SearchTerm.__table__
    return set(
        session.execute(
            select(terms.c.term, terms.c.latin, terms.c.backwards, terms.c.stem).where(
                terms.c.library_id == library_id
            )
        )
    )


def test_batch_size_changes_nothing_groups_across_batches_and_books_already_there(
    session, library, monkeypatch
):
    data = goodreads_csv(_rows())
    libraries = []
    for batch in (apply.BATCH, 7, 1):
        monkeypatch.setattr(apply, "BATCH", batch)
        lib = _library(session)
        # the library already holds two of the file's books, one of them by ISBN only
        books.add_book(
            session, lib.id, books.BookInput(title="Book 1 of the Wind", authors=["Terry Pratchett"])
        )
        books.add_book(session, lib.id, books.BookInput(title="Book 7 of the Wind", isbn=_isbn(7)))
        plan = plan_import(session, lib.id, data)
        assert (plan.new, plan.merged, plan.in_library) == (58, 5, 3)
        result = apply_plan(session, lib.id, plan, user_id=library.owner_id)
        # the dry run's counts are what the import wrote
        assert (result.added, result.merged, result.duplicates) == (plan.new, plan.merged, plan.in_library)
        assert len(session.scalars(select(db.Book.id).where(db.Book.library_id == lib.id)).all()) == 60
        libraries.append(lib.id)
    first, *others = (_fingerprint(session, lib_id) for lib_id in libraries)
    assert all(other == first for other in others)

    by_title = {row[0]: row for row in first}
    # a group of three rows whose members are in three different batches of 7
    five = by_title["Sága 5"]
    assert five[2] == 3 and "middle" in five[6] and five[7][0][0] == "Long Road"
    # rows 10 and 33 merged in from the end of the file: two copies, the later shelf and reading
    ten = by_title["Sága 10"]
    assert ten[2] == 2 and "second copy" in ten[6] and "2021-03-04" in ten[8]
    thirty_three = by_title["Book 33 of the Wind"]
    assert thirty_three[2] == 2 and thirty_three[3] == "read"
    # the books already there were left alone (their rows, and the rows merged into them, counted)
    assert by_title["Book 1 of the Wind"][2] == 1 and by_title["Book 7 of the Wind"][2] == 1
    # names are one row each, whichever batch first met them
    for lib_id in libraries:
        tags = session.scalars(select(db.Tag.key).where(db.Tag.library_id == lib_id)).all()
        assert len(tags) == len(set(tags))


@pytest.mark.parametrize("name", [MIT_EXPORT, "batches"])
def test_search_rows_and_vocabulary_of_an_import_are_what_a_rebuild_writes(session, library, name):
    """The import builds search rows from the batch in memory; a rebuild reads the books back."""
    data = goodreads_file(MIT_EXPORT) if name == MIT_EXPORT else goodreads_csv(_rows())
    books.add_book(
        session, library.id, books.BookInput(title="Le Vent", authors=["Émile Zola"], tags=["à-lire"])
    )
    plan = plan_import(session, library.id, data)
    result = apply_plan(session, library.id, plan, user_id=library.owner_id)
    assert result.added == plan.new > 0
    ids = sorted(session.scalars(select(db.Book.id).where(db.Book.library_id == library.id)))
    written = {book_id: _words(session.get(db.BookSearch, book_id)) for book_id in ids}
    vocabulary = _vocabulary(session, library.id)
    assert None not in written.values()

    search_index.refresh_library(session, library.id)
    session.expire_all()
    assert {book_id: _words(session.get(db.BookSearch, book_id)) for book_id in ids} == written
    assert _vocabulary(session, library.id) == vocabulary


def test_bulk_insert_keeps_every_value_and_returns_ids_in_row_order(session, library):
    """bulk.insert_rows (PostgreSQL: COPY from 50 rows on) with the awkward values of real files."""
    now = dt.datetime(2024, 2, 29, 23, 59, 58, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    texts = ["tab\there", "new\nline", "back\\slash \\N", "quote \" and '", "Ωμέγα 村上 ✓", "", "\\."]
    rows = [
        apply.book_values(
            library.id,
            BookRecord(
                line=i,
                title=f"Book {i} {texts[i % len(texts)]}",
                notes=texts[i % len(texts)] or None,
                price=Decimal("12.50") if i % 2 else None,
                owned=bool(i % 3),
                created_at=now,
            ),
            now,
        )
        for i in range(bulk.COPY_FROM + 5)
    ]
    for row in rows:
        row.update(format_id=None, location_id=None)
    ids = bulk.insert_rows(session, db.Book.__table__, rows, return_ids=True)
    assert len(ids) == len(set(ids)) == len(rows)
    session.expire_all()
    for book_id, row in zip(ids, rows, strict=True):
        book = session.get(db.Book, book_id)
        assert (book.title, book.notes, book.price, book.owned) == (
            row["title"],
            row["notes"],
            row["price"],
            row["owned"],
        )
        assert book.created_at == now and book.created_at.tzinfo is not None
