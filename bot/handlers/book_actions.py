"""The book card's buttons: read/reading, rate, edit, shelf, lend/return, delete/undo, refresh.

Every tap: decode the callback data (garbage → "That button has expired."), then ONE transaction that
resolves the tapper's library and calls the service with that library id, so a forged book id of
another library gets NotFound → "That book isn't in this library." The card is edited in place.

Edit, "New shelf…" and Lend ask for one line of text: the request is kept in ``user_data[AWAITING]``
and :func:`take_awaited_text` (called first by the text router) consumes the user's next message in
that chat. In groups the question also goes out as a ForceReply prompt (bot/questions.py), so the answer
reaches a bot in privacy mode. /cancel drops it (a cancel hook, bot/pending.py) and restores the card.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.orm import Session
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot import callbacks, cards, dbcall, parse, pending, questions
from bot.access import Actor, Who, actor_of, resolve
from bot.keyboards import button, grid, markup
from bot.render import bold, esc, truncate
from librium.database.sqlalchemy import db
from librium.errors import Invalid, LibriumError, NotFound
from librium.i18n import N_, _
from librium.services import books, entities, loans, reading, reminders
from librium.services.books import BookView
from librium.services.when import zone

log = logging.getLogger(__name__)

EXPIRED = N_("That button has expired.")
NOT_HERE = N_("That book isn't in this library.")
AWAITING = "awaiting_input"
# field -> (button, question, done)
EDIT_FIELDS = {
    "title": (N_("✎ Title"), N_("✎ Send the new title, or /cancel."), N_("✓ Title changed.")),
    "authors": (
        N_("✎ Authors"),
        N_("✎ Send the new authors (separate several with “&”), or /cancel."),
        N_("✓ Authors changed."),
    ),
    "series": (
        N_("✎ Series"),
        N_("✎ Send the new series and number, e.g. “Discworld 2” (“-” removes it), or /cancel."),
        N_("✓ Series changed."),
    ),
    "year": (N_("✎ Year"), N_("✎ Send the new year (“-” clears it), or /cancel."), N_("✓ Year changed.")),
    "pages": (
        N_("✎ Pages"),
        N_("✎ Send the new number of pages (“-” clears it), or /cancel."),
        N_("✓ Pages changed."),
    ),
    "notes": (
        N_("✎ Notes"),
        N_("✎ Send the new notes (“-” clears them), or /cancel."),
        N_("✓ Notes changed."),
    ),
}
MAX_SHELF_BUTTONS = 24
CallbackFn = Callable[[Update, ContextTypes.DEFAULT_TYPE, callbacks.Callback, "Tap"], Awaitable[None]]


# --------------------------------------------------------------------------- answering taps


class Tap:
    """The tapped callback query, answered exactly once (a spinning button is never left behind)."""

    def __init__(self, update: Update):
        self.query = update.callback_query
        self.answered = False

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        if self.answered or self.query is None:
            return
        self.answered = True
        await self.query.answer(text, show_alert=alert)


def tapped(fn: CallbackFn) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    """Wrap a callback handler: decode, answer domain errors with their message, always answer."""

    @functools.wraps(fn)
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        tap = Tap(update)
        data = callbacks.decode(update.callback_query.data if update.callback_query else None)
        if data is None:
            await tap.answer(_(EXPIRED))
            return
        try:
            await fn(update, context, data, tap)
        except NotFound:
            await tap.answer(_(NOT_HERE), alert=True)
        except LibriumError as error:
            await tap.answer(error.message, alert=True)
        else:
            await tap.answer()

    return handler


def local_today(who: Who) -> dt.date:
    try:
        return dt.datetime.now(zone(who.timezone)).date()
    except LibriumError:
        return dt.date.today()


def in_library(session: Session, actor: Actor, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Resolve the actor's library, then ``fn(session, who, *args)`` — all in the caller's transaction."""
    who = resolve(session, actor)
    return fn(session, who, *args, **kwargs)


async def run_in_library(context: ContextTypes.DEFAULT_TYPE, update: Update, fn, *args, **kwargs):
    return await dbcall.run(context, in_library, actor_of(update), fn, *args, **kwargs)


async def read_in_library(context: ContextTypes.DEFAULT_TYPE, update: Update, fn, *args, **kwargs):
    """``run_in_library`` for work that only reads (a read-only transaction; see dbcall.read)."""
    return await dbcall.read(context, in_library, actor_of(update), fn, *args, **kwargs)


def book_id_of(data: callbacks.Callback) -> int:
    book_id = data.int_arg(0)
    if book_id is None:
        raise NotFound(_(NOT_HERE))
    return book_id


def _card(session: Session, who: Who, book_id: int) -> BookView:
    return books.get_book(session, who.library_id, book_id)


# --------------------------------------------------------------------------- open a card


@tapped
async def open_card(update, context, data, tap) -> None:
    book = await read_in_library(context, update, _card, book_id_of(data))
    if data.arg(1) == "e":
        await _drop_awaiting(context, book.id)
        await cards.show_card(update, context, book, edit=True)
    else:
        await cards.send_card(update, context, book)


# --------------------------------------------------------------------------- status and rating


def set_reading_status(session: Session, who: Who, book_id: int, status: str) -> BookView:
    today = local_today(who)
    if status == "read":
        reading.finish_reading(session, who.library_id, book_id, user_id=who.user_id, today=today)
    elif status == "reading":
        reading.start_reading(session, who.library_id, book_id, user_id=who.user_id, today=today)
    else:
        reading.set_status(session, who.library_id, book_id, "to-read")
    return books.get_book(session, who.library_id, book_id)


STATUS_DONE = {
    "read": N_("Marked as read."),
    "reading": N_("Enjoy the book!"),
    "to-read": N_("Marked as not read."),
}


@tapped
async def set_status(update, context, data, tap) -> None:
    status = data.arg(1)
    if status not in STATUS_DONE:
        await tap.answer(_(EXPIRED))
        return
    book = await run_in_library(context, update, set_reading_status, book_id_of(data), status)
    await tap.answer(_(STATUS_DONE[status]))
    await cards.show_card(update, context, book, edit=True)


def rate_book(session: Session, who: Who, book_id: int, half_stars: int) -> BookView:
    return reading.rate(session, who.library_id, book_id, half_stars / 2 if half_stars else None)


@tapped
async def rate(update, context, data, tap) -> None:
    book_id = book_id_of(data)
    if data.arg(1) is None:
        book = await read_in_library(context, update, _card, book_id)
        await cards.edit_in_place(
            update, cards.render_card(book, note=_("★ How many stars?")), cards.rating_keyboard(book)
        )
        return
    half_stars = data.int_arg(1)
    if half_stars is None or half_stars > 10:
        await tap.answer(_(EXPIRED))
        return
    book = await run_in_library(context, update, rate_book, book_id, half_stars)
    if book.rating:
        await tap.answer(_("Rated {stars}").format(stars=cards.rating_text(book.rating)))
    else:
        await tap.answer(_("Rating cleared."))
    await cards.show_card(update, context, book, edit=True)


# --------------------------------------------------------------------------- waiting for a line of text


def _awaiting(context: ContextTypes.DEFAULT_TYPE) -> dict | None:
    return context.user_data.get(AWAITING) if context.user_data is not None else None


async def _drop_awaiting(context: ContextTypes.DEFAULT_TYPE, book_id: int | None = None) -> bool:
    """Forget the pending question (of ``book_id`` only, if given) and delete its group prompts."""
    waiting = _awaiting(context)
    if waiting and (book_id is None or waiting.get("book") == book_id):
        context.user_data.pop(AWAITING, None)
        await _delete_prompts(context, waiting)
        return True
    return False


async def _delete_prompts(context: ContextTypes.DEFAULT_TYPE, waiting: dict) -> None:
    """Delete the ForceReply prompts a question sent in a group (the card itself stays)."""
    prompts = [i for i in waiting.get("asked") or [] if i != waiting.get("message")]
    await questions.delete(context.bot, waiting.get("chat"), prompts)


async def cancel_awaiting(context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Forget any pending edit/shelf/lend question; True when there was one."""
    return await _drop_awaiting(context)


_ASKED_FOR = {"shelf": N_("the new shelf"), "lend": N_("the loan")}
_EDIT_OF = {
    "title": N_("the edit of the title"),
    "authors": N_("the edit of the authors"),
    "series": N_("the edit of the series"),
    "year": N_("the edit of the year"),
    "pages": N_("the edit of the pages"),
    "notes": N_("the edit of the notes"),
}


@pending.cancel_hook("card question")
async def _cancel_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """/cancel: drop the question asked in this chat and put the plain card back on its message."""
    waiting = _awaiting(context)
    if not waiting or waiting.get("chat") != update.effective_chat.id:
        return None
    context.user_data.pop(AWAITING, None)
    await _delete_prompts(context, waiting)
    try:
        book = await read_in_library(context, update, _card, waiting.get("book"))
    except LibriumError:
        book = None  # deleted meanwhile: the card's buttons answer for themselves
    if book is not None:
        await _restore_old_card(context, waiting, book)
    if waiting.get("kind") == "edit":
        return _(_EDIT_OF.get(str(waiting.get("field")), N_("the card question")))
    return _(_ASKED_FOR.get(str(waiting.get("kind")), N_("the card question")))


PLACEHOLDERS = {
    "title": N_("The new title"),
    "authors": N_("Author & Author"),
    "series": N_("Discworld 2"),
    "year": "1965",
    "pages": "412",
    "notes": N_("Your notes"),
    "shelf": N_("Living room"),
    "lend": N_("Alice in 3 weeks"),
}


async def _ask(
    update: Update, context, book: BookView, kind: str, question: str, placeholder: str, **extra: Any
) -> None:
    """Put the question on the card; in a group also a ForceReply prompt aimed at the tapper."""
    message = update.callback_query.message if update.callback_query else None
    waiting = {
        "kind": kind,
        "book": book.id,
        "chat": update.effective_chat.id,
        "message": message.message_id if message else None,
        "photo": bool(message and (message.photo or message.caption)),
        "asked": [message.message_id] if message else [],
        **extra,
    }
    context.user_data[AWAITING] = waiting
    code = "ed" if kind == "edit" else "ln" if kind == "lend" else "sh"
    keyboard = markup([button(_("✗ Cancel"), code, book.id, "x")])
    await cards.edit_in_place(update, cards.render_card(book, note=question), keyboard)
    prompt = _("{question}\n↩️ Reply to this message.").format(question=question)
    sent = await questions.prompt(update, context, prompt, _(placeholder))
    if sent is not None:
        waiting["asked"].append(sent.message_id)


@tapped
async def edit(update, context, data, tap) -> None:
    book_id = book_id_of(data)
    field = data.arg(1)
    book = await read_in_library(context, update, _card, book_id)
    if field is None:
        fields = [button(_(labels[0]), "ed", book.id, name) for name, labels in EDIT_FIELDS.items()]
        keyboard = markup(*grid(fields, 3), [button(_("« Back"), "b", book.id, "e")])
        await cards.edit_in_place(
            update, cards.render_card(book, note=_("✎ What do you want to change?")), keyboard
        )
    elif field == "x":
        await _drop_awaiting(context, book.id)
        await cards.show_card(update, context, book, edit=True)
    elif field in EDIT_FIELDS:
        await _ask(
            update,
            context,
            book,
            "edit",
            esc(_(EDIT_FIELDS[field][1])),
            PLACEHOLDERS[field],
            field=field,
        )
    else:
        await tap.answer(_(EXPIRED))


def _shelves(session: Session, who: Who, book_id: int) -> tuple[BookView, list[entities.EntityView]]:
    book = books.get_book(session, who.library_id, book_id)
    return book, entities.list_entities(session, who.library_id, "location")


def _move_to_shelf(session: Session, who: Who, book_id: int, location_id: int | None) -> BookView:
    books.get_book(session, who.library_id, book_id)  # another library's book: NotFound first
    name = None
    if location_id is not None:
        shelves = {s.id: s.name for s in entities.list_entities(session, who.library_id, "location")}
        if location_id not in shelves:
            raise Invalid(_("That shelf is not in this library any more."))
        name = shelves[location_id]
    return books.set_location(session, who.library_id, book_id, name)


@tapped
async def shelf(update, context, data, tap) -> None:
    book_id = book_id_of(data)
    choice = data.arg(1)
    if choice is None:
        book, shelves = await read_in_library(context, update, _shelves, book_id)
        buttons = [
            button(
                ("• " if book.location and book.location.id == s.id else "") + truncate(s.name, 30),
                "sh",
                book.id,
                s.id,
            )
            for s in shelves[:MAX_SHELF_BUTTONS]
        ]
        last = [button(_("➕ New shelf…"), "sh", book.id, "new")]
        if book.location:
            last.append(button(_("Off the shelf"), "sh", book.id, "none"))
        last.append(button(_("« Back"), "b", book.id, "e"))
        note = _("🗄 Which shelf?") if shelves else _("🗄 No shelves yet: make the first one.")
        await cards.edit_in_place(update, cards.render_card(book, note=note), markup(*grid(buttons, 2), last))
    elif choice == "new":
        book = await read_in_library(context, update, _card, book_id)
        await _ask(
            update,
            context,
            book,
            "shelf",
            _("🗄 Send the name of the new shelf, or /cancel."),
            PLACEHOLDERS["shelf"],
        )
    elif choice == "x":
        await _drop_awaiting(context, book_id)
        book = await read_in_library(context, update, _card, book_id)
        await cards.show_card(update, context, book, edit=True)
    else:
        location_id = None if choice == "none" else data.int_arg(1)
        if location_id is None and choice != "none":
            await tap.answer(_(EXPIRED))
            return
        book = await run_in_library(context, update, _move_to_shelf, book_id, location_id)
        if book.location:
            await tap.answer(_("On {shelf}.").format(shelf=book.location.name))
        else:
            await tap.answer(_("Taken off the shelf."))
        await cards.show_card(update, context, book, edit=True)


def return_loan(session: Session, who: Who, book_id: int) -> BookView:
    loan = loans.return_book(session, who.library_id, book_id, local_today(who))
    reminders.cancel_loan_reminders(session, loan.id)
    return books.get_book(session, who.library_id, book_id)


LEND_QUESTION = N_(
    "🤝 Lend to whom? (and optional due date, e.g. ‘Alice 2026-12-24’ or ‘Alice in 3 weeks’) — or /cancel."
)


@tapped
async def lend(update, context, data, tap) -> None:
    book_id = book_id_of(data)
    choice = data.arg(1)
    if choice == "ret":
        book = await run_in_library(context, update, return_loan, book_id)
        await tap.answer(_("Welcome back!"))
        await cards.show_card(update, context, book, edit=True)
        return
    book = await read_in_library(context, update, _card, book_id)
    if choice == "x":
        await _drop_awaiting(context, book_id)
        await cards.show_card(update, context, book, edit=True)
    elif choice is None:
        if book.current_loan:
            await tap.answer(_("Already lent to {who}.").format(who=book.current_loan.borrower))
            await cards.show_card(update, context, book, edit=True)
            return
        await _ask(update, context, book, "lend", esc(_(LEND_QUESTION)), PLACEHOLDERS["lend"])
    else:
        await tap.answer(_(EXPIRED))


# --------------------------------------------------------------------------- delete and undo


def _delete(session: Session, who: Who, book_id: int) -> BookView:
    return books.delete_book(session, who.library_id, book_id)


def _restore(session: Session, who: Who, book_id: int) -> BookView:
    return books.restore_book(session, who.library_id, book_id)


@tapped
async def delete(update, context, data, tap) -> None:
    book = await run_in_library(context, update, _delete, book_id_of(data))
    await _drop_awaiting(context, book.id)
    await tap.answer(_("Deleted."))
    await cards.edit_in_place(
        update, cards.deleted_text(book), markup([button(_("↶ Undo"), "undo", book.id)])
    )


@tapped
async def undo(update, context, data, tap) -> None:
    book = await run_in_library(context, update, _restore, book_id_of(data))
    await tap.answer(_("Restored."))
    await cards.show_card(update, context, book, edit=True, note=_("↶ Restored."))


# --------------------------------------------------------------------------- wishlist


def mark_owned(session: Session, who: Who, book_id: int) -> BookView:
    return books.update_book(session, who.library_id, book_id, owned=True)


GOT_IT = N_("✓ Moved from your wishlist to your library.")


@tapped
async def got_it(update, context, data, tap) -> None:
    book = await run_in_library(context, update, mark_owned, book_id_of(data))
    await tap.answer(_(GOT_IT))
    await cards.show_card(update, context, book, edit=True, note=_(GOT_IT))


# --------------------------------------------------------------------------- refresh details


@tapped
async def refresh(update, context, data, tap) -> None:
    from bot.handlers import adding

    book = await read_in_library(context, update, _card, book_id_of(data))
    if not book.isbn13:
        await tap.answer(_("This book has no ISBN to look up."))
        return
    result = await adding.lookup_isbn(context, book.isbn13, refresh=True)
    if result is None:
        await tap.answer(_("Book details are not looked up on this server."), alert=True)
        return
    if not result.found:
        if result.not_found:
            await tap.answer(_("Details could not be fetched. No catalogue knows this ISBN."), alert=True)
        else:
            await tap.answer(_("Details could not be fetched. Still unreachable — try later."), alert=True)
        return
    book = await run_in_library(context, update, adding.apply_metadata, book.id, result.metadata)
    await tap.answer(_("Details updated."))
    await cards.show_card(update, context, book, edit=True)


# --------------------------------------------------------------------------- the awaited line of text


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


def apply_shelf(session: Session, who: Who, book_id: int, name: str) -> BookView:
    return books.set_location(session, who.library_id, book_id, name)


def apply_lend(session: Session, who: Who, book_id: int, text: str) -> BookView:
    tz = who.timezone or "UTC"
    borrower, due = parse.read_loan(text, tz, dt.datetime.now(dt.UTC))
    loan = loans.lend(session, who.library_id, book_id, borrower, local_today(who), due)
    if due is not None:  # a reminder on the due day, then weekly while overdue
        reminders.schedule_loan_reminders(session, loan.id, session.get(db.User, who.user_id), who.chat_id)
    return books.get_book(session, who.library_id, book_id)


async def take_awaited_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Use this text message as the answer to a pending question of this user in this chat.

    Returns False when nothing was waiting (the router goes on). A domain error keeps the question
    open and says what was wrong, so the user can simply send a better answer.
    """
    waiting = _awaiting(context)
    message = update.effective_message
    if not waiting or message is None or waiting.get("chat") != update.effective_chat.id:
        return False
    if not questions.answers(update, waiting.get("asked") or []):
        return False  # a reply to another message of mine is about that message
    text = message.text or ""
    kind, book_id = waiting.get("kind"), waiting.get("book")
    try:
        if kind == "edit":
            book = await run_in_library(context, update, apply_edit, book_id, waiting.get("field"), text)
            done = _(EDIT_FIELDS[str(waiting.get("field"))][2])
        elif kind == "shelf":
            book = await run_in_library(context, update, apply_shelf, book_id, text)
            if book.location:
                done = _("✓ Moved to {shelf}.").format(shelf=bold(book.location.name))
            else:
                done = _("✓ Taken off the shelf.")
        elif kind == "lend":
            book = await run_in_library(context, update, apply_lend, book_id, text)
            loan = book.current_loan
            done = _("✓ Lent to {who}.").format(who=bold(loan.borrower)) if loan else _("✓ Lent.")
        else:
            context.user_data.pop(AWAITING, None)
            return False
    except NotFound:
        context.user_data.pop(AWAITING, None)
        await message.reply_text(_(NOT_HERE))
        return True
    except LibriumError as error:
        placeholder = _(PLACEHOLDERS.get(waiting.get("field") or kind, "")) or ""
        again = await message.reply_text(
            _("{error}\nSend it again, or /cancel.").format(error=esc(error.message)),
            reply_markup=questions.markup_for(update, placeholder),
        )
        if questions.in_group(update):
            waiting.setdefault("asked", []).append(again.message_id)
        return True
    context.user_data.pop(AWAITING, None)
    await _delete_prompts(context, waiting)
    await _restore_old_card(context, waiting, book)
    await cards.send_card(update, context, book, note=done)
    return True


async def _restore_old_card(context: ContextTypes.DEFAULT_TYPE, waiting: dict, book: BookView) -> None:
    """The card that asked the question becomes the up-to-date card again (no stale prompt)."""
    chat_id, message_id = waiting.get("chat"), waiting.get("message")
    if not message_id:
        return
    try:
        await cards.edit_message(
            context.bot,
            chat_id,
            message_id,
            cards.render_card(book),
            photo=bool(waiting.get("photo")),
            keyboard=cards.card_keyboard(book),
        )
    except TelegramError as error:
        log.info("could not tidy the old card: %s", error)


# --------------------------------------------------------------------------- wiring

HANDLERS: dict[str, Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]] = {
    "b": open_card,
    "st": set_status,
    "rt": rate,
    "ed": edit,
    "sh": shelf,
    "ln": lend,
    "del": delete,
    "undo": undo,
    "rf": refresh,
    "ow": got_it,
}


def register(application: Application) -> None:
    for action, handler in HANDLERS.items():
        application.add_handler(CallbackQueryHandler(handler, pattern=callbacks.pattern(action)))


__all__ = [
    "AWAITING",
    "EXPIRED",
    "NOT_HERE",
    "Tap",
    "cancel_awaiting",
    "register",
    "take_awaited_text",
    "tapped",
]
