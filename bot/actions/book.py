"""Actions on one book of the library: status, rating, shelf, loan and return, edit a field,
delete and restore, wishlist → owned. The card's buttons, the told actions ("finished Dune") and
the Mini App all call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from bot.chat import parse
from bot.runtime.access import Actor, Who, resolve
from librium.database.sqlalchemy import db
from librium.errors import Invalid, LibriumError
from librium.i18n import _
from librium.services import books, entities, loans, reading, reminders
from librium.services.books import BookView
from librium.services.when import zone


def local_today(who: Who) -> dt.date:
    try:
        return dt.datetime.now(zone(who.timezone)).date()
    except LibriumError:
        return dt.date.today()


def in_library(session: Session, actor: Actor, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Resolve the actor's library, then ``fn(session, who, *args)`` — all in the caller's transaction."""
    who = resolve(session, actor)
    return fn(session, who, *args, **kwargs)


def get_card(session: Session, who: Who, book_id: int) -> BookView:
    return books.get_book(session, who.library_id, book_id)


def set_reading_status(session: Session, who: Who, book_id: int, status: str) -> BookView:
    today = local_today(who)
    if status == "read":
        reading.finish_reading(session, who.library_id, book_id, user_id=who.user_id, today=today)
    elif status == "reading":
        reading.start_reading(session, who.library_id, book_id, user_id=who.user_id, today=today)
    else:
        reading.set_status(session, who.library_id, book_id, "to-read")
    return books.get_book(session, who.library_id, book_id)


def rate_book(session: Session, who: Who, book_id: int, half_stars: int) -> BookView:
    return reading.rate(session, who.library_id, book_id, half_stars / 2 if half_stars else None)


def shelves_of(session: Session, who: Who, book_id: int) -> tuple[BookView, list[entities.EntityView]]:
    book = books.get_book(session, who.library_id, book_id)
    return book, entities.list_entities(session, who.library_id, "location")


def move_to_shelf(session: Session, who: Who, book_id: int, location_id: int | None) -> BookView:
    books.get_book(session, who.library_id, book_id)  # another library's book: NotFound first
    name = None
    if location_id is not None:
        shelves = {s.id: s.name for s in entities.list_entities(session, who.library_id, "location")}
        if location_id not in shelves:
            raise Invalid(_("That shelf is not in this library any more."))
        name = shelves[location_id]
    return books.set_location(session, who.library_id, book_id, name)


def return_loan(session: Session, who: Who, book_id: int) -> BookView:
    loan = loans.return_book(session, who.library_id, book_id, local_today(who))
    reminders.cancel_loan_reminders(session, loan.id)
    return books.get_book(session, who.library_id, book_id)


def delete_book(session: Session, who: Who, book_id: int) -> BookView:
    return books.delete_book(session, who.library_id, book_id)


def restore_book(session: Session, who: Who, book_id: int) -> BookView:
    return books.restore_book(session, who.library_id, book_id)


def mark_owned(session: Session, who: Who, book_id: int) -> BookView:
    return books.update_book(session, who.library_id, book_id, owned=True)


def clear_import_note(session: Session, who: Who, book_id: int) -> BookView:
    """The reader has dealt with the values the import left out: the card and /problems stop showing them."""
    return books.update_book(session, who.library_id, book_id, import_note=None)


def apply_edit(session: Session, who: Who, book_id: int, field: str, text: str) -> BookView:
    lib = who.library_id
    blank = text.strip() in ("-", "—", "none")
    if field == "title":
        return books.update_book(session, lib, book_id, title=text)
    if field == "authors":
        return books.set_authors(session, lib, book_id, None if blank else text)
    if field == "series":
        parsed = None if blank else parse.read_series(text)
        return books.set_series(session, lib, book_id, *(parsed or (None, None)))
    if field in ("year", "pages"):
        return books.update_book(session, lib, book_id, **{field: None if blank else text.strip()})
    if field == "notes":
        return reading.set_notes(session, lib, book_id, None if blank else text)
    raise Invalid(_("I can't change that."))


# What the Mini App's edit form holds, each a field of update_book (notes through reading.set_notes,
# which keeps line breaks). A list (authors, publishers, genres, tags, languages) is written comma-separated.
DETAILS = (
    "title",
    "subtitle",
    "authors",
    "series",
    "series_index",
    "year",
    "pages",
    "publishers",
    "isbn",
    "format",
    "genres",
    "tags",
    "languages",
    "notes",
)


def edit_details(session: Session, who: Who, book_id: int, values: dict[str, str]) -> BookView:
    """Several fields at once (the Mini App's form), all or none; an empty value clears the field.
    A series number goes with its series name (the form sends both when either changed)."""
    unknown = sorted(set(values) - set(DETAILS))
    if unknown:
        raise Invalid(_("I can't change that."))
    changes: dict[str, str | None] = {name: value.strip() or None for name, value in values.items()}
    notes = changes.pop("notes", ...)
    if notes is not ...:
        reading.set_notes(session, who.library_id, book_id, values["notes"])
    if changes:
        return books.update_book(session, who.library_id, book_id, **changes)
    return books.get_book(session, who.library_id, book_id)


def apply_shelf(session: Session, who: Who, book_id: int, name: str) -> BookView:
    return books.set_location(session, who.library_id, book_id, name)


def apply_lend(session: Session, who: Who, book_id: int, text: str) -> BookView:
    tz = who.timezone or "UTC"
    borrower, due = parse.read_loan(text, tz, dt.datetime.now(dt.UTC))
    loan = loans.lend(session, who.library_id, book_id, borrower, local_today(who), due)
    if due is not None:  # a reminder on the due day, then weekly while overdue
        reminders.schedule_loan_reminders(session, loan.id, session.get(db.User, who.user_id), who.chat_id)
    return books.get_book(session, who.library_id, book_id)


def abandon(session: Session, who: Who, book_id: int) -> BookView:
    reading.abandon(session, who.library_id, book_id, today=local_today(who))
    return books.get_book(session, who.library_id, book_id)
