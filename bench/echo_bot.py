"""A minimal python-telegram-bot echo bot with Librium's Application settings: the framework's ceiling.

    TELEGRAM_BOT_TOKEN=123:abc TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot python -m bench.echo_bot

Same builder settings as bot/runtime/app.py (HTML parse mode, ``--concurrency`` updates at once as
CONCURRENT_UPDATES does for ours, AIORateLimiter with 3 retries unless ``--no-rate-limit``) and the same
Bot API transport (bot/runtime/aiohttp_request.py's AiohttpRequest for the calls and for getUpdates, not
python-telegram-bot's default httpx), so a ratio against it compares the work per update, not the HTTP
client. No database: a text is echoed back; a button tap gets a message and its answer (as a card view).

``--one-read``: before answering, each update reads one row by primary key from DATABASE_URL (one
SQLAlchemy connection checkout and one indexed SELECT in a worker thread, as a bot must do to keep its
event loop free on PostgreSQL). It is the least work any bot that keeps its data in a database does per
update, so it measures what the database path alone costs, before any handler logic.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

from sqlalchemy import Engine, select
from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.helpers import escape

from bot.runtime.aiohttp_request import AiohttpRequest

log = logging.getLogger("echo")
ENGINE = "engine"


def read_one(engine: Engine, text: str) -> str:
    """``text`` and the title of the book whose id is its length (or None): one primary-key read."""
    from librium.database.sqlalchemy.db import Book

    with engine.connect() as conn:
        title = conn.scalar(select(Book.title).where(Book.id == len(text)))
    return f"{text} {title}"


async def answer_text(context: ContextTypes.DEFAULT_TYPE, text: str) -> str:
    engine = context.bot_data.get(ENGINE)
    return await asyncio.to_thread(read_one, engine, text) if engine is not None else text


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = await answer_text(context, update.effective_message.text or "")
    await update.effective_message.reply_text(escape(text))


async def tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Like a card view: a message with the data, then the answer."""
    text = await answer_text(context, update.callback_query.data or "")
    await context.bot.send_message(update.effective_chat.id, escape(text))
    await update.callback_query.answer()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-rate-limit", action="store_true", help="no AIORateLimiter (capacity runs)")
    parser.add_argument(
        "--concurrency", type=int, default=0, help="updates handled at once (0: as bot/runtime/app.py)"
    )
    parser.add_argument(
        "--one-read", action="store_true", help="read one row from DATABASE_URL per update (see above)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    builder = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ.get("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot"))
        .base_file_url(os.environ.get("TELEGRAM_API_FILE_URL", "https://api.telegram.org/file/bot"))
        .defaults(Defaults(parse_mode="HTML", link_preview_options=None))
        .concurrent_updates(args.concurrency or True)
        # The transport ours uses (bot/runtime/app.py): one connection for getUpdates, a pool for the calls.
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .request(AiohttpRequest())
    )
    if not args.no_rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    application = builder.build()
    if args.one_read:
        from librium.database.sqlalchemy.session import make_engine

        application.bot_data[ENGINE] = make_engine(os.environ["DATABASE_URL"])
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(tap))
    application.run_polling()


if __name__ == "__main__":
    main()
