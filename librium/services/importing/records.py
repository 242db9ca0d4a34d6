"""The neutral record every reader produces, whatever the file's layout.

A mapper turns one row into a :class:`BookRecord`; the planner and the applier only ever see these,
so every format shares one validation and one writing path. Values are already checked with
:mod:`librium.validation` (the same rules the models apply). A value that cannot be kept is not a
reason to refuse the row: the mapper leaves the field empty and calls ``record.drop(field, value,
reason)``; the value is then kept verbatim in the book's import note and listed in the dry run.
Only a row without a title is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from librium.i18n import N_, _


@dataclass(frozen=True)
class AuthorRecord:
    """An author as named in the file; parts are filled when the file gives them (original Librium)."""

    display: str
    first: str | None = None
    middle: str | None = None
    last: str | None = None
    prefix: str | None = None
    suffix: str | None = None


@dataclass(frozen=True)
class DroppedValue:
    """A value of the file that could not be kept in its field (kept verbatim in the import note)."""

    field: str  # the column, as the file names it ("ISBN13", "My Rating")
    value: str  # exactly as the file wrote it
    reason: str  # why, for a person: "wrong check digit", "not a date"

    def __str__(self) -> str:
        return f"{self.field} “{self.value}” ({self.reason})"


IMPORT_NOTE_HEADING = N_("Values from the import I couldn't keep:")
NOTE_VALUE_MAX = 2000  # one dropped value in the note; a whole review is never a dropped value


@dataclass(frozen=True)
class ReadingRecord:
    started_on: dt.date | None = None
    finished_on: dt.date | None = None
    abandoned: bool = False


@dataclass(frozen=True)
class LoanRecord:
    """A lending the app knew of: to whom, since when (None: the file does not say), returned when."""

    borrower: str
    lent_on: dt.date | None = None
    returned_on: dt.date | None = None


@dataclass
class BookRecord:
    """One row of an import file, mapped to our fields. ``line`` is the row's first line in the file."""

    line: int
    title: str = ""
    subtitle: str | None = None
    authors: list[AuthorRecord] = field(default_factory=list)
    isbn13: str | None = None
    release_year: int | None = None
    page_count: int | None = None
    price: Decimal | None = None
    currency: str | None = None
    format: str | None = None
    location: str | None = None
    publishers: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    series: list[tuple[str, Decimal | None]] = field(default_factory=list)
    status: str = "to-read"
    rating: int | None = None  # half stars 1..10
    notes: str | None = None
    description: str | None = None
    owned: bool = True
    copies: int = 1
    readings: list[ReadingRecord] = field(default_factory=list)
    loans: list[LoanRecord] = field(default_factory=list)
    created_at: dt.datetime | None = None
    uuid: str | None = None
    dropped: list[DroppedValue] = field(default_factory=list)
    # Free-text notes about values left out, for mappers that do not name the column; prefer drop().
    notices: list[str] = field(default_factory=list)

    @property
    def first_author(self) -> str | None:
        return self.authors[0].display if self.authors else None

    def drop(self, field: str, value: str | None, reason: str) -> None:
        """Leave a value out of its field and keep it, verbatim, in the book's import note."""
        text = (value or "").strip()
        if text:
            self.dropped.append(DroppedValue(field, text[:NOTE_VALUE_MAX], reason))

    def kept_out(self) -> list[str]:
        """What of this row could not be kept, one line each (dropped values, then notices)."""
        return [str(d) for d in self.dropped] + [n[:NOTE_VALUE_MAX] for n in self.notices]

    @property
    def import_note(self) -> str | None:
        """The note a book keeps about the values of its row that could not be kept, or None."""
        kept_out = self.kept_out()
        if not kept_out:
            return None
        return "\n".join([_(IMPORT_NOTE_HEADING), *(f"• {line}" for line in kept_out)])


_STATUS_RANK = {"to-read": 0, "abandoned": 1, "read": 2, "reading": 3}


def _union(first: list, second: list, key=lambda v: v) -> list:
    seen = {key(v) for v in first}
    return first + [v for v in second if key(v) not in seen and not seen.add(key(v))]


def merge(book: BookRecord, other: BookRecord) -> None:
    """Fold a later row of the same book into ``book``: one more copy (or the copies it lists), its
    shelves, readings and notes added, and every empty field filled from it."""
    from librium.text import fold

    if other.owned:
        book.copies = (book.copies if book.owned else 0) + max(other.copies, 1)
        book.owned = True
    for name in (
        "subtitle",
        "isbn13",
        "release_year",
        "page_count",
        "price",
        "currency",
        "format",
        "location",
        "rating",
        "description",
        "uuid",
    ):
        if getattr(book, name) is None and getattr(other, name) is not None:
            setattr(book, name, getattr(other, name))
    for name in ("publishers", "languages", "genres", "tags"):
        setattr(book, name, _union(getattr(book, name), getattr(other, name), fold))
    book.authors = _union(book.authors, other.authors, lambda a: fold(a.display))
    book.series = _union(book.series, other.series, lambda s: fold(s[0]))
    book.readings = _union(book.readings, other.readings)
    for loan in other.loans:
        if loan in book.loans:
            continue
        if loan.returned_on is None and any(mine.returned_on is None for mine in book.loans):
            # the database keeps one open loan per book: the other copy's lending goes to the note
            book.drop("loan", loan.borrower, _("a second loan at the same time; only the first is kept"))
        else:
            book.loans.append(loan)
    if _STATUS_RANK.get(other.status, 0) > _STATUS_RANK.get(book.status, 0):
        book.status = other.status
    if other.notes and other.notes != book.notes:
        book.notes = f"{book.notes}\n\n{other.notes}" if book.notes else other.notes
    if other.created_at and (book.created_at is None or other.created_at < book.created_at):
        book.created_at = other.created_at
    book.dropped.extend(other.dropped)
    book.notices.extend(other.notices)
