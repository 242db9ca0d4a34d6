"""“Do I own this?”: one call, by ISBN (any spelling) or by title, answering owned / wishlist, read,
lent, where it stands and how many copies — or clearly that the book is not in the library.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from librium import isbn as isbn_mod
from librium.database.sqlalchemy import db
from librium.errors import Invalid
from librium.i18n import _
from librium.services.query import ParsedQuery, tokens
from librium.services.search import search
from librium.text import clean, fold

books = db.Book.__table__
_ISBN_LIKE = re.compile(r"[0-9][0-9\- ]{7,15}[0-9Xx]")
_TITLE_CANDIDATES = 20


@dataclass(frozen=True)
class ReadingInfo:
    started_on: dt.date | None
    finished_on: dt.date | None
    abandoned: bool


@dataclass(frozen=True)
class LoanInfo:
    borrower: str
    lent_on: dt.date
    due_on: dt.date | None


@dataclass(frozen=True)
class Holding:
    """One matching book of the library."""

    book_id: int
    title: str
    authors: list[str]
    isbn13: str | None
    owned: bool  # False: on the wishlist
    status: str
    copies: int
    shelf: str | None
    format: str | None
    loan: LoanInfo | None  # the open loan, if lent
    readings: list[ReadingInfo] = field(default_factory=list)

    @property
    def times_read(self) -> int:
        return sum(1 for r in self.readings if r.finished_on and not r.abandoned)


@dataclass(frozen=True)
class Ownership:
    query: str
    by: str  # "isbn", "title", "near" (a near match: did you mean…?) or "id"
    isbn13: str | None
    matches: list[Holding]

    @property
    def found(self) -> bool:
        return bool(self.matches)

    @property
    def owned(self) -> bool:
        return any(m.owned for m in self.matches)

    @property
    def wishlist(self) -> bool:
        return bool(self.matches) and not self.owned


def check(session: Session, library_id: int, isbn_or_title: str) -> Ownership:
    """Is this book in the library? By ISBN-10/13 (hyphens or spaces allowed), else by title.

    A title matches exactly after folding (case and accents ignored); when nothing matches exactly,
    titles that contain every word typed (as word prefixes) do; failing that, the near matches of the
    words (typos, other scripts, other word forms), answered with ``by="near"``.
    """
    text = clean(isbn_or_title)
    if not text:
        raise Invalid(_("Tell me an ISBN or a title to look for."))
    compact = re.sub(r"[\s-]", "", text)
    if _ISBN_LIKE.fullmatch(text) and len(compact) in (10, 13):
        isbn13 = isbn_mod.normalise(text)  # raises Invalid with the reason when the check digit is wrong
        ids = list(
            session.scalars(
                select(books.c.id)
                .where(
                    books.c.library_id == library_id, books.c.deleted_at.is_(None), books.c.isbn13 == isbn13
                )
                .order_by(books.c.id)
            )
        )
        return Ownership(text, "isbn", isbn13, _holdings(session, ids))
    ids = _by_title(session, library_id, text)
    if ids:
        return Ownership(text, "title", None, _holdings(session, ids))
    return Ownership(text, "near", None, _holdings(session, _near_titles(session, library_id, text)))


def by_ids(session: Session, library_id: int, ids: list[int]) -> Ownership:
    """The library's live books among ``ids`` (ids of other libraries are left out), as an answer."""
    kept = list(
        session.scalars(
            select(books.c.id)
            .where(books.c.library_id == library_id, books.c.deleted_at.is_(None), books.c.id.in_(ids))
            .order_by(books.c.id)
        )
    )
    return Ownership("", "id", None, _holdings(session, kept))


def _by_title(session: Session, library_id: int, text: str) -> list[int]:
    key = fold(text)
    exact = list(
        session.scalars(
            select(books.c.id)
            .where(books.c.library_id == library_id, books.c.deleted_at.is_(None), books.c.title_key == key)
            .order_by(books.c.id)
        )
    )
    if exact:
        return exact
    words = tokens(text)
    if not words:
        return []
    # The full-text index finds candidates; keep those whose own title holds every word.
    page = search(session, library_id, ParsedQuery(words=words), page_size=_TITLE_CANDIDATES)
    kept = []
    for row in page.rows:
        title_words = tokens(f"{row.title} {row.subtitle or ''}")
        if all(any(t.startswith(w) for t in title_words) for w in words):
            kept.append(row.id)
    return kept


def _near_titles(session: Session, library_id: int, text: str) -> list[int]:
    """Books the words find only as near matches (typos, other scripts, other forms): "Did you mean…?"."""
    words = tokens(text)
    if not words:
        return []
    page = search(session, library_id, ParsedQuery(words=words), page_size=_NEAR_SHOWN)
    return page.ids if page.near_only and not page.partial else []


_NEAR_SHOWN = 3


def _holdings(session: Session, ids: list[int]) -> list[Holding]:
    if not ids:
        return []
    rows = session.execute(
        select(
            books.c.id,
            books.c.title,
            books.c.isbn13,
            books.c.owned,
            books.c.status,
            books.c.copies,
            db.Location.name.label("shelf"),
            db.Format.name.label("format"),
        )
        .outerjoin(db.Location, db.Location.id == books.c.location_id)
        .outerjoin(db.Format, db.Format.id == books.c.format_id)
        .where(books.c.id.in_(ids))
    ).all()
    names: dict[int, list[str]] = defaultdict(list)
    for book_id, name in session.execute(
        select(db.BookAuthor.book_id, db.Author.display_name)
        .join(db.Author, db.Author.id == db.BookAuthor.author_id)
        .where(db.BookAuthor.book_id.in_(ids))
        .order_by(db.BookAuthor.book_id, db.BookAuthor.position)
    ):
        names[book_id].append(name)
    readings: dict[int, list[ReadingInfo]] = defaultdict(list)
    for r in session.execute(
        select(db.Reading.book_id, db.Reading.started_on, db.Reading.finished_on, db.Reading.abandoned)
        .where(db.Reading.book_id.in_(ids))
        .order_by(db.Reading.book_id, db.Reading.id)
    ):
        readings[r.book_id].append(ReadingInfo(r.started_on, r.finished_on, bool(r.abandoned)))
    loans = {
        r.book_id: LoanInfo(r.borrower, r.lent_on, r.due_on)
        for r in session.execute(
            select(db.Loan.book_id, db.Loan.borrower, db.Loan.lent_on, db.Loan.due_on).where(
                db.Loan.book_id.in_(ids), db.Loan.returned_on.is_(None)
            )
        )
    }
    order = {book_id: n for n, book_id in enumerate(ids)}
    return [
        Holding(
            book_id=r.id,
            title=r.title,
            authors=names.get(r.id, []),
            isbn13=r.isbn13,
            owned=bool(r.owned),
            status=r.status,
            copies=r.copies,
            shelf=r.shelf,
            format=r.format,
            loan=loans.get(r.id),
            readings=readings.get(r.id, []),
        )
        for r in sorted(rows, key=lambda r: order[r.id])
    ]
