"""build_application(): the one place where the bot is assembled and its handlers are wired."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.constants import FloodLimit
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults, TypeHandler
from telegram.request import BaseRequest

from bot import handlers
from bot.runtime import jobs, language, metadata
from bot.runtime.access import enforce_allow_list
from bot.runtime.aiohttp_request import AiohttpRequest
from bot.runtime.dbcall import SESSION_FACTORY, SETTINGS
from bot.runtime.errors import on_error
from bot.runtime.inbox import INBOX, Inbox, InboxRequest
from bot.runtime.persistence import DatabasePersistence
from librium.config import Settings

log = logging.getLogger(__name__)
updates_log = logging.getLogger("bot.updates")


class RetryingRateLimiter(AIORateLimiter):
    """Telegram's flood limits and retry_after (AIORateLimiter), plus retries of network failures.

    A 502, a dropped connection or a timeout on sendMessage would otherwise lose the reply. A timed-out
    request may have reached Telegram, so a retry can (rarely) show a message twice; losing it is worse.
    getUpdates never comes here (the polling loop retries it by itself).
    """

    NETWORK_RETRIES = 4

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args) -> Any:
        for attempt in range(self.NETWORK_RETRIES + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except NetworkError as error:
                if attempt == self.NETWORK_RETRIES:
                    raise
                log.warning("Bot API %s failed (%s); retry %d", endpoint, error, attempt + 1)
                await asyncio.sleep(0.25 * 2**attempt)
        raise AssertionError("unreachable")


def rate_limiter(per_second: int) -> RetryingRateLimiter:
    """TELEGRAM_RATE_LIMIT messages a second overall, and Telegram's 20 a minute in each group.

    0 switches both limits off (a local Bot API server, paid broadcasts, a capacity measurement); the
    retries of retry_after answers and of network failures stay either way.
    """
    return RetryingRateLimiter(
        overall_max_rate=per_second,
        group_max_rate=FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP if per_second else 0,
        max_retries=3,
    )


class LibriumApplication(Application):
    """The Application, plus one log line per update: its kind and latency, never its text."""

    async def process_update(self, update: object) -> None:
        inbox: Inbox | None = self.bot_data.get(INBOX)
        if inbox is not None and isinstance(update, Update) and inbox.is_repeat(update.update_id):
            return  # fetched again while its first copy (replayed from the inbox) is in hand
        started = time.perf_counter()
        prefetching = isinstance(self.persistence, DatabasePersistence) and isinstance(update, Update)
        if prefetching:
            # The user's and the chat's data: read with the fetched batch (polling), else one read for
            # both instead of one each.
            user_id = update.effective_user.id if update.effective_user else None
            chat_id = update.effective_chat.id if update.effective_chat else None
            try:
                if not self.persistence.use_read_ahead(update.update_id):
                    await self.persistence.prefetch(user_id, chat_id)
            except Exception:  # the refresh inside process_update retries; its failure reaches on_error
                log.debug("prefetch failed", exc_info=True)
        try:
            await super().process_update(update)
        finally:
            if prefetching:
                self.persistence.forget_prefetch(user_id, chat_id)
            if self.persistence:
                # Write user/chat data now, not on a timer: another process may get the next update.
                try:
                    await self.update_persistence()
                except Exception:  # the user was answered; the data is written with the next update
                    log.warning("could not save user/chat data", exc_info=True)
            if inbox is not None and isinstance(update, Update):
                await inbox.handled(update.update_id)
            if isinstance(update, Update):
                updates_log.info(
                    "update=%s kind=%s user=%s chat=%s latency_ms=%.1f",
                    update.update_id,
                    update_kind(update),
                    update.effective_user.id if update.effective_user else None,
                    update.effective_chat.id if update.effective_chat else None,
                    (time.perf_counter() - started) * 1000,
                )


def update_kind(update: Update) -> str:
    """A short label: the command name, the callback action, or the message type."""
    if update.callback_query:
        return "callback:" + (update.callback_query.data or "").split(":", 1)[0][:16]
    if update.inline_query:
        return "inline"
    message = update.effective_message
    if message is None:
        return "other"
    if message.text and message.text.startswith("/"):
        return "command:" + message.text.split()[0].split("@")[0][:32]
    if message.photo:
        return "photo"
    if message.document:
        return "document"
    return "text" if message.text else "other"


CONSOLE_TOKEN = "1:console"  # the console chat never talks to Telegram; any well-formed token will do


async def set_shelf_menu(application: Application) -> None:
    """With WEBAPP_URL, the chat's menu button opens the 📚 Shelf Mini App (polling and webhook mode)."""
    settings = application.bot_data[SETTINGS]
    if settings.webapp_url and settings.bot_token:
        from bot.views.shelf import menu_button

        try:
            await application.bot.set_chat_menu_button(menu_button=menu_button(settings))
        except TelegramError as error:
            log.warning("could not set the 📚 Shelf menu button: %s", error)


async def post_init(application: Application) -> None:
    await language.publish_commands(application)
    await set_shelf_menu(application)
    inbox: Inbox | None = application.bot_data.get(INBOX)
    if inbox is not None:
        await inbox.replay(application)
    log.info("bot ready as @%s", application.bot.username)


async def post_shutdown(application: Application) -> None:
    inbox: Inbox | None = application.bot_data.get(INBOX)
    if inbox is not None:
        await inbox.flush()
    await metadata.close(application)


def build_application(
    settings: Settings,
    session_factory: sessionmaker[Session],
    *,
    request: BaseRequest | None = None,
    rate_limit: bool = True,
    persist: bool = True,
    reminder_interval: float | None = jobs.SWEEP_INTERVAL,
) -> Application:
    """Assemble the Application. ``request`` replaces the HTTP layer (console chat, tests).

    ``rate_limit=False``: no rate limiter at all, not even its retries (console chat, tests); otherwise
    settings.telegram_rate_limit sets it.
    ``reminder_interval``: seconds between reminder sweeps (None: no job; tests call jobs.run_sweep).
    """
    builder = (
        ApplicationBuilder()
        .application_class(LibriumApplication)
        .token(settings.bot_token or CONSOLE_TOKEN)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .defaults(Defaults(parse_mode="HTML", link_preview_options=None))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .concurrent_updates(settings.concurrent_updates)
    )
    persistence = DatabasePersistence(session_factory) if persist else None
    inbox = Inbox(session_factory, read_ahead=persistence.read_ahead_batch) if persistence else None
    # aiohttp, not python-telegram-bot's httpx: a third of the CPU per Bot API call (bot/runtime/aiohttp_request.py).
    polling_request = request if request is not None else AiohttpRequest(connection_pool_size=1)
    if inbox is not None:
        polling_request = InboxRequest(polling_request, inbox)
    builder = builder.get_updates_request(polling_request)
    builder = builder.request(request if request is not None else AiohttpRequest())
    if rate_limit:
        builder = builder.rate_limiter(rate_limiter(settings.telegram_rate_limit))
    if persistence is not None:
        builder = builder.persistence(persistence)
    application = builder.build()
    application.bot_data[SETTINGS] = settings
    application.bot_data[SESSION_FACTORY] = session_factory
    if inbox is not None:
        application.bot_data[INBOX] = inbox
    metadata.install(application)

    application.add_handler(TypeHandler(object, language.choose_language), group=-10)
    application.add_handler(TypeHandler(object, enforce_allow_list), group=-1)
    handlers.register(application)
    jobs.schedule(application, reminder_interval)
    application.add_error_handler(on_error)
    return application
