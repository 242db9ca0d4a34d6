"""Adding books: one add (a duplicate is returned for the front end to ask about, not added),
another copy of a book the library has, an unclear "A by B" settled by the authors the library
knows, and fetched metadata filled into an ISBN-only book."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.runtime.access import Who
from librium import isbn as isbn_mod
from librium.database.sqlalchemy import db
from librium.errors import LibriumError
from librium.names import parse_author
from librium.services import books
from librium.services.books import AddResult, BookInput, BookView
from librium.text import fold


def placeholder_title(isbn13: str) -> str:
    """The title of a book known only by its ISBN, until its details are fetched."""
    return f"ISBN {isbn_mod.hyphenate(isbn13)}"


def metadata_input(meta) -> dict[str, Any]:
    from librium.services.metadata import book_input_kwargs

    return {k: v for k, v in book_input_kwargs(meta).items() if v not in (None, "", [], ())}


def apply_metadata(session: Session, who: Who, book_id: int, meta) -> BookView:
    """Fill an ISBN-only book from fetched metadata, never overwriting what the user typed."""
    book = books.get_book(session, who.library_id, book_id)
    found = metadata_input(meta)
    changes: dict[str, Any] = {"metadata_source": found.get("metadata_source") or "lookup"}
    if book.isbn13 and book.title == placeholder_title(book.isbn13) and found.get("title"):
        changes["title"] = found["title"]
    for field in ("subtitle", "year", "pages", "description", "cover_url"):
        if getattr(book, field) is None and field in found:
            changes[field] = found[field]
    for field in ("authors", "publishers", "languages", "genres"):
        if not getattr(book, field) and field in found:
            changes[field] = found[field]
    return books.update_book(session, who.library_id, book_id, **changes)


def add(session: Session, who: Who, inputs: dict[str, Any], allow_duplicate: bool = False) -> AddResult:
    return books.add_book(session, who.library_id, BookInput(**inputs), allow_duplicate=allow_duplicate)


def known_authors(session: Session, library_id: int, names: list[str]) -> set[str]:
    """Those of ``names`` that are authors of the library already (matched like the author rows: the
    folded display name of the parsed name, so case, accents and "Last, First" do not matter)."""
    keys: dict[str, str] = {}
    for name in names:
        try:
            keys[name] = fold(parse_author(name).display)
        except LibriumError:
            continue  # not a person's name at all: not a known author
    if not keys:
        return set()
    found = set(
        session.scalars(
            select(db.Author.key).where(
                db.Author.library_id == library_id, db.Author.key.in_(set(keys.values()))
            )
        )
    )
    return {name for name, key in keys.items() if key in found}


def add_unless_unclear(
    session: Session, who: Who, choices: list[dict[str, Any]]
) -> tuple[AddResult, dict[str, Any]] | None:
    """Add the one reading whose author the library knows (with the inputs chosen); None when no
    reading or every reading names a known author, so the user is asked."""
    known = known_authors(session, who.library_id, [c["authors"][0] for c in choices])
    matching = [c for c in choices if c["authors"][0] in known]
    if len(matching) != 1:
        return None
    return books.add_book(session, who.library_id, BookInput(**matching[0])), matching[0]


def add_copy(session: Session, who: Who, inputs: dict[str, Any], existing_id: int) -> AddResult:
    """One more copy of the existing book (of this library: a forged id gets NotFound)."""
    existing = books.get_book(session, who.library_id, existing_id)
    isbn13 = isbn_mod.try_normalise(inputs.get("isbn"))
    if isbn13 and existing.isbn13 == isbn13:
        return books.add_book(session, who.library_id, BookInput(**inputs), allow_duplicate=True)
    book = books.update_book(session, who.library_id, existing.id, copies=existing.copies + 1)
    return AddResult(book=book, duplicates=[existing], copies_added=True)
