"""A small shelf-builder for the read side: books added through the real book service
(``books.add_book``, which indexes them with ``search_index.refresh``), plus what that service does not
take in one call (a second series, dates, readings, loans), written through the models and re-indexed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db
from librium.names import parse_author
from librium.services import books, search_index
from librium.text import fold

NAMED = {
    "genre": db.Genre,
    "tag": db.Tag,
    "publisher": db.Publisher,
    "language": db.Language,
    "format": db.Format,
    "shelf": db.Location,
    "series": db.Series,
}


class Shelf:
    """Writes books into one library; named things are matched by folded name like the services do."""

    def __init__(self, session: Session, library_id: int):
        self.session = session
        self.library_id = library_id
        self._authors: dict[str, db.Author] = {}

    def named(self, kind: str, name: str):
        """The named row (made by the book service or here), matched by folded name."""
        model = NAMED[kind]
        found = self.session.scalar(
            select(model).where(model.library_id == self.library_id, model.key == fold(name))
        )
        if found is None:
            found = model(library_id=self.library_id, name=name)
            self.session.add(found)
            self.session.flush()
        return found

    def author(self, name: str) -> db.Author:
        parsed = parse_author(name)
        key = fold(parsed.display)
        if key not in self._authors:
            found = self.session.scalar(
                select(db.Author).where(db.Author.library_id == self.library_id, db.Author.key == key)
            )
            if found is not None:
                self._authors[key] = found
                return found
            author = db.Author(
                library_id=self.library_id,
                first_name=parsed.first,
                middle_name=parsed.middle,
                last_name=parsed.last,
                prefix=parsed.prefix,
                suffix=parsed.suffix,
                display_name=parsed.display,
                sort_name=parsed.sort,
            )
            self.session.add(author)
            self.session.flush()
            self._authors[key] = author
        return self._authors[key]

    def book(
        self,
        title: str,
        *,
        authors: Iterable[str] = (),
        subtitle: str | None = None,
        isbn: str | None = None,
        series: Iterable[tuple[str, str | float | None]] = (),
        genres: Iterable[str] = (),
        tags: Iterable[str] = (),
        publishers: Iterable[str] = (),
        languages: Iterable[str] = (),
        format: str | None = None,
        shelf: str | None = None,
        year: int | None = None,
        pages: int | None = None,
        price: str | None = None,
        status: str = "to-read",
        rating: int | None = None,
        owned: bool = True,
        copies: int = 1,
        cover: bool = False,
        created_at: dt.datetime | None = None,
        deleted: bool = False,
        readings: Iterable[tuple[dt.date | None, dt.date | None]] = (),
        lent_to: tuple[str, dt.date] | None = None,
        returned_loan: tuple[str, dt.date, dt.date] | None = None,
    ) -> int:
        s = self.session
        series = list(series)
        first_series = series[0] if series else (None, None)
        result = books.add_book(
            s,
            self.library_id,
            books.BookInput(
                title=title,
                subtitle=subtitle,
                authors=list(authors),
                isbn=isbn,
                year=year,
                pages=pages,
                price=price,
                format=format,
                location=shelf,
                series=first_series[0],
                series_index=first_series[1],
                genres=list(genres),
                tags=list(tags),
                publishers=list(publishers),
                languages=list(languages),
                status=status,
                rating=Decimal(rating) / 2 if rating is not None else None,
                owned=owned,
                copies=copies,
                cover_file_id=f"cover-{uuid.uuid4().hex[:8]}" if cover else None,
            ),
            allow_duplicate=True,
        )
        assert result.added, result
        book = s.get(db.Book, result.book.id)
        if created_at is not None:
            book.created_at = created_at
        for name, index in series[1:]:
            s.add(db.BookSeries(book_id=book.id, series_id=self.named("series", name).id, series_index=index))
        for started, finished in readings:
            s.add(db.Reading(book_id=book.id, started_on=started, finished_on=finished))
        if lent_to:
            s.add(db.Loan(book_id=book.id, borrower=lent_to[0], lent_on=lent_to[1]))
        if returned_loan:
            borrower, lent_on, returned_on = returned_loan
            s.add(db.Loan(book_id=book.id, borrower=borrower, lent_on=lent_on, returned_on=returned_on))
        s.flush()
        search_index.refresh(s, [book.id])
        if deleted:
            # Deleted after indexing: even a stale search row must not make it visible.
            book.deleted_at = db.utcnow()
            s.flush()
        return book.id


def new_library(session: Session, name: str = "Other") -> db.Library:
    lib = db.Library(name=name, kind="personal")
    session.add(lib)
    session.flush()
    return lib


@pytest.fixture
def shelf(session, library) -> Shelf:
    return Shelf(session, library.id)


@pytest.fixture
def other_shelf(session) -> Shelf:
    return Shelf(session, new_library(session).id)


@contextmanager
def count_statements(session: Session) -> Iterator[list[str]]:
    """Collect every SQL statement the session's connection runs inside the block."""
    statements: list[str] = []
    conn = session.connection()

    def before(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    event.listen(conn, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(conn, "before_cursor_execute", before)
