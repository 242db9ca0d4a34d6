"""Handlers, one module per feature. ``register`` wires them in order (more specific first)."""

from __future__ import annotations

from telegram.ext import Application

from bot.handlers import (
    add_flow,
    adding,
    book_actions,
    browse,
    data,
    inline,
    language,
    reminders,
    scan,
    search,
    start,
    stats,
)


def register(application: Application) -> None:
    start.register(application)
    language.register(application)
    search.register(application)
    inline.register(application)
    browse.register(application)
    add_flow.register(application)
    book_actions.register(application)
    adding.register(application)
    scan.register(application)
    stats.register(application)
    reminders.register(application)
    data.register(application)
    # The fallback goes last: any update nobody else answered gets a hint.
    start.register_fallback(application)
