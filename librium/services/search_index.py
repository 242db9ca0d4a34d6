"""Keeps ``book_search`` (the text the full-text index reads) in step with the books.

Each live book has one row of folded (lower-case, accent-free) text in three columns, weighted
differently by the search side:

- ``title_text``: title and subtitle;
- ``people_text``: author display names and last names, and series names;
- ``other_text``: ISBN-13, ISBN-10, tags, publishers, genres and the shelf (location) name.

Deleted books have no row. The SQLite FTS5 table and the PostgreSQL GIN index follow ``book_search``
by themselves (triggers / an expression index, see alembic revision 0002). The words of every row
written also go to the library's vocabulary (:mod:`librium.services.vocabulary`), from the raw text
so that transliterations read the unfolded letters.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from librium import isbn as isbn_mod
from librium.database.sqlalchemy import bulk, db
from librium.services import vocabulary
from librium.text import fold

__all__ = [
    "index_new_book",
    "index_new_books",
    "refresh",
    "refresh_library",
    "search_row",
    "searchable_texts",
]

_SEARCH = db.BookSearch.__table__
_CHUNK = 500  # ids per statement: well under SQLite's bound-parameter limit


def search_row(
    *,
    title: str,
    subtitle: str | None,
    isbn13: str | None,
    authors: Iterable[tuple[str, str | None]] = (),
    series: Iterable[str] = (),
    tags: Iterable[str] = (),
    publishers: Iterable[str] = (),
    genres: Iterable[str] = (),
    location: str | None = None,
) -> dict[str, str]:
    """The three folded text columns for one book. ``authors`` holds (display name, last name) pairs."""
    title_parts, people, other = _parts(title, subtitle, authors, series, tags, publishers, genres, location)
    other = [isbn13 or "", (isbn_mod.to_isbn10(isbn13) or "") if isbn13 else "", *other]
    return {
        "title_text": _words(*title_parts),
        "people_text": _words(*people),
        "other_text": _words(*other),
    }


def searchable_texts(fields: dict) -> list[str | None]:
    """The raw (unfolded) texts of a book whose words make the library's vocabulary: ``fields`` as
    :func:`search_row` takes them, the ISBN left out."""
    title_parts, people, other = _parts(**{k: v for k, v in fields.items() if k != "isbn13"})
    return [*title_parts, *people, *other]


def _parts(title, subtitle, authors=(), series=(), tags=(), publishers=(), genres=(), location=None):
    people: list[str] = []
    for display, last in authors:
        people.append(display)
        if last:
            people.append(last)
    people.extend(series)
    return [title, subtitle], people, [*tags, *publishers, *genres, location or ""]


_NOT_WORD = re.compile(r"[\W_]+")


def _words(*parts: str | None) -> str:
    """Folded words separated by single spaces; punctuation dropped.

    Both engines then tokenise the same way (PostgreSQL's parser would otherwise read "<Tag>" as
    markup and drop it), and queries are tokenised alike (see query.tokens).
    """
    return _NOT_WORD.sub(" ", fold(" ".join(filter(None, parts)))).strip()


def refresh(session: Session, book_ids: Iterable[int]) -> None:
    """Rebuild the search rows of ``book_ids``: live books get a fresh row, deleted or missing ones none.

    Runs a fixed number of statements per 500 books, whatever the number of authors, tags and so on.
    """
    ids = sorted(set(book_ids))
    if not ids:
        return
    session.flush()
    for start in range(0, len(ids), _CHUNK):
        _refresh_chunk(session, ids[start : start + _CHUNK])


def index_new_book(session: Session, book: db.Book) -> None:
    """The search row of a book just added, from what the session holds: no reads.

    ``book`` must be flushed, with its author and series links, tags, publishers, genres and shelf
    set in this session (as ``books.add_book`` does); ``refresh`` is the general way.
    """
    fields = dict(
        title=book.title,
        subtitle=book.subtitle,
        isbn13=book.isbn13,
        authors=[
            (link.author.display_name, link.author.last_name)
            for link in sorted(book.author_links, key=lambda link: link.position)
        ],
        series=sorted(link.series.name for link in book.series_links),
        tags=sorted(t.name for t in book.tags),
        publishers=sorted(p.name for p in book.publishers),
        genres=sorted(g.name for g in book.genres),
        location=book.location.name if book.location is not None else None,
    )
    index_new_books(session, [(book.id, book.library_id, fields)])


def index_new_books(
    session: Session, books: list[tuple[int, int, dict]], *, vocabulary_seen: set | None = None
) -> None:
    """The search rows and vocabulary of books that have none yet, from (book id, library id, fields
    as :func:`search_row` takes them): no reads. ``vocabulary_seen`` (kept by the caller across
    calls, as an import does per batch) skips words already given to the vocabulary."""
    if not books:
        return
    bulk.insert_rows(
        session,
        _SEARCH,
        [
            {"book_id": book_id, "library_id": library_id, **search_row(**fields)}
            for book_id, library_id, fields in books
        ],
    )
    vocabulary.add(
        session,
        [(library_id, searchable_texts(fields)) for _id, library_id, fields in books],
        seen=vocabulary_seen,
    )


def refresh_library(session: Session, library_id: int) -> int:
    """Rebuild every search row and the vocabulary of one library (after an import or a repair);
    returns the book count."""
    ids = list(session.scalars(select(db.Book.id).where(db.Book.library_id == library_id)))
    session.execute(delete(db.SearchTerm).where(db.SearchTerm.library_id == library_id))
    refresh(session, ids)
    return len(ids)


def _names(session: Session, table, column: str, model, ids: list[int]) -> dict[int, list[str]]:
    rows = session.execute(
        select(table.c.book_id, model.name)
        .join(model, model.id == table.c[column])
        .where(table.c.book_id.in_(ids))
        .order_by(table.c.book_id, model.name)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for book_id, name in rows:
        found[book_id].append(name)
    return found


def _refresh_chunk(session: Session, ids: list[int]) -> None:
    books = session.execute(
        select(
            db.Book.id, db.Book.library_id, db.Book.title, db.Book.subtitle, db.Book.isbn13, db.Location.name
        )
        .outerjoin(db.Location, db.Location.id == db.Book.location_id)
        .where(db.Book.id.in_(ids), db.Book.deleted_at.is_(None))
    ).all()
    session.execute(delete(db.BookSearch).where(db.BookSearch.book_id.in_(ids)))
    if not books:
        return
    live = [b.id for b in books]

    authors: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for book_id, display, last in session.execute(
        select(db.BookAuthor.book_id, db.Author.display_name, db.Author.last_name)
        .join(db.Author, db.Author.id == db.BookAuthor.author_id)
        .where(db.BookAuthor.book_id.in_(live))
        .order_by(db.BookAuthor.book_id, db.BookAuthor.position)
    ):
        authors[book_id].append((display, last))
    series = _names(session, db.BookSeries.__table__, "series_id", db.Series, live)
    tags = _names(session, db.book_tags, "tag_id", db.Tag, live)
    publishers = _names(session, db.book_publishers, "publisher_id", db.Publisher, live)
    genres = _names(session, db.book_genres, "genre_id", db.Genre, live)

    fields = {
        b.id: dict(
            title=b.title,
            subtitle=b.subtitle,
            isbn13=b.isbn13,
            authors=authors.get(b.id, ()),
            series=series.get(b.id, ()),
            tags=tags.get(b.id, ()),
            publishers=publishers.get(b.id, ()),
            genres=genres.get(b.id, ()),
            location=b.name,
        )
        for b in books
    }
    index_new_books(session, [(b.id, b.library_id, fields[b.id]) for b in books])
