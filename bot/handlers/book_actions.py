"""The book card's buttons: read/reading, rate, edit, shelf, lend/return, delete/undo, refresh.

Every tap is decoded and answered by bot/chat/taps.py and runs ONE action of bot/actions/book.py in
the tapper's library (a forged book id of another library gets "That book isn't in this library.").
The card is edited in place.

Edit, "New shelf…" and Lend ask for one line of text: the request is kept by bot/chat/awaiting.py
and :func:`take_awaited_text` (called first by the text router) consumes the user's next message in
that chat. In groups the question also goes out as a ForceReply prompt (bot/chat/questions.py), so the answer
reaches a bot in privacy mode. /cancel drops it (a cancel hook, bot/chat/pending.py) and restores the card.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.actions import adding
from bot.actions import book as actions
from bot.chat import awaiting, callbacks, pending, questions
from bot.chat.taps import EXPIRED, NOT_HERE, book_id_of, read_in_library, run_in_library, tapped
from bot.runtime import metadata
from bot.views import cards
from bot.views.keyboards import button, grid, markup
from bot.views.render import bold, esc, truncate
from librium.errors import LibriumError, NotFound
from librium.i18n import N_, _
from librium.services.books import BookView

log = logging.getLogger(__name__)

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
IMPORT_NOTE_DONE = N_("✓ Import note dealt with")
IMPORT_NOTE_CLEARED = N_("✓ Import note cleared.")
MAX_SHELF_BUTTONS = 24


# --------------------------------------------------------------------------- open a card


@tapped
async def open_card(update, context, data, tap) -> None:
    book = await read_in_library(context, update, actions.get_card, book_id_of(data))
    if data.arg(1) == "e":
        await awaiting.drop(context, book.id)
        await cards.show_card(update, context, book, edit=True)
    else:
        await cards.send_card(update, context, book)


# --------------------------------------------------------------------------- status and rating


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
    book = await run_in_library(context, update, actions.set_reading_status, book_id_of(data), status)
    await tap.answer(_(STATUS_DONE[status]))
    await cards.show_card(update, context, book, edit=True)


@tapped
async def rate(update, context, data, tap) -> None:
    book_id = book_id_of(data)
    if data.arg(1) is None:
        book = await read_in_library(context, update, actions.get_card, book_id)
        await cards.edit_in_place(
            update, cards.render_card(book, note=_("★ How many stars?")), cards.rating_keyboard(book)
        )
        return
    half_stars = data.int_arg(1)
    if half_stars is None or half_stars > 10:
        await tap.answer(_(EXPIRED))
        return
    book = await run_in_library(context, update, actions.rate_book, book_id, half_stars)
    if book.rating:
        await tap.answer(_("Rated {stars}").format(stars=cards.rating_text(book.rating)))
    else:
        await tap.answer(_("Rating cleared."))
    await cards.show_card(update, context, book, edit=True)


# --------------------------------------------------------------------------- waiting for a line of text


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
    waiting = awaiting.awaiting(context)
    if not waiting or waiting.get("chat") != update.effective_chat.id:
        return None
    context.user_data.pop(awaiting.AWAITING, None)
    await awaiting.delete_prompts(context, waiting)
    try:
        book = await read_in_library(context, update, actions.get_card, waiting.get("book"))
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
    context.user_data[awaiting.AWAITING] = waiting
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
    book = await read_in_library(context, update, actions.get_card, book_id)
    if field is None:
        fields = [button(_(labels[0]), "ed", book.id, name) for name, labels in EDIT_FIELDS.items()]
        rows = grid(fields, 3)
        if book.import_note:
            rows.append([button(_(IMPORT_NOTE_DONE), "ed", book.id, "in")])
        keyboard = markup(*rows, [button(_("« Back"), "b", book.id, "e")])
        await cards.edit_in_place(
            update, cards.render_card(book, note=_("✎ What do you want to change?")), keyboard
        )
    elif field == "x":
        await awaiting.drop(context, book.id)
        await cards.show_card(update, context, book, edit=True)
    elif field == "in":
        book = await run_in_library(context, update, actions.clear_import_note, book_id)
        await tap.answer(_(IMPORT_NOTE_CLEARED))
        await cards.show_card(update, context, book, edit=True, note=_(IMPORT_NOTE_CLEARED))
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


@tapped
async def shelf(update, context, data, tap) -> None:
    book_id = book_id_of(data)
    choice = data.arg(1)
    if choice is None:
        book, shelves = await read_in_library(context, update, actions.shelves_of, book_id)
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
        book = await read_in_library(context, update, actions.get_card, book_id)
        await _ask(
            update,
            context,
            book,
            "shelf",
            _("🗄 Send the name of the new shelf, or /cancel."),
            PLACEHOLDERS["shelf"],
        )
    elif choice == "x":
        await awaiting.drop(context, book_id)
        book = await read_in_library(context, update, actions.get_card, book_id)
        await cards.show_card(update, context, book, edit=True)
    else:
        location_id = None if choice == "none" else data.int_arg(1)
        if location_id is None and choice != "none":
            await tap.answer(_(EXPIRED))
            return
        book = await run_in_library(context, update, actions.move_to_shelf, book_id, location_id)
        if book.location:
            await tap.answer(_("On {shelf}.").format(shelf=book.location.name))
        else:
            await tap.answer(_("Taken off the shelf."))
        await cards.show_card(update, context, book, edit=True)


LEND_QUESTION = N_(
    "🤝 Lend to whom? (and optional due date, e.g. ‘Alice 2026-12-24’ or ‘Alice in 3 weeks’) — or /cancel."
)


@tapped
async def lend(update, context, data, tap) -> None:
    book_id = book_id_of(data)
    choice = data.arg(1)
    if choice == "ret":
        book = await run_in_library(context, update, actions.return_loan, book_id)
        await tap.answer(_("Welcome back!"))
        await cards.show_card(update, context, book, edit=True)
        return
    book = await read_in_library(context, update, actions.get_card, book_id)
    if choice == "x":
        await awaiting.drop(context, book_id)
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


@tapped
async def delete(update, context, data, tap) -> None:
    book = await run_in_library(context, update, actions.delete_book, book_id_of(data))
    await awaiting.drop(context, book.id)
    await tap.answer(_("Deleted."))
    await cards.edit_in_place(
        update, cards.deleted_text(book), markup([button(_("↶ Undo"), "undo", book.id)])
    )


@tapped
async def undo(update, context, data, tap) -> None:
    book = await run_in_library(context, update, actions.restore_book, book_id_of(data))
    await tap.answer(_("Restored."))
    await cards.show_card(update, context, book, edit=True, note=_("↶ Restored."))


# --------------------------------------------------------------------------- wishlist


@tapped
async def got_it(update, context, data, tap) -> None:
    book = await run_in_library(context, update, actions.mark_owned, book_id_of(data))
    await tap.answer(_(cards.GOT_IT))
    await cards.show_card(update, context, book, edit=True, note=_(cards.GOT_IT))


# --------------------------------------------------------------------------- refresh details


@tapped
async def refresh(update, context, data, tap) -> None:
    book = await read_in_library(context, update, actions.get_card, book_id_of(data))
    if not book.isbn13:
        await tap.answer(_("This book has no ISBN to look up."))
        return
    result = await metadata.try_lookup_isbn(context, book.isbn13, refresh=True)
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


async def take_awaited_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Use this text message as the answer to a pending question of this user in this chat.

    Returns False when nothing was waiting (the router goes on). A domain error keeps the question
    open and says what was wrong, so the user can simply send a better answer.
    """
    waiting = awaiting.awaiting(context)
    message = update.effective_message
    if not waiting or message is None or waiting.get("chat") != update.effective_chat.id:
        return False
    if not questions.answers(update, waiting.get("asked") or []):
        return False  # a reply to another message of mine is about that message
    text = message.text or ""
    kind, book_id = waiting.get("kind"), waiting.get("book")
    try:
        if kind == "edit":
            book = await run_in_library(
                context, update, actions.apply_edit, book_id, waiting.get("field"), text
            )
            done = _(EDIT_FIELDS[str(waiting.get("field"))][2])
        elif kind == "shelf":
            book = await run_in_library(context, update, actions.apply_shelf, book_id, text)
            if book.location:
                done = _("✓ Moved to {shelf}.").format(shelf=bold(book.location.name))
            else:
                done = _("✓ Taken off the shelf.")
        elif kind == "lend":
            book = await run_in_library(context, update, actions.apply_lend, book_id, text)
            loan = book.current_loan
            done = _("✓ Lent to {who}.").format(who=bold(loan.borrower)) if loan else _("✓ Lent.")
        else:
            context.user_data.pop(awaiting.AWAITING, None)
            return False
    except NotFound:
        context.user_data.pop(awaiting.AWAITING, None)
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
    context.user_data.pop(awaiting.AWAITING, None)
    await awaiting.delete_prompts(context, waiting)
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


__all__ = ["register", "take_awaited_text"]
