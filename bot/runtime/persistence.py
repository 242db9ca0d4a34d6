"""Bot state in the database (table ``bot_state``), so a restart or another process loses nothing.

user_data and chat_data are re-read from the database before every update (``refresh_*``) and written
after every update (LibriumApplication calls ``update_persistence`` when an update is done), so any bot
process can continue a flow another one started. The read is done ahead: in polling mode for a whole
fetched batch at once, inside the inbox's transaction (:meth:`DatabasePersistence.read_ahead_batch`),
so most updates need no read of their own; otherwise (webhooks, replays) one read per update
(:meth:`DatabasePersistence.prefetch`). A row this process wrote after it was read ahead is read again. Conversation states of ConversationHandlers are stored
too; python-telegram-bot reads those only at start-up, so they survive restarts (flows in progress
resume), while flows kept in user_data also move between processes.

Values are pickled: they are our own objects (pending adds, page tokens), never data we did not write.
"""

from __future__ import annotations

import base64
import json
import pickle
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, and_, bindparam, delete, or_, select
from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import BasePersistence, PersistenceInput

from librium.database.sqlalchemy.db import BotState, utcnow
from librium.database.sqlalchemy.session import in_thread, insert_for

T = TypeVar("T")
USER, CHAT, CONVERSATION = "user", "chat", "conv"


def _dump(value: Any) -> str:
    return base64.b64encode(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)).decode()


def _load(text: str) -> Any:
    return pickle.loads(base64.b64decode(text))  # only our own writes are ever read


# The user's and the chat's rows (a None key matches nothing); built once, run before an update.
_PREFETCH = select(BotState.namespace, BotState.key, BotState.data).where(
    or_(
        and_(BotState.namespace == USER, BotState.key == bindparam(USER)),
        and_(BotState.namespace == CHAT, BotState.key == bindparam(CHAT)),
    )
)


# The users' and chats' rows of a fetched batch of updates.
_READ_AHEAD = select(BotState.namespace, BotState.key, BotState.data).where(
    or_(
        and_(BotState.namespace == USER, BotState.key.in_(bindparam("users", expanding=True))),
        and_(BotState.namespace == CHAT, BotState.key.in_(bindparam("chats", expanding=True))),
    )
)


def sender_and_chat(update: dict[str, Any]) -> tuple[int | None, int | None]:
    """The user and chat ids of a raw update, as far as its JSON shows them (a guess is harmless: rows
    are kept by their own key, and one the update does not ask for is simply not used)."""
    for body in update.values():
        if isinstance(body, dict):
            message = body.get("message")
            user = _object(body.get("from")) or _object(body.get("user"))
            chat = _object(body.get("chat")) or _object(
                message.get("chat") if isinstance(message, dict) else None
            )
            return _int(user.get("id")), _int(chat.get("id"))
    return None, None


def _object(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class DatabasePersistence(BasePersistence[dict, dict, dict]):
    def __init__(self, session_factory: sessionmaker[Session], update_interval: float = 60):
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=True, user_data=True, callback_data=False),
            update_interval=update_interval,
        )
        self.factory = session_factory
        # What this process last read or wrote per row: an unchanged value is not written again,
        # which saves a transaction on most updates (handlers rarely change user_data).
        self._known: dict[tuple[str, str], str] = {}
        # Rows read ahead for the update about to be handled (see prefetch), consumed by refresh_*.
        self._prefetched: dict[tuple[str, str], str | None] = {}
        # Rows read ahead for fetched updates not handled yet (read_ahead_batch): update id -> rows,
        # with the number of this process's writes at the time of reading.
        self._batches: dict[int, tuple[int, dict[tuple[str, str], str | None]]] = {}
        self._writes = 0
        self._written: dict[tuple[str, str], int] = {}  # row -> self._writes after its last write here

    async def _db(self, fn: Callable[[Connection], T], *, read: bool = False) -> T:
        """``fn(connection)`` in one transaction off the event loop: Core statements, no ORM work."""
        return await in_thread(self.factory, lambda session: fn(session.connection()), read=read)

    async def _get_all(self, namespace: str) -> dict[int, dict]:
        rows = await self._db(
            lambda c: c.execute(
                select(BotState.key, BotState.data).where(BotState.namespace == namespace)
            ).all()
        )
        for key, data in rows:
            self._known[(namespace, key)] = data
        return {int(key): _load(data) for key, data in rows}

    async def prefetch(self, user_id: int | None, chat_id: int | None) -> None:
        """Read an update's user and chat rows in one query, before python-telegram-bot asks for them."""
        wanted = [(USER, str(user_id))] if user_id is not None else []
        if chat_id is not None:
            wanted.append((CHAT, str(chat_id)))
        if not wanted:
            return
        params = {USER: str(user_id) if user_id is not None else None}
        params[CHAT] = str(chat_id) if chat_id is not None else None
        rows = await self._db(lambda c: c.execute(_PREFETCH, params).all(), read=True)
        found = {(ns, key): data for ns, key, data in rows}
        for item in wanted:
            self._prefetched[item] = found.get(item)

    def read_ahead_batch(self, connection: Connection, updates: list[dict[str, Any]]) -> None:
        """In the transaction that keeps a fetched batch (bot/inbox.py): the rows of all its users and
        chats in one query, kept for each update until it is handled (:meth:`use_read_ahead`)."""
        wanted = {u["update_id"]: sender_and_chat(u) for u in updates if isinstance(u.get("update_id"), int)}
        users = sorted({str(user) for user, _ in wanted.values() if user is not None})
        chats = sorted({str(chat) for _, chat in wanted.values() if chat is not None})
        if not users and not chats:
            return
        read_at = self._writes  # before the read: a write that ends after this may not be in it
        rows = connection.execute(_READ_AHEAD, {"users": users, "chats": chats}).all()
        found = {(ns, key): data for ns, key, data in rows}
        for update_id, (user, chat) in wanted.items():
            kept = {}
            if user is not None:
                kept[(USER, str(user))] = found.get((USER, str(user)))
            if chat is not None:
                kept[(CHAT, str(chat))] = found.get((CHAT, str(chat)))
            self._batches[update_id] = (read_at, kept)

    def use_read_ahead(self, update_id: int) -> bool:
        """Hand the rows read ahead for this update to refresh_*; False when there are none to trust
        (none read, or this process wrote one of them since): then :meth:`prefetch` reads them."""
        entry = self._batches.pop(update_id, None)
        if entry is None:
            return False
        read_at, rows = entry
        if any(self._written.get(row, -1) > read_at for row in rows):
            return False
        self._prefetched.update(rows)
        return True

    def forget_prefetch(self, user_id: int | None, chat_id: int | None) -> None:
        """Drop read-ahead rows nobody consumed (an update no handler took), so none goes stale."""
        self._prefetched.pop((USER, str(user_id)), None)
        self._prefetched.pop((CHAT, str(chat_id)), None)

    async def _fetch(self, namespace: str, key: str) -> str | None:
        """The stored (encoded) row: read ahead by prefetch, or read now."""
        if (namespace, key) in self._prefetched:
            return self._prefetched.pop((namespace, key))
        return await self._db(
            lambda c: c.scalar(
                select(BotState.data).where(BotState.namespace == namespace, BotState.key == key)
            ),
            read=True,
        )

    async def _refresh(self, namespace: str, key: str, live: dict) -> None:
        """Bring ``live`` (this process's dict) up to date with the database.

        Only a row another process changed replaces it: when the row is what this process last read or
        wrote, ``live`` may hold newer changes not yet written (an update still being handled, e.g. the
        message whose button is being tapped right now), and those must not be lost.
        """
        data = await self._fetch(namespace, key)
        if data == self._known.get((namespace, key)):
            return
        if data is None:  # dropped elsewhere
            self._known.pop((namespace, key), None)
            live.clear()
            return
        self._known[(namespace, key)] = data
        live.clear()
        live.update(_load(data))

    async def _put(self, namespace: str, key: str, value: Any) -> None:
        encoded = _dump(value)
        if self._known.get((namespace, key)) == encoded:
            return
        if not value and (namespace, key) not in self._known:
            return  # nothing stored and nothing to store

        def work(connection: Connection) -> None:
            insert = insert_for(connection)
            values = {"namespace": namespace, "key": key, "data": encoded, "updated_at": utcnow()}
            statement = insert(BotState).values(values)
            excluded = statement.excluded
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[BotState.namespace, BotState.key],
                    set_={"data": excluded.data, "updated_at": excluded.updated_at},
                )
            )

        try:
            await self._db(work)
        finally:
            self._wrote(namespace, key)
        self._known[(namespace, key)] = encoded

    def _wrote(self, namespace: str, key: str) -> None:
        """Note a write once it is over: rows read ahead before now may predate it."""
        self._writes += 1
        self._written[(namespace, key)] = self._writes

    async def _drop(self, namespace: str, key: str) -> None:
        self._known.pop((namespace, key), None)
        try:
            await self._db(
                lambda c: c.execute(
                    delete(BotState).where(BotState.namespace == namespace, BotState.key == key)
                )
            )
        finally:
            self._wrote(namespace, key)

    # ------------------------------------------------------------------ user and chat data
    async def get_user_data(self) -> dict[int, dict]:
        return await self._get_all(USER)

    async def get_chat_data(self) -> dict[int, dict]:
        return await self._get_all(CHAT)

    async def update_user_data(self, user_id: int, data: dict) -> None:
        await self._put(USER, str(user_id), data)

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        await self._put(CHAT, str(chat_id), data)

    async def drop_user_data(self, user_id: int) -> None:
        await self._drop(USER, str(user_id))

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._drop(CHAT, str(chat_id))

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        await self._refresh(USER, str(user_id), user_data)

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        await self._refresh(CHAT, str(chat_id), chat_data)

    # ------------------------------------------------------------------ conversations
    async def get_conversations(self, name: str) -> dict:
        rows = await self._db(
            lambda c: c.execute(
                select(BotState.key, BotState.data).where(BotState.namespace == CONVERSATION + ":" + name)
            ).all()
        )
        return {tuple(json.loads(key)): _load(data) for key, data in rows}

    async def update_conversation(
        self, name: str, key: tuple[int | str, ...], new_state: object | None
    ) -> None:
        namespace, encoded_key = CONVERSATION + ":" + name, json.dumps(list(key))
        if new_state is None:
            await self._drop(namespace, encoded_key)
        else:
            await self._put(namespace, encoded_key, new_state)

    # ------------------------------------------------------------------ unused parts
    async def get_bot_data(self) -> dict:
        return {}

    async def update_bot_data(self, data: dict) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict) -> None:
        return None

    async def get_callback_data(self) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def flush(self) -> None:
        return None
