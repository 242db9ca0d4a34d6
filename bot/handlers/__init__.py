"""Handlers, one module per feature. ``register`` wires them in order (more specific first)."""

from __future__ import annotations

from telegram.ext import Application

from bot.handlers import start


def register(application: Application) -> None:
    start.register(application)
    # The fallback goes last: any update nobody else answered gets a hint.
    start.register_fallback(application)
