"""Statistics of one library, aggregated in SQL and returned as plain dataclasses.

Every function takes the session and a library id; deleted books never count. Two families:

- *Collection* figures (totals, genres, formats, languages, release years, money, authors owned) count
  the books the library owns: wishlist books (``owned = False``) are counted apart in :class:`Totals`
  and left out elsewhere, since nobody bought them. A book is one edition, whatever its ``copies``.
- *Reading* figures (per year/month read, pages read, pace, year in review) come from finished readings
  (``finished_on`` set, not abandoned) of any live book, wishlist included (a borrowed book read still
  counts). Rereads are separate readings and count again. ``user_id`` narrows them to one reader;
  readings recorded without a reader (imports) count for everyone.

Counts are never inflated by joins: totals read the books table alone, per-genre/language counts are
per (book, genre) link, and author counts use ``COUNT(DISTINCT book)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    and_,
    case,
    cast,
    exists,
    extract,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from librium.database.sqlalchemy import db
from librium.i18n import N_

# --------------------------------------------------------------------------- result types


@dataclass(frozen=True)
class Totals:
    books: int  # owned, live books
    read: int
    unread: int  # status "to-read"
    reading: int
    abandoned: int
    wishlist: int  # live books not owned
    pages_owned: int  # sum of page counts of owned books that have one
    books_with_pages: int


@dataclass(frozen=True)
class Bucket:
    """One bar of a breakdown: a genre, a format, a language, a year or a decade."""

    label: str
    count: int
    id: int | None = None  # the genre/format/language id, or the year/decade itself


@dataclass(frozen=True)
class Breakdown:
    """Books by some property. ``total`` counts books once even when a book sits in several buckets."""

    title: str
    buckets: list[Bucket]
    unknown: int  # books with no value for the property
    total: int


@dataclass(frozen=True)
class YearCount:
    year: int
    count: int


@dataclass(frozen=True)
class MonthCounts:
    year: int
    counts: list[int]  # 12 values, January first

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class YearPages:
    year: int
    pages: int
    books: int  # finished readings that year
    books_without_pages: int


@dataclass(frozen=True)
class Money:
    currency: str | None  # None when a price was entered without a currency
    amount: Decimal
    books: int


@dataclass(frozen=True)
class YearMoney:
    year: int
    currency: str | None
    amount: Decimal
    books: int


@dataclass(frozen=True)
class MoneyStats:
    per_year: list[YearMoney]  # sorted by year, then currency
    totals: list[Money]  # per currency, largest number of books first

    @property
    def main_currency(self) -> str | None:
        """The currency most prices are in (what a chart should show)."""
        return self.totals[0].currency if self.totals else None


@dataclass(frozen=True)
class AuthorCount:
    author_id: int
    name: str
    count: int


@dataclass(frozen=True)
class YearPace:
    year: int
    readings: int
    average_days: float


@dataclass(frozen=True)
class Pace:
    """Days per book from readings with both a start and a finish date (same day = 1 day)."""

    readings: int
    average_days: float | None
    median_days: float | None
    fastest_days: int | None
    slowest_days: int | None
    per_year: list[YearPace] = field(default_factory=list)


@dataclass(frozen=True)
class BookRef:
    id: int
    title: str
    rating: int | None = None  # half stars
    pages: int | None = None


@dataclass(frozen=True)
class AuthorRef:
    id: int
    name: str


@dataclass(frozen=True)
class YearReview:
    year: int
    books: int  # finished readings (rereads count)
    pages: int
    per_month: MonthCounts
    favourites: list[BookRef]  # the highest rated books read that year (ties included, at most 5)
    longest: BookRef | None
    new_authors: list[AuthorRef]  # authors whose first finished reading ever is in this year
    average_rating: float | None  # in half stars


@dataclass(frozen=True)
class Problem:
    kind: str  # "cover", "isbn", "author", "publisher", "language", "genre"
    label: str
    count: int
    books: list[BookRef]  # the first ``limit`` books, by title


@dataclass(frozen=True)
class ProblemReport:
    total_books: int
    problems: list[Problem]

    @property
    def clean(self) -> bool:
        return all(p.count == 0 for p in self.problems)


# --------------------------------------------------------------------------- helpers


def _live(library_id: int) -> ColumnElement[bool]:
    return and_(db.Book.library_id == library_id, db.Book.deleted_at.is_(None))


def _owned(library_id: int) -> ColumnElement[bool]:
    return and_(_live(library_id), db.Book.owned.is_(True))


def _finished(user_id: int | None) -> ColumnElement[bool]:
    cond = and_(db.Reading.finished_on.is_not(None), db.Reading.abandoned.is_(False))
    if user_id is not None:
        cond = and_(cond, or_(db.Reading.user_id == user_id, db.Reading.user_id.is_(None)))
    return cond


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _year(session: Session, column) -> ColumnElement[int]:
    """The calendar year of a date or UTC timestamp column, as an integer, on either engine."""
    if _dialect(session) == "postgresql" and not isinstance(column.type, Date):
        column = func.timezone("UTC", column)
    return cast(extract("year", column), Integer)


def _month(column) -> ColumnElement[int]:
    return cast(extract("month", column), Integer)


def _days(session: Session, start, end) -> ColumnElement[int]:
    """Whole days from ``start`` to ``end``, inclusive (a book started and finished the same day = 1)."""
    if _dialect(session) == "postgresql":
        return end - start + 1
    return cast(func.julianday(end) - func.julianday(start), Integer) + 1


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _cents_to_decimal(cents: int | None) -> Decimal:
    return (Decimal(int(cents or 0)) / 100).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- collection


def totals(session: Session, library_id: int) -> Totals:
    """Counts by reading status and pages owned, from the books table alone (one row per book)."""
    b = db.Book
    owned = b.owned.is_(True)

    def n(cond) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    row = session.execute(
        select(
            n(owned),
            n(and_(owned, b.status == "read")),
            n(and_(owned, b.status == "to-read")),
            n(and_(owned, b.status == "reading")),
            n(and_(owned, b.status == "abandoned")),
            n(b.owned.is_(False)),
            func.coalesce(func.sum(case((owned, b.page_count), else_=None)), 0),
            n(and_(owned, b.page_count.is_not(None))),
        ).where(_live(library_id))
    ).one()
    return Totals(*(int(v) for v in row))


def _many_to_many(session: Session, library_id: int, link, link_column, entity, title: str) -> Breakdown:
    rows = session.execute(
        select(entity.id, entity.name, func.count())
        .select_from(link)
        .join(db.Book, db.Book.id == link.c.book_id)
        .join(entity, entity.id == link_column)
        .where(_owned(library_id))
        .group_by(entity.id, entity.name)
        .order_by(func.count().desc(), entity.name)
    ).all()
    no_link = ~exists().where(link.c.book_id == db.Book.id)
    total, unknown = session.execute(
        select(func.count(), func.coalesce(func.sum(case((no_link, 1), else_=0)), 0)).where(
            _owned(library_id)
        )
    ).one()
    buckets = [Bucket(name, int(count), id_) for id_, name, count in rows]
    return Breakdown(title, buckets, int(unknown), int(total))


def by_genre(session: Session, library_id: int) -> Breakdown:
    """Owned books per genre; a book with two genres appears in both bars but once in ``total``."""
    return _many_to_many(
        session, library_id, db.book_genres, db.book_genres.c.genre_id, db.Genre, N_("Collection by genre")
    )


def by_language(session: Session, library_id: int) -> Breakdown:
    return _many_to_many(
        session,
        library_id,
        db.book_languages,
        db.book_languages.c.language_id,
        db.Language,
        N_("Collection by language"),
    )


def by_format(session: Session, library_id: int) -> Breakdown:
    rows = session.execute(
        select(db.Format.id, db.Format.name, func.count(db.Book.id))
        .select_from(db.Book)
        .outerjoin(db.Format, db.Format.id == db.Book.format_id)
        .where(_owned(library_id))
        .group_by(db.Format.id, db.Format.name)
        .order_by(func.count(db.Book.id).desc(), db.Format.name)
    ).all()
    buckets = [Bucket(name, int(count), id_) for id_, name, count in rows if id_ is not None]
    unknown = sum(int(count) for id_, _name, count in rows if id_ is None)
    return Breakdown(N_("Collection by format"), buckets, unknown, sum(int(r[2]) for r in rows))


def by_release_year(session: Session, library_id: int) -> Breakdown:
    """Owned books per year of publication, oldest first."""
    rows = session.execute(
        select(db.Book.release_year, func.count())
        .where(_owned(library_id))
        .group_by(db.Book.release_year)
        .order_by(db.Book.release_year)
    ).all()
    buckets = [Bucket(str(year), int(count), int(year)) for year, count in rows if year is not None]
    unknown = sum(int(count) for year, count in rows if year is None)
    return Breakdown(N_("Collection by year of publication"), buckets, unknown, sum(int(r[1]) for r in rows))


def by_decade(session: Session, library_id: int) -> Breakdown:
    """Owned books per decade of publication, oldest first (folded from the per-year SQL counts)."""
    years = by_release_year(session, library_id)
    decades: dict[int, int] = {}
    for bucket in years.buckets:
        assert bucket.id is not None
        decade = bucket.id // 10 * 10
        decades[decade] = decades.get(decade, 0) + bucket.count
    buckets = [Bucket(f"{d}s", c, d) for d, c in sorted(decades.items())]
    return Breakdown(N_("Collection by decade"), buckets, years.unknown, years.total)


def money(session: Session, library_id: int) -> MoneyStats:
    """Money spent on owned books per year added (``created_at``) and in total, per currency.

    Sums are taken in integer cents in SQL so they are exact on every engine.
    """
    year = _year(session, db.Book.created_at)
    cents = func.sum(cast(func.round(db.Book.price * 100), BigInteger))
    rows = session.execute(
        select(year, db.Book.currency, cents, func.count())
        .where(_owned(library_id), db.Book.price.is_not(None))
        .group_by(year, db.Book.currency)
        .order_by(year, db.Book.currency)
    ).all()
    per_year = [YearMoney(int(y), cur, _cents_to_decimal(c), int(n)) for y, cur, c, n in rows]
    by_currency: dict[str | None, tuple[Decimal, int]] = {}
    for item in per_year:
        amount, books = by_currency.get(item.currency, (Decimal("0.00"), 0))
        by_currency[item.currency] = (amount + item.amount, books + item.books)
    totals_ = [Money(cur, amount, books) for cur, (amount, books) in by_currency.items()]
    totals_.sort(key=lambda m: (-m.books, m.currency or "~"))
    return MoneyStats(per_year, totals_)


def top_authors(
    session: Session, library_id: int, *, read: bool = False, limit: int = 10
) -> list[AuthorCount]:
    """Authors with the most owned books (or, with ``read=True``, the most books marked read).

    (book, author) is the link's primary key, so a plain COUNT counts each book once per author; the
    ranking runs on ids alone and only the top ``limit`` rows are joined to their names.
    """
    cond = _owned(library_id)
    if read:
        cond = and_(_live(library_id), db.Book.status == "read")
    ranked = (
        select(db.BookAuthor.author_id.label("author_id"), func.count().label("books"))
        .join(db.Book, db.Book.id == db.BookAuthor.book_id)
        .where(cond)
        .group_by(db.BookAuthor.author_id)
        .subquery()
    )
    rows = session.execute(
        select(db.Author.id, db.Author.display_name, ranked.c.books)
        .join(ranked, ranked.c.author_id == db.Author.id)
        .order_by(ranked.c.books.desc(), db.Author.sort_name, db.Author.id)
        .limit(limit)
    ).all()
    return [AuthorCount(id_, name, int(n)) for id_, name, n in rows]


# --------------------------------------------------------------------------- reading


def _readings(library_id: int, user_id: int | None):
    """FROM readings JOIN live books, finished readings only."""
    return (
        select()
        .select_from(db.Reading)
        .join(db.Book, db.Book.id == db.Reading.book_id)
        .where(_live(library_id), _finished(user_id))
    )


def read_per_year(session: Session, library_id: int, *, user_id: int | None = None) -> list[YearCount]:
    """Finished readings per year (rereads count), oldest year first."""
    year = _year(session, db.Reading.finished_on)
    rows = session.execute(
        _readings(library_id, user_id).add_columns(year, func.count()).group_by(year).order_by(year)
    ).all()
    return [YearCount(int(y), int(n)) for y, n in rows]


def read_per_month(
    session: Session, library_id: int, year: int, *, user_id: int | None = None
) -> MonthCounts:
    start, end = _year_bounds(year)
    month = _month(db.Reading.finished_on)
    rows = session.execute(
        _readings(library_id, user_id)
        .where(db.Reading.finished_on.between(start, end))
        .add_columns(month, func.count())
        .group_by(month)
    ).all()
    counts = [0] * 12
    for m, n in rows:
        counts[int(m) - 1] = int(n)
    return MonthCounts(year, counts)


def pages_per_year(session: Session, library_id: int, *, user_id: int | None = None) -> list[YearPages]:
    """Pages read per year: the page count of each book finished that year (a reread counts again)."""
    year = _year(session, db.Reading.finished_on)
    rows = session.execute(
        _readings(library_id, user_id)
        .add_columns(
            year,
            func.coalesce(func.sum(db.Book.page_count), 0),
            func.count(),
            func.coalesce(func.sum(case((db.Book.page_count.is_(None), 1), else_=0)), 0),
        )
        .group_by(year)
        .order_by(year)
    ).all()
    return [YearPages(int(y), int(p), int(n), int(u)) for y, p, n, u in rows]


def pace(session: Session, library_id: int, *, user_id: int | None = None) -> Pace:
    """Average and median days per book; the median is read with ORDER BY/OFFSET (no per-row fetch)."""
    days = _days(session, db.Reading.started_on, db.Reading.finished_on)
    base = _readings(library_id, user_id).where(db.Reading.started_on.is_not(None))
    n, avg, fastest, slowest = session.execute(
        base.add_columns(func.count(), func.avg(days), func.min(days), func.max(days))
    ).one()
    n = int(n or 0)
    if n == 0:
        return Pace(0, None, None, None, None, [])
    offset = (n - 1) // 2
    middle = session.scalars(base.add_columns(days).order_by(days).offset(offset).limit(2 - n % 2)).all()
    median = sum(float(v) for v in middle) / len(middle)
    year = _year(session, db.Reading.finished_on)
    rows = session.execute(
        base.add_columns(year, func.count(), func.avg(days)).group_by(year).order_by(year)
    ).all()
    per_year = [YearPace(int(y), int(c), round(float(a), 2)) for y, c, a in rows]
    return Pace(n, round(float(avg), 2), median, int(fastest), int(slowest), per_year)


def year_review(session: Session, library_id: int, year: int, *, user_id: int | None = None) -> YearReview:
    start, end = _year_bounds(year)
    in_year = _readings(library_id, user_id).where(db.Reading.finished_on.between(start, end))
    count, pages, avg_rating, top = session.execute(
        in_year.add_columns(
            func.count(),
            func.coalesce(func.sum(db.Book.page_count), 0),
            func.avg(db.Book.rating),
            func.max(db.Book.rating),
        )
    ).one()
    favourites: list[BookRef] = []
    if top is not None:
        rows = session.execute(
            in_year.where(db.Book.rating == top)
            .add_columns(db.Book.id, db.Book.title, db.Book.rating, db.Book.page_count)
            .group_by(db.Book.id, db.Book.title, db.Book.rating, db.Book.page_count, db.Book.title_key)
            .order_by(db.Book.title_key, db.Book.id)
            .limit(5)
        ).all()
        favourites = [BookRef(*row) for row in rows]

    longest_row = session.execute(
        in_year.where(db.Book.page_count.is_not(None))
        .add_columns(db.Book.id, db.Book.title, db.Book.rating, db.Book.page_count)
        .order_by(db.Book.page_count.desc(), db.Book.title_key, db.Book.id)
        .limit(1)
    ).first()
    longest = BookRef(*longest_row) if longest_row else None

    # New authors: authors of this year's readings with no finished reading before the year. The
    # candidates are few (this year's books), so the NOT EXISTS probe per candidate stays cheap.
    earlier = aliased(db.BookAuthor)
    before = (
        _readings(library_id, user_id)
        .join(earlier, earlier.book_id == db.Book.id)
        .where(earlier.author_id == db.Author.id, db.Reading.finished_on < start)
        .add_columns(literal(1))
    )
    this_year = (
        in_year.join(db.BookAuthor, db.BookAuthor.book_id == db.Book.id)
        .add_columns(db.BookAuthor.author_id)
        .scalar_subquery()
    )
    author_rows = session.execute(
        select(db.Author.id, db.Author.display_name)
        .where(db.Author.id.in_(this_year), ~before.exists())
        .order_by(db.Author.sort_name, db.Author.id)
    ).all()
    return YearReview(
        year=year,
        books=int(count),
        pages=int(pages),
        per_month=read_per_month(session, library_id, year, user_id=user_id),
        favourites=favourites,
        longest=longest,
        new_authors=[AuthorRef(id_, name) for id_, name in author_rows],
        average_rating=round(float(avg_rating), 2) if avg_rating is not None else None,
    )


# --------------------------------------------------------------------------- problems

PROBLEM_LABELS = {  # English, marked for translation: shown as _(label)
    "cover": N_("No cover"),
    "isbn": N_("No ISBN"),
    "author": N_("No author"),
    "publisher": N_("No publisher"),
    "language": N_("No language"),
    "genre": N_("No genre"),
    "import": N_("Values the import couldn't keep"),
}


def _problem_conditions() -> dict[str, ColumnElement[bool]]:
    b = db.Book

    def missing(table) -> ColumnElement[bool]:
        return ~exists().where(table.c.book_id == b.id)

    return {
        "cover": and_(b.cover_file_id.is_(None), b.cover_url.is_(None)),
        "isbn": b.isbn13.is_(None),
        "author": ~exists().where(db.BookAuthor.book_id == b.id),
        "publisher": missing(db.book_publishers),
        "language": missing(db.book_languages),
        "genre": missing(db.book_genres),
        "import": b.import_note.is_not(None),
    }


def problems(session: Session, library_id: int, *, limit: int = 20) -> ProblemReport:
    """Live books (wishlist included) missing a cover, ISBN, author, publisher, language or genre.

    One query counts every kind; then one query per kind that has any lists its first ``limit`` books
    by title, with ids the bot can link to.
    """
    conditions = _problem_conditions()
    counts = session.execute(
        select(
            func.count(),
            *(func.coalesce(func.sum(case((cond, 1), else_=0)), 0) for cond in conditions.values()),
        ).where(_live(library_id))
    ).one()
    total, *per_kind = (int(v) for v in counts)
    result: list[Problem] = []
    for (kind, cond), count in zip(conditions.items(), per_kind, strict=True):
        books: list[BookRef] = []
        if count and limit > 0:
            rows = session.execute(
                select(db.Book.id, db.Book.title)
                .where(_live(library_id), cond)
                .order_by(db.Book.title_key, db.Book.id)
                .limit(limit)
            ).all()
            books = [BookRef(id_, title) for id_, title in rows]
        result.append(Problem(kind, PROBLEM_LABELS[kind], count, books))
    return ProblemReport(total, result)
