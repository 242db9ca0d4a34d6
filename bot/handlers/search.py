"""Search: /find <query>, and ``show_results`` for any text the adding router does not take.

Results are a numbered list with a button per book and a pager that edits the same message. The query
text stays on the server: the chat's data maps a short random token to it, and the pager's callback
data carries only ``pg:q:<page>:<token>`` (callback data is short and never trusted). An unknown token
means the list expired. Only lists with a pager are remembered, each query once, so most searches leave
the chat's saved data as it was (nothing to write).
"""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot import callbacks, dbcall, lists
from bot.access import Actor, actor_of, resolve
from bot.render import esc, truncate
from librium.services import search

SEARCHES = "searches"  # chat_data key: {token: query text}
KEEP = 30  # remembered searches per chat; older pagers expire
MAX_QUERY = 300  # characters of a query that are used
EXPIRED = "This list has expired — search again."

USAGE = (
    "Send /find with words or filters, for example:\n"
    "<code>/find dune</code>\n"
    "<code>/find author:tolkien year:1950..1960 is:unread</code>\n"
    "Or just send the words, without /find."
)


def remember(chat_data: dict, query: str) -> str:
    """Keep ``query`` under a short token (the newest ``KEEP`` survive); a query kept already keeps its
    token, so searching again for it changes nothing that must be saved."""
    saved: dict[str, str] = chat_data.setdefault(SEARCHES, {})
    for token, kept in saved.items():
        if kept == query:
            return token
    token = secrets.token_urlsafe(6)
    while token in saved:
        token = secrets.token_urlsafe(6)
    saved[token] = query
    while len(saved) > KEEP:
        saved.pop(next(iter(saved)))
    return token


def recall(chat_data: dict | None, token: str | None) -> str | None:
    if not chat_data or not token:
        return None
    saved = chat_data.get(SEARCHES)
    return saved.get(token) if isinstance(saved, dict) else None


def _page(session: Session, actor: Actor, query: str, page: int) -> search.SearchPage:
    who = resolve(session, actor)
    return search.search(session, who.library_id, query, page=page, page_size=lists.PAGE_SIZE)


def results_screen(query: str, token: str, found: search.SearchPage) -> lists.Screen:
    warnings = "; ".join(found.warnings[:3])
    notes = [f"⚠ {esc(truncate(warnings, 300))}"] if warnings else []
    shown = truncate(query, 60)
    if not found.total:
        text = lists.compose(
            "\n".join(notes) or None,
            f"Nothing matches “{esc(shown)}”. Send 'Title by Author' to add it.",
        )
        return lists.Screen(text)
    return lists.book_screen(
        f"🔎 {esc(shown)}",
        [lists.BookLine.from_row(row) for row in found.rows],
        page=found.page,
        total=found.total,
        data_for=lambda p: callbacks.encode("pg", "q", p, token),
        size=found.page_size,
        notes=notes,
    )


async def show_results(update: Update, context: ContextTypes.DEFAULT_TYPE, query: str) -> None:
    """Reply to ``update`` with the first page of results for ``query`` (any text that is not an add)."""
    query = " ".join(query.split())[:MAX_QUERY]
    if not query:
        await update.effective_message.reply_text(USAGE)
        return
    found = await dbcall.read(context, _page, actor_of(update), query, 1)
    # Only a list with more than one page has a pager that needs the query later.
    token = remember(context.chat_data, query) if found.pages > 1 else ""
    await lists.show(update, results_screen(query, token, found))


async def find(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = update.effective_message.text or ""
    parts = text.split(None, 1)
    await show_results(update, context, parts[1] if len(parts) > 1 else "")


async def page_callback(
    update: Update, context: ContextTypes.DEFAULT_TYPE, page: int | None, token: str | None
) -> None:
    """``pg:q:<page>:<token>``: another page of a remembered search, edited in place."""
    query = recall(context.chat_data, token)
    if query is None:
        await update.callback_query.answer(EXPIRED)
        return
    found = await dbcall.read(context, _page, actor_of(update), query, page or 1)
    await update.callback_query.answer()
    await lists.show(update, results_screen(query, token, found))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("find", find))
