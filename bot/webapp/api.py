"""What each Mini App endpoint does, on a session: plain functions returning JSON-ready dicts.

Like a chat handler, every endpoint is thin: resolve the user (from initData only) and the library
(one the user is a member of, else NotFound), call the same services and actions as the chat
(bot/actions), and shape the answer. Every book, series, author or shelf id goes through a
library-scoped service, so another library's id is NotFound, never data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.actions import adding as add_actions
from bot.actions import book as actions
from bot.runtime.access import Actor, Who, resolve
from bot.webapp import grid as grid_pages
from bot.webapp import texts
from bot.webapp.auth import WebUser
from librium import i18n
from librium import isbn as isbn_mod
from librium.database.sqlalchemy import db
from librium.errors import Forbidden, Invalid, NotFound
from librium.i18n import _
from librium.services import books, browse, languages, libraries, ownership, reading, search, stats
from librium.services import query as q
from librium.services.books import BookView

PAGE_SIZE = 30  # covers per grid page: two phone screens, so the next page loads before it is needed
CHIPS = {
    "unread": "is:unread",
    "reading": "status:reading",
    "lent": "is:lent",
    "wishlist": "is:wishlist",
}
SORTS = {"recent": "added-desc", "title": "title", "author": "author", "year": "-year", "rating": "rating"}
EDITABLE = ("title", "authors", "series", "year", "pages", "notes")


# --------------------------------------------------------------------------- who and which library


def _private_actor(user: WebUser) -> Actor:
    return Actor(user.telegram_id, user.name, user.language, user.telegram_id, "private", None)


def requested_library(user: WebUser, library: str | None) -> tuple[int | None, bool]:
    """The library asked for and whether it was asked for explicitly: the ``library`` parameter, else
    the start_param (``l<id>``) of the button that opened the app, else None (the personal library)."""
    if library:
        if not library.isascii() or not library.isdigit() or len(library) > 18:
            raise NotFound("No such library.")
        return int(library), True
    start = user.start_param or ""
    if start.startswith("l") and start[1:].isascii() and start[1:].isdigit() and len(start) < 20:
        return int(start[1:]), False
    return None, False


def who_for(session: Session, user: WebUser, library_id: int | None, explicit: bool = True) -> Who:
    """The user (created with their personal library on first contact) in the library asked for.

    A library the user is not a member of is NotFound when asked for explicitly (the same answer as a
    library that does not exist, so ids cannot be probed); a button's start_param naming one falls back
    to the personal library.
    """
    me = resolve(session, _private_actor(user))
    if library_id is None or library_id == me.library_id:
        return me
    try:
        libraries.require_member(session, me.user_id, library_id)
    except Forbidden:
        if not explicit:
            return me
        raise NotFound("No such library.") from None
    library = session.get(db.Library, library_id)
    chat_id = library.telegram_chat_id or user.telegram_id
    return Who(me.user_id, library.id, library.name, library.kind, me.timezone, chat_id, me.language)


def language_of(session: Session, who: Who) -> str:
    """The shipped language the library's chat speaks (bot/runtime/language.py's rule): a group's library
    the group's (its own, else its creator's), the personal library the user's (chosen with /language,
    else Telegram's: read with the user, no extra query)."""
    if who.library_kind == "group":
        group = languages.group_language(session, who.chat_id)
        if group is not None:
            return i18n.match(group)
    return i18n.match(who.language)


def me(session: Session, who: Who, user: WebUser, known: str = "") -> dict[str, Any]:
    """Who is asking, their libraries, and the language the library's chat speaks (with the page's
    dictionary in it, unless the page already has that language: ``known``)."""
    mine = libraries.user_libraries(session, who.user_id)
    locale = texts.tag(i18n.current())
    return {
        "user": {"name": user.name},
        "library": who.library_id,
        "libraries": [{"id": lib.id, "name": lib.name, "kind": lib.kind} for lib in mine],
        "locale": locale,
        "texts": None if known == locale else texts.dictionary(i18n.current()),
    }


# --------------------------------------------------------------------------- the grid


def _quote(value: str) -> str:
    return '"' + value.replace('"', " ").strip() + '"'


def grid_query(text: str, chips: list[str], shelf: str | None, genre: str | None) -> str:
    """The search-box query the grid's box and chips stand for (the same language as /find)."""
    parts = [" ".join(text.split())[:300]]
    parts += [CHIPS[c] for c in chips if c in CHIPS]
    if shelf:
        parts.append(f"shelf:{_quote(shelf[:200])}")
    if genre:
        parts.append(f"genre:{_quote(genre[:200])}")
    return " ".join(p for p in parts if p)


def _card(row: Any, authors: list[str], cover: bool) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "authors": authors,
        "year": row.release_year,
        "status": row.status,
        "rating": row.rating / 2 if row.rating else None,
        "owned": row.owned,
        "lent": row.lent,
        "cover": cover,
    }


def grid(
    session: Session,
    who: Who,
    *,
    text: str = "",
    chips: list[str] | None = None,
    shelf: str | None = None,
    genre: str | None = None,
    sort: str = "recent",
    page: int = 1,
    after: int | None = None,
) -> dict[str, Any]:
    """A page of the cover grid: filters alone through the grid's own queries (bot/webapp/grid.py),
    words through the /find search (ranking, near matches). ``next`` holds the parameters of the page
    that follows (``after``, the last card's book id, for filters alone; ``page`` for words), or None."""
    parsed = q.parse(grid_query(text, chips or [], shelf, genre))
    if not parsed.has_text:
        probe = q.parse("sort:" + SORTS.get(sort, SORTS["recent"]))
        found = grid_pages.filtered_page(
            session, who.library_id, parsed, probe.sort, probe.sort_desc, page, PAGE_SIZE, after
        )
        return {
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
            "next": {"after": found.rows[-1].id} if found.more and found.rows else None,
            "warnings": parsed.warnings[:3],
            "exact": None,
            "corrected": None,
            "books": [_card(row, row.authors, row.cover) for row in found.rows],
        }
    sort_key = None if sort == "relevance" else SORTS.get(sort, SORTS["recent"])
    result = search.search(session, who.library_id, parsed, page=page, page_size=PAGE_SIZE, sort=sort_key)
    covers = grid_pages.covers(session, who.library_id, result.ids)
    return {
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "next": {"page": result.page + 1} if result.page < result.pages else None,
        "warnings": result.warnings[:3],
        "exact": result.exact,  # how many books matched exactly; the rest are near matches (typos...)
        "corrected": result.corrected,  # nothing matched exactly: the words as the first near match has them
        "books": [_card(row, row.authors, covers.get(row.id, False)) for row in result.rows],
    }


def facets(session: Session, who: Who) -> dict[str, Any]:
    """The shelves and genres for the filter chips (the biggest first)."""
    shelves = browse.shelves(session, who.library_id, page_size=50).items
    genres = browse.genres(session, who.library_id, page_size=50).items
    return {
        "shelves": [{"id": s.id, "name": s.name, "books": s.books} for s in shelves],
        "genres": [{"id": g.id, "name": g.name, "books": g.books} for g in genres],
    }


# --------------------------------------------------------------------------- one book


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def book_json(book: BookView) -> dict[str, Any]:
    loan = book.current_loan
    return {
        "id": book.id,
        "title": book.title,
        "subtitle": book.subtitle,
        "authors": [{"id": a.id, "name": a.name} for a in book.authors],
        "isbn13": book.isbn13,
        "isbn": isbn_mod.hyphenate(book.isbn13) if book.isbn13 else None,
        "year": book.year,
        "pages": book.pages,
        "price": _plain(book.price),
        "currency": book.currency,
        "format": book.format.name if book.format else None,
        "series": [{"id": s.id, "name": s.name, "index": _plain(s.index)} for s in book.series],
        "genres": [g.name for g in book.genres],
        "publishers": [p.name for p in book.publishers],
        "languages": [lang.name for lang in book.languages],
        "tags": [t.name for t in book.tags],
        "shelf": {"id": book.location.id, "name": book.location.name} if book.location else None,
        "description": book.description,
        "cover": bool(book.cover_url or book.cover_file_id),
        "status": book.status,
        "rating": _plain(book.rating),
        "notes": book.notes,
        "owned": book.owned,
        "copies": book.copies,
        "loan": (
            {"borrower": loan.borrower, "since": _plain(loan.lent_on), "due": _plain(loan.due_on)}
            if loan
            else None
        ),
        "deleted": book.deleted,
    }


def _readings(session: Session, who: Who, book_id: int) -> list[dict[str, Any]]:
    """The book's readings, newest first: when each started and finished (or was abandoned)."""
    found = reading.list_readings(session, who.library_id, book_id)
    return [
        {"started": _plain(r.started_on), "finished": _plain(r.finished_on), "abandoned": r.abandoned}
        for r in reversed(found)
    ]


def book_page(session: Session, who: Who, book_id: int) -> dict[str, Any]:
    book = actions.get_card(session, who, book_id)
    return {
        "book": book_json(book),
        "readings": _readings(session, who, book_id),
        "shelves": grid_pages.shelves(session, who.library_id),
    }


def _details(body: dict[str, Any]) -> dict[str, str]:
    values = body.get("values")
    if not isinstance(values, dict) or not values:
        raise Invalid(_("Say what to set."))
    if any(not isinstance(v, str) for v in values.values()):
        raise Invalid(_("Say what to set."))
    return {str(k)[:40]: v[: 12_000 if k == "notes" else 2000] for k, v in values.items()}


def _text(body: dict[str, Any], key: str, limit: int = 2000) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise Invalid(_("Say what to set."))
    return value[:limit]


def act(session: Session, who: Who, book_id: int, action: str, body: dict[str, Any]) -> dict[str, Any]:
    """One thing done to a book, through the same actions as the card's buttons."""
    if action == "status":
        status = body.get("status")
        if status not in ("read", "reading", "to-read"):
            raise Invalid(_("Unknown status."))
        book = actions.set_reading_status(session, who, book_id, status)
    elif action == "abandon":
        book = actions.abandon(session, who, book_id)
    elif action == "rate":
        stars = body.get("stars")
        if stars is not None and (not isinstance(stars, int | float) or not 0 <= stars <= 5):
            raise Invalid(_("A rating is 0.5 to 5 stars."))
        book = actions.rate_book(session, who, book_id, round((stars or 0) * 2))
    elif action == "shelf":
        if body.get("id") is not None:
            shelf_id = body.get("id")
            if not isinstance(shelf_id, int):
                raise Invalid(_("That shelf is not in this library any more."))
            book = actions.move_to_shelf(session, who, book_id, shelf_id)
        elif body.get("name"):
            book = actions.apply_shelf(session, who, book_id, _text(body, "name", 200))
        else:
            book = actions.move_to_shelf(session, who, book_id, None)
    elif action == "lend":
        book = actions.apply_lend(session, who, book_id, _text(body, "to", 300))
    elif action == "return":
        book = actions.return_loan(session, who, book_id)
    elif action == "edit":
        field = body.get("field")
        if field not in EDITABLE:
            raise Invalid(_("I can't change that."))
        value = body.get("value")
        book = actions.apply_edit(session, who, book_id, field, value if isinstance(value, str) else "-")
    elif action == "details":
        book = actions.edit_details(session, who, book_id, _details(body))
    elif action == "delete":
        book = actions.delete_book(session, who, book_id)
    elif action == "restore":
        book = actions.restore_book(session, who, book_id)
    elif action == "owned":
        book = actions.mark_owned(session, who, book_id)
    else:
        raise NotFound("No such action.")
    return {"book": book_json(book), "readings": _readings(session, who, book_id) if not book.deleted else []}


def cover_source(session: Session, who: Who, book_id: int) -> tuple[str | None, str | None]:
    """(cover URL, Telegram file id) of a live book of the library; NotFound otherwise."""
    book = books.get_book(session, who.library_id, book_id)
    return book.cover_url, book.cover_file_id


# --------------------------------------------------------------------------- series and authors


def series_list(session: Session, who: Who, page: int = 1) -> dict[str, Any]:
    found = browse.series(session, who.library_id, page=page, page_size=50)
    return {
        "pages": found.pages,
        "page": found.page,
        "series": [{"id": s.id, "name": s.name, "books": s.books, "read": s.read} for s in found.items],
    }


def _shelf_book(b: browse.ShelfBook) -> dict[str, Any]:
    return {
        "id": b.id,
        "title": b.title,
        "year": b.release_year,
        "status": b.status,
        "index": _plain(b.series_index),
        "authors": b.authors,
    }


def series_page(session: Session, who: Who, series_id: int) -> dict[str, Any]:
    detail = browse.series_detail(session, who.library_id, series_id)
    return {
        "id": detail.id,
        "name": detail.name,
        "read": detail.read,
        "total": detail.total,
        "gaps": detail.gaps,
        "books": [_shelf_book(b) for b in detail.books],
    }


def author_list(session: Session, who: Who, page: int = 1) -> dict[str, Any]:
    found = browse.authors(session, who.library_id, page=page, page_size=50)
    return {
        "pages": found.pages,
        "page": found.page,
        "authors": [{"id": a.id, "name": a.name, "books": a.books, "read": a.read} for a in found.items],
    }


def author_page(session: Session, who: Who, author_id: int) -> dict[str, Any]:
    found = browse.author_books(session, who.library_id, author_id)
    return {
        "id": found.author.id,
        "name": found.author.name,
        "books": found.author.books,
        "read": found.author.read,
        "groups": [
            {"series": g.series_id, "name": g.name, "books": [_shelf_book(b) for b in g.books]}
            for g in found.groups
        ],
    }


# --------------------------------------------------------------------------- the scanner


def check_isbn(session: Session, who: Who, isbn13: str) -> dict[str, Any] | None:
    """The library's copy of a scanned ISBN (where it is), or None when it is not in the library."""
    answer = ownership.check(session, who.library_id, isbn13)
    if not answer.found or answer.by != "isbn":
        return None
    held = answer.matches[0]
    book = books.get_book(session, who.library_id, held.book_id)
    return {"already": True, "book": book_json(book)}


def add_scanned(session: Session, who: Who, inputs: dict[str, Any]) -> dict[str, Any]:
    """Add a scanned book; a book with the same ISBN that was added meanwhile is answered as held."""
    held = check_isbn(session, who, inputs["isbn"])
    if held is not None:
        return held
    result = add_actions.add(session, who, inputs, allow_duplicate=True)
    return {"already": False, "book": book_json(result.book)}


# --------------------------------------------------------------------------- stats


def stats_page(session: Session, who: Who, year: int | None) -> dict[str, Any]:
    year = year or actions.local_today(who).year
    if not 1000 <= year <= 9999:
        raise Invalid(_("No such year."))
    totals = stats.totals(session, who.library_id)
    per_year = stats.read_per_year(session, who.library_id, user_id=who.user_id)
    review = stats.year_review(session, who.library_id, year, user_id=who.user_id)
    genres = stats.by_genre(session, who.library_id)
    return {
        "year": year,
        "totals": {
            "books": totals.books,
            "read": totals.read,
            "unread": totals.unread,
            "reading": totals.reading,
            "abandoned": totals.abandoned,
            "wishlist": totals.wishlist,
            "pages": totals.pages_owned,
        },
        "per_year": [{"year": y.year, "books": y.count} for y in per_year],
        "months": list(review.per_month.counts),
        "review": {
            "books": review.books,
            "pages": review.pages,
            "favourites": [{"id": b.id, "title": b.title} for b in review.favourites],
            "average_rating": review.average_rating / 2 if review.average_rating else None,
        },
        "genres": [{"name": b.label, "books": b.count} for b in genres.buckets[:8]],
    }
