"""Browsing a library: authors, series, and every grouping with book counts; unread and reading lists.

Every list is paginated and counts live books only (deleted books are invisible). Lists of authors and
series page the names first and count books for that page only, so a page costs the same however big
the library is; the other groupings are small tables counted with one grouped query.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, case, exists, func, or_, select
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db
from librium.errors import Invalid, NotFound
from librium.i18n import _
from librium.services.query import ParsedQuery
from librium.services.search import SearchPage, search
from librium.text import fold

T = TypeVar("T")
MAX_PAGE_SIZE = 100

books = db.Book.__table__
authors_t = db.Author.__table__
book_authors = db.BookAuthor.__table__
series_t = db.Series.__table__
book_series = db.BookSeries.__table__


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
    pages: int


@dataclass(frozen=True)
class AuthorEntry:
    id: int
    name: str
    sort_name: str
    books: int
    read: int
    unread: int  # every status but "read"


@dataclass(frozen=True)
class SeriesEntry:
    id: int
    name: str
    books: int
    read: int


@dataclass(frozen=True)
class ShelfBook:
    """A book as a browse list shows it."""

    id: int
    title: str
    release_year: int | None
    status: str
    series_index: Decimal | None = None
    authors: list[str] = field(default_factory=list)

    @property
    def read(self) -> bool:
        return self.status == "read"


@dataclass(frozen=True)
class SeriesGroup:
    """An author's books in one series (``series_id`` None: books outside any series)."""

    series_id: int | None
    name: str | None
    books: list[ShelfBook]


@dataclass(frozen=True)
class AuthorBooks:
    author: AuthorEntry
    groups: list[SeriesGroup]


@dataclass(frozen=True)
class SeriesDetail:
    id: int
    name: str
    books: list[ShelfBook]  # in index order, unnumbered last
    read: int
    gaps: list[int]  # whole numbers missing between 1 and the highest index

    @property
    def total(self) -> int:
        return len(self.books)


@dataclass(frozen=True)
class FacetEntry:
    id: int
    name: str
    books: int


@dataclass(frozen=True)
class YearEntry:
    year: int  # a year, or the first year of a decade
    books: int


def _live(library_id: int) -> list[ColumnElement[bool]]:
    return [books.c.library_id == library_id, books.c.deleted_at.is_(None)]


def _bounds(page: int, page_size: int) -> tuple[int, int]:
    return max(1, int(page)), max(1, min(int(page_size), MAX_PAGE_SIZE))


def _page(items: list[T], total: int, page: int, page_size: int) -> Page[T]:
    return Page(items, total, page, page_size, max(1, math.ceil(total / page_size)))


def _read_count() -> ColumnElement[int]:
    return func.coalesce(func.sum(case((books.c.status == "read", 1), else_=0)), 0)


# --------------------------------------------------------------------------- authors


def authors(session: Session, library_id: int, *, page: int = 1, page_size: int = 20) -> Page[AuthorEntry]:
    """Authors with at least one live book, by sort name ("Le Guin, Ursula K."), with read counts."""
    page, page_size = _bounds(page, page_size)
    has_books = exists().where(
        book_authors.c.author_id == authors_t.c.id, books.c.id == book_authors.c.book_id, *_live(library_id)
    )
    where = [authors_t.c.library_id == library_id, has_books]
    total = _count_with_live_books(session, library_id, authors_t, book_authors.c.author_id)
    page = min(page, max(1, math.ceil(total / page_size)))
    rows = session.execute(
        select(authors_t.c.id, authors_t.c.display_name, authors_t.c.sort_name)
        .where(*where)
        .order_by(authors_t.c.sort_name, authors_t.c.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    counts = _author_counts(session, library_id, [r.id for r in rows])
    items = []
    for r in rows:
        count, read = counts.get(r.id, (0, 0))
        items.append(AuthorEntry(r.id, r.display_name, r.sort_name, count, read, count - read))
    return _page(items, total, page, page_size)


def _count_with_live_books(session: Session, library_id: int, entity, link_column) -> int:
    """How many authors (or series) have at least one live book.

    Counted as "linked to any book" minus "linked only to deleted books": the first needs one index
    probe per name, the second looks at deleted books only, which together cost half of checking
    every name's books for a live one.
    """
    link = link_column.table
    linked = (
        select(func.count())
        .select_from(entity)
        .where(entity.c.library_id == library_id, exists().where(link_column == entity.c.id))
        .scalar_subquery()
    )
    other_link, other_book = link.alias(), books.alias()
    other_column = other_link.c[link_column.name]
    deleted_only = (
        select(func.count(func.distinct(link_column)))
        .select_from(books)
        .join(link, link.c.book_id == books.c.id)
        .where(
            books.c.library_id == library_id,
            books.c.deleted_at.is_not(None),
            ~exists().where(
                other_column == link_column,
                other_book.c.id == other_link.c.book_id,
                other_book.c.deleted_at.is_(None),
            ),
        )
        .scalar_subquery()
    )
    return int(session.execute(select(linked - deleted_only)).scalar_one())


def _author_counts(session: Session, library_id: int, ids: list[int]) -> dict[int, tuple[int, int]]:
    if not ids:
        return {}
    rows = session.execute(
        select(book_authors.c.author_id, func.count(), _read_count())
        .join(books, books.c.id == book_authors.c.book_id)
        .where(book_authors.c.author_id.in_(ids), *_live(library_id))
        .group_by(book_authors.c.author_id)
    )
    return {author_id: (int(count), int(read)) for author_id, count, read in rows}


def author_books(session: Session, library_id: int, author_id: int) -> AuthorBooks:
    """One author's live books grouped by series (index order), then the books outside any series."""
    author = session.execute(
        select(authors_t.c.id, authors_t.c.display_name, authors_t.c.sort_name).where(
            authors_t.c.id == author_id, authors_t.c.library_id == library_id
        )
    ).one_or_none()
    if author is None:
        raise NotFound(_("That author is not in this library."))
    rows = session.execute(
        select(books.c.id, books.c.title, books.c.title_key, books.c.release_year, books.c.status)
        .join(book_authors, book_authors.c.book_id == books.c.id)
        .where(book_authors.c.author_id == author_id, *_live(library_id))
    ).all()
    ids = [r.id for r in rows]
    links: dict[int, list[tuple[int, str, str, Decimal | None]]] = defaultdict(list)
    if ids:
        for book_id, series_id, name, key, index in session.execute(
            select(
                book_series.c.book_id,
                series_t.c.id,
                series_t.c.name,
                series_t.c.key,
                book_series.c.series_index,
            )
            .join(series_t, series_t.c.id == book_series.c.series_id)
            .where(book_series.c.book_id.in_(ids))
        ):
            links[book_id].append((series_id, name, key, index))
    grouped: dict[int, tuple[str, str, list[ShelfBook]]] = {}
    loose: list[tuple] = []
    for r in rows:
        if not links.get(r.id):
            loose.append(r)
        for series_id, name, key, index in links.get(r.id, []):
            group = grouped.setdefault(series_id, (name, key, []))
            group[2].append(ShelfBook(r.id, r.title, r.release_year, r.status, index))
    groups = [
        SeriesGroup(series_id, name, sorted(entries, key=_index_order))
        for series_id, (name, _key, entries) in sorted(
            grouped.items(), key=lambda item: (item[1][1], item[0])
        )
    ]
    if loose:
        loose.sort(key=lambda r: (r.release_year is None, r.release_year or 0, r.title_key, r.id))
        groups.append(
            SeriesGroup(None, None, [ShelfBook(r.id, r.title, r.release_year, r.status) for r in loose])
        )
    count = len(rows)
    read = sum(1 for r in rows if r.status == "read")
    return AuthorBooks(
        AuthorEntry(author.id, author.display_name, author.sort_name, count, read, count - read), groups
    )


def _index_order(book: ShelfBook) -> tuple:
    return (book.series_index is None, book.series_index or 0, book.title.casefold(), book.id)


# --------------------------------------------------------------------------- series


def series(session: Session, library_id: int, *, page: int = 1, page_size: int = 20) -> Page[SeriesEntry]:
    """Series with at least one live book, by name, with reading progress (read of total)."""
    page, page_size = _bounds(page, page_size)
    has_books = exists().where(
        book_series.c.series_id == series_t.c.id, books.c.id == book_series.c.book_id, *_live(library_id)
    )
    where = [series_t.c.library_id == library_id, has_books]
    total = _count_with_live_books(session, library_id, series_t, book_series.c.series_id)
    page = min(page, max(1, math.ceil(total / page_size)))
    rows = session.execute(
        select(series_t.c.id, series_t.c.name)
        .where(*where)
        .order_by(series_t.c.key, series_t.c.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    counts: dict[int, tuple[int, int]] = {}
    if rows:
        for series_id, count, read in session.execute(
            select(book_series.c.series_id, func.count(), _read_count())
            .join(books, books.c.id == book_series.c.book_id)
            .where(book_series.c.series_id.in_([r.id for r in rows]), *_live(library_id))
            .group_by(book_series.c.series_id)
        ):
            counts[series_id] = (int(count), int(read))
    items = [SeriesEntry(r.id, r.name, *counts.get(r.id, (0, 0))) for r in rows]
    return _page(items, total, page, page_size)


def find_series(session: Session, library_id: int, name: str, *, limit: int = 5) -> list[tuple[int, str]]:
    """Series of the library named like ``name`` (case and accents ignored), best first: the exact
    name, then names with a word starting with it ("disc" finds "Discworld"), shortest first."""
    key = fold(name)
    if not key:
        return []
    pattern = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = session.execute(
        select(series_t.c.id, series_t.c.name, series_t.c.key)
        .where(
            series_t.c.library_id == library_id,
            or_(
                series_t.c.key.like(pattern + "%", escape="\\"),
                series_t.c.key.like("% " + pattern + "%", escape="\\"),
            ),
        )
        .order_by((series_t.c.key != key), func.length(series_t.c.key), series_t.c.key)
        .limit(limit)
    ).all()
    return [(r.id, r.name) for r in rows]


def series_detail(session: Session, library_id: int, series_id: int) -> SeriesDetail:
    """A series' live books in index order with read marks, and the gaps in its numbering."""
    found = session.execute(
        select(series_t.c.id, series_t.c.name).where(
            series_t.c.id == series_id, series_t.c.library_id == library_id
        )
    ).one_or_none()
    if found is None:
        raise NotFound(_("That series is not in this library."))
    rows = session.execute(
        select(books.c.id, books.c.title, books.c.release_year, books.c.status, book_series.c.series_index)
        .join(book_series, book_series.c.book_id == books.c.id)
        .where(book_series.c.series_id == series_id, *_live(library_id))
    ).all()
    names: dict[int, list[str]] = defaultdict(list)
    if rows:
        for book_id, name in session.execute(
            select(book_authors.c.book_id, authors_t.c.display_name)
            .join(authors_t, authors_t.c.id == book_authors.c.author_id)
            .where(book_authors.c.book_id.in_([r.id for r in rows]))
            .order_by(book_authors.c.book_id, book_authors.c.position)
        ):
            names[book_id].append(name)
    entries = sorted(
        (
            ShelfBook(r.id, r.title, r.release_year, r.status, r.series_index, names.get(r.id, []))
            for r in rows
        ),
        key=_index_order,
    )
    return SeriesDetail(
        id=found.id,
        name=found.name,
        books=entries,
        read=sum(1 for b in entries if b.read),
        gaps=gaps([b.series_index for b in entries]),
    )


def gaps(indices: list[Decimal | None]) -> list[int]:
    """Whole numbers from 1 up to the highest index that no book carries (1.5 is never a gap)."""
    present = {int(i) for i in indices if i is not None and i == i.to_integral_value()}
    highest = max((int(i) for i in indices if i is not None), default=0)
    return [n for n in range(1, highest + 1) if n not in present]


# --------------------------------------------------------------------------- groupings

_FACETS = {
    "genre": (db.Genre, db.book_genres, "genre_id"),
    "tag": (db.Tag, db.book_tags, "tag_id"),
    "publisher": (db.Publisher, db.book_publishers, "publisher_id"),
    "language": (db.Language, db.book_languages, "language_id"),
    "shelf": (db.Location, None, "location_id"),
    "format": (db.Format, None, "format_id"),
}
FACETS = tuple(_FACETS)


def facet(
    session: Session, library_id: int, kind: str, *, page: int = 1, page_size: int = 20, order: str = "name"
) -> Page[FacetEntry]:
    """Genres, tags, publishers, languages, shelves or formats with their live-book counts.

    ``order`` is "name" (A to Z) or "count" (most books first). Names without live books are left out.
    """
    if kind not in _FACETS:
        raise Invalid(
            _("“{kind}” is not something to browse by (use {choices}).").format(
                kind=kind, choices=", ".join(FACETS)
            )
        )
    if order not in ("name", "count"):
        raise Invalid(_("Order by “name” or “count”."))
    page, page_size = _bounds(page, page_size)
    model, link, column = _FACETS[kind]
    table = model.__table__
    # Each name's books counted in the index on its key (book_genres.genre_id, books.location_id...)
    # without reading a book row, less the library's deleted books (few: found by their own index).
    # Counting from the live books read every book row of the library (and every link) on each call.
    key = books.c[column] if link is None else link.c[column]
    source = books if link is None else link
    every = (
        select(key.label("entity_id"), func.count().label("books"))
        .select_from(table)
        .join(source, key == table.c.id)
        .where(table.c.library_id == library_id)
        .group_by(key)
        .subquery("every")
    )
    dead = select(key.label("entity_id"), func.count().label("books")).where(
        books.c.library_id == library_id, books.c.deleted_at.is_not(None)
    )
    if link is not None:
        dead = dead.select_from(books).join(link, link.c.book_id == books.c.id)
    dead = dead.group_by(key).subquery("dead")
    live = (every.c.books - func.coalesce(dead.c.books, 0)).label("books")
    counts = (
        select(every.c.entity_id, live)
        .outerjoin(dead, dead.c.entity_id == every.c.entity_id)
        .subquery("counts")
    )
    stmt = (
        select(table.c.id, table.c.name, counts.c.books, func.count().over().label("total"))
        .join(counts, counts.c.entity_id == table.c.id)
        .where(table.c.library_id == library_id, counts.c.books > 0)
    )
    ordering = (
        [table.c.key, table.c.id] if order == "name" else [counts.c.books.desc(), table.c.key, table.c.id]
    )
    rows, total, page = _windowed(session, stmt.order_by(*ordering), page, page_size)
    return _page([FacetEntry(r.id, r.name, int(r.books)) for r in rows], total, page, page_size)


def genres(session: Session, library_id: int, **kw) -> Page[FacetEntry]:
    return facet(session, library_id, "genre", **kw)


def tags(session: Session, library_id: int, **kw) -> Page[FacetEntry]:
    return facet(session, library_id, "tag", **kw)


def shelves(session: Session, library_id: int, **kw) -> Page[FacetEntry]:
    return facet(session, library_id, "shelf", **kw)


def formats(session: Session, library_id: int, **kw) -> Page[FacetEntry]:
    return facet(session, library_id, "format", **kw)


def languages(session: Session, library_id: int, **kw) -> Page[FacetEntry]:
    return facet(session, library_id, "language", **kw)


def publishers(session: Session, library_id: int, **kw) -> Page[FacetEntry]:
    return facet(session, library_id, "publisher", **kw)


def years(
    session: Session, library_id: int, *, page: int = 1, page_size: int = 20, decades: bool = False
) -> Page[YearEntry]:
    """Release years (or decades: 1990 stands for 1990-1999) with book counts, newest first."""
    page, page_size = _bounds(page, page_size)
    year = books.c.release_year
    bucket = (year - year % 10) if decades else year
    stmt = (
        select(bucket.label("year"), func.count().label("books"), func.count().over().label("total"))
        .where(year.is_not(None), *_live(library_id))
        .group_by(bucket)
        .order_by(bucket.desc())
    )
    rows, total, page = _windowed(session, stmt, page, page_size)
    return _page([YearEntry(int(r.year), int(r.books)) for r in rows], total, page, page_size)


def decades(session: Session, library_id: int, **kw) -> Page[YearEntry]:
    return years(session, library_id, decades=True, **kw)


def _windowed(session: Session, stmt, page: int, page_size: int) -> tuple[list, int, int]:
    """Run a statement carrying a ``total`` window count; a page past the end shows the last page."""
    rows = session.execute(stmt.limit(page_size).offset((page - 1) * page_size)).all()
    if rows or page == 1:
        return rows, (rows[0].total if rows else 0), page
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    if not total:
        return [], 0, page
    page = max(1, math.ceil(total / page_size))
    return session.execute(stmt.limit(page_size).offset((page - 1) * page_size)).all(), total, page


# --------------------------------------------------------------------------- reading lists


def unread(
    session: Session, library_id: int, *, page: int = 1, page_size: int = 10, sort: str | None = None
) -> SearchPage:
    """Books not read yet (every status but "read"), by title unless ``sort`` says otherwise."""
    return search(
        session, library_id, ParsedQuery(statuses={"unread"}), page=page, page_size=page_size, sort=sort
    )


def reading(
    session: Session, library_id: int, *, page: int = 1, page_size: int = 10, sort: str | None = None
) -> SearchPage:
    """Books being read now."""
    return search(
        session, library_id, ParsedQuery(statuses={"reading"}), page=page, page_size=page_size, sort=sort
    )
