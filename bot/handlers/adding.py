"""Adding books from a message, and the confirm buttons of an add.

A text the router (bot/handlers/router.py) hands here is an ISBN (looked up, then added) or
"Title by Author" / "Author - Title" (added, after a one-tap confirm when the order is unclear or the
book may be a duplicate). An unclear order is settled without asking when exactly one side is an
author the library already has.

A parsed book waiting for a tap lives in ``user_data[PENDING][token]`` (bot/chat/adds.py; callback
``add:<token>:<choice>``); a token that is gone answers "That button has expired — send the book again".
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.actions import adding as actions
from bot.chat import adds, callbacks, parse, pending
from bot.chat.adds import PENDING
from bot.chat.taps import EXPIRED, run_in_library, tapped
from bot.runtime import metadata
from bot.views import cards
from bot.views.render import esc
from librium import isbn as isbn_mod
from librium.errors import LibriumError
from librium.i18n import N_, _
from librium.names import split_authors
from librium.services.importing.series_title import split_series_title

log = logging.getLogger(__name__)

STALE = N_("That button has expired — send the book again.")
CANCELLED = pending.CANCELLED
FETCH_FAILED = N_("Details could not be fetched — tap Refresh later.")
NOT_KNOWN = N_("No catalogue knows this ISBN yet: tap ✎ Edit to give the title.")
NO_LOOKUPS = N_("Book details are not looked up here: tap ✎ Edit to give the title.")


# --------------------------------------------------------------------------- messages


async def add_isbn(
    update: Update, context: ContextTypes.DEFAULT_TYPE, digits: str, *, owned: bool = True
) -> None:
    message = update.effective_message
    isbn13 = isbn_mod.try_normalise(digits)
    if isbn13 is None:
        await message.reply_text(
            _(
                "{digits} looks like an ISBN but its check digit is wrong. Check the number and send it again."
            ).format(digits=esc(digits))
        )
        return
    try:
        await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
    except TelegramError:
        pass
    result = await metadata.try_lookup_isbn(context, isbn13)
    extra = None
    if result is not None and result.found:
        inputs = actions.metadata_input(result.metadata)
        inputs["isbn"] = isbn13
    else:
        inputs = {"title": actions.placeholder_title(isbn13), "isbn": isbn13}
        extra = _(NO_LOOKUPS if result is None else NOT_KNOWN if result.not_found else FETCH_FAILED)
    if not owned:
        inputs["owned"] = False
    added = await run_in_library(context, update, actions.add, inputs)
    await adds.settle(update, context, added, inputs, edit=False, extra=extra)


async def add_typed(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    readings: list[parse.TitleAuthor],
    *,
    owned: bool = True,
) -> None:
    inputs = [typed_inputs(r, owned=owned) for r in readings]
    if len(readings) > 1:
        settled = await run_in_library(context, update, actions.add_unless_unclear, inputs)
        if settled is not None:
            await adds.settle(update, context, *settled, edit=False)
            return
        token = adds.remember(
            context, update.effective_chat.id, inputs, readings=[(r.title, r.author) for r in readings]
        )
        text, keyboard = adds.ambiguity_prompt(token, readings)
        await update.effective_message.reply_text(text, reply_markup=keyboard)
        return
    result = await run_in_library(context, update, actions.add, inputs[0])
    await adds.settle(update, context, result, inputs[0], edit=False)


def typed_inputs(reading: parse.TitleAuthor, *, owned: bool = True) -> dict[str, Any]:
    """The add's fields for a typed "Title by Author": several authors split ("Pratchett & Gaiman"), a
    Goodreads-style series in the title taken out ("Dune (Dune Chronicles, #1)")."""
    title, series, index = split_series_title(reading.title)
    inputs: dict[str, Any] = {"title": title, "authors": split_authors(reading.author) or [reading.author]}
    if series:
        inputs.update(series=series, series_index=index)
    if not owned:
        inputs["owned"] = False
    return inputs


async def add_book_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, *, owned: bool = True
) -> bool:
    """Add the book ``text`` names (an ISBN, or "Title by Author"); False when it names none.
    Raises LibriumError for a book that cannot be added (the caller answers with its message)."""
    digits = parse.isbn_candidate(text)
    if digits:
        await add_isbn(update, context, digits, owned=owned)
        return True
    readings = parse.read_title_author(text)
    if readings:
        await add_typed(update, context, readings, owned=owned)
        return True
    return False


async def add_wished(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """ "wishlist Dune by Frank Herbert", "add 9780441172719 to my wishlist": added as not owned."""
    try:
        if not await add_book_text(update, context, text, owned=False):
            inputs = {"title": text, "owned": False}  # a title alone is enough for a wish
            added = await run_in_library(context, update, actions.add, inputs)
            await adds.settle(update, context, added, inputs, edit=False)
    except LibriumError as error:
        await update.effective_message.reply_text(esc(error.message))


# --------------------------------------------------------------------------- the confirm buttons


@tapped
async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE, data: callbacks.Callback, tap) -> None:
    token, choice = data.arg(0) or "", data.arg(1)
    pending = adds.pending_adds(context).get(token)
    if not pending or pending.get("chat") != update.effective_chat.id:
        await tap.answer(_(STALE), alert=True)
        return
    inputs: list[dict[str, Any]] = pending["inputs"]
    if choice == "no":
        adds.pending_adds(context).pop(token, None)
        await tap.answer(_("Cancelled."))
        await cards.edit_in_place(update, _(CANCELLED))
        return
    if choice in ("0", "1") and len(inputs) > 1:
        chosen = inputs[int(choice)] if int(choice) < len(inputs) else None
        if chosen is None:
            await tap.answer(_(EXPIRED))
            return
        pending["inputs"] = [chosen]
        result = await run_in_library(context, update, actions.add, chosen)
    elif len(inputs) != 1:
        await tap.answer(_(EXPIRED))
        return
    elif choice == "yes":
        result = await run_in_library(context, update, actions.add, inputs[0])
    elif choice == "other":
        result = await run_in_library(context, update, actions.add, inputs[0], True)
    elif choice == "copy" and pending.get("duplicates"):
        result = await run_in_library(context, update, actions.add_copy, inputs[0], pending["duplicates"][0])
    else:
        await tap.answer(_(EXPIRED))
        return
    await adds.settle(
        update, context, result, pending["inputs"][0], edit=True, extra=pending.get("extra"), token=token
    )


# --------------------------------------------------------------------------- wiring


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(confirm, pattern=callbacks.pattern("add")))
    # The one /cancel outside the /add flow (which answers /cancel itself, with the same function).
    application.add_handler(CommandHandler("cancel", pending.cancel_command))


__all__ = ["CANCELLED", "PENDING", "add_book_text", "add_isbn", "add_typed", "add_wished", "register"]
