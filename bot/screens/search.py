"""Search results: /find <query> (bot/handlers/lists.py), and any text the router (bot/handlers/router.py)
hands on as a search.

Results are a numbered list with a button per book and a pager that edits the same message. A query
of up to 30 bytes (most are) rides in the pager's own callback data, ``pg:s:<page>:<query as
base64url>``: nothing is saved, and the pager never expires. A longer one stays on the server: the
chat's data maps a short random token to it, the pager carries ``pg:q:<page>:<token>``, and an unknown
token means the list expired. Either way callback data is only a request: the query runs in the
library of whoever taps, exactly as if they had typed it.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import ContextTypes

from bot.chat import callbacks
from bot.runtime import dbcall
from bot.runtime.access import Actor, actor_of, resolve
from bot.views import lists
from bot.views.render import esc, truncate
from librium.i18n import N_, _
from librium.services import search

SEARCHES = "searches"  # chat_data key: {token: query text}
KEEP = 30  # remembered searches per chat; older pagers expire
MAX_QUERY = 300  # characters of a query that are used
CARRIED = 40  # longest base64url query a pager carries itself (callback data is at most 64 bytes)
EXPIRED = N_("This list has expired — search again.")

USAGE = N_(
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


def pack(query: str) -> str | None:
    """``query`` as a callback argument (base64url, no padding) when it fits, else None."""
    packed = base64.urlsafe_b64encode(query.encode()).decode().rstrip("=")
    return packed if len(packed) <= CARRIED else None


def unpack(packed: str | None) -> str | None:
    """The query a pager carries; None for anything that is not one (forged or garbled data)."""
    if not packed or len(packed) > CARRIED:
        return None
    try:
        query = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    query = " ".join(query.split())[:MAX_QUERY]
    return query or None


def recall(chat_data: dict | None, token: str | None) -> str | None:
    if not chat_data or not token:
        return None
    saved = chat_data.get(SEARCHES)
    return saved.get(token) if isinstance(saved, dict) else None


def _page(session: Session, actor: Actor, query: str, page: int) -> search.SearchPage:
    who = resolve(session, actor)
    return search.search(session, who.library_id, query, page=page, page_size=lists.PAGE_SIZE)


def pager_data(chat_data: dict, query: str, found: search.SearchPage):
    """The pager's callback data for each page: the query itself when it fits, else a saved token.
    Only a list with more than one page has a pager that needs the query later."""
    if found.pages <= 1:
        return lambda page: callbacks.encode("noop")  # never used: one page has no pager
    packed = pack(query)
    if packed is not None:
        return lambda page: callbacks.encode("pg", "s", page, packed)
    token = remember(chat_data, query)
    return lambda page: callbacks.encode("pg", "q", page, token)


def results_screen(chat_data: dict, query: str, found: search.SearchPage) -> lists.Screen:
    """A page of results for ``query``, its pager's data from :func:`pager_data`."""
    warnings = "; ".join(found.warnings[:3])
    notes = [f"⚠ {esc(truncate(warnings, 300))}"] if warnings else []
    shown = truncate(query, 60)
    if not found.total:
        text = lists.compose(
            "\n".join(notes) or None,
            _(
                "Nothing matches “{query}”. Send “Title by Author” to add it; /help shows what else I understand."
            ).format(query=esc(shown)),
        )
        return lists.Screen(text)
    header = f"🔎 {esc(shown)}"
    if found.near_only and found.corrected:  # typos, another script, another form: say so, never offer to add
        header = _("🔎 No exact match for “{query}”. Showing results for “{corrected}”:").format(
            query=esc(shown), corrected=esc(truncate(found.corrected, 60))
        )
    elif found.near_only:
        header = _("🔎 No exact match for “{query}”. Near matches:").format(query=esc(shown))
    near_at = (found.exact or 0) - (found.page - 1) * found.page_size
    headings = {near_at: _("≈ <i>Near matches (typos, other spellings):</i>")} if found.exact else {}
    return lists.book_screen(
        header,
        [lists.BookLine.from_row(row) for row in found.rows],
        page=found.page,
        total=found.total,
        data_for=pager_data(chat_data, query, found),
        size=found.page_size,
        notes=notes,
        headings=headings if 0 < near_at < len(found.rows) else None,
    )


async def show_results(update: Update, context: ContextTypes.DEFAULT_TYPE, query: str) -> None:
    """Reply to ``update`` with the first page of results for ``query`` (any text that is not an add)."""
    query = " ".join(query.split())[:MAX_QUERY]
    if not query:
        await update.effective_message.reply_text(_(USAGE))
        return
    found = await dbcall.read(context, _page, actor_of(update), query, 1)
    await lists.show(update, results_screen(context.chat_data, query, found))


async def page_callback(
    update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str, page: int | None, arg: str | None
) -> None:
    """``pg:s:<page>:<query>`` or ``pg:q:<page>:<token>``: another page of a search, edited in place."""
    query = unpack(arg) if kind == "s" else recall(context.chat_data, arg)
    if query is None:
        await update.callback_query.answer(_(EXPIRED))
        return
    found = await dbcall.read(context, _page, actor_of(update), query, page or 1)
    await update.callback_query.answer()
    await lists.show(update, results_screen(context.chat_data, query, found))
