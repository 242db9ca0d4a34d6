"""Questions typed in plain words: "do I own Dune?", "who has my copy of Dune?", "have I read Mort?",
"what's unread in Discworld?" (bot/chat/parse.py reads them; the text router, bot/handlers/router.py, sends them here).

Books are found the way "do I own this?" finds them for a barcode (librium.services.ownership): an
ISBN, an exact title, else titles holding every word typed. "Title by Author" narrows by the author.
Unread questions try a series first (answered in series order), then an author, then plain words.
"Books by Tolkien" searches by the author, then the name's words (the search forgives "tolkein").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import ContextTypes

from bot.actions.book import local_today
from bot.actions.subjects import SHOWN, holdings_for
from bot.chat import parse
from bot.runtime import dbcall
from bot.runtime.access import Actor, Who, actor_of, resolve
from bot.screens import browse as browse_screens
from bot.screens import search as search_screens
from bot.views import cards, lists
from bot.views.holdings import card_buttons, lent_line, ownership_line, read_line
from bot.views.keyboards import button
from bot.views.render import bold, esc, truncate
from librium import isbn as isbn_mod
from librium.errors import LibriumError
from librium.i18n import N_, _, formats
from librium.services import books, browse, ownership, search, stats
from librium.services.ownership import Ownership

WHICH_BOOK = N_(
    "Which book? Ask with its title, for example “who has Dune?”, or send the question as a reply to "
    "the book's card."
)
WHICH_SERIES = N_(
    "Which series or author? Ask with the name, for example “what's unread in Discworld?”, or as a "
    "reply to a card of the series."
)


@dataclass(frozen=True)
class Found:
    who: Who
    answer: Ownership


def _find(session: Session, actor: Actor, subject: str) -> Found:
    who = resolve(session, actor)
    return Found(who, holdings_for(session, who.library_id, subject))


def not_found(answer: Ownership) -> str:
    if answer.by == "id":
        return _("That book is not in your library.")
    if answer.by == "isbn":
        isbn = isbn_mod.hyphenate(answer.isbn13) if answer.isbn13 else esc(answer.query)
        return _("No, ISBN {isbn} is not in your library. Send the ISBN on its own to add it.").format(
            isbn=isbn
        )
    what = esc(truncate(answer.query, 80))
    if parse.read_title_author(answer.query):
        return _("No, “{what}” is not in your library. Send “{what}” to add it.").format(what=what)
    return _("No, “{what}” is not in your library. Send “{what} by Author” to add it.").format(what=what)


def book_answer(kind: str, found: Found) -> lists.Screen:
    """The answer to an own / lent / read question, with a button to each book's card."""
    answer = found.answer
    if not answer.found:
        return lists.Screen(not_found(answer))
    today = local_today(found.who)
    line = {parse.OWN: ownership_line, parse.LENT: lent_line, parse.READ: read_line}[kind]
    shown = answer.matches[:SHOWN]
    lines = [line(h, today) for h in shown]
    if answer.by == "near":  # nothing by that name: the near matches ("hobit" -> The Hobbit)
        ask = _("🤔 No book is called “{query}”. Did you mean {title}?")
        lines.insert(
            0, ask.format(query=esc(truncate(answer.query, 80)), title=bold(truncate(shown[0].title, 80)))
        )
    if len(answer.matches) > SHOWN:
        more = len(answer.matches) - SHOWN
        lines.append(_("…and {n} more: /find {query}").format(n=more, query=esc(truncate(answer.query, 60))))
    return lists.Screen("\n".join(lines), card_buttons(shown))


@dataclass(frozen=True)
class Unread:
    series: browse.SeriesDetail | None = None  # a series matched: its books, in order
    query: str = ""  # else the search that found them
    page: search.SearchPage | None = None  # None: nothing to search for


def _unread(session: Session, actor: Actor, subject: str) -> Unread:
    who = resolve(session, actor)
    named = browse.find_series(session, who.library_id, subject, limit=1)
    if named:
        return Unread(series=browse.series_detail(session, who.library_id, named[0][0]))
    words = _unquoted(subject)
    return _first_found(session, who.library_id, _by_author(words), f"{words} is:unread")


def _unquoted(words: str) -> str:
    """Typed words without double quotes (one would end a quoted filter of the search)."""
    return words.replace('"', " ").strip()


def _by_author(name: str, *, unread: bool = True) -> str:
    """The search for an author's books, their unread ones by default."""
    return f'author:"{_unquoted(name)}"' + (" is:unread" if unread else "")


def _books_by(session: Session, actor: Actor, name: str) -> Unread:
    """ "Books by Tolkien": the author's books, else the name's words as a plain search (typos forgiven)."""
    who = resolve(session, actor)
    return _first_found(session, who.library_id, _by_author(name, unread=False), _unquoted(name))


def _first_found(session: Session, library_id: int, *queries: str) -> Unread:
    """The first of ``queries`` that finds books (the last one when none does)."""
    for query in queries:
        page = search.search(session, library_id, query, page_size=lists.PAGE_SIZE)
        if page.total:
            break
    return Unread(query=query, page=page)


def series_unread_screen(detail: browse.SeriesDetail) -> lists.Screen:
    unread = [b for b in detail.books if not b.read]
    head = f"📚 {bold(detail.name)}"
    whole = [button(_("📚 Whole series"), "se", detail.id)]
    books = lists.plural(detail.total, "book")
    if not unread:
        return lists.Screen(_("{series}: all {books} read ✓").format(series=head, books=books), [whole])
    shown = unread[: lists.PAGE_SIZE]
    lines = [_("{series} · {n} of {books} unread, in order:").format(series=head, n=len(unread), books=books)]
    rows = []
    for book in shown:
        number = f"#{cards.series_number(book.series_index)} " if book.series_index is not None else ""
        state = _(" — reading now") if book.status == "reading" else ""
        lines.append(f"{esc(number)}{bold(truncate(book.title, 80))}{state}")
        rows.append([button(f"{number}{truncate(book.title, 40)}", "b", book.id)])
    if len(unread) > len(shown):
        lines.append(_("…and {n} more in the whole series.").format(n=len(unread) - len(shown)))
    return lists.Screen("\n".join(lines), [*rows, whole])


# Questions about the whole library that a browse list answers.
LIST_FOR = {parse.READING_NOW: "rd", parse.LENT_NOW: "ln", parse.UNREAD_ALL: "un"}


def _totals(session: Session, actor: Actor) -> stats.Totals:
    return stats.totals(session, resolve(session, actor).library_id)


def totals_text(totals: stats.Totals) -> str:
    if not totals.books and not totals.wishlist:
        return _("Your library is empty. Send “Title by Author”, an ISBN or a barcode photo to add a book.")
    n = formats.number
    parts = [_("{n} read").format(n=n(totals.read)), _("{n} not read yet").format(n=n(totals.unread))]
    parts += [_("{n} reading now").format(n=n(totals.reading))] if totals.reading else []
    parts += [_("{n} abandoned").format(n=n(totals.abandoned))] if totals.abandoned else []
    text = _("📚 You have {books}: {parts}.").format(
        books=lists.plural(totals.books, "book"), parts=", ".join(parts)
    )
    if totals.wishlist:
        more = lists.plural(totals.wishlist, "more book")
        text += "\n" + _("⭐ {books} on your wishlist.").format(books=more)
    return text + "\n" + _("/stats draws the charts.")


def _about_book(session: Session, actor: Actor, book_id: int) -> Found:
    """The card replied to: ``book_id`` only if it is a live book of the asker's library."""
    who = resolve(session, actor)
    return Found(who, ownership.by_ids(session, who.library_id, [book_id]))


def _unread_around(session: Session, actor: Actor, book_id: int) -> Unread:
    """ "What's unread in this series?" replying to a card: the book's series, else its author."""
    who = resolve(session, actor)
    book = books.get_book(session, who.library_id, book_id)  # NotFound for another library's book
    if book.series:
        return Unread(series=browse.series_detail(session, who.library_id, book.series[0].id))
    if not book.authors:
        return Unread()
    return _first_found(session, who.library_id, _by_author(book.authors[0].name))


async def _show_found(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    found: Unread,
    subject: str,
    none: str = N_("Nothing unread matches “{what}”."),
) -> None:
    if found.series is not None:
        await lists.show(update, series_unread_screen(found.series))
    elif found.page is None or not found.page.total:
        await update.effective_message.reply_text(_(none).format(what=esc(truncate(subject, 80))))
    else:
        await lists.show(update, search_screens.results_screen(context.chat_data, found.query, found.page))


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: parse.Question) -> None:
    """Reply to a question about the library. "it" / "this series" is the card the question replies to."""
    message = update.effective_message
    if question.kind in LIST_FOR:
        await browse_screens.respond(update, context, browse_screens.LISTS[LIST_FOR[question.kind]], None, 1)
        return
    if question.kind == parse.HOW_MANY:
        await message.reply_text(totals_text(await dbcall.read(context, _totals, actor_of(update))))
        return
    if question.kind == parse.BY_AUTHOR:
        name = question.subject[: search_screens.MAX_QUERY]
        if not name:  # "books by this"
            await message.reply_text(_(WHICH_SERIES))
            return
        found = await dbcall.read(context, _books_by, actor_of(update), name)
        await _show_found(update, context, found, name, N_("No books by “{what}” in your library."))
        return
    replied = cards.book_of(message.reply_to_message) if not question.subject else None
    if not question.subject and replied is None:
        await message.reply_text(_(WHICH_SERIES if question.kind == parse.UNREAD else WHICH_BOOK))
        return
    subject = question.subject[: search_screens.MAX_QUERY] or "this book"
    try:
        if question.kind == parse.UNREAD:
            if replied is not None:
                found = await dbcall.read(context, _unread_around, actor_of(update), replied)
            else:
                found = await dbcall.read(context, _unread, actor_of(update), subject)
            await _show_found(update, context, found, subject)
            return
        if replied is not None:
            found = await dbcall.read(context, _about_book, actor_of(update), replied)
        else:
            found = await dbcall.read(context, _find, actor_of(update), subject)
    except LibriumError as error:  # an ISBN with a wrong check digit; a card of another library
        await message.reply_text(esc(error.message))
        return
    await lists.show(update, book_answer(question.kind, found))
