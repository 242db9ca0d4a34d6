"""Inline mode: ``@botname dune`` in any chat lists matching books of the user's own library to share.

An empty query lists the most recently added books. Results come in pages of ``PAGE`` with Telegram's
``next_offset`` (the offset is the next page number; anything else in it is treated as page 1). The
answer is personal and cached briefly, since the library changes as the user adds books.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes, InlineQueryHandler

from bot.runtime import dbcall
from bot.runtime.access import Actor, actor_of, resolve
from bot.views.render import bold, esc, italic, stars, truncate
from librium.i18n import _, formats, ngettext
from librium.services import books, search

PAGE = 20
MAX_PAGE = 500  # offsets beyond this are nonsense (10,000 books)
CACHE_SECONDS = 10
MAX_QUERY = 200


def offset_page(offset: str | None) -> int:
    """The page an inline offset asks for; garbage is page 1."""
    if offset and offset.isdigit() and len(offset) < 6:
        return min(max(1, int(offset)), MAX_PAGE)
    return 1


def _results(session: Session, actor: Actor, query: str, page: int) -> tuple[list[books.BookView], bool]:
    """The page's books and whether there is a next page."""
    who = resolve(session, actor)
    if query:
        found = search.search(session, who.library_id, query, page=page, page_size=PAGE)
    else:
        found = search.search(session, who.library_id, "", page=page, page_size=PAGE, sort="added-desc")
    if found.page != page:  # past the end: search clamps to the last page, inline wants nothing
        return [], False
    return books.get_books(session, who.library_id, found.ids), found.page < found.pages


def share_text(view: books.BookView) -> str:
    """The short HTML message a shared book becomes."""
    lines = [f"📖 {bold(view.title)}"]
    if view.subtitle:
        lines[0] += f" — {esc(truncate(view.subtitle, 100))}"
    if view.authors:
        lines.append(_("by {authors}").format(authors=esc(", ".join(a.name for a in view.authors[:4]))))
    details = []
    if view.series:
        s = view.series[0]
        number = f" #{s.index.normalize():f}" if s.index is not None else ""
        details.append(f"{s.name}{number}")
    if view.year:
        details.append(str(view.year))
    if view.pages:
        details.append(ngettext("{n} page", "{n} pages", view.pages).format(n=formats.number(view.pages)))
    if details:
        lines.append(esc(" · ".join(details)))
    if view.rating:
        lines.append(stars(round(view.rating * 2)))
    if view.isbn13:
        lines.append(f"ISBN {esc(view.isbn13)}")
    if view.description:
        lines.append(italic(truncate(view.description, 300)))
    return "\n".join(lines)


def description(view: books.BookView) -> str:
    parts = [", ".join(a.name for a in view.authors[:2]) or _("Unknown author")]
    if view.year:
        parts.append(str(view.year))
    return " · ".join(parts)


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    inline = update.inline_query
    query = " ".join((inline.query or "").split())[:MAX_QUERY]
    page = offset_page(inline.offset)
    views, more = await dbcall.read(context, _results, actor_of(update), query, page)
    results = [
        InlineQueryResultArticle(
            id=str(view.id),
            title=truncate(view.title, 100),
            description=description(view),
            input_message_content=InputTextMessageContent(share_text(view), parse_mode=ParseMode.HTML),
            thumbnail_url=view.cover_url
            if view.cover_url and view.cover_url.startswith("https://")
            else None,
        )
        for view in views
    ]
    await inline.answer(
        results,
        cache_time=CACHE_SECONDS,
        is_personal=True,
        next_offset=str(page + 1) if more else None,
    )


def register(application: Application) -> None:
    application.add_handler(InlineQueryHandler(inline_query))
