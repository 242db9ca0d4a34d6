"""Writing a planned import: all rows in one savepoint, or nothing.

Rows are written with the models directly (not one ``books.add_book`` per row) because that runs about
a dozen queries per book; here a 10,000-row file takes a few hundred statements. The rules are the same:
every value goes through the models' ``@validates`` hooks (librium.validation), names are matched by
their folded key within the library exactly as :mod:`librium.services.entities` does, duplicates are
decided as ``books.find_duplicates`` does (see plan.py), and ``search_index.refresh`` runs per batch.

The whole write runs inside ``session.begin_nested()``: if anything fails (a row the models refuse,
the database, or the caller's progress callback raising) the savepoint is rolled back, the exception
propagates and the library is exactly as before. The caller still owns the outer transaction and
commits it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db
from librium.errors import Invalid, LibriumError
from librium.services import search_index
from librium.services.importing.librium_csv import sort_name
from librium.services.importing.plan import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    DuplicateIndex,
    ImportPlan,
    plan_import,
)
from librium.services.importing.records import AuthorRecord, BookRecord
from librium.text import fold

Progress = Callable[[int, int], None]
BATCH = 500


@dataclass(frozen=True)
class ImportResult:
    added: int
    duplicates: int
    skipped: int  # rows with problems, skipped because the caller said so
    book_ids: list[int]


class EntityCache:
    """Named rows of one library by folded key, loaded once per kind and created on first use."""

    def __init__(self, session: Session, library_id: int):
        self.session = session
        self.library_id = library_id
        self._rows: dict[type, dict[str, object]] = {}

    def _kind(self, model: type) -> dict[str, object]:
        if model not in self._rows:
            rows = self.session.scalars(select(model).where(model.library_id == self.library_id))
            self._rows[model] = {row.key: row for row in rows}
        return self._rows[model]

    def named(self, model: type, name: str | None):
        if not name:
            return None
        rows = self._kind(model)
        key = fold(name)
        row = rows.get(key)
        if row is None:
            row = model(library_id=self.library_id, name=name)
            self.session.add(row)
            rows[row.key] = row
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
        rows = self._kind(db.Author)
        key = fold(record.display)
        row = rows.get(key)
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
            self.session.add(row)
            rows[row.key] = row
        return row


def build_book(cache: EntityCache, library_id: int, record: BookRecord, user_id: int | None) -> db.Book:
    """A new Book (added to the session) for a record; the models validate every value."""
    book = db.Book(
        library_id=library_id,
        title=record.title,
        subtitle=record.subtitle,
        isbn13=record.isbn13,
        release_year=record.release_year,
        page_count=record.page_count,
        price=record.price,
        currency=record.currency,
        description=record.description,
        status=record.status,
        rating=record.rating,
        notes=record.notes,
        owned=record.owned,
        copies=record.copies,
        metadata_source="import",
    )
    if record.uuid:
        book.uuid = record.uuid
    if record.created_at:
        book.created_at = record.created_at
    book.format = cache.named(db.Format, record.format)
    book.location = cache.named(db.Location, record.location)
    book.genres = cache.many(db.Genre, record.genres)
    book.publishers = cache.many(db.Publisher, record.publishers)
    book.languages = cache.many(db.Language, record.languages)
    book.tags = cache.many(db.Tag, record.tags)
    authors, seen = [], set()
    for author in record.authors:
        row = cache.author(author)
        if row.key not in seen:
            seen.add(row.key)
            authors.append(row)
    book.author_links = [db.BookAuthor(author=a, position=i) for i, a in enumerate(authors)]
    links, seen = [], set()
    for name, index in record.series:
        series = cache.named(db.Series, name)
        if series.key not in seen:
            seen.add(series.key)
            links.append(db.BookSeries(series=series, series_index=index))
    book.series_links = links
    book.readings = [
        db.Reading(user_id=user_id, started_on=r.started_on, finished_on=r.finished_on, abandoned=r.abandoned)
        for r in record.readings
    ]
    cache.session.add(book)
    return book


def apply_plan(
    session: Session,
    library_id: int,
    plan: ImportPlan,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    user_id: int | None = None,
) -> ImportResult:
    """Add the plan's new books in one savepoint. Refuses (Invalid) when rows have problems, unless
    ``skip_invalid``. Duplicates are checked again, so a plan made before another import stays safe.
    ``progress(done, total)`` is called after each batch; if it raises, nothing is written."""
    if plan.problems and not skip_invalid:
        first = plan.problems[0]
        raise Invalid(
            f"{len(plan.problems)} rows have problems (first: {first}). Fix them or import without them."
        )
    index = DuplicateIndex(session, library_id)
    todo = [record for record in plan.new if index.check(record) is None]
    duplicates = len(plan.duplicates) + len(plan.new) - len(todo)
    total = len(todo)
    ids: list[int] = []
    with session.begin_nested():
        cache = EntityCache(session, library_id)
        batch: list[db.Book] = []
        current: BookRecord | None = None
        try:
            for done, record in enumerate(todo, start=1):
                current = record
                batch.append(build_book(cache, library_id, record, user_id))
                if len(batch) >= BATCH or done == total:
                    current = None
                    session.flush()
                    batch_ids = [b.id for b in batch]
                    search_index.refresh(session, batch_ids)
                    ids.extend(batch_ids)
                    batch = []
                    if progress:
                        progress(done, total)
        except LibriumError as exc:
            where = f"Line {current.line}: " if current else ""
            raise Invalid(f"{where}{exc.message} Nothing was imported.") from exc
    if progress and total == 0:
        progress(0, 0)
    return ImportResult(added=len(ids), duplicates=duplicates, skipped=len(plan.problems), book_ids=ids)


def import_file(
    session: Session,
    library_id: int,
    data: bytes,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    user_id: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> ImportResult:
    """Plan and apply in one call (what the bot runs after the user confirms the dry run)."""
    plan = plan_import(session, library_id, data, max_bytes=max_bytes, max_rows=max_rows)
    return apply_plan(
        session, library_id, plan, skip_invalid=skip_invalid, progress=progress, user_id=user_id
    )
