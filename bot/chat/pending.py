"""Everything a user may be in the middle of, and the one /cancel that leaves all of it.

Each feature that keeps a question or a selection waiting for the user (the /add steps, a card's
edit/shelf/lend question, a "Title by Author" confirmation, a scan list, an import or restore) registers
a cancel hook with :func:`cancel_hook`. A hook drops what it keeps for the user in the update's chat and
returns a few words saying what that was ("the /add steps"), or None when it had nothing. /cancel — the
global command and the /add flow's own fallback alike — calls :func:`cancel_all` once and answers with
:func:`cancelled_text`. Buttons of a dropped selection then answer "expired": they are inert.
"""

from __future__ import annotations

import inspect
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from librium.i18n import N_, _

log = logging.getLogger(__name__)

CANCELLED = N_("Cancelled — nothing was saved.")
NOTHING = N_("Nothing to cancel.")

CancelHook = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[str | None] | str | None]
_HOOKS: dict[str, CancelHook] = {}


def keep(store: dict[str, dict[str, Any]], entry: dict[str, Any], limit: int) -> str:
    """Keep ``entry`` (plain data: it is persisted) under a new short token for callback data.

    The oldest entries go once ``limit`` are kept, so a store never grows without bound; their
    buttons then answer "expired".
    """
    while len(store) >= limit:
        store.pop(min(store, key=lambda t: store[t].get("at", 0)))
    token = secrets.token_urlsafe(6)
    while token in store:
        token = secrets.token_urlsafe(6)
    store[token] = {**entry, "at": time.time()}
    return token


def cancel_hook(name: str) -> Callable[[CancelHook], CancelHook]:
    """Register ``fn(update, context) -> str | None`` (sync or async) under ``name`` (re-registering replaces)."""

    def register(fn: CancelHook) -> CancelHook:
        _HOOKS[name] = fn
        return fn

    return register


def hooks() -> list[str]:
    """The names of the registered hooks, in registration order."""
    return list(_HOOKS)


async def cancel_all(update: Update, context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    """Run every hook for this user in this chat; what was dropped, in words."""
    if context.user_data is None or update.effective_chat is None:
        return []
    dropped: list[str] = []
    for fn in list(_HOOKS.values()):
        what = fn(update, context)
        if inspect.isawaitable(what):
            what = await what
        if what and what not in dropped:
            dropped.append(what)
    return dropped


def cancelled_text(dropped: list[str]) -> str:
    if not dropped:
        return _(NOTHING)
    return _("Cancelled — nothing was saved.\nStopped: {what}.").format(what=", ".join(dropped))


async def cancel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cancel: leave whatever this user was doing in this chat, and say what that was."""
    dropped = await cancel_all(update, context)
    message = update.effective_message
    if message is not None:
        await message.reply_text(cancelled_text(dropped))


__all__ = ["CANCELLED", "NOTHING", "cancel_all", "cancel_command", "cancel_hook", "cancelled_text", "hooks"]
