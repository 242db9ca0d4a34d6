"""Webhook mode: a small tornado server with the Telegram endpoint, a health check, and (with WEBAPP_URL)
the Mini App (bot/webapp/server.py).

``POST /telegram`` accepts an update only with the right ``X-Telegram-Bot-Api-Secret-Token`` header
(403 otherwise), processes it, and answers 200 only after the handlers ran, so Telegram re-sends an
update whose processing was interrupted. ``GET /healthz`` answers 200 when the database answers, 503
otherwise. SIGTERM stops accepting requests and lets updates in hand finish.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal

import tornado.web
from sqlalchemy import text
from telegram import Update
from telegram.ext import Application

from bot.runtime.dbcall import SESSION_FACTORY, SETTINGS

log = logging.getLogger("bot.webhook")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 2 * 1024 * 1024


class TelegramHandler(tornado.web.RequestHandler):
    def initialize(self, bot_app: Application, secret: str) -> None:
        self.application_ = bot_app
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            self.finish("forbidden")
            return
        if len(self.request.body) > MAX_BODY:
            self.set_status(413)
            self.finish("too large")
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.application_.bot)
        except (ValueError, TypeError, KeyError):
            self.set_status(400)
            self.finish("bad update")
            return
        await self.application_.process_update(update)
        self.set_status(200)
        self.finish("ok")


class HealthHandler(tornado.web.RequestHandler):
    def initialize(self, bot_app: Application) -> None:
        self.application_ = bot_app

    async def get(self) -> None:
        factory = self.application_.bot_data[SESSION_FACTORY]

        def ping() -> None:
            with factory() as session:
                session.execute(text("SELECT 1"))

        try:
            await asyncio.wait_for(asyncio.to_thread(ping), timeout=3)
        except Exception:
            self.set_status(503)
            self.finish({"status": "database unavailable"})
            return
        self.finish({"status": "ok"})


def make_web_app(application: Application) -> tornado.web.Application:
    secret = application.bot_data[SETTINGS].webhook_secret or ""
    if not secret:
        raise ValueError("webhook mode needs WEBHOOK_SECRET")
    routes = [
        (r"/telegram", TelegramHandler, {"bot_app": application, "secret": secret}),
        (r"/healthz", HealthHandler, {"bot_app": application}),
    ]
    if application.bot_data[SETTINGS].webapp_url:
        from bot.webapp.server import routes as webapp_routes

        routes += webapp_routes(application)
    return tornado.web.Application(routes, compress_response=True)


async def serve(application: Application, *, port: int, register_webhook: bool = True) -> None:
    """Run the bot in webhook mode until SIGTERM/SIGINT."""
    settings = application.bot_data[SETTINGS]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with application:
        if register_webhook:
            await application.bot.set_webhook(
                url=settings.webhook_url.rstrip("/") + "/telegram",
                secret_token=settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        await application.start()
        from bot.runtime.app import set_shelf_menu

        await set_shelf_menu(application)
        server = make_web_app(application).listen(port, address="0.0.0.0", xheaders=True)
        log.info("webhook server listening on port %s", port)
        await stop.wait()
        log.info("stopping: no new requests; finishing updates in hand")
        server.stop()
        await server.close_all_connections()
        await application.stop()
