"""At-least-once polling: updates are kept in the database from the moment they are fetched.

python-telegram-bot confirms a batch of updates (the next getUpdates' ``offset``) as soon as it has
fetched it, before the handlers run, so a process killed with updates in hand would lose them:
Telegram never sends a confirmed update again. Here the getUpdates answer is written to
``update_inbox`` before python-telegram-bot even sees it (:class:`InboxRequest` wraps the HTTP
request it polls with); an update leaves the inbox once it has been handled. At start-up, whatever is
left is handled first (:meth:`Inbox.replay`), so a killed worker loses nothing.

While the database is away the inbox cannot take them either: updates then go through unkept, and
their handlers answer "try again in a moment".

Handled updates are deleted in small batches (every ``FLUSH_EVERY`` updates or ``FLUSH_SECONDS``),
not one transaction each; a crash may therefore handle the last second's updates twice. Adds are
idempotent (the duplicate check asks), most taps too: the same at-least-once as webhook mode, where
Telegram re-sends an update that got no 200.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from librium.database.sqlalchemy.db import UpdateInbox
from librium.database.sqlalchemy.session import in_thread, insert_for

log = logging.getLogger(__name__)

INBOX = "update_inbox"  # bot_data key
FLUSH_EVERY = 32
FLUSH_SECONDS = 1.0
MAX_REPLAYS = 2  # an update whose handling kills the process is given up after this many restarts


class Inbox:
    """The ``update_inbox`` table: keep fetched updates, forget handled ones, replay the rest."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        read_ahead: Callable[[Connection, list[dict[str, Any]]], None] | None = None,
    ):
        """``read_ahead(connection, updates)`` runs in the transaction that keeps newly fetched
        updates: the persistence reads their users' and chats' data there, all at once."""
        self.factory = session_factory
        self.read_ahead = read_ahead
        self._replayed: set[int] = set()  # queued from the inbox at start-up
        self._repeats: set[int] = set()  # fetched again while already in hand: not handled twice
        self._in_hand: set[int] = set()  # in the inbox, not handled yet
        self._handled: set[int] = set()  # handled, still in the inbox until the next flush
        self._flushed_at = time.monotonic()
        self._flush_lock = asyncio.Lock()

    async def _db(self, fn):
        return await in_thread(self.factory, fn)

    async def keep(self, updates: list[dict[str, Any]]) -> None:
        """Store fetched updates. One stored already (fetched before a crash, and replayed) is a repeat."""
        rows = [
            {"update_id": u["update_id"], "data": json.dumps(u)}
            for u in updates
            if isinstance(u.get("update_id"), int)
        ]
        if not rows:
            return

        def work(session: Session) -> set[int]:
            statement = insert_for(session)(UpdateInbox).on_conflict_do_nothing(
                index_elements=[UpdateInbox.update_id]
            )
            new = set(session.scalars(statement.returning(UpdateInbox.update_id), rows))
            if self.read_ahead is not None and new:
                self.read_ahead(session.connection(), [u for u in updates if u.get("update_id") in new])
            return new

        new = await self._db(work)
        self._in_hand |= new
        self._repeats |= {
            r["update_id"] for r in rows if r["update_id"] not in new or r["update_id"] in self._replayed
        }

    def is_repeat(self, update_id: int) -> bool:
        """Whether this update was fetched a second time while its first copy was in hand (skip it)."""
        if update_id in self._repeats:
            self._repeats.discard(update_id)
            return True
        return False

    async def handled(self, update_id: int) -> None:
        """The update was handled: it leaves the inbox with the next flush."""
        if update_id not in self._in_hand:
            return  # not from polling (a webhook, the console, a test): never in the inbox
        self._in_hand.discard(update_id)
        self._handled.add(update_id)
        due = len(self._handled) >= FLUSH_EVERY or time.monotonic() - self._flushed_at >= FLUSH_SECONDS
        if due and not self._flush_lock.locked():
            await self.flush()

    async def flush(self) -> None:
        async with self._flush_lock:
            done, self._handled = self._handled, set()
            self._flushed_at = time.monotonic()
            if not done:
                return
            try:
                await self._db(
                    lambda s: s.execute(delete(UpdateInbox).where(UpdateInbox.update_id.in_(done)))
                )
            except Exception:  # the database is away: try again with the next flush
                self._handled |= done
                log.warning("could not clear %d handled updates from the inbox", len(done), exc_info=True)

    async def pending(self) -> list[dict[str, Any]]:
        """Updates fetched but never handled (a crash), oldest first, each counted as replayed once more.

        One replayed ``MAX_REPLAYS`` times already is dropped: its handling may be what kills the
        process, and a crash loop must end.
        """

        def work(session: Session) -> tuple[list[str], list[int]]:
            session.execute(update(UpdateInbox).values(replays=UpdateInbox.replays + 1))
            given_up = list(
                session.scalars(select(UpdateInbox.update_id).where(UpdateInbox.replays > MAX_REPLAYS))
            )
            if given_up:
                session.execute(delete(UpdateInbox).where(UpdateInbox.update_id.in_(given_up)))
            return list(session.scalars(select(UpdateInbox.data).order_by(UpdateInbox.update_id))), given_up

        rows, given_up = await self._db(work)
        if given_up:
            log.error(
                "gave up %d update(s) replayed %d times already: %s", len(given_up), MAX_REPLAYS, given_up
            )
        return [json.loads(data) for data in rows]

    async def replay(self, application: Application) -> int:
        """Queue what a previous process fetched but did not handle, before anything new."""
        pending = await self.pending()
        for data in pending:
            self._replayed.add(data["update_id"])
            self._in_hand.add(data["update_id"])
            await application.update_queue.put(Update.de_json(data, application.bot))
        if pending:
            log.warning("handling %d update(s) a previous process fetched but did not finish", len(pending))
        return len(pending)


class InboxRequest(BaseRequest):
    """The HTTP request polling uses, writing every getUpdates answer to the inbox before returning it.

    The answer itself goes on unchanged (python-telegram-bot's next offset comes from it); updates
    already in the inbox are noted as repeats, which LibriumApplication then skips.
    """

    def __init__(self, inner: BaseRequest, inbox: Inbox):
        self.inner = inner
        self.inbox = inbox

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=BaseRequest.DEFAULT_NONE,
        write_timeout=BaseRequest.DEFAULT_NONE,
        connect_timeout=BaseRequest.DEFAULT_NONE,
        pool_timeout=BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        code, payload = await self.inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if code != 200 or not url.endswith("/getUpdates"):
            return code, payload
        answer = json.loads(payload)
        updates = answer.get("result")
        if not answer.get("ok") or not isinstance(updates, list) or not updates:
            return code, payload
        try:
            await self.inbox.keep(updates)
        except Exception as error:
            # The database is away: the updates go through unkept, so their handlers can tell each
            # user to try again in a moment (holding them back would leave everybody unanswered).
            log.warning("could not keep %d fetched update(s): %s", len(updates), type(error).__name__)
        return code, payload
