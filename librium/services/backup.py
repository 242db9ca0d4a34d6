"""Restoring a library from the JSON dump written by :mod:`librium.services.exporting`.

Never copies a file over the database: the dump is read, compared with the library and written through
the models (so librium.validation applies) in one savepoint; the caller commits. First
``plan_restore`` says what would be added, changed and left alone; ``apply_restore`` does it.

Matching and what is kept (decided here):
- Books are matched by uuid within the library. A match whose fields differ is "changed" and takes the
  dump's values (readings and loans are replaced by the dump's); a match with equal fields is left
  alone; a deleted book with that uuid is brought back. Books of the library that are not in the dump
  are left alone (a restore never deletes).
- uuids, created_at and updated_at are kept, so restoring into an empty library gives back exactly what
  was exported. Database ids are not kept (they are new). If a uuid is already used in another library
  (the same backup restored twice into different libraries), the copy gets a new uuid.
- A book whose ISBN belongs to another live book of the library (different uuid) is not restored; it is
  reported as a conflict.
- Authors are matched by uuid, then by name; genres, series, tags... by name (case/accent-insensitive).
- Readings, loans and reminders refer to people by Telegram id; a person unknown to this database gets
  no reading owner, and their reminders are skipped (reported).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid as uuid_mod
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db
from librium.errors import Invalid, LibriumError
from librium.i18n import _
from librium.services import search_index
from librium.services.exporting import (
    _BOOK_OPTIONS,
    DUMP_FORMAT,
    DUMP_FORMAT_VERSION,
    ENTITY_LISTS,
    _check_library,
    _loan_refs,
    book_to_dict,
    telegram_ids_for,
)
from librium.text import fold

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CHUNK = 500
Progress = Callable[[int, int], None]


@dataclass
class RestorePlan:
    dump: dict
    added: list[str] = field(default_factory=list)  # titles
    changed: list[tuple[str, list[str]]] = field(default_factory=list)  # title, changed fields
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _actions: dict[str, str] = field(default_factory=dict, repr=False)  # uuid -> add/change/keep/conflict
    _new_uuids: dict[str, str] = field(default_factory=dict, repr=False)

    def summary(self, limit: int = 10) -> str:
        lines = [
            _(
                "Backup of {books} books: {added} would be added, {changed} changed, {unchanged} left as they are."
            ).format(
                books=len(self.dump["books"]),
                added=len(self.added),
                changed=len(self.changed),
                unchanged=self.unchanged,
            )
        ]
        for title, fields_ in self.changed[:limit]:
            lines.append(f"• “{title[:60]}”: {', '.join(fields_)}")
        if len(self.changed) > limit:
            lines.append(_("… and {n} more changed.").format(n=len(self.changed) - limit))
        lines.extend(_("Not restored: {what}").format(what=c) for c in self.conflicts[:limit])
        lines.extend(self.warnings)
        return "\n".join(lines)


@dataclass(frozen=True)
class RestoreResult:
    added: int
    changed: int
    unchanged: int
    conflicts: int
    book_ids: list[int]


# --------------------------------------------------------------------------- reading the file

_BOOK_KEYS = {"uuid", "title", "authors", "series", "readings", "loans", "status"}


def read_dump(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> dict:
    """Parse and sanity-check a dump; Invalid with a readable reason when it is not one of ours."""
    if len(data) > max_bytes:
        raise Invalid(
            f"The backup is too big ({len(data) / 2**20:.1f} MB); the limit is {max_bytes / 2**20:g} MB."
        )
    if not data.strip():
        raise Invalid(_("The backup file is empty."))
    try:
        dump = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Invalid(
            _("This is not a Librium backup (it is not JSON). Send the .json file /backup made.")
        ) from None
    if not isinstance(dump, dict) or dump.get("format") != DUMP_FORMAT:
        raise Invalid(_("This JSON file is not a Librium backup."))
    version = dump.get("format_version")
    if not isinstance(version, int) or version > DUMP_FORMAT_VERSION:
        raise Invalid(
            _("This backup was made by a newer Librium (format {version}); update the bot first.").format(
                version=version
            )
        )
    for key in ("authors", "books", "reminders", *ENTITY_LISTS):
        if not isinstance(dump.get(key), list):
            raise Invalid(_("The backup is damaged: “{key}” is missing.").format(key=key))
    for n, book in enumerate(dump["books"], start=1):
        if not isinstance(book, dict) or not book.keys() >= _BOOK_KEYS:
            raise Invalid(_("The backup is damaged: book {n} is incomplete.").format(n=n))
    return dump


# --------------------------------------------------------------------------- plan

_COMPARED_OUT = {"updated_at"}


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_by_uuid(session: Session, library_id: int, uuids: list[str]) -> dict[str, db.Book]:
    rows = session.scalars(
        select(db.Book)
        .where(db.Book.library_id == library_id, db.Book.uuid.in_(uuids))
        .options(*_BOOK_OPTIONS)
    )
    return {b.uuid: b for b in rows}


def plan_restore(session: Session, library_id: int, dump: dict) -> RestorePlan:
    """Compare the dump with the library. Writes nothing."""
    _check_library(session, library_id)
    plan = RestorePlan(dump=dump)
    revision = dump.get("schema_revision")
    from librium.services.exporting import schema_revision

    current = schema_revision(session)
    if revision and current and revision != current:
        plan.warnings.append(
            f"The backup was made at database revision {revision}; this database is at {current}."
        )
    author_uuids = {a["uuid"]: a for a in dump["authors"]}
    live_isbns = dict(
        session.execute(
            select(db.Book.isbn13, db.Book.uuid).where(
                db.Book.library_id == library_id, db.Book.deleted_at.is_(None), db.Book.isbn13.is_not(None)
            )
        ).all()
    )
    seen_isbns: dict[str, str] = {}
    for chunk in _chunks(dump["books"]):
        uuids = [b["uuid"] for b in chunk]
        existing = _load_by_uuid(session, library_id, uuids)
        elsewhere = set(
            session.scalars(
                select(db.Book.uuid).where(db.Book.uuid.in_(uuids), db.Book.library_id != library_id)
            )
        )
        telegram_ids = telegram_ids_for(session, (r.user_id for b in existing.values() for r in b.readings))
        for entry in chunk:
            uid, title = entry["uuid"], entry["title"]
            isbn = entry.get("isbn13")
            if (
                uid not in existing
                and uid in elsewhere
                and _already_copied(session, library_id, entry, author_uuids)
            ):
                # Restored here before under a new uuid (the original is in another library).
                plan.unchanged += 1
                plan._actions[uid] = "keep"
                continue
            owner = live_isbns.get(isbn) if isbn else None
            if isbn and ((owner and owner != uid) or isbn in seen_isbns):
                plan.conflicts.append(f"“{title[:60]}”: another book already has ISBN {isbn}.")
                plan._actions[uid] = "conflict"
                continue
            if isbn:
                seen_isbns[isbn] = uid
            book = existing.get(uid)
            if (
                book is None
                and uid in elsewhere
                and _already_copied(session, library_id, entry, author_uuids)
            ):
                # Restored here before under a new uuid (the original is in another library).
                plan.unchanged += 1
                plan._actions[uid] = "keep"
                continue
            if book is None:
                plan.added.append(title)
                plan._actions[uid] = "add"
                if uid in elsewhere:
                    plan._new_uuids[uid] = str(uuid_mod.uuid4())
                continue
            now = book_to_dict(book, telegram_ids)
            wanted = dict(entry)
            differences = [
                key
                for key in wanted
                if key not in _COMPARED_OUT and _comparable(now.get(key)) != _comparable(wanted.get(key))
            ]
            if book.deleted_at is not None:
                differences.insert(0, "deleted")
            author_changes = [
                u for u in entry["authors"] if u in author_uuids and _author_differs(book, u, author_uuids[u])
            ]
            if author_changes and "authors" not in differences:
                differences.append("authors")
            if differences:
                plan.changed.append((title, differences))
                plan._actions[uid] = "change"
            else:
                plan.unchanged += 1
                plan._actions[uid] = "keep"
    return plan


def _already_copied(session: Session, library_id: int, entry: dict, author_uuids: dict[str, dict]) -> bool:
    """Does the library hold this book already (same ISBN, or same title and first author)?"""
    from librium.services.books import find_duplicates

    names = [author_uuids[u]["display_name"] for u in entry["authors"] if u in author_uuids]
    return bool(
        find_duplicates(session, library_id, title=entry["title"], authors=names, isbn=entry.get("isbn13"))
    )


def _comparable(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _author_differs(book: db.Book, author_uuid: str, wanted: dict) -> bool:
    for link in book.author_links:
        if link.author.uuid == author_uuid:
            a = link.author
            return (a.display_name, a.first_name, a.middle_name, a.last_name, a.prefix, a.suffix) != (
                wanted.get("display_name"),
                wanted.get("first_name"),
                wanted.get("middle_name"),
                wanted.get("last_name"),
                wanted.get("prefix"),
                wanted.get("suffix"),
            )
    return False


# --------------------------------------------------------------------------- apply


def _ts(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class _Restorer:
    def __init__(self, session: Session, library_id: int, plan: RestorePlan):
        self.session = session
        self.library_id = library_id
        self.plan = plan
        self.dump = plan.dump
        self.entities: dict[type, dict[str, object]] = {}
        self.authors: dict[str, db.Author] = {}  # dump uuid -> row
        telegram = {r.get("user") for b in self.dump["books"] for r in b.get("readings", [])}
        telegram |= {r.get("user") for r in self.dump["reminders"]}
        telegram.discard(None)
        self.users = (
            dict(
                session.execute(
                    select(db.User.telegram_id, db.User.id).where(db.User.telegram_id.in_(telegram))
                ).all()
            )
            if telegram
            else {}
        )

    # named entities --------------------------------------------------------
    def _named_rows(self, model: type) -> dict[str, object]:
        if model not in self.entities:
            rows = self.session.scalars(select(model).where(model.library_id == self.library_id))
            self.entities[model] = {r.key: r for r in rows}
        return self.entities[model]

    def named(self, model: type, name: str | None, entry: dict | None = None):
        if not name:
            return None
        rows = self._named_rows(model)
        row = rows.get(fold(name))
        if row is None:
            row = model(library_id=self.library_id, name=name)
            if entry:
                if model is db.Language:
                    row.code = entry.get("code")
                row.created_at = _ts(entry.get("created_at")) or row.created_at
                row.updated_at = _ts(entry.get("updated_at")) or row.updated_at
            self.session.add(row)
            rows[row.key] = row
        return row

    def entities_from_dump(self) -> None:
        for key, model in ENTITY_LISTS.items():
            for entry in self.dump[key]:
                self.named(model, entry.get("name"), entry)

    # authors ------------------------------------------------------------------
    def authors_from_dump(self) -> None:
        entries = self.dump["authors"]
        uuids = [a["uuid"] for a in entries]
        by_uuid, by_key, used_elsewhere = {}, {}, set()
        for chunk in _chunks(uuids):
            for row in self.session.scalars(select(db.Author).where(db.Author.uuid.in_(chunk))):
                if row.library_id == self.library_id:
                    by_uuid[row.uuid] = row
                else:
                    used_elsewhere.add(row.uuid)
        for row in self.session.scalars(select(db.Author).where(db.Author.library_id == self.library_id)):
            by_key[row.key] = row
        for entry in entries:
            key = fold(entry["display_name"])
            row = by_uuid.get(entry["uuid"])
            if row is not None:
                clash = by_key.get(key)
                if clash is None or clash is row:
                    by_key.pop(row.key, None)
                    self._set_author(row, entry)
                    by_key[row.key] = row
            else:
                row = by_key.get(key)
                if row is None:
                    row = db.Author(library_id=self.library_id)
                    self._set_author(row, entry)
                    row.uuid = str(uuid_mod.uuid4()) if entry["uuid"] in used_elsewhere else entry["uuid"]
                    row.created_at = _ts(entry.get("created_at")) or row.created_at
                    self.session.add(row)
                    by_key[row.key] = row
            self.authors[entry["uuid"]] = row

    @staticmethod
    def _set_author(row: db.Author, entry: dict) -> None:
        values = {
            "first_name": entry.get("first_name"),
            "middle_name": entry.get("middle_name"),
            "last_name": entry.get("last_name"),
            "prefix": entry.get("prefix"),
            "suffix": entry.get("suffix"),
            "display_name": entry["display_name"],
            "sort_name": entry.get("sort_name") or entry["display_name"],
        }
        changed = any(getattr(row, k) != v for k, v in values.items())
        for k, v in values.items():
            if getattr(row, k) != v:
                setattr(row, k, v)
        if changed or row.updated_at is None:
            row.updated_at = _ts(entry.get("updated_at")) or db.utcnow()

    # books ----------------------------------------------------------------------
    def fill_book(self, book: db.Book, entry: dict) -> None:
        book.title = entry["title"]
        book.subtitle = entry.get("subtitle")
        book.isbn13 = entry.get("isbn13")
        book.release_year = entry.get("release_year")
        book.page_count = entry.get("page_count")
        book.price = Decimal(entry["price"]) if entry.get("price") is not None else None
        book.currency = entry.get("currency")
        book.cover_file_id = entry.get("cover_file_id")
        book.cover_url = entry.get("cover_url")
        book.description = entry.get("description")
        book.status = entry["status"]
        book.rating = entry.get("rating")
        book.notes = entry.get("notes")
        book.import_note = entry.get("import_note")
        book.owned = bool(entry.get("owned", True))
        book.copies = entry.get("copies", 1)
        book.metadata_source = entry.get("metadata_source")
        book.deleted_at = None
        book.format = self.named(db.Format, entry.get("format"))
        book.location = self.named(db.Location, entry.get("location"))
        book.genres = [self.named(db.Genre, n) for n in entry.get("genres", [])]
        book.publishers = [self.named(db.Publisher, n) for n in entry.get("publishers", [])]
        book.languages = [self.named(db.Language, n) for n in entry.get("languages", [])]
        book.tags = [self.named(db.Tag, n) for n in entry.get("tags", [])]
        authors = []
        for u in entry["authors"]:
            if u not in self.authors:
                raise Invalid(
                    _("The backup is damaged: “{title}” names an author it does not list.").format(
                        title=entry["title"][:60]
                    )
                )
            if self.authors[u] not in authors:
                authors.append(self.authors[u])
        book.author_links = [db.BookAuthor(author=a, position=i) for i, a in enumerate(authors)]
        book.series_links = [
            db.BookSeries(series=self.named(db.Series, s["name"]), series_index=s.get("index"))
            for s in entry["series"]
        ]
        book.readings = [
            db.Reading(
                user_id=self.users.get(r.get("user")),
                started_on=_date(r.get("started_on")),
                finished_on=_date(r.get("finished_on")),
                abandoned=bool(r.get("abandoned")),
                pages_read=r.get("pages_read"),
                created_at=_ts(r.get("created_at")) or db.utcnow(),
                updated_at=_ts(r.get("updated_at")) or db.utcnow(),
            )
            for r in entry["readings"]
        ]
        book.loans = [
            db.Loan(
                borrower=loan["borrower"],
                lent_on=_date(loan["lent_on"]),
                due_on=_date(loan.get("due_on")),
                returned_on=_date(loan.get("returned_on")),
                created_at=_ts(loan.get("created_at")) or db.utcnow(),
                updated_at=_ts(loan.get("updated_at")) or db.utcnow(),
            )
            for loan in entry["loans"]
        ]
        book.created_at = _ts(entry.get("created_at")) or book.created_at or db.utcnow()
        book.updated_at = _ts(entry.get("updated_at")) or db.utcnow()

    def reminders_from_dump(self, book_uuids: list[str]) -> int:
        """Add the dump's reminders that the library does not have yet; returns how many were skipped."""
        existing = {
            (r.kind, r.text, r.due_at)
            for r in self.session.scalars(
                select(db.Reminder).where(db.Reminder.library_id == self.library_id)
            )
        }
        loans = {}
        for chunk in _chunks(book_uuids):
            loan_ids = set(
                self.session.scalars(
                    select(db.Loan.id)
                    .join(db.Book, db.Book.id == db.Loan.book_id)
                    .where(db.Book.library_id == self.library_id, db.Book.uuid.in_(chunk))
                )
            )
            loans.update(
                {ref: loan_id for loan_id, ref in _loan_refs(self.session, self.library_id, loan_ids).items()}
            )
        skipped = 0
        for entry in self.dump["reminders"]:
            user_id = self.users.get(entry.get("user"))
            due_at = _ts(entry["due_at"])
            if user_id is None or (entry["kind"], entry["text"], due_at) in existing:
                skipped += user_id is None
                continue
            loan_id = None
            if entry.get("loan"):
                book_uuid, _, n = entry["loan"].rpartition("#")
                loan_id = loans.get(f"{self.plan._new_uuids.get(book_uuid, book_uuid)}#{n}")
            if entry.get("loan") and loan_id is None:
                skipped += 1
                continue
            self.session.add(
                db.Reminder(
                    user_id=user_id,
                    chat_id=entry["chat_id"],
                    library_id=self.library_id,
                    loan_id=loan_id,
                    kind=entry["kind"],
                    text=entry["text"],
                    due_at=due_at,
                    recurrence=entry.get("recurrence"),
                    local_time=entry.get("local_time"),
                    timezone=entry.get("timezone") or "UTC",
                    state=entry.get("state") or "pending",
                    attempts=entry.get("attempts") or 0,
                    claimed_by=entry.get("claimed_by"),
                    claimed_at=_ts(entry.get("claimed_at")),
                    sent_at=_ts(entry.get("sent_at")),
                    last_error=entry.get("last_error"),
                    created_at=_ts(entry.get("created_at")) or db.utcnow(),
                    updated_at=_ts(entry.get("updated_at")) or db.utcnow(),
                )
            )
        return skipped


def apply_restore(
    session: Session, library_id: int, plan: RestorePlan, *, progress: Progress | None = None
) -> RestoreResult:
    """Write what ``plan`` says in one savepoint; on any error nothing stays. The caller commits."""
    _check_library(session, library_id)
    restorer = _Restorer(session, library_id, plan)
    books = plan.dump["books"]
    to_write = [b for b in books if plan._actions.get(b["uuid"]) in ("add", "change")]
    total, done, ids = len(to_write), 0, []
    with session.begin_nested():
        try:
            restorer.entities_from_dump()
            restorer.authors_from_dump()
            for chunk in _chunks(to_write):
                existing = _load_by_uuid(session, library_id, [b["uuid"] for b in chunk])
                # Empty the changed books' collections first: the unit of work inserts before it
                # deletes, which would trip the "one open loan" and "one author per position" indexes.
                for book in existing.values():
                    book.readings.clear()
                    book.loans.clear()
                    book.author_links.clear()
                    book.series_links.clear()
                session.flush()
                batch = []
                for entry in chunk:
                    book = existing.get(entry["uuid"])
                    if book is None:
                        book = db.Book(library_id=library_id)
                        book.uuid = plan._new_uuids.get(entry["uuid"], entry["uuid"])
                        session.add(book)
                    restorer.fill_book(book, entry)
                    batch.append(book)
                session.flush()
                batch_ids = [b.id for b in batch]
                search_index.refresh(session, batch_ids)
                ids.extend(batch_ids)
                done += len(chunk)
                if progress:
                    progress(done, total)
            kept_uuids = [
                plan._new_uuids.get(b["uuid"], b["uuid"])
                for b in books
                if plan._actions.get(b["uuid"]) != "conflict"
            ]
            skipped = restorer.reminders_from_dump(kept_uuids)
            session.flush()
        except LibriumError as exc:
            raise Invalid(
                _("The backup could not be restored: {message} Nothing was changed.").format(
                    message=exc.message
                )
            ) from exc
    if skipped:
        plan.warnings.append(f"{skipped} reminders were skipped (their person or loan is not here).")
    return RestoreResult(
        added=len(plan.added),
        changed=len(plan.changed),
        unchanged=plan.unchanged,
        conflicts=len(plan.conflicts),
        book_ids=ids,
    )


def restore(
    session: Session, library_id: int, data: bytes, *, progress: Progress | None = None
) -> RestoreResult:
    """Read, plan and apply in one call (after the user confirmed the plan's summary)."""
    plan = plan_restore(session, library_id, read_dump(data))
    return apply_restore(session, library_id, plan, progress=progress)
