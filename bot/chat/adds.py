"""Answering an add, for every way a book is added in the chat (a typed line, /add, a wish).

The added book's card; or, when the book may be a duplicate, a question whose parsed book waits in
``user_data[PENDING][token]`` for a tap (callback ``add:<token>:<choice>``, bot/handlers/adding.py).
/cancel drops what waits in the chat.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.chat import parse, pending
from bot.views import cards
from bot.views.holdings import title_by
from bot.views.keyboards import button, markup
from bot.views.render import bold, esc, truncate
from librium import isbn as isbn_mod
from librium.i18n import _, ngettext
from librium.services.books import AddResult, BookView

PENDING = "pending_adds"
MAX_PENDING = 20


def pending_adds(context: ContextTypes.DEFAULT_TYPE) -> dict[str, dict[str, Any]]:
    return context.user_data.setdefault(PENDING, {})


def remember(context: ContextTypes.DEFAULT_TYPE, chat_id: int, inputs: list[dict[str, Any]], **extra) -> str:
    """Keep parsed book(s) waiting for a tap; returns the token for ``add:<token>:<choice>``."""
    return pending.keep(pending_adds(context), {"chat": chat_id, "inputs": inputs, **extra}, MAX_PENDING)


def cancel_pending(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> bool:
    """Forget the confirmations waiting in this chat (their buttons then answer "expired")."""
    waiting = pending_adds(context)
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


def added_note(result: AddResult, extra: str | None = None) -> str:
    book = result.book
    if result.copies_added:
        note = _("✓ Added another copy of {title} (now {n}).").format(
            title=bold(truncate(book.title, 80)), n=book.copies
        )
    else:
        note = cards.added_note(book.title, book.owned)
    return f"{note}\n{extra}" if extra else note


async def settle(
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
            pending_adds(context).pop(token, None)
        await cards.show_card(update, context, result.book, note=added_note(result, extra), edit=edit)
        return
    same_isbn = _same_isbn(inputs, result)
    if token is None:
        token = remember(context, update.effective_chat.id, [inputs], extra=extra)
    pending = pending_adds(context)[token]
    pending.update(inputs=[inputs], duplicates=[d.id for d in result.duplicates])
    text, keyboard = duplicate_prompt(token, result, same_isbn)
    if edit:
        await cards.edit_in_place(update, text, keyboard)
    else:
        await update.effective_message.reply_text(text, reply_markup=keyboard)
