"""Reading back what an app import wrote: one plain dict per book, for field-by-field checks."""

from __future__ import annotations

from sqlalchemy import select

from bot.runtime.access import resolve
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import session_scope
from librium.services import books, reading
from tests.bot.adding_helpers import actor
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "imports"
SHARED_EXPORTS = ROOT.parent / "shared" / "fixtures" / "exports"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def book_facts(view, readings) -> dict:
    """The fields an import sets, in plain values (ratings in stars, series as (name, "index"))."""
    return {
        "title": view.title,
        "authors": view.author_names,
        "isbn": view.isbn13,
        "year": view.year,
        "pages": view.pages,
        "publishers": [p.name for p in view.publishers],
        "format": view.format.name if view.format else None,
        "series": [
            (s.name, None if s.index is None else format(s.index.normalize(), "f")) for s in view.series
        ],
        "tags": sorted(t.name for t in view.tags),
        "genres": sorted(g.name for g in view.genres),
        "languages": [g.name for g in view.languages],
        "status": view.status,
        "rating": view.rating,
        "owned": view.owned,
        "copies": view.copies,
        "notes": view.notes,
        "description": view.description,
        "location": view.location.name if view.location else None,
        "lent": (view.current_loan.borrower, view.current_loan.lent_on.isoformat())
        if view.current_loan
        else None,
        "readings": [
            (
                r.started_on.isoformat() if r.started_on else None,
                r.finished_on.isoformat() if r.finished_on else None,
                r.abandoned,
            )
            for r in readings
        ],
        "added": view.created_at.date().isoformat(),
    }


def library_facts(session_factory, person, chat=None) -> dict[str, list[dict]]:
    """Every live book of the library, as facts, grouped by title (a file may hold a title twice)."""
    out: dict[str, list[dict]] = {}
    with session_scope(session_factory) as session:
        who = resolve(session, actor(person, chat))
        ids = list(
            session.scalars(
                select(db.Book.id)
                .where(db.Book.library_id == who.library_id, db.Book.deleted_at.is_(None))
                .order_by(db.Book.id)
            )
        )
        for view in books.get_books(session, who.library_id, ids):
            facts = book_facts(view, reading.list_readings(session, who.library_id, view.id))
            out.setdefault(view.title, []).append(facts)
    return out
