"""The dry run: what an import would do, row by row, without writing anything.

The rule: a row with a title is a book. Every data row lands in exactly one pile:
- ``new``: a book to add (values that could not be kept go to its import note, see records.py);
- ``merged``: the same book as an earlier row of the file: that book gets one more copy (and this
  row's shelves, readings...): "one book, two copies";
- ``in_library``: the same book as one already in the library, left alone;
- ``refused``: no title, by line number. Nothing else is ever refused.
So ``new + len(merged) + in_library + len(refused) == rows``.

Same book: the same ISBN with a compatible title (equal, or one the other plus a subtitle or an
edition note), or the same folded title and first author when at most one of the two has an ISBN.
Two rows with the same title and author but different ISBNs are two editions, two books; two rows
with one ISBN and different titles are two books (the later one's ISBN goes to its import note).
Library books are looked at in id order and rows in file order, so the answer never depends on set
or dict order: the same file gives the same answer every time.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db
from librium.errors import NotFound
from librium.i18n import _
from librium.services.importing.formats import ColumnMapping, mapping
from librium.services.importing.reader import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, CsvTable, read_table
from librium.services.importing.records import BookRecord
from librium.text import fold

EXAMPLES = 20  # notes kept per pile for the dry run's message
CHUNK = 500  # rows mapped, then matched against the library, at a time


@dataclass(frozen=True)
class RowNote:
    """A row of the file with what to say about it."""

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
class Entry:
    """A book the import has seen: one of the library's (line 0) or the first row of a group."""

    line: int
    title: str
    title_key: str
    isbn: str | None
    row: int = -1  # index of the file row that heads the group; -1 for a library book

    def describe(self) -> str:
        if self.line:
            return _("line {line}").format(line=self.line)
        return _("“{title}” in your library").format(title=self.title[:60])


_MAIN_TITLE = re.compile(r"\s*(?::|\(|\[|;|\s[-–—]\s).*$")


def compatible_titles(a: str, b: str) -> bool:
    """Folded titles of the same book: equal, or equal before a subtitle or an edition note
    ("dune" / "dune: deluxe edition" / "dune (40th anniversary)"). "Vol. 1" and "Vol. 2" are not."""
    if a == b:
        return True
    return bool(_MAIN_TITLE.sub("", a)) and _MAIN_TITLE.sub("", a) == _MAIN_TITLE.sub("", b)


class DuplicateIndex:
    """The file's books so far, and the library's books that the rows in hand may be, by ISBN and by
    (title, first author).

    The library is never loaded whole (a 100,000-book library took ~60 MB): before a chunk of rows is
    matched, :meth:`look_up` reads the library's live books that have one of the chunk's ISBNs or
    title keys, in id order. Only books that were in the library when the index was made count as the
    library's: the books this import writes as it goes (apply.py) are the file's.
    """

    def __init__(self, session: Session, library_id: int):
        self.session = session
        self.library_id = library_id
        self.last_id = (
            session.scalar(select(func.max(db.Book.id)).where(db.Book.library_id == library_id)) or 0
        )
        self.by_isbn: dict[str, Entry] = {}  # the file's
        self.by_title: dict[tuple[str, str | None], list[Entry]] = {}
        self.library_isbn: dict[str, Entry] = {}  # the library's, for the chunk in hand
        self.library_title: dict[tuple[str, str | None], list[Entry]] = {}

    def look_up(self, records: list[BookRecord]) -> None:
        """Read the library's books that ``records`` may be (and forget those of the previous chunk)."""
        self.library_isbn, self.library_title = {}, {}
        isbns = sorted({r.isbn13 for r in records if r.isbn13})
        title_keys = sorted({fold(r.title) for r in records if r.title})
        first_author = (
            select(db.Author.key)
            .join(db.BookAuthor, db.BookAuthor.author_id == db.Author.id)
            .where(db.BookAuthor.book_id == db.Book.id)
            .order_by(db.BookAuthor.position)
            .limit(1)
            .scalar_subquery()
        )
        books = select(db.Book.id, db.Book.title, db.Book.title_key, db.Book.isbn13, first_author).where(
            db.Book.library_id == self.library_id, db.Book.deleted_at.is_(None), db.Book.id <= self.last_id
        )
        found = {}  # one query per index (an OR of the two would read the whole library on SQLite)
        if isbns:
            found.update(
                (row.id, row) for row in self.session.execute(books.where(db.Book.isbn13.in_(isbns)))
            )
        if title_keys:
            found.update(
                (row.id, row) for row in self.session.execute(books.where(db.Book.title_key.in_(title_keys)))
            )
        for book_id in sorted(found):
            _id, title, title_key, isbn13, author_key = found[book_id]
            entry = Entry(0, title, title_key, isbn13)
            if isbn13:
                self.library_isbn.setdefault(isbn13, entry)
            self.library_title.setdefault((title_key, author_key or None), []).append(entry)

    def _remember(self, entry: Entry, key: tuple[str, str | None]) -> None:
        if entry.isbn:
            self.by_isbn.setdefault(entry.isbn, entry)
        self.by_title.setdefault(key, []).append(entry)

    def match(self, record: BookRecord) -> Entry | None:
        """The book ``record`` is the same as (the library's first, then the file's), or None. An ISBN
        that belongs to another book is dropped from the record (it stays in its import note)."""
        title_key = fold(record.title)
        first = record.first_author
        key = (title_key, fold(first) if first else None)
        if record.isbn13:
            found = self.library_isbn.get(record.isbn13) or self.by_isbn.get(record.isbn13)
            if found is not None:
                if compatible_titles(found.title_key, title_key):
                    return found
                record.drop(
                    "ISBN",
                    record.isbn13,
                    _("the same ISBN as {book}, a different title").format(book=found.describe()),
                )
                record.isbn13 = None
        for entry in (*self.library_title.get(key, ()), *self.by_title.get(key, ())):
            if record.isbn13 is None or entry.isbn is None or entry.isbn == record.isbn13:
                return entry
        return None

    def add(self, record: BookRecord, row: int) -> Entry:
        first = record.first_author
        title_key = fold(record.title)
        entry = Entry(record.line, record.title, title_key, record.isbn13, row)
        self._remember(entry, (title_key, fold(first) if first else None))
        return entry

    def merged(self, entry: Entry, record: BookRecord) -> None:
        """A row merged into ``entry``: its ISBN (when the group had none) now finds the group too."""
        isbn = record.isbn13
        if entry.isbn is None and isbn and isbn not in self.by_isbn and isbn not in self.library_isbn:
            entry.isbn = isbn
            self.by_isbn[isbn] = entry


NEW, MERGED, IN_LIBRARY, REFUSED = "new", "merged", "in library", "refused"


@dataclass(frozen=True)
class Verdict:
    row: int  # index of the data row, in file order
    record: BookRecord
    kind: str
    entry: Entry | None = None  # the book it is the same as (MERGED, IN_LIBRARY)


def classify(session: Session, library_id: int, table: CsvTable) -> Iterator[Verdict]:
    """Map each row of the table and say what becomes of it, streaming (a chunk of rows at a time)."""
    index = DuplicateIndex(session, library_id)
    mapper = table.mapper
    rows = enumerate(table.rows())
    while chunk := list(itertools.islice(rows, CHUNK)):
        records = []
        for _row, (line, cells) in chunk:
            with mapping(table.facts):
                records.append(mapper(line, cells))
        index.look_up(records)
        for (row, _cells), record in zip(chunk, records, strict=True):
            if not record.title:
                yield Verdict(row, record, REFUSED)
                continue
            entry = index.match(record)
            if entry is None:
                index.add(record, row)
                yield Verdict(row, record, NEW)
            elif entry.row < 0:
                yield Verdict(row, record, IN_LIBRARY, entry)
            else:
                index.merged(entry, record)
                yield Verdict(row, record, MERGED, entry)


@dataclass
class ImportPlan:
    format: str
    format_name: str
    encoding: str
    rows: int
    table: CsvTable
    new: int = 0
    in_library: int = 0
    merged: int = 0
    refused: list[int] = field(default_factory=list)  # lines of rows without a title
    dropped_rows: int = 0  # new books with values that could not be kept
    dropped_values: int = 0
    in_library_notes: list[RowNote] = field(default_factory=list)
    merged_notes: list[RowNote] = field(default_factory=list)
    dropped_notes: list[RowNote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    last_member: dict[int, int] = field(default_factory=dict)  # group's first row -> its last row
    mapping: ColumnMapping | None = None  # which column fed which field (the generic import)

    @property
    def books(self) -> int:
        """Books the import would add (a group of merged rows is one book)."""
        return self.new

    def summary(self, limit: int = 10) -> str:
        """A short plain-text summary (the bot writes its own; this is for logs and the console)."""
        lines = [
            f"{self.format_name}: {self.rows} rows.",
            f"New: {self.new}. Copies merged: {self.merged}. Already in the library: {self.in_library}. "
            f"Values I couldn't keep: {self.dropped_values}. Refused (no title): {len(self.refused)}.",
        ]
        lines.extend(self.warnings)
        lines.extend(f"• {note}" for note in self.dropped_notes[:limit])
        return "\n".join(lines)


def plan_table(session: Session, library_id: int, table: CsvTable) -> ImportPlan:
    if session.get(db.Library, library_id) is None:
        raise NotFound(_("That library does not exist."))
    plan = ImportPlan(
        format=table.format,
        format_name=table.format_name,
        encoding=table.encoding,
        rows=table.row_count,
        table=table,
        warnings=table.warnings,
        mapping=table.bound.mapping,
    )
    for verdict in classify(session, library_id, table):
        record = verdict.record
        if verdict.kind == REFUSED:
            plan.refused.append(record.line)
            continue
        if verdict.kind == IN_LIBRARY:
            plan.in_library += 1
            if len(plan.in_library_notes) < EXAMPLES:
                reason = _("already in your library as “{title}”").format(title=verdict.entry.title[:60])
                plan.in_library_notes.append(RowNote(record.line, record.title, (reason,)))
            continue
        if verdict.kind == MERGED:
            plan.merged += 1
            plan.last_member[verdict.entry.row] = verdict.row
            if len(plan.merged_notes) < EXAMPLES:
                reason = _("same book as line {line}").format(line=verdict.entry.line)
                plan.merged_notes.append(RowNote(record.line, record.title, (reason,)))
        else:
            plan.new += 1
        kept_out = record.kept_out()
        if kept_out:
            plan.dropped_rows += 1
            plan.dropped_values += len(kept_out)
            if len(plan.dropped_notes) < EXAMPLES:
                plan.dropped_notes.append(RowNote(record.line, record.title, tuple(kept_out)))
    plan.rows = plan.new + plan.merged + plan.in_library + len(plan.refused)
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
    return plan_table(session, library_id, read_any(data, max_bytes=max_bytes, max_rows=max_rows))


def read_any(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS):
    """The table of a CSV file, or of a JSON export an app's importer recognises."""
    from librium.services.importing import jsontable

    read = jsontable.read_json_table if jsontable.looks_like_json(data) else read_table
    return read(data, max_bytes=max_bytes, max_rows=max_rows)


def records_from_bytes(data: bytes, **limits) -> tuple[str, str, list[str], list[BookRecord]]:
    """(format, encoding, warnings, records) of a file: every row mapped (tests and tools; the import
    itself streams)."""
    table = read_any(data, **limits)
    with mapping(table.facts):
        records = [table.mapper(line, row) for line, row in table.rows()]
    return table.format, table.encoding, table.warnings, records
