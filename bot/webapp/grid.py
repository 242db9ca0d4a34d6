"""The cover grid's pages: one page of a library's books with only what a card shows, in few cheap queries.

With no words typed (the grid as it opens, chips, a shelf or a genre, any sort) a page is three statements:
a count, one Core query of the page's books (the card's columns, whether the book has a cover and whether
it is lent out) in an order an index gives, and one for the page's authors. The /find search (ranking,
near matches) is used only when words are typed.

Orders: recent, title, year and rating walk the library's index on that column and stop at the page.
Author (the first author's sort name, then title) walks the authors' sort-name index through each
author's books when many books match, so the first pages never sort the whole library; books without an
author come last. When few books match (``WALK_ABOVE``), sorting just them is cheaper than a walk.

Deeper pages go on from the last card shown (``after``, its book id: keyset pagination) instead of an
OFFSET: the page's query starts in the sort's index at that book's sort key, so page 300 costs what
page 2 does, and no count is run again (the first page gave it). The key is read from the book itself,
in the reader's library (the cursor carries nothing the server trusts; another library's id is the end).

SQLite without ANALYZE statistics (the usual case) and with them both take ``deleted_at IS NULL`` for a
selective condition, since ``(library_id, deleted_at)`` is indexed: with statistics it then reads every
live book and sorts them, and in the author walk it reads the whole library once per author. Deleted
books are few, so the grid's conditions on the book itself are kept from choosing an index on SQLite
(a unary ``+``, SQLite's documented way) and the book is reached by its id or the sort's index.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from librium.database.sqlalchemy import db
from librium.services import search
from librium.services.query import ParsedQuery

books = db.Book.__table__
authors = db.Author.__table__
book_authors = db.BookAuthor.__table__
loans = db.Loan.__table__

WALK_ABOVE = 1000  # books matching: above this the author order walks the index instead of sorting


@dataclass(frozen=True)
class GridRow:
    id: int
    title: str
    authors: list[str]
    release_year: int | None
    status: str
    rating: int | None  # half stars, 1..10
    owned: bool
    lent: bool
    cover: bool


@dataclass(frozen=True)
class GridPage:
    rows: list[GridRow]
    total: int | None  # None on a page after a cursor (the first page counted them)
    page: int | None
    pages: int | None
    more: bool  # books follow this page (the next goes on after its last row's id)


def _plain(session: Session, column: ColumnElement) -> ColumnElement:
    """``column`` as a value that no index is chosen for, on SQLite (see the module's docstring)."""
    if session.get_bind().dialect.name == "sqlite":
        return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)
    return column


def _columns(extra: tuple = ()) -> list:
    open_loan = exists().where(loans.c.book_id == books.c.id, loans.c.returned_on.is_(None))
    return [
        books.c.id,
        books.c.title,
        books.c.release_year,
        books.c.status,
        books.c.rating,
        books.c.owned,
        open_loan.label("lent"),
        or_(books.c.cover_url.is_not(None), books.c.cover_file_id.is_not(None)).label("cover"),
        *extra,
    ]


_SORTED = {
    "title": books.c.title_key,
    "year": books.c.release_year,
    "pages": books.c.page_count,
    "price": books.c.price,
    "rating": books.c.rating,
    "added": books.c.created_at,
}
_NOT_NULL = ("title", "added")


def _order(sort: str, desc: bool) -> list:
    """ORDER BY for a sort other than author; ties by id (the same order as the /find search)."""
    column = _SORTED.get(sort, books.c.title_key)
    ordered = column.desc() if desc else column.asc()
    if sort not in _NOT_NULL:
        ordered = ordered.nulls_last()
    return [ordered, books.c.id.desc() if desc and sort == "added" else books.c.id]


def _beyond(keys: list, last: tuple, *, desc: bool = False, tie_desc: bool = False, nullable: bool = True):
    """Rows after ``last`` (the keys' values, then the book id) in the order ``keys`` then books.id,
    NULLs of the first key last (by the keys after it). Where every key goes the same way it is one row
    comparison: an index range on both engines."""
    first, *rest = keys
    value, *others = last[:-1]
    after_id = books.c.id < last[-1] if tie_desc else books.c.id > last[-1]
    if value is None:  # among the NULLs at the end
        return and_(first.is_(None), _beyond(rest, (*others, last[-1]), nullable=False) if rest else after_id)
    if desc == tie_desc:
        both = tuple_(*keys, books.c.id)
        later = both < tuple_(*last) if desc else both > tuple_(*last)
    else:  # a descending key with ties by ascending id (one key: no author sort runs backwards)
        later = or_(first < value, and_(first == value, after_id))
    # The first key's bound alone as well: PostgreSQL starts the index there (a row comparison over two
    # tables' columns is only a filter to it, and it walked every author before the cursor's).
    later = and_(first <= value if desc else first >= value, later)
    return or_(later, first.is_(None)) if nullable else later


def _first_author() -> ColumnElement:
    """True for the book_authors row that is its book's first author."""
    earlier = book_authors.alias("earlier")
    return ~exists().where(
        earlier.c.book_id == book_authors.c.book_id, earlier.c.position < book_authors.c.position
    )


def _by_author(
    session: Session,
    library_id: int,
    where: list,
    filters: list,
    total: int,
    offset: int,
    size: int,
    last: tuple | None = None,
) -> list:
    """A page in first author's order: books with an author by walking the authors' index, then those
    without one by title. ``where`` selects the books; ``filters`` is the same without the library,
    which the walk takes from the author (so the book is reached by its id, not by a books index).
    ``last`` (first author's sort name or None, title key, id) goes on after that book instead of
    ``offset``."""
    if total <= WALK_ABOVE:  # few books: sort them (a correlated look-up each), no walk
        name = search.first_author_sort_name(books.c.id)
        after = [_beyond([name, books.c.title_key], last)] if last else []
        stmt = (
            select(*_columns())
            .where(*where, *after)
            .order_by(name.asc().nulls_last(), books.c.title_key, books.c.id)
        )
        return session.execute(stmt.limit(size).offset(0 if last else offset)).all()
    walk = (
        select(*_columns())
        .select_from(authors)
        .join(book_authors, book_authors.c.author_id == authors.c.id)
        .join(books, books.c.id == book_authors.c.book_id)
        .where(authors.c.library_id == library_id, _first_author(), *filters)
        .order_by(authors.c.sort_name, books.c.title_key, books.c.id)
    )
    no_author = ~exists().where(book_authors.c.book_id == books.c.id)
    rest = select(*_columns()).where(no_author, *where).order_by(books.c.title_key, books.c.id)
    if last and last[0] is None:  # already among the books without an author
        after = _beyond([books.c.title_key], last[1:], nullable=False)
        return session.execute(rest.where(after).limit(size)).all()
    if last:
        after = _beyond([authors.c.sort_name, books.c.title_key], last, nullable=False)
        rows = session.execute(walk.where(after).limit(size)).all()
        return [*rows, *session.execute(rest.limit(size - len(rows))).all()] if len(rows) < size else rows
    rows = session.execute(walk.limit(size).offset(offset)).all()
    if len(rows) == size:
        return rows
    if rows:
        with_author = offset + len(rows)
    else:
        with_author = session.execute(
            select(func.count()).select_from(walk.order_by(None).subquery())
        ).scalar_one()
    return [*rows, *session.execute(rest.limit(size - len(rows)).offset(max(0, offset - with_author))).all()]


def _last_keys(session: Session, library_id: int, sort: str, after: int) -> tuple | None:
    """The sort key of the reader's book ``after`` (deleted ones too: a page may end on a book deleted
    since), then its id; None when the library holds no such book."""
    key = (
        search.first_author_sort_name(books.c.id)
        if sort == "author"
        else _SORTED.get(sort, books.c.title_key)
    )
    extra = [books.c.title_key] if sort == "author" else []
    found = session.execute(
        select(key, *extra).where(books.c.id == after, books.c.library_id == library_id)
    ).first()
    return None if found is None else (*found, after)


def filtered_page(
    session: Session,
    library_id: int,
    parsed: ParsedQuery,
    sort: str,
    desc: bool,
    page: int,
    size: int,
    after: int | None = None,
) -> GridPage:
    """A page of the books matching ``parsed``'s filters (it holds no words), in ``sort`` order: page
    ``page``, or the page after the book ``after`` (keyset: no offset walked; ``page`` is then None)."""
    conditions = search.conditions(library_id, parsed)
    filters = [_plain(session, books.c.deleted_at).is_(None), *conditions]
    where = [books.c.library_id == library_id, *filters]
    live = select(books.c.id).where(
        books.c.library_id == library_id, books.c.deleted_at.is_(None), *conditions
    )
    total = pages = last = None
    if after is None:
        total = matching = session.execute(select(func.count()).select_from(live.subquery())).scalar_one()
        pages = max(1, math.ceil(total / size))
        page = min(max(1, page), pages)
    else:  # the first page counted them; the author order only asks whether more than WALK_ABOVE match
        last = _last_keys(session, library_id, sort, after)
        few = live.limit(WALK_ABOVE + 1).subquery()
        matching = (
            session.execute(select(func.count()).select_from(few)).scalar_one() if sort == "author" else 1
        )
    offset = (page - 1) * size if last is None else 0
    limit = size if after is None else size + 1  # one more: whether another page follows
    if not matching or (after is not None and last is None):
        rows = []
    elif sort == "author":
        rows = _by_author(session, library_id, where, filters, matching, offset, limit, last)
    else:
        stmt = select(*_columns()).where(*where).order_by(*_order(sort, desc))
        if last:
            column = _SORTED.get(sort, books.c.title_key)
            tie_desc = desc and sort == "added"
            stmt = stmt.where(
                _beyond([column], last, desc=desc, tie_desc=tie_desc, nullable=sort not in _NOT_NULL)
            )
        rows = session.execute(stmt.limit(limit).offset(offset)).all()
    more = len(rows) > size if after is not None else page < (pages or 1)
    rows = rows[:size]
    names = search.author_names(session, [row.id for row in rows]) if rows else {}
    return GridPage(
        rows=[
            GridRow(
                id=row.id,
                title=row.title,
                authors=names.get(row.id, []),
                release_year=row.release_year,
                status=row.status,
                rating=row.rating,
                owned=bool(row.owned),
                lent=bool(row.lent),
                cover=bool(row.cover),
            )
            for row in rows
        ],
        total=total,
        page=None if after is not None else page,
        pages=pages,
        more=more,
    )


def covers(session: Session, library_id: int, ids: list[int]) -> dict[int, bool]:
    """Whether each of the books has a cover (for a page the /find search found)."""
    if not ids:
        return {}
    rows = session.execute(
        select(books.c.id, books.c.cover_url, books.c.cover_file_id).where(
            books.c.library_id == library_id, books.c.id.in_(ids)
        )
    )
    return {row.id: bool(row.cover_url or row.cover_file_id) for row in rows}


def shelves(session: Session, library_id: int) -> list[dict]:
    """The library's shelves by name (a book page's shelf picker: no counts needed)."""
    loc = db.Location.__table__
    rows = session.execute(
        select(loc.c.id, loc.c.name)
        .where(loc.c.library_id == library_id)
        .order_by(func.lower(loc.c.name), loc.c.id)
    )
    return [{"id": row.id, "name": row.name} for row in rows]
