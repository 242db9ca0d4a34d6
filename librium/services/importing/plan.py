"""The dry run: what an import would do, row by row, without writing anything.

Every data row of the file lands in exactly one of three piles: ``new`` (would be added), ``duplicates``
(already in the library, or the same book as an earlier row of the file) or ``problems`` (a value we
cannot store; reported by line number). So ``len(new) + len(duplicates) + len(problems) == rows``.

A duplicate is what :func:`librium.services.books.find_duplicates` calls one: the same ISBN, or the
same folded title and first author (a book without authors matches a book with the same title and no
authors). Deleted books do not count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db
from librium.errors import NotFound
from librium.i18n import _
from librium.services.importing.apps import REGISTRY
from librium.services.importing.formats import ColumnMapping
from librium.services.importing.reader import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, read_table
from librium.services.importing.records import BookRecord
from librium.text import fold


@dataclass(frozen=True)
class RowNote:
    """A row of the file with what to say about it (a problem, a duplicate, or a dropped value)."""

    line: int
    title: str
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        reasons = "; ".join(self.reasons)
        if self.title:
            return _("line {line} “{title}”: {reasons}").format(
                line=self.line, title=self.title[:60], reasons=reasons
            )
        return _("line {line}: {reasons}").format(line=self.line, reasons=reasons)


@dataclass
class ImportPlan:
    format: str
    format_name: str
    encoding: str
    rows: int
    new: list[BookRecord] = field(default_factory=list)
    duplicates: list[RowNote] = field(default_factory=list)
    problems: list[RowNote] = field(default_factory=list)
    notices: list[RowNote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problem_records: list[BookRecord] = field(default_factory=list)
    mapping: ColumnMapping | None = None  # which column fed which field (the generic import)

    def summary(self, limit: int = 10) -> str:
        """A short plain-text summary for a chat message (the caller escapes it for HTML)."""
        lines = [
            f"{self.format_name}: {self.rows} rows.",
            f"New: {len(self.new)}. Already in the library: {len(self.duplicates)}. "
            f"With problems: {len(self.problems)}.",
        ]
        lines.extend(self.warnings)
        if self.problems:
            lines.append("Problems:")
            lines.extend(f"• {note}" for note in self.problems[:limit])
            if len(self.problems) > limit:
                lines.append(f"… and {len(self.problems) - limit} more.")
        return "\n".join(lines)


def _key_title(record: BookRecord) -> tuple[str, str | None]:
    first = record.first_author
    return fold(record.title), fold(first) if first else None


class DuplicateIndex:
    """ISBNs and (title, first author) keys of the library's live books, plus the rows seen so far."""

    def __init__(self, session: Session, library_id: int):
        self.isbns: dict[str, str] = {}
        self.titles: dict[tuple[str, str | None], str] = {}
        first_author = (
            select(db.Author.key)
            .join(db.BookAuthor, db.BookAuthor.author_id == db.Author.id)
            .where(db.BookAuthor.book_id == db.Book.id)
            .order_by(db.BookAuthor.position)
            .limit(1)
            .scalar_subquery()
        )
        rows = session.execute(
            select(db.Book.title, db.Book.title_key, db.Book.isbn13, first_author).where(
                db.Book.library_id == library_id, db.Book.deleted_at.is_(None)
            )
        )
        for title, title_key, isbn13, author_key in rows:
            reason = f"already in the library as “{title[:60]}”"
            if isbn13:
                self.isbns.setdefault(isbn13, reason)
            self.titles.setdefault((title_key, author_key), reason)

    def check(self, record: BookRecord) -> str | None:
        """Why ``record`` is a duplicate, or None (and then remember it for the rows that follow)."""
        key = _key_title(record)
        if record.isbn13 and record.isbn13 in self.isbns:
            return self.isbns[record.isbn13]
        if key in self.titles:
            return self.titles[key]
        reason = f"same book as line {record.line}"
        if record.isbn13:
            self.isbns[record.isbn13] = reason
        self.titles[key] = reason
        return None


def read_records(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> tuple[str, str, list[str], list[BookRecord], ColumnMapping | None]:
    """(format, encoding, warnings, records, the columns' mapping when the generic import read it)."""
    from librium.services.importing import jsontable

    read = jsontable.read_json_table if jsontable.looks_like_json(data) else read_table
    table = read(data, max_bytes=max_bytes, max_rows=max_rows)
    bound = table.bound
    records = [bound.record_from_row(line, row) for line, row in table.rows]
    if bound.finish:
        bound.finish(records)
    return table.format, table.encoding, table.warnings, records, bound.mapping


def records_from_bytes(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> tuple[str, str, list[str], list[BookRecord]]:
    """(format, encoding, warnings, records) of an uploaded file; Invalid when it is unreadable."""
    return read_records(data, max_bytes=max_bytes, max_rows=max_rows)[:4]


def plan_records(
    session: Session, library_id: int, records: list[BookRecord], *, fmt: str, encoding: str = "utf-8"
) -> ImportPlan:
    if session.get(db.Library, library_id) is None:
        raise NotFound(_("That library does not exist."))
    plan = ImportPlan(
        format=fmt, format_name=REGISTRY.names().get(fmt, fmt), encoding=encoding, rows=len(records)
    )
    index = DuplicateIndex(session, library_id)
    for record in records:
        if record.problems:
            plan.problems.append(RowNote(record.line, record.title, tuple(record.problems)))
            plan.problem_records.append(record)
            continue
        reason = index.check(record)
        if reason:
            plan.duplicates.append(RowNote(record.line, record.title, (reason,)))
            continue
        plan.new.append(record)
        if record.notices:
            plan.notices.append(RowNote(record.line, record.title, tuple(record.notices)))
    return plan


def plan_import(
    session: Session,
    library_id: int,
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> ImportPlan:
    """Read an uploaded file and say what importing it into the library would do. Writes nothing."""
    fmt, encoding, warnings, records, mapping = read_records(data, max_bytes=max_bytes, max_rows=max_rows)
    plan = plan_records(session, library_id, records, fmt=fmt, encoding=encoding)
    plan.warnings = warnings
    plan.mapping = mapping
    return plan
