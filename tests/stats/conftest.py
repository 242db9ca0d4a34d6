"""A small factory that writes books, readings and named things straight through the models.

Statistics read what is in the tables, so building the rows directly keeps these tests independent of
the book service while exercising exactly the shapes the services write.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db


@dataclass
class Spec:
    """What the factory wrote for one book, so tests compute expectations from their own data."""

    id: int
    library_id: int
    title: str
    authors: list[str]
    genres: list[str]
    languages: list[str]
    publishers: list[str]
    format: str | None
    year: int | None
    pages: int | None
    price: Decimal | None
    currency: str | None
    status: str
    rating: int | None
    owned: bool
    created_at: dt.datetime
    isbn: str | None
    cover: bool
    deleted: bool
    readings: list[tuple[dt.date | None, dt.date | None, bool, int | None]] = field(default_factory=list)


class Factory:
    def __init__(self, session: Session):
        self.session = session
        self.specs: list[Spec] = []
        self._named: dict[tuple[type, int, str], object] = {}

    def _entity(self, model, library_id: int, name: str):
        key = (model, library_id, name)
        if key not in self._named:
            obj = model(library_id=library_id, name=name) if model is not db.Author else None
            if model is db.Author:
                obj = db.Author(
                    library_id=library_id, display_name=name, sort_name=name.split()[-1] + ", " + name
                )
            self.session.add(obj)
            self.session.flush()
            self._named[key] = obj
        return self._named[key]

    def library(self, name: str = "Other") -> db.Library:
        lib = db.Library(name=name, kind="personal")
        self.session.add(lib)
        self.session.flush()
        return lib

    def user(self, name: str = "Bob") -> db.User:
        user = db.User(telegram_id=uuid.uuid4().int % 10**12 + 10, display_name=name)
        self.session.add(user)
        self.session.flush()
        return user

    def book(
        self,
        library: db.Library | int,
        title: str,
        *,
        authors: list[str] = (),
        genres: list[str] = (),
        languages: list[str] = (),
        publishers: list[str] = (),
        format: str | None = None,
        year: int | None = None,
        pages: int | None = None,
        price: str | Decimal | None = None,
        currency: str | None = None,
        status: str = "to-read",
        rating: int | None = None,
        owned: bool = True,
        created_at: dt.datetime | None = None,
        isbn: str | None = None,
        cover: bool = False,
        deleted: bool = False,
        readings: list[tuple] = (),
    ) -> Spec:
        lib_id = library if isinstance(library, int) else library.id
        created_at = created_at or dt.datetime(2024, 6, 15, 12, 0, tzinfo=dt.UTC)
        book = db.Book(
            library_id=lib_id,
            title=title,
            release_year=year,
            page_count=pages,
            price=price,
            currency=currency,
            status=status,
            rating=rating,
            owned=owned,
            isbn13=isbn,
            cover_file_id="file-" + title if cover else None,
            created_at=created_at,
            updated_at=created_at,
            deleted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC) if deleted else None,
        )
        if format:
            book.format_id = self._entity(db.Format, lib_id, format).id
        self.session.add(book)
        self.session.flush()
        for position, name in enumerate(authors):
            author = self._entity(db.Author, lib_id, name)
            self.session.add(db.BookAuthor(book_id=book.id, author_id=author.id, position=position))
        for table, model, names, column in (
            (db.book_genres, db.Genre, genres, "genre_id"),
            (db.book_languages, db.Language, languages, "language_id"),
            (db.book_publishers, db.Publisher, publishers, "publisher_id"),
        ):
            for name in names:
                entity = self._entity(model, lib_id, name)
                self.session.execute(table.insert().values(book_id=book.id, **{column: entity.id}))
        normalised = []
        for reading in readings:
            started, finished, *rest = reading
            abandoned = rest[0] if rest else False
            user_id = rest[1] if len(rest) > 1 else None
            self.session.add(
                db.Reading(
                    book_id=book.id,
                    started_on=started,
                    finished_on=finished,
                    abandoned=abandoned,
                    user_id=user_id,
                )
            )
            normalised.append((started, finished, abandoned, user_id))
        self.session.flush()
        spec = Spec(
            id=book.id,
            library_id=lib_id,
            title=title,
            authors=list(authors),
            genres=list(genres),
            languages=list(languages),
            publishers=list(publishers),
            format=format,
            year=year,
            pages=pages,
            price=Decimal(price).quantize(Decimal("0.01")) if price is not None else None,
            currency=currency,
            status=status,
            rating=rating,
            owned=owned,
            created_at=created_at,
            isbn=book.isbn13,
            cover=cover,
            deleted=deleted,
            readings=normalised,
        )
        self.specs.append(spec)
        return spec

    def live(self, library_id: int, *, owned_only: bool = True) -> list[Spec]:
        return [
            s
            for s in self.specs
            if s.library_id == library_id and not s.deleted and (s.owned or not owned_only)
        ]


@pytest.fixture
def factory(session) -> Factory:
    return Factory(session)


D = dt.date


def build_sample(factory: Factory, library: db.Library) -> None:
    """A hand-made library with every tricky case: multi-genre books, rereads, abandoned readings,
    deleted books, wishlist books, two currencies, missing metadata, and a second library."""
    f, lib = factory, library
    f.book(
        lib, "The Left Hand of Darkness", authors=["Ursula K. Le Guin"],
        genres=["Science Fiction", "Fantasy"], languages=["English"], publishers=["Ace"], format="Paperback",
        year=1969, pages=304, price="9.99", currency="EUR", status="read", rating=10,
        isbn="9780441478125", cover=True,
        created_at=dt.datetime(2023, 3, 1, tzinfo=dt.UTC),
        readings=[(D(2023, 1, 1), D(2023, 1, 10)), (D(2024, 2, 1), D(2024, 2, 3))],
    )  # fmt: skip
    f.book(
        lib, "A Wizard of Earthsea", authors=["Ursula K. Le Guin"], genres=["Fantasy"], languages=["English"],
        format="Paperback", year=1968, pages=183, price="7.50", currency="EUR", status="read", rating=8,
        created_at=dt.datetime(2024, 1, 5, tzinfo=dt.UTC), readings=[(D(2024, 2, 10), D(2024, 3, 1))],
    )  # fmt: skip
    f.book(
        lib, "Cien años de soledad", authors=["Gabriel García Márquez"], genres=["Literary Fiction"],
        languages=["Spanish"], publishers=["Sudamericana"], format="Hardcover", year=1967, pages=471,
        price="20.00", currency="USD", status="read", rating=10, isbn="9780060883287",
        created_at=dt.datetime(2024, 7, 1, tzinfo=dt.UTC), readings=[(D(2024, 5, 1), D(2024, 5, 31))],
    )  # fmt: skip
    f.book(
        lib, "Good Omens", authors=["Terry Pratchett", "Neil Gaiman"], genres=["Fantasy", "Humour"],
        languages=["English"], format="Ebook", year=1990, pages=None, price="4.99", currency="EUR",
        status="reading", created_at=dt.datetime(2024, 12, 31, 23, 30, tzinfo=dt.UTC),
        readings=[(D(2024, 11, 1), D(2024, 11, 20)), (D(2025, 1, 2), None)],
    )  # fmt: skip
    f.book(
        lib, "Ulysses", authors=["James Joyce"], genres=["Literary Fiction"], languages=["English", "Irish"],
        format="Hardcover", year=1922, pages=730, price="15", currency="USD", status="abandoned",
        readings=[(D(2024, 6, 1), D(2024, 6, 20), True)],
    )  # fmt: skip
    f.book(lib, "Untitled draft", year=2001, pages=120, price="3.00")  # no currency, no metadata
    f.book(lib, "Mort", authors=["Terry Pratchett"], genres=["Fantasy"], status="to-read", pages=272)
    f.book(
        lib, "Dune", authors=["Frank Herbert"], genres=["Science Fiction"], pages=412, owned=False,
        status="read", rating=9, readings=[(D(2024, 8, 1), D(2024, 8, 15))],
    )  # fmt: skip  # wishlist (borrowed) but read
    f.book(
        lib, "Deleted book", authors=["Ursula K. Le Guin", "Deleted Author"], genres=["Science Fiction"],
        languages=["English"], format="Paperback", year=1974, pages=999, price="99.00", currency="EUR",
        status="read", rating=10, deleted=True, readings=[(D(2024, 4, 1), D(2024, 4, 2))],
    )  # fmt: skip
    other = f.library("Somebody else's")
    f.book(
        other, "Other library book", authors=["Ursula K. Le Guin"], genres=["Fantasy"], format="Paperback",
        year=1969, pages=500, price="50", currency="EUR", status="read", rating=10,
        readings=[(D(2024, 2, 1), D(2024, 2, 2))],
    )  # fmt: skip
