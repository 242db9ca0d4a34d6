"""The browsing screens: /authors /series /genres /shelves /unread /reading /loans (the commands and
buttons are wired in bot/handlers/lists.py; a question like "what am I reading?" shows one too).

Lists page with ``pg:<kind>:<page>``; tapping an entry opens it in the same message (``au:<id>[:<page>]``,
``se:<id>[:<page>]``, ``gn:<id>[:<page>]``, ``lo:<id>[:<page>]``) with a button back to the list. Every
callback resolves the library of the user who tapped inside the same transaction that reads the data,
and ids are looked up through library-scoped queries: another library's id is "not found".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, Update
from telegram.ext import ContextTypes

from bot.chat import callbacks
from bot.runtime import dbcall
from bot.runtime.access import Actor, Who, actor_of, resolve
from bot.views import lists
from bot.views.render import bold, esc, truncate
from librium.database.sqlalchemy import db
from librium.errors import NotFound
from librium.i18n import N_, _, formats
from librium.services import books, browse, loans

NOT_FOUND = N_("Not found — it may have been deleted.")
SIZE = lists.PAGE_SIZE

# A screen builder reads what it shows inside the caller's transaction: (session, who, item id, page).
Builder = Callable[[Session, Who, int | None, int], lists.Screen]


def _book_lines(session: Session, library_id: int, ids: list[int]) -> list[lists.BookLine]:
    return [lists.BookLine.from_view(v) for v in books.get_books(session, library_id, ids)]


def _back(label: str, kind: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(f"◀ {_(label)}", callback_data=callbacks.encode("pg", kind, 1))]


def _index(value: Decimal | None) -> str:
    return f"#{value.normalize():f}" if value is not None else "·"


def _read_unread(read: int, unread: int) -> str:
    return _("{read} read, {unread} unread").format(read=read, unread=unread)


def _empty(text: str) -> lists.Screen:
    return lists.Screen(_(text))


# --------------------------------------------------------------------------- authors


def authors_screen(session: Session, who: Who, _item: int | None, page: int) -> lists.Screen:
    found = browse.authors(session, who.library_id, page=page, page_size=SIZE)
    if not found.total:
        return _empty(
            N_(
                "No authors yet. Send “Title by Author” (for example “Dune by Frank Herbert”) and the author "
                "shows up here."
            )
        )
    entries = [
        lists.Entry(
            label=f"{a.name} ({a.books})",
            line=f"{bold(truncate(a.name, 60))} · {lists.plural(a.books, 'book')} · "
            + _read_unread(a.read, a.unread),
            data=callbacks.encode("au", a.id),
        )
        for a in found.items
    ]
    return lists.entry_screen(
        _("✍ <b>Authors</b>"),
        entries,
        page=found.page,
        total=found.total,
        data_for=lambda p: callbacks.encode("pg", "au", p),
        noun="author",
        size=SIZE,
    )


def author_screen(session: Session, who: Who, author_id: int | None, page: int) -> lists.Screen:
    found = browse.author_books(session, who.library_id, author_id)
    flat: list[tuple[browse.SeriesGroup, browse.ShelfBook]] = [
        (group, book) for group in found.groups for book in group.books
    ]
    total = len(flat)
    page = lists.clamp(page, lists.page_count(total, SIZE))
    shown = list(lists.window(flat, page, SIZE))
    lines = {line.id: line for line in _book_lines(session, who.library_id, [b.id for _, b in shown])}
    grouped = any(group.series_id is not None for group in found.groups)
    headings: dict[int, str] = {}
    previous = object()
    kept: list[lists.BookLine] = []
    for group, book in shown:
        if book.id not in lines:
            continue
        if grouped and group is not previous:
            headings[len(kept)] = f"📚 <i>{esc(group.name)}</i>" if group.name else _("<i>Other books</i>")
            previous = group
        kept.append(dataclasses.replace(lines[book.id], author=None))  # the header names the author
    a = found.author
    header = f"✍ {bold(a.name)} · {lists.plural(a.books, 'book')} · " + _read_unread(a.read, a.unread)
    if not total:
        return lists.Screen(f"{header}\n\n" + _("No books of theirs are left."), [_back(N_("Authors"), "au")])
    return lists.book_screen(
        header,
        kept,
        page=page,
        total=total,
        data_for=lambda p: callbacks.encode("au", a.id, p),
        headings=headings,
        extra_rows=[_back(N_("Authors"), "au")],
    )


# --------------------------------------------------------------------------- series


def series_list_screen(session: Session, who: Who, _item: int | None, page: int) -> lists.Screen:
    found = browse.series(session, who.library_id, page=page, page_size=SIZE)
    if not found.total:
        return _empty(
            N_(
                "No series yet. Send one with the book, “Dune (Dune Chronicles, #1) by Frank Herbert”, use /add, "
                "or edit a book's series from its card."
            )
        )
    entries = [
        lists.Entry(
            label=f"{s.name} ({s.read}/{s.books})",
            line=f"{bold(truncate(s.name, 60))} · "
            + _("{read}/{books} read").format(read=s.read, books=s.books)
            + (" ✓" if s.read == s.books else ""),
            data=callbacks.encode("se", s.id),
        )
        for s in found.items
    ]
    return lists.entry_screen(
        _("📚 <b>Series</b>"),
        entries,
        page=found.page,
        total=found.total,
        data_for=lambda p: callbacks.encode("pg", "se", p),
        noun="series",
        nouns="series",
        size=SIZE,
    )


def series_screen(session: Session, who: Who, series_id: int | None, page: int) -> lists.Screen:
    found = browse.series_detail(session, who.library_id, series_id)
    total = found.total
    page = lists.clamp(page, lists.page_count(total, SIZE))
    shown = list(lists.window(found.books, page, SIZE))
    lines = {line.id: line for line in _book_lines(session, who.library_id, [b.id for b in shown])}
    kept = [(b, lines[b.id]) for b in shown if b.id in lines]
    header = f"📚 {bold(found.name)} · " + _("{read} of {books} read").format(
        read=found.read, books=lists.plural(total, "book")
    )
    notes = []
    if found.gaps:
        missing = ", ".join(str(n) for n in found.gaps[:30]) + ("…" if len(found.gaps) > 30 else "")
        notes.append(_("Missing: {numbers}").format(numbers=missing))
    elif total and total == found.read:
        notes.append(_("All read ✓"))
    return lists.book_screen(
        header,
        [line for _, line in kept],
        page=page,
        total=total,
        data_for=lambda p: callbacks.encode("se", found.id, p),
        labels=[_index(b.series_index) for b, _ in kept],
        notes=notes,
        extra_rows=[_back(N_("Series"), "se")],
    )


# --------------------------------------------------------------------------- genres and shelves

# kind -> (model, link table or None for a column on books, the id column)
_FACETS = {
    "genre": (db.Genre, db.book_genres, "genre_id"),
    "shelf": (db.Location, None, "location_id"),
}


def facet_books(
    session: Session, library_id: int, kind: str, entity_id: int, page: int, size: int
) -> tuple[str, list[int], int, int]:
    """(name, book ids of the page, total, page) of one genre or shelf of this library, by title.

    A stop-gap until librium.services.browse offers books-of-a-genre/shelf by id: the search filters
    match names by word prefix, which would mix "Fantasy" with "Dark Fantasy".
    """
    model, link, column = _FACETS[kind]
    name = session.scalar(select(model.name).where(model.id == entity_id, model.library_id == library_id))
    if name is None:
        raise NotFound(
            _("That genre is not in this library.")
            if kind == "genre"
            else _("That shelf is not in this library.")
        )
    book = db.Book
    where = [book.library_id == library_id, book.deleted_at.is_(None)]
    if link is None:
        where.append(getattr(book, column) == entity_id)
    else:
        where.append(book.id.in_(select(link.c.book_id).where(link.c[column] == entity_id)))
    total = session.scalar(select(func.count(book.id)).where(*where)) or 0
    page = lists.clamp(page, lists.page_count(total, size))
    ids = list(
        session.scalars(
            select(book.id)
            .where(*where)
            .order_by(book.title_key, book.id)
            .limit(size)
            .offset((page - 1) * size)
        )
    )
    return name, ids, total, page


def _facet_list(kind: str, list_kind: str, title: str, noun: str, empty: str) -> Builder:
    def build(session: Session, who: Who, _item: int | None, page: int) -> lists.Screen:
        found = browse.facet(session, who.library_id, kind, page=page, page_size=SIZE)
        if not found.total:
            return _empty(empty)
        entries = [
            lists.Entry(
                label=f"{f.name} ({f.books})",
                line=f"{bold(truncate(f.name, 60))} · {lists.plural(f.books, 'book')}",
                data=callbacks.encode(list_kind, f.id),
            )
            for f in found.items
        ]
        return lists.entry_screen(
            _(title),
            entries,
            page=found.page,
            total=found.total,
            data_for=lambda p: callbacks.encode("pg", list_kind, p),
            noun=noun,
            size=SIZE,
        )

    return build


def _facet_detail(kind: str, list_kind: str, icon: str, back: str) -> Builder:
    def build(session: Session, who: Who, entity_id: int | None, page: int) -> lists.Screen:
        name, ids, total, page = facet_books(session, who.library_id, kind, entity_id, page, SIZE)
        header = f"{icon} {bold(name)}"
        if not total:
            return lists.Screen(f"{header}\n\n" + _("No books here any more."), [_back(back, list_kind)])
        return lists.book_screen(
            header,
            _book_lines(session, who.library_id, ids),
            page=page,
            total=total,
            data_for=lambda p: callbacks.encode(list_kind, entity_id, p),
            extra_rows=[_back(back, list_kind)],
        )

    return build


genres_screen = _facet_list(
    "genre",
    "gn",
    N_("🏷 <b>Genres</b>"),
    "genre",
    N_("No genres yet. Give a book a genre from its card (Edit), and genres show up here."),
)
genre_screen = _facet_detail("genre", "gn", "🏷", N_("Genres"))
shelves_screen = _facet_list(
    "shelf",
    "lo",
    N_("🗄 <b>Shelves</b>"),
    "shelf",
    N_("No shelves yet. Open a book and tap “Move to shelf” to put it somewhere; shelves show up here."),
)
shelf_screen = _facet_detail("shelf", "lo", "🗄", N_("Shelves"))


# --------------------------------------------------------------------------- reading lists


def _reading_list(fetch, kind: str, title: str, empty: str) -> Builder:
    def build(session: Session, who: Who, _item: int | None, page: int) -> lists.Screen:
        found = fetch(session, who.library_id, page=page, page_size=SIZE)
        if not found.total:
            return _empty(empty)
        return lists.book_screen(
            _(title),
            _book_lines(session, who.library_id, found.ids),
            page=found.page,
            total=found.total,
            data_for=lambda p: callbacks.encode("pg", kind, p),
        )

    return build


unread_screen = _reading_list(
    browse.unread,
    "un",
    N_("📕 <b>Not read yet</b>"),
    N_("Nothing unread: every book here is read. Send a title to add the next one."),
)
reading_screen = _reading_list(
    browse.reading,
    "rd",
    N_("📖 <b>Reading now</b>"),
    N_("You are not reading anything right now. Open a book (search for it) and tap “Reading”."),
)


# --------------------------------------------------------------------------- loans


def _day(day: dt.date) -> str:
    return formats.date(day)


def loans_screen(session: Session, who: Who, _item: int | None, page: int) -> lists.Screen:
    today = dt.datetime.now(ZoneInfo(who.timezone)).date()
    current = loans.list_loans(session, who.library_id, which="current")
    if not current:
        return _empty(N_("No books are lent out. Say “lent Dune to Alice”, or tap “Lend” on a book's card."))
    total = len(current)
    page = lists.clamp(page, lists.page_count(total, SIZE))
    shown = lists.window(current, page, SIZE)
    first = (page - 1) * SIZE + 1
    overdue = sum(1 for loan in current if loan.days_overdue(today))
    lines, rows = [], []
    for n, loan in enumerate(shown, start=first):
        since = _("since {day}").format(day=_day(loan.lent_on))
        line = f"{n}. {bold(truncate(loan.book_title, 60))} — {esc(truncate(loan.borrower, 40))} · {since}"
        if loan.due_on:
            line += " · " + _("due {day}").format(day=_day(loan.due_on))
            late = loan.days_overdue(today)
            if late:
                line += f" {lists.OVERDUE} " + _("{days} overdue").format(days=lists.plural(late, "day"))
        lines.append(line)
        mark = f" {lists.OVERDUE}" if loan.days_overdue(today) else ""
        rows.append(
            [
                InlineKeyboardButton(
                    f"{n}. {truncate(loan.book_title, 40)}{mark}",
                    callback_data=callbacks.encode("b", loan.book_id),
                )
            ]
        )
    pages = lists.page_count(total, SIZE)
    header = f"{lists.LENT} " + _("<b>Lent out</b>")
    if overdue:
        header += f" · {lists.OVERDUE} " + _("{n} overdue").format(n=overdue)
    text = lists.compose(header, "\n".join(lines), lists.status_line(page, pages, total, "loan"))
    rows.append(lists.pager(page, pages, lambda p: callbacks.encode("pg", "ln", p)))
    return lists.Screen(text, rows)


# --------------------------------------------------------------------------- wiring

LISTS: dict[str, Builder] = {
    "au": authors_screen,
    "se": series_list_screen,
    "gn": genres_screen,
    "lo": shelves_screen,
    "un": unread_screen,
    "rd": reading_screen,
    "ln": loans_screen,
}
DETAILS: dict[str, Builder] = {
    "au": author_screen,
    "se": series_screen,
    "gn": genre_screen,
    "lo": shelf_screen,
}


def _build(
    session: Session, actor: Actor, builder: Builder, item: int | None, page: int
) -> lists.Screen | None:
    who = resolve(session, actor)
    try:
        return builder(session, who, item, page)
    except NotFound:
        return None


async def respond(
    update: Update, context: ContextTypes.DEFAULT_TYPE, builder: Builder, item: int | None, page: int
) -> None:
    """Build a screen in one transaction; edit the tapped message or reply to the command."""
    screen = await dbcall.read(context, _build, actor_of(update), builder, item, page)
    query = update.callback_query
    if screen is None:
        if query is not None:
            await query.answer(_(NOT_FOUND))
        else:
            await update.effective_message.reply_text(_(NOT_FOUND))
        return
    if query is not None:
        await query.answer()
    await lists.show(update, screen)
