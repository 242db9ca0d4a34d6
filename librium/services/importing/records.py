"""The neutral record every reader produces, whatever the file's layout.

A reader maps one CSV row to a :class:`BookRecord`; the planner and the applier only ever see these,
so Goodreads, the original Librium and our own CSV share one validation and one writing path.
Values are already checked with :mod:`librium.validation` (the same rules the models apply), so the
dry run reports what the apply would refuse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


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
class ReadingRecord:
    started_on: dt.date | None = None
    finished_on: dt.date | None = None
    abandoned: bool = False


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
    created_at: dt.datetime | None = None
    uuid: str | None = None
    problems: list[str] = field(default_factory=list)  # the row cannot be imported as it is
    notices: list[str] = field(default_factory=list)  # a value was dropped or guessed; the row is fine

    @property
    def first_author(self) -> str | None:
        return self.authors[0].display if self.authors else None
