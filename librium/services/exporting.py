"""Taking a library out: a CSV in Goodreads' column layout and a full JSON dump.

Both stream: books are loaded 500 at a time by id (keyset pagination, every relation by selectinload,
so a fixed number of queries per batch) and written out row by row, so memory does not grow with the
library. Deleted books are never exported.

CSV: the 24 Goodreads columns, so Goodreads, StoryGraph and other sites can import it. The series goes
back into the title as Goodreads writes it ("Title (Series, #1.5)", indices never rounded). With
``librium_columns=True`` (the default) "Librium ..." columns follow with the exact values the Goodreads
layout cannot hold (uuid, subtitle, every series, genres, languages, price, readings...); other sites
ignore unknown columns, and our importer reads them back, so a Librium CSV round-trips exactly.

JSON: ``{"format": "librium-dump", "format_version": 1, "schema_revision": <alembic revision>, ...}``
with every entity of the library (also those no book uses), each book with all its fields, authors
(by uuid, in order), series with index, genres, publishers, languages, tags, location, format,
readings, loans, and the library's reminders. Named entities are referred to by name (unique per
library); authors and books by uuid; a loan by "<book uuid>#<n>" (n counts the book's loans by date).
Ratings are half stars (1..10) as stored; dates ISO; timestamps ISO in UTC; prices as strings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, joinedload, selectinload

from librium import isbn as isbn_mod
from librium.database.sqlalchemy import db
from librium.errors import NotFound
from librium.i18n import _
from librium.services.importing.series_title import format_index, series_in_title
from librium.text import fold

DUMP_FORMAT = "librium-dump"
DUMP_FORMAT_VERSION = 1
BATCH = 500

GOODREADS_COLUMNS = [
    "Book Id",
    "Title",
    "Author",
    "Author l-f",
    "Additional Authors",
    "ISBN",
    "ISBN13",
    "My Rating",
    "Average Rating",
    "Publisher",
    "Binding",
    "Number of Pages",
    "Year Published",
    "Original Publication Year",
    "Date Read",
    "Date Added",
    "Bookshelves",
    "Bookshelves with positions",
    "Exclusive Shelf",
    "My Review",
    "Spoiler",
    "Private Notes",
    "Read Count",
    "Owned Copies",
]
LIBRIUM_COLUMNS = [
    "Librium UUID",
    "Librium Title",
    "Librium Subtitle",
    "Librium Series",
    "Librium Genres",
    "Librium Languages",
    "Librium Publishers",
    "Librium Tags",
    "Librium Location",
    "Librium Format",
    "Librium Status",
    "Librium Rating",
    "Librium Owned",
    "Librium Copies",
    "Librium Price",
    "Librium Currency",
    "Librium Readings",
    "Librium Notes",
    "Librium Description",
    "Librium Added",
    "Librium Import Note",
]
EXCLUSIVE_SHELF = {
    "read": "read",
    "reading": "currently-reading",
    "to-read": "to-read",
    "abandoned": "did-not-finish",
}

# Everything an exported book carries, in a fixed number of queries whatever the number of books.
_BOOK_OPTIONS = (
    joinedload(db.Book.format),
    joinedload(db.Book.location),
    selectinload(db.Book.author_links).joinedload(db.BookAuthor.author),
    selectinload(db.Book.series_links).joinedload(db.BookSeries.series),
    selectinload(db.Book.genres),
    selectinload(db.Book.publishers),
    selectinload(db.Book.languages),
    selectinload(db.Book.tags),
    selectinload(db.Book.readings),
    selectinload(db.Book.loans),
)


# --------------------------------------------------------------------------- loading


def _check_library(session: Session, library_id: int) -> db.Library:
    library = session.get(db.Library, library_id)
    if library is None:
        raise NotFound(_("That library does not exist."))
    return library


def iter_books(session: Session, library_id: int, *, batch: int = BATCH) -> Iterator[list[db.Book]]:
    """Live books of the library in id order, ``batch`` at a time, with every relation loaded."""
    last_id = 0
    while True:
        books = list(
            session.scalars(
                select(db.Book)
                .where(db.Book.library_id == library_id, db.Book.deleted_at.is_(None), db.Book.id > last_id)
                .order_by(db.Book.id)
                .limit(batch)
                .options(*_BOOK_OPTIONS)
            )
        )
        if not books:
            return
        yield books
        last_id = books[-1].id


def schema_revision(session: Session) -> str | None:
    """The Alembic revision the database is at (None if it was not built by Alembic)."""
    try:
        with session.begin_nested():
            return session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None


# --------------------------------------------------------------------------- shared value forms


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _ts(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def _index(value: Decimal | None) -> str | None:
    return format_index(value) if value is not None else None


def _sorted_names(rows) -> list[str]:
    return sorted((r.name for r in rows), key=fold)


def _series(book: db.Book) -> list[db.BookSeries]:
    return sorted(book.series_links, key=lambda link: fold(link.series.name))


def _loans(book: db.Book) -> list[db.Loan]:
    return sorted(book.loans, key=lambda loan: (loan.lent_on, loan.id))


def _readings(book: db.Book) -> list[db.Reading]:
    return sorted(book.readings, key=lambda r: r.id)


def series_details(book: db.Book) -> str:
    """ "Name (1.5)|Other" - the original Librium's form, fractional indices kept."""
    return "|".join(
        f"{link.series.name} ({format_index(link.series_index)})"
        if link.series_index is not None
        else link.series.name
        for link in _series(book)
    )


def readings_cell(book: db.Book) -> str:
    parts = []
    for r in _readings(book):
        cell = f"{_date(r.started_on) or ''}..{_date(r.finished_on) or ''}"
        parts.append(cell + (" (abandoned)" if r.abandoned else ""))
    return "|".join(parts)


# --------------------------------------------------------------------------- Goodreads CSV


def _gr_date(value: dt.date | None) -> str:
    return value.strftime("%Y/%m/%d") if value else ""


def read_count(book: db.Book) -> int:
    """Finished readings; a "read" book without readings counts once (open and abandoned ones do not count)."""
    finished = [r for r in book.readings if not r.abandoned and r.finished_on]
    if book.status == "read":
        return max(len(finished), 1)
    return len(finished)


def goodreads_row(book: db.Book, *, librium_columns: bool = True) -> list[str]:
    authors = [link.author for link in book.author_links]
    series = _series(book)
    title = f"{book.title}: {book.subtitle}" if book.subtitle else book.title
    if series:
        title = series_in_title(title, series[0].series.name, series[0].series_index)
    isbn10 = isbn_mod.to_isbn10(book.isbn13) if book.isbn13 else None
    finished = [r.finished_on for r in book.readings if r.finished_on and not r.abandoned]
    tags = _sorted_names(book.tags)
    shelf = EXCLUSIVE_SHELF[book.status]
    stars = "0" if book.rating is None else str(int((book.rating + 1) // 2))  # Goodreads wants whole stars
    row = [
        str(book.id),
        title,
        authors[0].display_name if authors else "",
        authors[0].sort_name if authors else "",
        ", ".join(a.display_name for a in authors[1:]),
        f'="{isbn10 or ""}"',
        f'="{book.isbn13 or ""}"',
        stars,
        "",
        _sorted_names(book.publishers)[0] if book.publishers else "",
        book.format.name if book.format else "",
        str(book.page_count or ""),
        str(book.release_year or ""),
        str(book.release_year or ""),
        _gr_date(max(finished) if finished else None),
        _gr_date(book.created_at.date() if book.created_at else None),
        ", ".join(tags + ([shelf] if shelf != "read" else [])),
        "",
        shelf,
        (book.notes or "").replace("\r\n", "\n").replace("\n", "<br/>"),
        "",
        "",
        str(read_count(book)),
        str(book.copies if book.owned else 0),
    ]
    if librium_columns:
        row += [
            book.uuid,
            book.title,
            book.subtitle or "",
            series_details(book),
            "|".join(_sorted_names(book.genres)),
            "|".join(_sorted_names(book.languages)),
            "|".join(_sorted_names(book.publishers)),
            "|".join(tags),
            book.location.name if book.location else "",
            book.format.name if book.format else "",
            book.status,
            str(book.rating or ""),
            "1" if book.owned else "0",
            str(book.copies),
            str(book.price) if book.price is not None else "",
            book.currency or "",
            readings_cell(book),
            book.notes or "",
            book.description or "",
            _ts(book.created_at) or "",
            book.import_note or "",
        ]
    return row


def iter_goodreads_csv(session: Session, library_id: int, *, librium_columns: bool = True) -> Iterator[str]:
    """The CSV text, one row at a time (header first); join or write the pieces as UTF-8."""
    _check_library(session, library_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def flush() -> str:
        value = out.getvalue()
        out.seek(0)
        out.truncate()
        return value

    writer.writerow(GOODREADS_COLUMNS + (LIBRIUM_COLUMNS if librium_columns else []))
    yield flush()
    for books in iter_books(session, library_id):
        for book in books:
            writer.writerow(goodreads_row(book, librium_columns=librium_columns))
        yield flush()


def export_goodreads_csv(session: Session, library_id: int, *, librium_columns: bool = True) -> bytes:
    """The whole CSV as UTF-8 bytes (for sending as a document)."""
    return "".join(iter_goodreads_csv(session, library_id, librium_columns=librium_columns)).encode("utf-8")


# --------------------------------------------------------------------------- JSON dump


def loan_ref(book_uuid: str, n: int) -> str:
    return f"{book_uuid}#{n}"


def book_to_dict(book: db.Book, telegram_ids: dict[int, int]) -> dict:
    """Every field of a book in dump form (also used by backup.py to compare a library with a dump)."""
    return {
        "uuid": book.uuid,
        "title": book.title,
        "subtitle": book.subtitle,
        "authors": [link.author.uuid for link in book.author_links],
        "isbn13": book.isbn13,
        "release_year": book.release_year,
        "page_count": book.page_count,
        "price": str(book.price) if book.price is not None else None,
        "currency": book.currency,
        "format": book.format.name if book.format else None,
        "location": book.location.name if book.location else None,
        "series": [{"name": s.series.name, "index": _index(s.series_index)} for s in _series(book)],
        "genres": _sorted_names(book.genres),
        "publishers": _sorted_names(book.publishers),
        "languages": _sorted_names(book.languages),
        "tags": _sorted_names(book.tags),
        "cover_file_id": book.cover_file_id,
        "cover_url": book.cover_url,
        "description": book.description,
        "status": book.status,
        "rating": book.rating,
        "notes": book.notes,
        "import_note": book.import_note,
        "owned": book.owned,
        "copies": book.copies,
        "metadata_source": book.metadata_source,
        "created_at": _ts(book.created_at),
        "updated_at": _ts(book.updated_at),
        "readings": [
            {
                "user": telegram_ids.get(r.user_id) if r.user_id else None,
                "started_on": _date(r.started_on),
                "finished_on": _date(r.finished_on),
                "abandoned": r.abandoned,
                "pages_read": r.pages_read,
                "created_at": _ts(r.created_at),
                "updated_at": _ts(r.updated_at),
            }
            for r in _readings(book)
        ],
        "loans": [
            {
                "ref": loan_ref(book.uuid, n),
                "borrower": loan.borrower,
                "lent_on": _date(loan.lent_on),
                "due_on": _date(loan.due_on),
                "returned_on": _date(loan.returned_on),
                "created_at": _ts(loan.created_at),
                "updated_at": _ts(loan.updated_at),
            }
            for n, loan in enumerate(_loans(book), start=1)
        ],
    }


def telegram_ids_for(session: Session, user_ids) -> dict[int, int]:
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return dict(session.execute(select(db.User.id, db.User.telegram_id).where(db.User.id.in_(ids))).all())


def _entity(row, **extra) -> dict:
    return {"name": row.name, **extra, "created_at": _ts(row.created_at), "updated_at": _ts(row.updated_at)}


ENTITY_LISTS = {
    "formats": db.Format,
    "genres": db.Genre,
    "publishers": db.Publisher,
    "languages": db.Language,
    "series": db.Series,
    "tags": db.Tag,
    "locations": db.Location,
}


def author_to_dict(author: db.Author) -> dict:
    return {
        "uuid": author.uuid,
        "display_name": author.display_name,
        "sort_name": author.sort_name,
        "first_name": author.first_name,
        "middle_name": author.middle_name,
        "last_name": author.last_name,
        "prefix": author.prefix,
        "suffix": author.suffix,
        "created_at": _ts(author.created_at),
        "updated_at": _ts(author.updated_at),
    }


def reminder_to_dict(reminder: db.Reminder, telegram_ids: dict[int, int], loan_refs: dict[int, str]) -> dict:
    return {
        "user": telegram_ids.get(reminder.user_id),
        "chat_id": reminder.chat_id,
        "loan": loan_refs.get(reminder.loan_id) if reminder.loan_id else None,
        "kind": reminder.kind,
        "text": reminder.text,
        "due_at": _ts(reminder.due_at),
        "recurrence": reminder.recurrence,
        "local_time": reminder.local_time,
        "timezone": reminder.timezone,
        "state": reminder.state,
        "attempts": reminder.attempts,
        "claimed_by": reminder.claimed_by,
        "claimed_at": _ts(reminder.claimed_at),
        "sent_at": _ts(reminder.sent_at),
        "last_error": reminder.last_error,
        "created_at": _ts(reminder.created_at),
        "updated_at": _ts(reminder.updated_at),
    }


def _loan_refs(session: Session, library_id: int, loan_ids: set[int]) -> dict[int, str]:
    """ "<book uuid>#<n>" for the given loans (n as in book_to_dict), in one query."""
    if not loan_ids:
        return {}
    book_ids = select(db.Loan.book_id).where(db.Loan.id.in_(loan_ids))
    rows = session.execute(
        select(db.Loan.id, db.Loan.book_id, db.Book.uuid)
        .join(db.Book, db.Book.id == db.Loan.book_id)
        .where(db.Loan.book_id.in_(book_ids), db.Book.library_id == library_id)
        .order_by(db.Loan.book_id, db.Loan.lent_on, db.Loan.id)
    )
    refs, counter = {}, {}
    for loan_id, book_id, book_uuid in rows:
        counter[book_id] = counter.get(book_id, 0) + 1
        refs[loan_id] = loan_ref(book_uuid, counter[book_id])
    return refs


def iter_json_dump(session: Session, library_id: int, *, now: dt.datetime | None = None) -> Iterator[str]:
    """The dump as JSON text in pieces (one per book); ``"".join`` them or write them to a file."""
    library = _check_library(session, library_id)

    def dumps(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    head = {
        "format": DUMP_FORMAT,
        "format_version": DUMP_FORMAT_VERSION,
        "schema_revision": schema_revision(session),
        "exported_at": _ts(now or dt.datetime.now(dt.UTC)),
        "library": {"name": library.name, "kind": library.kind},
    }
    yield dumps(head)[:-1]
    authors = session.scalars(
        select(db.Author).where(db.Author.library_id == library_id).order_by(db.Author.key, db.Author.id)
    )
    yield ',"authors":' + dumps([author_to_dict(a) for a in authors])
    for key, model in ENTITY_LISTS.items():
        rows = session.scalars(select(model).where(model.library_id == library_id).order_by(model.key))
        yield f',"{key}":' + dumps(
            [_entity(r, code=r.code) if model is db.Language else _entity(r) for r in rows]
        )
    yield ',"books":['
    first = True
    for books in iter_books(session, library_id):
        telegram_ids = telegram_ids_for(session, (r.user_id for b in books for r in b.readings))
        for book in books:
            yield ("" if first else ",") + dumps(book_to_dict(book, telegram_ids))
            first = False
    yield "]"
    reminders = list(
        session.scalars(
            select(db.Reminder)
            .where(db.Reminder.library_id == library_id)
            .order_by(db.Reminder.due_at, db.Reminder.id)
        )
    )
    telegram_ids = telegram_ids_for(session, (r.user_id for r in reminders))
    refs = _loan_refs(session, library_id, {r.loan_id for r in reminders if r.loan_id})
    yield ',"reminders":' + dumps([reminder_to_dict(r, telegram_ids, refs) for r in reminders]) + "}"


def export_json(session: Session, library_id: int, *, now: dt.datetime | None = None) -> bytes:
    """The whole dump as UTF-8 bytes (for sending as a document)."""
    return "".join(iter_json_dump(session, library_id, now=now)).encode("utf-8")
