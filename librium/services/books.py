"""Books: add (with duplicate detection), read as a card, edit, soft delete and restore.

Every function takes the library id and raises NotFound for a book of another library, so a forged id
never reaches someone else's books. Deleted books are invisible here except to ``restore_book`` (and to
``get_book(..., include_deleted=True)``, which an undo button needs).

Duplicates and copies: ``add_book`` reports books with the same ISBN (ISBN-10 and ISBN-13 spellings of
one edition are equal) or the same folded title and first author. When there are any and
``allow_duplicate`` is False nothing is added. With ``allow_duplicate=True`` a book with a different
ISBN (or none) is added as a separate book, but a book with the *same* ISBN is never stored twice (one
ISBN per library is a unique index): the existing book's ``copies`` goes up instead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Numeric, String, and_, bindparam, cast, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session, selectinload

from librium import isbn as isbn_mod
from librium import validation
from librium.database.sqlalchemy import db
from librium.errors import Duplicate, Invalid, NotFound
from librium.i18n import _
from librium.names import parse_author, split_authors
from librium.services import entities, search_index, wordforms
from librium.services import search as search_service
from librium.text import clean, fold

__all__ = [
    "AddResult",
    "AuthorRef",
    "BookInput",
    "BookView",
    "LoanRef",
    "NamedRef",
    "SeriesRef",
    "add_book",
    "delete_book",
    "find_duplicates",
    "get_book",
    "get_books",
    "restore_book",
    "set_authors",
    "set_format",
    "set_genres",
    "set_languages",
    "set_location",
    "set_publishers",
    "set_series",
    "set_tags",
    "update_book",
]

Names = list[str] | tuple[str, ...] | str | None


# --------------------------------------------------------------------------- plain results


@dataclass(frozen=True)
class NamedRef:
    id: int
    name: str


@dataclass(frozen=True)
class AuthorRef:
    id: int
    name: str  # display name, "Ursula K. Le Guin"
    sort_name: str  # "Le Guin, Ursula K."


@dataclass(frozen=True)
class SeriesRef:
    id: int
    name: str
    index: Decimal | None  # None = unnumbered


@dataclass(frozen=True)
class LoanRef:
    id: int
    borrower: str
    lent_on: dt.date
    due_on: dt.date | None


@dataclass(frozen=True)
class BookView:
    """Everything a book card shows. ``rating`` is in stars (0.5 to 5) or None."""

    id: int
    uuid: str
    library_id: int
    title: str
    subtitle: str | None
    authors: list[AuthorRef]
    isbn13: str | None
    isbn10: str | None
    year: int | None
    pages: int | None
    price: Decimal | None
    currency: str | None
    format: NamedRef | None
    series: list[SeriesRef]
    genres: list[NamedRef]
    publishers: list[NamedRef]
    languages: list[NamedRef]
    tags: list[NamedRef]
    location: NamedRef | None
    description: str | None
    cover_url: str | None
    cover_file_id: str | None
    status: str
    rating: float | None
    notes: str | None
    owned: bool
    copies: int
    metadata_source: str | None
    current_loan: LoanRef | None
    readings: int
    deleted: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    import_note: str | None = None  # values an import could not keep in their fields

    @property
    def author_names(self) -> list[str]:
        return [a.name for a in self.authors]


@dataclass
class BookInput:
    """A book as typed, scanned or imported. Only ``title`` is required.

    ``authors``, ``genres``, ``publishers``, ``languages`` and ``tags`` take a list or one string:
    a string of authors is split with :func:`librium.names.split_authors` ("A & B", "Le Guin, Ursula K."),
    other strings on commas and semicolons. Each list item of ``authors`` is one person.
    ``rating`` is in stars, half steps (4.5). ``isbn`` may be ISBN-10 or ISBN-13, with or without hyphens.
    """

    title: str
    subtitle: str | None = None
    authors: Names = None
    isbn: str | None = None
    year: int | str | None = None
    pages: int | str | None = None
    price: Decimal | float | str | None = None
    currency: str | None = None
    format: str | None = None
    series: str | None = None
    series_index: Decimal | float | str | None = None
    genres: Names = None
    publishers: Names = None
    languages: Names = None
    tags: Names = None
    location: str | None = None
    description: str | None = None
    cover_url: str | None = None
    cover_file_id: str | None = None
    status: str = "to-read"
    rating: float | str | None = None
    notes: str | None = None
    owned: bool = True
    copies: int = 1
    metadata_source: str | None = None


@dataclass(frozen=True)
class AddResult:
    """What ``add_book`` did.

    ``book`` is the new book, or the existing one whose ``copies`` went up (``copies_added``), or None
    when possible duplicates stopped the add. ``duplicates`` lists the possible duplicates found.
    """

    book: BookView | None
    duplicates: list[BookView] = field(default_factory=list)
    added: bool = False
    copies_added: bool = False
    near: bool = False  # the duplicates are near misses ("Hobit" for The Hobbit), not the same title


# --------------------------------------------------------------------------- loading

_BOOK_COLUMNS = (
    db.Book.id,
    db.Book.uuid,
    db.Book.library_id,
    db.Book.title,
    db.Book.subtitle,
    db.Book.isbn13,
    db.Book.release_year,
    db.Book.page_count,
    db.Book.price,
    db.Book.currency,
    db.Book.description,
    db.Book.cover_url,
    db.Book.cover_file_id,
    db.Book.status,
    db.Book.rating,
    db.Book.notes,
    db.Book.import_note,
    db.Book.owned,
    db.Book.copies,
    db.Book.metadata_source,
    db.Book.deleted_at,
    db.Book.created_at,
    db.Book.updated_at,
)
_NAMED_LINKS = {
    "genres": (db.book_genres.c.book_id, db.book_genres.c.genre_id, db.Genre),
    "publishers": (db.book_publishers.c.book_id, db.book_publishers.c.publisher_id, db.Publisher),
    "languages": (db.book_languages.c.book_id, db.book_languages.c.language_id, db.Language),
    "tags": (db.book_tags.c.book_id, db.book_tags.c.tag_id, db.Tag),
}
_INDEX = Numeric(8, 3)


def _links_query():
    """Every author, series, genre, publisher, language and tag of the books ``:ids``, in one query.

    Columns: kind, book_id, id, name, sort_name (authors), number (author position or series index).
    """
    book_ids = bindparam("ids", expanding=True)
    parts = [
        select(
            literal("authors"),
            db.BookAuthor.book_id,
            db.Author.id,
            db.Author.display_name,
            db.Author.sort_name,
            cast(db.BookAuthor.position, _INDEX),
        )
        .join(db.Author, db.Author.id == db.BookAuthor.author_id)
        .where(db.BookAuthor.book_id.in_(book_ids)),
        select(
            literal("series"),
            db.BookSeries.book_id,
            db.Series.id,
            db.Series.name,
            null().cast(String),
            db.BookSeries.series_index,
        )
        .join(db.Series, db.Series.id == db.BookSeries.series_id)
        .where(db.BookSeries.book_id.in_(book_ids)),
    ]
    for kind, (book_col, entity_col, model) in _NAMED_LINKS.items():
        parts.append(
            select(literal(kind), book_col, model.id, model.name, null().cast(String), null().cast(_INDEX))
            .join(model, model.id == entity_col)
            .where(book_col.in_(book_ids))
        )
    return union_all(*parts)


def _books_query(include_deleted: bool):
    """The books ``:ids`` of library ``:library_id`` with format, location, open loan, readings count."""
    readings = select(func.count(db.Reading.id)).where(db.Reading.book_id == db.Book.id).scalar_subquery()
    query = (
        select(
            *_BOOK_COLUMNS,
            db.Format.id.label("format_id"),
            db.Format.name.label("format_name"),
            db.Location.id.label("location_id"),
            db.Location.name.label("location_name"),
            db.Loan.id.label("loan_id"),
            db.Loan.borrower,
            db.Loan.lent_on,
            db.Loan.due_on,
            readings.label("readings"),
        )
        .outerjoin(db.Format, db.Format.id == db.Book.format_id)
        .outerjoin(db.Location, db.Location.id == db.Book.location_id)
        .outerjoin(db.Loan, and_(db.Loan.book_id == db.Book.id, db.Loan.returned_on.is_(None)))
        .where(
            db.Book.library_id == bindparam("library_id"), db.Book.id.in_(bindparam("ids", expanding=True))
        )
    )
    return query if include_deleted else query.where(db.Book.deleted_at.is_(None))


# Built once: constructing these statements costs more than running them.
_BOOKS = {deleted: _books_query(deleted) for deleted in (False, True)}
_LINKS = _links_query()


def _view(row, links: dict[str, list]) -> BookView:
    named = {kind: sorted(links.get(kind, ()), key=lambda r: fold(r.name)) for kind in _NAMED_LINKS}
    loan = LoanRef(row.loan_id, row.borrower, row.lent_on, row.due_on) if row.loan_id is not None else None
    return BookView(
        id=row.id,
        uuid=row.uuid,
        library_id=row.library_id,
        title=row.title,
        subtitle=row.subtitle,
        authors=[a for _, a in sorted(links.get("authors", ()), key=lambda pair: pair[0])],
        isbn13=row.isbn13,
        isbn10=isbn_mod.to_isbn10(row.isbn13) if row.isbn13 else None,
        year=row.release_year,
        pages=row.page_count,
        price=row.price,
        currency=row.currency,
        format=NamedRef(row.format_id, row.format_name) if row.format_id is not None else None,
        series=sorted(links.get("series", ()), key=lambda s: fold(s.name)),
        genres=named["genres"],
        publishers=named["publishers"],
        languages=named["languages"],
        tags=named["tags"],
        location=NamedRef(row.location_id, row.location_name) if row.location_id is not None else None,
        description=row.description,
        cover_url=row.cover_url,
        cover_file_id=row.cover_file_id,
        status=row.status,
        rating=row.rating / 2 if row.rating is not None else None,
        notes=row.notes,
        owned=row.owned,
        copies=row.copies,
        metadata_source=row.metadata_source,
        current_loan=loan,
        readings=row.readings,
        deleted=row.deleted_at is not None,
        created_at=row.created_at,
        updated_at=row.updated_at,
        import_note=row.import_note,
    )


def get_books(
    session: Session, library_id: int, ids: list[int], *, include_deleted: bool = False
) -> list[BookView]:
    """Cards for ``ids`` in the given order; ids not in the library (or deleted) are left out.

    Two queries whatever the number of ids and of authors, tags...: the books (with format, location,
    open loan and number of readings), then all their links. Rows, not ORM objects: a card is read far
    more often than it is written, and loading rows is several times cheaper.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = {
        row.id: row
        for row in session.execute(_BOOKS[include_deleted], {"library_id": library_id, "ids": wanted})
    }
    if not rows:
        return []
    links: dict[int, dict[str, list]] = {book_id: {} for book_id in rows}
    for kind, book_id, ref_id, name, sort_name, number in session.execute(_LINKS, {"ids": list(rows)}):
        if kind == "authors":
            ref = (number, AuthorRef(ref_id, name, sort_name))
        elif kind == "series":
            ref = SeriesRef(ref_id, name, number)
        else:
            ref = NamedRef(ref_id, name)
        links[book_id].setdefault(kind, []).append(ref)
    return [_view(rows[i], links[i]) for i in wanted if i in rows]


def get_book(session: Session, library_id: int, book_id: int, *, include_deleted: bool = False) -> BookView:
    """One book's card; NotFound when it is not in this library or was deleted."""
    found = get_books(session, library_id, [book_id], include_deleted=include_deleted)
    if not found:
        raise NotFound(_("That book is not in this library (it may have been deleted)."))
    return found[0]


def _load(session: Session, library_id: int, book_id: int, *options, deleted: bool = False) -> db.Book:
    query = select(db.Book).where(db.Book.id == book_id, db.Book.library_id == library_id).options(*options)
    query = query.where(db.Book.deleted_at.is_not(None) if deleted else db.Book.deleted_at.is_(None))
    book = session.scalar(query)
    if book is None:
        raise NotFound(_("That book is not in this library (it may have been deleted)."))
    return book


# --------------------------------------------------------------------------- input helpers

_LIST_SPLIT = re.compile(r"\s*[,;]\s*")


def _names(value: Names) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p for p in _LIST_SPLIT.split(value) if p.strip()]
    return [str(v) for v in value if clean(v)]


def _author_names(value: Names) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        names = split_authors(value)
        if clean(value) and not names:
            parse_author(value)  # raises Invalid: there is no name in it
        return names
    return [str(v) for v in value if clean(v)]


def _isbn13(value: str | None) -> str | None:
    return validation.isbn(value)


def _check_isbn_free(
    session: Session, library_id: int, isbn13: str | None, book_id: int | None = None
) -> None:
    if not isbn13:
        return
    query = select(db.Book.id, db.Book.title).where(
        db.Book.library_id == library_id, db.Book.isbn13 == isbn13, db.Book.deleted_at.is_(None)
    )
    if book_id is not None:
        query = query.where(db.Book.id != book_id)
    clash = session.execute(query).first()
    if clash:
        raise Duplicate(
            _("“{title}” already has ISBN {isbn} in this library (add a copy to it instead).").format(
                title=clash.title, isbn=isbn_mod.hyphenate(isbn13)
            ),
            [clash.id],
        )


# --------------------------------------------------------------------------- duplicates and add


def find_duplicates(
    session: Session,
    library_id: int,
    *,
    title: str | None = None,
    authors: Names = None,
    isbn: str | None = None,
) -> list[BookView]:
    """Live books that may be the same: same ISBN (any spelling), or same folded title and first author.

    A book without authors matches books with the same title and no authors.
    """
    conditions = []
    isbn13 = _isbn13(isbn) if isbn else None
    if isbn13:
        conditions.append(db.Book.isbn13 == isbn13)
    if clean(title):
        names = _author_names(authors)
        first_key = fold(parse_author(names[0]).display) if names else None
        first_author = (
            select(db.Author.key)
            .join(db.BookAuthor, db.BookAuthor.author_id == db.Author.id)
            .where(db.BookAuthor.book_id == db.Book.id)
            .order_by(db.BookAuthor.position)
            .limit(1)
            .scalar_subquery()
        )
        title_match = db.Book.title_key == fold(title)
        conditions.append(
            and_(title_match, first_author == first_key if first_key else first_author.is_(None))
        )
    if not conditions:
        return []
    ids = list(
        session.scalars(
            select(db.Book.id)
            .where(db.Book.library_id == library_id, db.Book.deleted_at.is_(None), or_(*conditions))
            .order_by(db.Book.id)
        )
    )
    return get_books(session, library_id, ids)


def near_duplicates(session: Session, library_id: int, title: str, authors: Names = None) -> list[BookView]:
    """Live books whose title and first author are a near miss of these (a typo or two, another
    script, other punctuation) but not the same: "Hobit by J.R.R. Tolkien" for The Hobbit. The
    nearest titles first.

    Candidates come from ``search.similar_titles`` (one match on the title's words), not a search."""
    names = _author_names(authors)
    first = names[0] if names else None
    close = [
        (edits, row)
        for row in search_service.similar_titles(session, library_id, title, limit=_NEAR_CANDIDATES)
        if (edits := _edits(title, row.title)) is not None
        and (first is None or not row.first_author or _edits(first, row.first_author) is not None)
        and not (fold(title) == fold(row.title) and fold(first or "") == fold(row.first_author or ""))
    ]
    # Titles holding every word, when there are any: volume one is no near miss of volume two.
    kept = [(edits, row) for edits, row in close if row.every_word] or close
    kept.sort(key=lambda item: item[0])  # stable: the engine's order among titles as near
    return get_books(session, library_id, [row.id for _, row in kept[:_NEAR_SHOWN]]) if kept else []


_NEAR_CANDIDATES = 30  # titles looked at
_NEAR_SHOWN = 10
_NUMBERS = re.compile(r"\d+")


def _edits(typed: str, kept: str) -> int | None:
    """The edits between two names that read alike (None when they do not): within a word's allowed
    typos, compared as letters and digits (any script); their numbers the same (volume 2 is not a
    typo of volume 3)."""
    if _NUMBERS.findall(typed) != _NUMBERS.findall(kept):
        return None
    best = None
    for a in wordforms.readings(typed):
        for b in wordforms.readings(kept):
            allowed = wordforms.max_edits(b) + (1 if len(b) >= 16 else 0)
            edits = wordforms.distance(a, b, allowed)
            if edits <= allowed and (best is None or edits < best):
                best = edits
    return best


def add_book(
    session: Session, library_id: int, data: BookInput, *, allow_duplicate: bool = False
) -> AddResult:
    """Add a book. See the module docstring for what happens with possible duplicates and copies."""
    isbn13 = _isbn13(data.isbn)
    validation.title(data.title)  # a readable error before any lookup
    duplicates = find_duplicates(session, library_id, title=data.title, authors=data.authors, isbn=isbn13)
    if duplicates and not allow_duplicate:
        return AddResult(book=None, duplicates=duplicates)
    if not allow_duplicate and (near := near_duplicates(session, library_id, data.title, data.authors)):
        return AddResult(book=None, duplicates=near, near=True)
    same_isbn = next((d for d in duplicates if isbn13 and d.isbn13 == isbn13), None)
    if same_isbn is not None:
        book = _load(session, library_id, same_isbn.id)
        book.copies = book.copies + max(int(data.copies or 1), 1)
        session.flush()
        return AddResult(
            book=get_book(session, library_id, book.id), duplicates=duplicates, copies_added=True
        )

    book = db.Book(
        library_id=library_id,
        title=data.title,
        subtitle=data.subtitle,
        isbn13=isbn13,
        release_year=data.year,
        page_count=data.pages,
        price=data.price,
        currency=data.currency,
        description=clean(data.description),
        cover_url=clean(data.cover_url),
        cover_file_id=clean(data.cover_file_id),
        status=data.status or "to-read",
        rating=validation.rating(data.rating),
        notes=clean(data.notes),
        owned=bool(data.owned),
        copies=1 if data.copies is None else data.copies,
        metadata_source=clean(data.metadata_source),
    )
    book.format = (
        entities.get_or_create(session, library_id, db.Format, data.format) if clean(data.format) else None
    )
    book.location = (
        entities.get_or_create(session, library_id, db.Location, data.location)
        if clean(data.location)
        else None
    )
    book.genres = entities.get_or_create_many(session, library_id, db.Genre, _names(data.genres))
    book.publishers = entities.get_or_create_many(session, library_id, db.Publisher, _names(data.publishers))
    book.languages = entities.get_or_create_many(session, library_id, db.Language, _names(data.languages))
    book.tags = entities.get_or_create_many(session, library_id, db.Tag, _names(data.tags))
    authors = entities.get_or_create_authors(session, library_id, _author_names(data.authors))
    book.author_links = [db.BookAuthor(author=a, position=i) for i, a in enumerate(authors)]
    if clean(data.series):
        series = entities.get_or_create(session, library_id, db.Series, data.series)
        book.series_links = [db.BookSeries(series=series, series_index=data.series_index)]
    else:
        book.series_links = []
        if data.series_index not in (None, ""):
            raise Invalid(_("A series number needs a series name."))
    session.add(book)
    session.flush()
    search_index.index_new_book(session, book)
    return AddResult(book=get_book(session, library_id, book.id), duplicates=duplicates, added=True)


# --------------------------------------------------------------------------- edit

# update_book's plain fields: argument name -> (column, converter)
_SCALARS = {
    "title": ("title", None),
    "subtitle": ("subtitle", None),
    "isbn": ("isbn13", _isbn13),
    "isbn13": ("isbn13", _isbn13),
    "year": ("release_year", None),
    "pages": ("page_count", None),
    "price": ("price", None),
    "currency": ("currency", None),
    "description": ("description", clean),
    "cover_url": ("cover_url", clean),
    "cover_file_id": ("cover_file_id", clean),
    "status": ("status", None),
    "rating": ("rating", validation.rating),
    "notes": ("notes", clean),
    "owned": ("owned", bool),
    "copies": ("copies", None),
    "metadata_source": ("metadata_source", clean),
    "import_note": ("import_note", clean),  # None once the reader has dealt with what the import left out
}
_RELATIONS = {
    "authors",
    "series",
    "series_index",
    "genres",
    "publishers",
    "languages",
    "tags",
    "location",
    "format",
}
EDITABLE = frozenset(_SCALARS) | _RELATIONS


def update_book(session: Session, library_id: int, book_id: int, **changes) -> BookView:
    """Change any fields of a book (names as in :class:`BookInput`; ``rating`` in stars; None clears).

    ``series`` with ``series_index`` sets both; ``series_index`` alone renumbers the current series.
    """
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise Invalid(
            _("I cannot change {choices} (editable: {choices2}).").format(
                choices=", ".join(unknown), choices2=", ".join(sorted(EDITABLE))
            )
        )
    options = [selectinload(getattr(db.Book, name)) for name in _COLLECTIONS if name in changes]
    if "authors" in changes:
        options.append(selectinload(db.Book.author_links))
    if "series" in changes or "series_index" in changes:
        options.append(selectinload(db.Book.series_links))
    book = _load(session, library_id, book_id, *options)
    for name, value in changes.items():
        if name not in _SCALARS:
            continue
        column, convert = _SCALARS[name]
        if column == "title" and value is None:
            raise Invalid(_("A book needs a title."))
        value = convert(value) if convert else value
        if column == "isbn13":
            _check_isbn_free(session, library_id, value, book.id)
        setattr(book, column, value)
    if "authors" in changes:
        _replace_authors(session, book, changes["authors"])
    if "series" in changes:
        _replace_series(session, book, changes["series"], changes.get("series_index"))
    elif "series_index" in changes:
        if not book.series_links:
            raise Invalid(_("This book is in no series yet: give the series name with the number."))
        for link in book.series_links:
            link.series_index = changes["series_index"]
    for name, model in _COLLECTIONS.items():
        if name in changes:
            setattr(
                book, name, entities.get_or_create_many(session, library_id, model, _names(changes[name]))
            )
    if "location" in changes:
        book.location_id = _entity_id(session, library_id, db.Location, changes["location"])
    if "format" in changes:
        book.format_id = _entity_id(session, library_id, db.Format, changes["format"])
    return _saved(session, book)


_COLLECTIONS = {"genres": db.Genre, "publishers": db.Publisher, "languages": db.Language, "tags": db.Tag}


def _saved(session: Session, book: db.Book) -> BookView:
    session.flush()
    search_index.refresh(session, [book.id])
    return get_book(session, book.library_id, book.id)


def _entity_id(session: Session, library_id: int, model: type, name: str | None) -> int | None:
    return entities.get_or_create(session, library_id, model, name).id if clean(name) else None


def _replace_authors(session: Session, book: db.Book, authors: Names) -> None:
    new = entities.get_or_create_authors(session, book.library_id, _author_names(authors))
    book.author_links.clear()
    session.flush()  # the old rows go before the new ones take their positions
    book.author_links.extend(db.BookAuthor(author=a, position=i) for i, a in enumerate(new))


def _replace_series(session: Session, book: db.Book, name: str | None, index) -> None:
    if not clean(name) and index not in (None, ""):
        raise Invalid(_("A series number needs a series name."))
    book.series_links.clear()
    session.flush()
    if clean(name):
        series = entities.get_or_create(session, book.library_id, db.Series, name)
        book.series_links.append(db.BookSeries(series=series, series_index=index))


def set_authors(session: Session, library_id: int, book_id: int, authors: Names) -> BookView:
    """Replace the authors, keeping the given order (the first is the main author)."""
    book = _load(session, library_id, book_id, selectinload(db.Book.author_links))
    _replace_authors(session, book, authors)
    return _saved(session, book)


def set_series(
    session: Session,
    library_id: int,
    book_id: int,
    name: str | None,
    index: Decimal | float | str | None = None,
) -> BookView:
    """Put the book in one series (replacing any) at ``index`` (None: unnumbered); blank name: none."""
    book = _load(session, library_id, book_id, selectinload(db.Book.series_links))
    _replace_series(session, book, name, index)
    return _saved(session, book)


def _set_many(session: Session, library_id: int, book_id: int, attr: str, names: Names) -> BookView:
    book = _load(session, library_id, book_id, selectinload(getattr(db.Book, attr)))
    setattr(book, attr, entities.get_or_create_many(session, library_id, _COLLECTIONS[attr], _names(names)))
    return _saved(session, book)


def set_genres(session: Session, library_id: int, book_id: int, genres: Names) -> BookView:
    return _set_many(session, library_id, book_id, "genres", genres)


def set_tags(session: Session, library_id: int, book_id: int, tags: Names) -> BookView:
    return _set_many(session, library_id, book_id, "tags", tags)


def set_publishers(session: Session, library_id: int, book_id: int, publishers: Names) -> BookView:
    return _set_many(session, library_id, book_id, "publishers", publishers)


def set_languages(session: Session, library_id: int, book_id: int, languages: Names) -> BookView:
    return _set_many(session, library_id, book_id, "languages", languages)


def set_location(session: Session, library_id: int, book_id: int, location: str | None) -> BookView:
    """Put the book on a shelf (created if new); None or blank takes it off any shelf."""
    book = _load(session, library_id, book_id)
    book.location_id = _entity_id(session, library_id, db.Location, location)
    return _saved(session, book)


def set_format(session: Session, library_id: int, book_id: int, format_name: str | None) -> BookView:
    book = _load(session, library_id, book_id)
    book.format_id = _entity_id(session, library_id, db.Format, format_name)
    return _saved(session, book)


# --------------------------------------------------------------------------- delete and restore


def delete_book(session: Session, library_id: int, book_id: int) -> BookView:
    """Soft delete: the book disappears everywhere but can be restored. Returns its last card."""
    book = _load(session, library_id, book_id)
    book.deleted_at = db.utcnow()
    session.flush()
    search_index.refresh(session, [book.id])
    return get_book(session, library_id, book.id, include_deleted=True)


def restore_book(session: Session, library_id: int, book_id: int) -> BookView:
    """Undo a delete. Refused when a live book now has the same ISBN (one ISBN per library)."""
    book = _load(session, library_id, book_id, deleted=True)
    if book.isbn13:
        clash = session.execute(
            select(db.Book.id, db.Book.title).where(
                db.Book.library_id == library_id, db.Book.isbn13 == book.isbn13, db.Book.deleted_at.is_(None)
            )
        ).first()
        if clash:
            raise Duplicate(
                _(
                    "Cannot restore “{title}”: “{other}” now has the same ISBN {isbn}. Add a copy to that one instead."
                ).format(title=book.title, other=clash.title, isbn=isbn_mod.hyphenate(book.isbn13)),
                [clash.id],
            )
    book.deleted_at = None
    session.flush()
    search_index.refresh(session, [book.id])
    return get_book(session, library_id, book.id)
