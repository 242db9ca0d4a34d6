"""The text router and adding books from a message.

A text message is, in this order: the answer to a question a card button asked (edit, new shelf,
lend); an ISBN (looked up, then added); "Title by Author" / "Author - Title" (added, after a one-tap
confirm when the order is unclear or the book may be a duplicate); anything else is a search. An unclear
order is settled without asking when exactly one side is an author the library already has.

A parsed book waiting for a tap lives in ``user_data[PENDING][token]`` (callback
``add:<token>:<choice>``); a token that is gone answers "That button has expired — send the book again".
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import callbacks, cards, dbcall, parse, pending
from bot.access import Actor, Who, actor_of, resolve
from bot.handlers import asking, book_actions, telling
from bot.handlers import reminders as reminder_handlers
from bot.handlers.book_actions import EXPIRED, tapped
from bot.holdings import title_by
from bot.keyboards import button, markup
from bot.render import bold, esc, truncate
from librium import isbn as isbn_mod
from librium.database.sqlalchemy import db
from librium.errors import LibriumError
from librium.i18n import N_, _, ngettext
from librium.names import parse_author, split_authors
from librium.services import books
from librium.services.books import AddResult, BookInput, BookView
from librium.services.importing.series_title import split_series_title
from librium.text import fold

log = logging.getLogger(__name__)

PENDING = "pending_adds"
MAX_PENDING = 20
METADATA_CLIENT = "metadata_client"  # bot.metadata.CLIENT: tests put a local client there
STALE = N_("That button has expired — send the book again.")
CANCELLED = pending.CANCELLED
NOT_A_BOOK = N_(
    "I couldn't read that as a book. Send “Title by Author”, “Author - Title”, an ISBN, or use /add."
)
FETCH_FAILED = N_("Details could not be fetched — tap Refresh later.")
NOT_KNOWN = N_("No catalogue knows this ISBN yet: tap ✎ Edit to give the title.")
NO_LOOKUPS = N_("Book details are not looked up here: tap ✎ Edit to give the title.")


# --------------------------------------------------------------------------- metadata


def placeholder_title(isbn13: str) -> str:
    """The title of a book known only by its ISBN, until its details are fetched."""
    return f"ISBN {isbn_mod.hyphenate(isbn13)}"


async def lookup_isbn(context: ContextTypes.DEFAULT_TYPE, isbn13: str, *, refresh: bool = False):
    """A metadata LookupResult for the ISBN, or None when lookups are switched off (bot/metadata.py).

    ``refresh`` asks the providers again even when the cache holds an answer (the Refresh button).
    """
    from bot import metadata

    try:
        return await metadata.lookup_isbn(context, isbn13, refresh=refresh)
    except LibriumError:
        return None


def _metadata_input(meta) -> dict[str, Any]:
    from librium.services.metadata import book_input_kwargs

    return {k: v for k, v in book_input_kwargs(meta).items() if v not in (None, "", [], ())}


def apply_metadata(session: Session, who: Who, book_id: int, meta) -> BookView:
    """Fill an ISBN-only book from fetched metadata, never overwriting what the user typed."""
    book = books.get_book(session, who.library_id, book_id)
    found = _metadata_input(meta)
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


# --------------------------------------------------------------------------- the database side


def _add(session: Session, actor: Actor, inputs: dict[str, Any], allow_duplicate: bool = False) -> AddResult:
    who = resolve(session, actor)
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


def _add_unless_unclear(
    session: Session, actor: Actor, choices: list[dict[str, Any]]
) -> tuple[AddResult, dict[str, Any]] | None:
    """Add the one reading whose author the library knows (with the inputs chosen); None when no
    reading or every reading names a known author, so the user is asked."""
    who = resolve(session, actor)
    known = known_authors(session, who.library_id, [c["authors"][0] for c in choices])
    matching = [c for c in choices if c["authors"][0] in known]
    if len(matching) != 1:
        return None
    return books.add_book(session, who.library_id, BookInput(**matching[0])), matching[0]


def _add_copy(session: Session, actor: Actor, inputs: dict[str, Any], existing_id: int) -> AddResult:
    """One more copy of the existing book (of this library: a forged id gets NotFound)."""
    who = resolve(session, actor)
    existing = books.get_book(session, who.library_id, existing_id)
    isbn13 = isbn_mod.try_normalise(inputs.get("isbn"))
    if isbn13 and existing.isbn13 == isbn13:
        return books.add_book(session, who.library_id, BookInput(**inputs), allow_duplicate=True)
    book = books.update_book(session, who.library_id, existing.id, copies=existing.copies + 1)
    return AddResult(book=book, duplicates=[existing], copies_added=True)


# --------------------------------------------------------------------------- pending confirmations


def _pending(context: ContextTypes.DEFAULT_TYPE) -> dict[str, dict[str, Any]]:
    return context.user_data.setdefault(PENDING, {})


def remember(context: ContextTypes.DEFAULT_TYPE, chat_id: int, inputs: list[dict[str, Any]], **extra) -> str:
    """Keep parsed book(s) waiting for a tap; returns the token for ``add:<token>:<choice>``."""
    return pending.keep(_pending(context), {"chat": chat_id, "inputs": inputs, **extra}, MAX_PENDING)


def cancel_pending(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> bool:
    """Forget the confirmations waiting in this chat (their buttons then answer "expired")."""
    waiting = _pending(context)
    mine = [t for t, p in waiting.items() if p.get("chat") == chat_id]
    for token in mine:
        waiting.pop(token, None)
    return bool(mine)


@pending.cancel_hook("add confirmation")
def _cancel_confirmations(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    if cancel_pending(context, update.effective_chat.id):
        return _("the “Title by Author” confirmation")
    return None


def _book_line(book: BookView) -> str:
    line = title_by(book.title, book.author_names)
    facts = []
    if book.isbn13:
        facts.append(f"ISBN {isbn_mod.hyphenate(book.isbn13)}")
    if book.year:
        facts.append(str(book.year))
    if book.copies > 1:
        facts.append(ngettext("{n} copy", "{n} copies", book.copies).format(n=book.copies))
    if book.location:
        facts.append(esc(truncate(book.location.name, 30)))
    return line + (f" ({' · '.join(facts)})" if facts else "")


def duplicate_prompt(token: str, result: AddResult, same_isbn: bool) -> tuple[str, Any]:
    shown = result.duplicates[:3]
    if result.near and len(shown) == 1:
        lines = [_("🤔 Did you mean {book}, already in your library?").format(book=_book_line(shown[0]))]
    elif result.near:
        lines = [
            _("🤔 Did you mean one of these, already in your library?"),
            *("• " + _book_line(b) for b in shown),
        ]
    else:
        lines = [_("🤔 You may have this one already:"), *("• " + _book_line(b) for b in shown)]
    if len(result.duplicates) > len(shown):
        lines.append(_("…and {n} more.").format(n=len(result.duplicates) - len(shown)))
    rows = [[button(_("➕ Add another copy"), "add", token, "copy")]]
    if not same_isbn:
        rows[0].append(button(_("It's a different book"), "add", token, "other"))
    rows.append([button(_("📖 Show it"), "b", shown[0].id), button(_("✗ Cancel"), "add", token, "no")])
    return "\n".join(lines), markup(*rows)


def ambiguity_prompt(token: str, readings: list[parse.TitleAuthor]) -> tuple[str, Any]:
    rows = [
        [
            button(
                _("“{title}” by {author}").format(title=truncate(r.title, 28), author=truncate(r.author, 24)),
                "add",
                token,
                i,
            )
        ]
        for i, r in enumerate(readings)
    ]
    rows.append([button(_("✗ Cancel"), "add", token, "no")])
    return _("Which one is the title?"), markup(*rows)


def _same_isbn(inputs: dict[str, Any], result: AddResult) -> bool:
    isbn13 = isbn_mod.try_normalise(inputs.get("isbn"))
    return bool(isbn13) and any(d.isbn13 == isbn13 for d in result.duplicates)


def _added_note(result: AddResult, extra: str | None = None) -> str:
    book = result.book
    if result.copies_added:
        note = _("✓ Added another copy of {title} (now {n}).").format(
            title=bold(truncate(book.title, 80)), n=book.copies
        )
    else:
        note = cards.added_note(book.title, book.owned)
    return f"{note}\n{extra}" if extra else note


async def _settle(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    result: AddResult,
    inputs: dict[str, Any],
    *,
    edit: bool,
    extra: str | None = None,
    token: str | None = None,
) -> None:
    """Show the card of an added book, or ask about the possible duplicates."""
    if result.book is not None:
        if token:
            _pending(context).pop(token, None)
        await cards.show_card(update, context, result.book, note=_added_note(result, extra), edit=edit)
        return
    same_isbn = _same_isbn(inputs, result)
    if token is None:
        token = remember(context, update.effective_chat.id, [inputs], extra=extra)
    pending = _pending(context)[token]
    pending.update(inputs=[inputs], duplicates=[d.id for d in result.duplicates])
    text, keyboard = duplicate_prompt(token, result, same_isbn)
    if edit:
        await cards.edit_in_place(update, text, keyboard)
    else:
        await update.effective_message.reply_text(text, reply_markup=keyboard)


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
    result = await lookup_isbn(context, isbn13)
    extra = None
    if result is not None and result.found:
        inputs = _metadata_input(result.metadata)
        inputs["isbn"] = isbn13
    else:
        inputs = {"title": placeholder_title(isbn13), "isbn": isbn13}
        extra = _(NO_LOOKUPS if result is None else NOT_KNOWN if result.not_found else FETCH_FAILED)
    if not owned:
        inputs["owned"] = False
    added = await dbcall.run(context, _add, actor_of(update), inputs)
    await _settle(update, context, added, inputs, edit=False, extra=extra)


async def add_typed(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    readings: list[parse.TitleAuthor],
    *,
    owned: bool = True,
) -> None:
    inputs = [typed_inputs(r, owned=owned) for r in readings]
    if len(readings) > 1:
        settled = await dbcall.run(context, _add_unless_unclear, actor_of(update), inputs)
        if settled is not None:
            await _settle(update, context, *settled, edit=False)
            return
        token = remember(
            context, update.effective_chat.id, inputs, readings=[(r.title, r.author) for r in readings]
        )
        text, keyboard = ambiguity_prompt(token, readings)
        await update.effective_message.reply_text(text, reply_markup=keyboard)
        return
    result = await dbcall.run(context, _add, actor_of(update), inputs[0])
    await _settle(update, context, result, inputs[0], edit=False)


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
            added = await dbcall.run(context, _add, actor_of(update), inputs)
            await _settle(update, context, added, inputs, edit=False)
    except LibriumError as error:
        await update.effective_message.reply_text(esc(error.message))


async def search_instead(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Anything that is not a book is a search (bot/handlers/search.py, when it is there)."""
    try:
        from bot.handlers.search import show_results
    except ImportError:
        show_results = None
    if show_results is None:
        await update.effective_message.reply_text(_(NOT_A_BOOK))
        return
    await show_results(update, context, text)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    if await book_actions.take_awaited_text(update, context):
        return
    text = message.text
    reminder = parse.read_reminder(text)
    if reminder is not None:
        await reminder_handlers.remind_about(update, context, reminder)
        return
    question = parse.read_question(text)
    if question is not None and question.sure:
        await asking.answer(update, context, question)
        return
    action = parse.read_action(text)
    if action is not None and await telling.act(update, context, action):
        return  # "finished Dune", "lent Dune to Alice": done to a book of the library
    if action is not None and action.kind == parse.BOUGHT and action.subjects[0]:
        text = action.subjects[0]  # "bought Dune by Frank Herbert", not in the library: add it
    wish = parse.read_wish(text)
    if wish is not None:
        await add_wished(update, context, wish)
        return
    try:
        if await add_book_text(update, context, text):
            return
    except LibriumError as error:
        await message.reply_text(esc(error.message))
        return
    if question is not None:  # "who has dune" with no "?": not a book, so the question
        await asking.answer(update, context, question)
        return
    await search_instead(update, context, text)


# --------------------------------------------------------------------------- the confirm buttons


@tapped
async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE, data: callbacks.Callback, tap) -> None:
    token, choice = data.arg(0) or "", data.arg(1)
    pending = _pending(context).get(token)
    if not pending or pending.get("chat") != update.effective_chat.id:
        await tap.answer(_(STALE), alert=True)
        return
    inputs: list[dict[str, Any]] = pending["inputs"]
    if choice == "no":
        _pending(context).pop(token, None)
        await tap.answer(_("Cancelled."))
        await cards.edit_in_place(update, _(CANCELLED))
        return
    if choice in ("0", "1") and len(inputs) > 1:
        chosen = inputs[int(choice)] if int(choice) < len(inputs) else None
        if chosen is None:
            await tap.answer(_(EXPIRED))
            return
        pending["inputs"] = [chosen]
        result = await dbcall.run(context, _add, actor_of(update), chosen)
    elif len(inputs) != 1:
        await tap.answer(_(EXPIRED))
        return
    elif choice == "yes":
        result = await dbcall.run(context, _add, actor_of(update), inputs[0])
    elif choice == "other":
        result = await dbcall.run(context, _add, actor_of(update), inputs[0], True)
    elif choice == "copy" and pending.get("duplicates"):
        result = await dbcall.run(context, _add_copy, actor_of(update), inputs[0], pending["duplicates"][0])
    else:
        await tap.answer(_(EXPIRED))
        return
    await _settle(
        update, context, result, pending["inputs"][0], edit=True, extra=pending.get("extra"), token=token
    )


# --------------------------------------------------------------------------- wiring


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(confirm, pattern=callbacks.pattern("add")))
    # The one /cancel outside the /add flow (which answers /cancel itself, with the same function).
    application.add_handler(CommandHandler("cancel", pending.cancel_command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))


__all__ = [
    "CANCELLED",
    "METADATA_CLIENT",
    "PENDING",
    "add_isbn",
    "add_typed",
    "apply_metadata",
    "lookup_isbn",
    "on_text",
    "placeholder_title",
    "register",
    "remember",
]
