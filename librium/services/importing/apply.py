"""Writing a planned import: all rows in one savepoint, or nothing.

The file is read again, row by row (:func:`plan.classify`, the same decisions as the dry run), and
written in batches as it goes: nothing holds every row of a big file. A row that heads a group of
rows of the same book is held until the group's last row (the plan knows it) has been merged into
it, so the book is written once, with all its copies.

Rows are not written one ``books.add_book`` at a time (about a dozen queries per book) but in batches
of 500 with executemany INSERTs: a 10,000-row file takes a few hundred statements. The rules are the
same: each book is first built as a transient ``db.Book`` so every ``@validates`` hook of the model
(librium.validation) runs on its values; names are matched by their folded key within the library
exactly as :mod:`librium.services.entities` does (new ones are created through the models too);
duplicates are decided as ``books.find_duplicates`` does (see plan.py); ``search_index.refresh`` runs
per batch.

The whole write runs inside ``session.begin_nested()``: if anything fails (a row the models refuse,
the database, or the caller's progress callback raising) the savepoint is rolled back, the exception
propagates and the library is exactly as before. The caller still owns the outer transaction and
commits it.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_mod
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from librium import validation
from librium.database.sqlalchemy import bulk, db
from librium.errors import Invalid, LibriumError
from librium.i18n import _
from librium.services import search_index
from librium.services.importing.librium_csv import sort_name
from librium.services.importing.plan import IN_LIBRARY, MERGED, NEW, ImportPlan, classify, plan_import
from librium.services.importing.reader import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS
from librium.services.importing.records import AuthorRecord, BookRecord, merge
from librium.text import fold

Progress = Callable[[int, int], None]
BATCH = 500


@dataclass(frozen=True)
class ImportResult:
    added: int  # books written
    duplicates: int  # rows left alone: the book is already in the library
    merged: int  # rows that became one more copy of a book of an earlier row
    refused: int  # rows without a title
    book_ids: list[int]


class EntityCache:
    """Named rows of one library by folded key, created on first use.

    Only the names of the batch in hand are held (:meth:`load` reads them before the batch is written),
    never every author of the library: a 100,000-book library has tens of thousands.
    """

    def __init__(self, session: Session, library_id: int):
        self.session = session
        self.library_id = library_id
        self._rows: dict[type, dict[str, object]] = {}  # model -> key -> row
        self._looked: dict[type, set[str]] = {}  # model -> keys already read from the database

    def load(self, records: list[BookRecord]) -> None:
        """Forget the previous batch's rows and read the library's rows that ``records`` name."""
        wanted: dict[type, set[str]] = {
            db.Format: {r.format for r in records if r.format},
            db.Location: {r.location for r in records if r.location},
            db.Genre: {name for r in records for name in r.genres},
            db.Publisher: {name for r in records for name in r.publishers},
            db.Language: {name for r in records for name in r.languages},
            db.Tag: {name for r in records for name in r.tags},
            db.Series: {name for r in records for name, _index in r.series},
            db.Author: {author.display for r in records for author in r.authors},
        }
        self._rows, self._looked = {}, {}
        for model, names in wanted.items():
            self._read(model, sorted({fold(name) for name in names if name}))

    def _read(self, model: type, keys: list[str]) -> None:
        rows = self._rows.setdefault(model, {})
        looked = self._looked.setdefault(model, set())
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            looked.update(chunk)
            query = select(model).where(model.library_id == self.library_id, model.key.in_(chunk))
            rows.update((row.key, row) for row in self.session.scalars(query))

    def _find(self, model: type, key: str):
        """The library's row of ``model`` with this key (read now if :meth:`load` did not), or None."""
        if key not in self._rows.get(model, {}) and key not in self._looked.get(model, ()):
            self._read(model, [key])
        return self._rows[model].get(key)

    def _keep(self, model: type, row) -> None:
        self.session.add(row)
        self._rows[model][row.key] = row

    def named(self, model: type, name: str | None):
        if not name:
            return None
        row = self._find(model, fold(name))
        if row is None:
            row = model(library_id=self.library_id, name=name)
            self._keep(model, row)
        return row

    def many(self, model: type, names: list[str]) -> list:
        out, seen = [], set()
        for name in names:
            row = self.named(model, name)
            if row is not None and row.key not in seen:
                seen.add(row.key)
                out.append(row)
        return out

    def author(self, record: AuthorRecord, uuid: str | None = None) -> db.Author:
        row = self._find(db.Author, fold(record.display))
        if row is None:
            row = db.Author(
                library_id=self.library_id,
                first_name=record.first,
                middle_name=record.middle,
                last_name=record.last,
                prefix=record.prefix,
                suffix=record.suffix,
                display_name=record.display,
                sort_name=sort_name(record),
            )
            if uuid:
                row.uuid = uuid
            self._keep(db.Author, row)
        return row


_VALIDATORS = db.Book.__mapper__.validators  # column -> (the model's @validates hook, options)


def book_values(library_id: int, record: BookRecord, now: dt.datetime) -> dict:
    """The record's ``books`` row, each value through the model's own ``@validates`` hook
    (librium.validation), without building an ORM object: the hooks run on a plain namespace, which
    also takes what they derive (``title_key``). Inserted in bulk by ``_write_batch``."""
    values = {
        "library_id": library_id,
        "uuid": record.uuid or str(uuid_mod.uuid4()),
        "title": record.title,
        "subtitle": record.subtitle,
        "isbn13": record.isbn13,
        "release_year": record.release_year,
        "page_count": record.page_count,
        "price": record.price,
        "currency": record.currency,
        "description": record.description,
        "status": record.status,
        "rating": record.rating,
        "notes": record.notes,
        "import_note": record.import_note,
        "owned": record.owned,
        "copies": record.copies,
        "metadata_source": "import",
        "created_at": record.created_at or now,
        "updated_at": now,
        "deleted_at": None,
        "cover_file_id": None,
        "cover_url": None,
    }
    derived = SimpleNamespace()
    for key, (validate, _options) in _VALIDATORS.items():
        if key in values:
            values[key] = validate(derived, key, values[key])
    values.update(vars(derived))
    return values


_LINKS = {  # record field -> (model, link table, the link's column)
    "genres": (db.Genre, db.book_genres, "genre_id"),
    "publishers": (db.Publisher, db.book_publishers, "publisher_id"),
    "languages": (db.Language, db.book_languages, "language_id"),
    "tags": (db.Tag, db.book_tags, "tag_id"),
}


@dataclass
class _Row:
    """One book of a batch: its validated values and the named rows it links to."""

    record: BookRecord
    values: dict
    fmt: object
    location: object
    named: dict[str, list]  # record field -> entity rows (see _LINKS)
    authors: list
    series: list[tuple[object, Decimal | None]]

    def search_fields(self) -> dict:
        """What ``search_index.search_row`` takes, from the rows as stored (no read back)."""
        return dict(
            title=self.values["title"],
            subtitle=self.values["subtitle"],
            isbn13=self.values["isbn13"],
            authors=[(a.display_name, a.last_name) for a in self.authors],
            series=sorted(s.name for s, _index in self.series),
            tags=sorted(e.name for e in self.named["tags"]),
            publishers=sorted(e.name for e in self.named["publishers"]),
            genres=sorted(e.name for e in self.named["genres"]),
            location=self.location.name if self.location is not None else None,
        )


def _resolve(cache: EntityCache, library_id: int, record: BookRecord, now: dt.datetime) -> _Row:
    """Validate one record and find (or create) the named rows it links to."""
    try:
        values = book_values(library_id, record, now)
        fmt = cache.named(db.Format, record.format)
        location = cache.named(db.Location, record.location)
        named = {name: cache.many(model, getattr(record, name)) for name, (model, _t, _c) in _LINKS.items()}
        authors = []
        for author in record.authors:
            row = cache.author(author)
            if row not in authors:
                authors.append(row)
        series = {}
        for name, index in record.series:
            row = cache.named(db.Series, name)
            series.setdefault(row.key, (row, validation.series_index(index)))
    except LibriumError as exc:
        raise RowFailed(record.line, exc.message) from exc
    return _Row(record, values, fmt, location, named, authors, list(series.values()))


_BOOKS = db.Book.__table__


def _write_batch(
    session: Session,
    cache: EntityCache,
    library_id: int,
    records: list[BookRecord],
    user_id: int | None,
    vocabulary_seen: set,
) -> list[int]:
    """Insert one batch: a few multi-row statements whatever the batch size (Core inserts, no ORM
    unit of work per book); the search rows are built from what the batch holds, not read back."""
    if not records:
        return []
    now = dt.datetime.now(dt.UTC)
    # A uuid from the file that a book already has (another library's, or a deleted one) cannot be
    # kept: uuids are unique across the database. The book then gets a new one.
    wanted = [r.uuid for r in records if r.uuid]
    taken = set(session.scalars(select(db.Book.uuid).where(db.Book.uuid.in_(wanted)))) if wanted else set()
    cache.load(records)
    for record in records:
        if record.uuid in taken:
            record.uuid = None
    rows = [_resolve(cache, library_id, record, now) for record in records]
    session.flush()  # new authors, tags... get their ids
    for row in rows:
        row.values["format_id"] = row.fmt.id if row.fmt else None
        row.values["location_id"] = row.location.id if row.location else None
    ids = bulk.insert_rows(session, _BOOKS, [row.values for row in rows], return_ids=True)
    links: dict = {table: [] for _m, table, _c in _LINKS.values()}
    book_authors, book_series, readings, loans = [], [], [], []
    for book_id, row in zip(ids, rows, strict=True):
        for name, (_model, table, column) in _LINKS.items():
            links[table].extend({"book_id": book_id, column: e.id} for e in row.named[name])
        book_authors.extend(
            {"book_id": book_id, "author_id": a.id, "position": i} for i, a in enumerate(row.authors)
        )
        book_series.extend(
            {"book_id": book_id, "series_id": s.id, "series_index": idx} for s, idx in row.series
        )
        readings.extend(
            {
                "book_id": book_id,
                "user_id": user_id,
                "started_on": r.started_on,
                "finished_on": r.finished_on,
                "abandoned": r.abandoned,
                "pages_read": None,
                "created_at": now,
                "updated_at": now,
            }
            for r in row.record.readings
        )
        loans.extend(_loan_rows(book_id, row.record, now))
    for table, values in (
        *links.items(),
        (db.BookAuthor.__table__, book_authors),
        (db.BookSeries.__table__, book_series),
        (db.Reading.__table__, readings),
        (db.Loan.__table__, loans),
    ):
        bulk.insert_rows(session, table, values)
    search_index.index_new_books(
        session,
        [(book_id, library_id, row.search_fields()) for book_id, row in zip(ids, rows, strict=True)],
        vocabulary_seen=vocabulary_seen,
    )
    return ids


def _loan_rows(book_id: int, record: BookRecord, now: dt.datetime) -> list[dict]:
    """The record's lendings as loan rows: only for a book owned, at most one not returned (the first),
    a lending without a day counted from the import's day, a return before the lending left open."""
    if not record.owned:
        return []
    rows, open_loan = [], False
    for loan in record.loans:
        lent_on = loan.lent_on or now.date()
        returned_on = loan.returned_on if loan.returned_on and loan.returned_on >= lent_on else None
        if returned_on is None:
            if open_loan:
                continue
            open_loan = True
        try:  # the mappers checked the name (fields.name); a bad one is skipped, never a failed import
            borrower = validation.name(loan.borrower, "borrower's name", limit=validation.BORROWER_MAX)
        except Invalid:
            continue
        rows.append(
            {
                "book_id": book_id,
                "borrower": borrower,
                "lent_on": lent_on,
                "due_on": None,
                "returned_on": returned_on,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


class RowFailed(LibriumError):
    def __init__(self, line: int, message: str):
        super().__init__(f"Line {line}: {message}")
        self.line = line


def apply_plan(
    session: Session,
    library_id: int,
    plan: ImportPlan,
    *,
    progress: Progress | None = None,
    user_id: int | None = None,
) -> ImportResult:
    """Add the plan's new books in one savepoint. Duplicates are checked again against the library as
    it is now, so a plan made before another import never adds a book twice. ``progress(done,
    total)`` is called after each batch; if it raises, nothing is written."""
    total = plan.new
    ids: list[int] = []
    batch: list[BookRecord] = []
    held: dict[int, BookRecord] = {}  # group's first row -> its record, until its last row is merged
    skipped_heads: set[int] = set()
    duplicates = merged = 0
    vocabulary_seen: set = set()  # words already given to the library's vocabulary by this import

    def flush() -> None:
        ids.extend(_write_batch(session, cache, library_id, batch, user_id, vocabulary_seen))
        batch.clear()
        if progress:
            progress(len(ids), total)

    with session.begin_nested():
        cache = EntityCache(session, library_id)
        try:
            for verdict in classify(session, library_id, plan.table):
                record = verdict.record
                if verdict.kind == NEW:
                    if verdict.row in plan.last_member:
                        held[verdict.row] = record
                    else:
                        batch.append(record)
                elif verdict.kind == MERGED:
                    head = verdict.entry.row
                    if head not in held:  # the plan did not see this group (it is stale): leave the row
                        duplicates += 1
                        skipped_heads.add(head)
                        continue
                    merge(held[head], record)
                    merged += 1
                    if plan.last_member.get(head) == verdict.row:
                        batch.append(held.pop(head))
                elif verdict.kind == IN_LIBRARY:
                    duplicates += 1
                if len(batch) >= BATCH:
                    flush()
            batch.extend(held.values())  # groups the plan thought longer (stale plan)
            held.clear()
            if batch or not ids:
                flush()
        except LibriumError as exc:
            raise Invalid(_("{error} Nothing was imported.").format(error=exc.message)) from exc
    return ImportResult(
        added=len(ids), duplicates=duplicates, merged=merged, refused=len(plan.refused), book_ids=ids
    )


def import_file(
    session: Session,
    library_id: int,
    data: bytes,
    *,
    progress: Progress | None = None,
    user_id: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> ImportResult:
    """Plan and apply in one call (what the bot runs after the user confirms the dry run)."""
    plan = plan_import(session, library_id, data, max_bytes=max_bytes, max_rows=max_rows)
    return apply_plan(session, library_id, plan, progress=progress, user_id=user_id)
