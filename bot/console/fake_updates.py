"""Build Telegram updates as JSON, the way Telegram would send them (for the console chat and tests)."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str = "Ada"
    username: str | None = None
    language_code: str | None = "en"

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass(frozen=True)
class Chat:
    id: int
    type: str = "private"
    title: str | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title:
            data["title"] = self.title
        return data


class UpdateFactory:
    """Makes update dicts with increasing ids; feed them to ``Update.de_json``."""

    def __init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    def _base(self) -> dict[str, Any]:
        return {"update_id": next(self._update_ids)}

    def message(self, person: Person, chat: Chat, text: str | None = None, **extra) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat.as_json(),
            "from": person.as_json(),
            **extra,
        }
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {**self._base(), "message": msg}

    def photo(self, person: Person, chat: Chat, file_id: str, size: int, caption: str | None = None):
        sizes = [
            {"file_id": file_id, "file_unique_id": file_id, "width": 1280, "height": 960, "file_size": size}
        ]
        extra: dict[str, Any] = {"photo": sizes}
        if caption:
            extra["caption"] = caption
        return self.message(person, chat, **extra)

    def document(self, person: Person, chat: Chat, file_id: str, size: int, file_name: str, mime_type: str):
        doc = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": size,
        }
        return self.message(person, chat, document=doc)

    def callback(self, person: Person, message: dict[str, Any], data: str) -> dict[str, Any]:
        return {
            **self._base(),
            "callback_query": {
                "id": str(next(self._callback_ids)),
                "from": person.as_json(),
                "chat_instance": "ci",
                "message": message,
                "data": data,
            },
        }

    def inline_query(self, person: Person, query: str, offset: str = "") -> dict[str, Any]:
        return {
            **self._base(),
            "inline_query": {
                "id": str(next(self._callback_ids)),
                "from": person.as_json(),
                "query": query,
                "offset": offset,
            },
        }
