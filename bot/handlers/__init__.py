"""The chat's handlers, one module per feature. ``register`` wires them in order (more specific first).

Feature handlers never import each other: what two of them share lives in bot/actions (what is done),
bot/chat (taps, parsing, pending questions), bot/screens and bot/views (what is shown). Only this module
and router.py (where a plain text goes) know every feature.
"""

from __future__ import annotations

from telegram.ext import Application

from bot.handlers import (
    add_flow,
    adding,
    book_actions,
    data,
    inline,
    language,
    lists,
    reminders,
    router,
    scan,
    shelf,
    start,
    stats,
)


def register(application: Application) -> None:
    start.register(application)
    shelf.register(application)
    language.register(application)
    lists.register(application)
    inline.register(application)
    add_flow.register(application)
    book_actions.register(application)
    adding.register(application)
    router.register(application)
    scan.register(application)
    stats.register(application)
    reminders.register(application)
    data.register(application)
    # The fallback goes last: any update nobody else answered gets a hint.
    start.register_fallback(application)
