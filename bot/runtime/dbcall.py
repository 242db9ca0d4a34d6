"""Run catalogue services off the event loop, one transaction per call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import ContextTypes

from librium.database.sqlalchemy.session import WriteNeeded, in_thread

T = TypeVar("T")

SESSION_FACTORY = "session_factory"
SETTINGS = "settings"


def factory_of(context: ContextTypes.DEFAULT_TYPE) -> sessionmaker[Session]:
    return context.application.bot_data[SESSION_FACTORY]


async def run(context: ContextTypes.DEFAULT_TYPE, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call ``fn(session, *args, **kwargs)`` in a worker thread inside one transaction.

    The session commits when ``fn`` returns and rolls back if it raises, so a failed action leaves
    nothing half-written. A thread keeps PostgreSQL round trips from stalling other updates.
    """
    return await in_thread(factory_of(context), fn, *args, **kwargs)


async def read(context: ContextTypes.DEFAULT_TYPE, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Like :func:`run` for work that only reads: a read-only transaction that never waits for writers.

    When ``fn`` finds it must write after all (``WriteNeeded``, e.g. a user's very first message), it
    runs again in a read-write transaction.
    """
    try:
        return await in_thread(factory_of(context), fn, *args, read=True, **kwargs)
    except WriteNeeded:
        return await run(context, fn, *args, **kwargs)
