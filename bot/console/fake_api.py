"""A Bot API stand-in at the HTTP layer: a ``telegram.request.BaseRequest`` that answers in-process.

The console chat and the tests drive the *real* python-telegram-bot Application through it: every call
the bot makes (sendMessage, editMessageText, answerCallbackQuery, sendPhoto, getFile, ...) is recorded
and answered the way Telegram would, so the handlers cannot tell the difference. Nothing leaves the process.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 777000111,
    "is_bot": True,
    "first_name": "Librium",
    "username": "librium_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None

    @property
    def text(self) -> str:
        media = self.params.get("media")
        if isinstance(media, str):
            media = json.loads(media)
        media_caption = media.get("caption") if isinstance(media, dict) else None
        return str(self.params.get("text") or self.params.get("caption") or media_caption or "")

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return markup.get("inline_keyboard") or []

    def button_texts(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]


SENDING_METHODS = {"sendMessage", "sendPhoto", "sendDocument", "sendAnimation", "sendVideo", "sendAudio"}
EDITING_METHODS = {"editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia"}


class FakeBotApi(BaseRequest):
    """Records every call and answers it like the Bot API.

    ``on_call`` (optional) sees each recorded call (the console prints from it). ``fail_next`` lets a
    test make the next calls of a method fail with an error status (429, 502, 403...).
    """

    def __init__(self, on_call: Callable[[Call], None] | None = None):
        self.calls: list[Call] = []
        self.on_call = on_call
        self.files: dict[str, bytes] = {}  # file_id -> content, served by getFile + download
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat_id, message_id) -> message
        self.failures: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.deliver: list[dict[str, Any]] = []  # updates getUpdates hands out until an offset confirms them
        self._ids = itertools.count(1000)
        self._file_ids = itertools.count(1)

    # --------------------------------------------------------------- BaseRequest interface
    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=None,
        write_timeout=None,
        connect_timeout=None,
        pool_timeout=None,
    ) -> tuple[int, bytes]:
        if "/file/" in url:  # a file download
            file_path = url.rsplit("/", 1)[-1]
            content = self.files.get(file_path)
            return (200, content) if content is not None else (404, b"Not Found")
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = {}
        if request_data and request_data.contains_files:
            for name, value in request_data.multipart_data.items():
                content = value[1] if isinstance(value, tuple) else value
                files[name] = content if isinstance(content, bytes) else content.read()
        queued = self.failures.get(api_method)
        if queued:
            status, body = queued.pop(0)
            return status, json.dumps(body).encode()
        result = self._answer(api_method, params, files)
        call = Call(api_method, params, files, result)
        self.calls.append(call)
        if self.on_call:
            self.on_call(call)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # --------------------------------------------------------------- test helpers
    def fail_next(self, method: str, status: int, description: str = "error", retry_after: int | None = None):
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        self.failures.setdefault(method, []).append((status, body))

    def add_file(self, content: bytes, file_id: str | None = None) -> str:
        file_id = file_id or f"file-{next(self._file_ids)}"
        self.files[file_id] = content
        return file_id

    def of(self, *methods: str) -> list[Call]:
        return [c for c in self.calls if c.method in methods]

    def replies(self) -> list[Call]:
        return [c for c in self.calls if c.method in SENDING_METHODS | EDITING_METHODS]

    def clear(self) -> None:
        self.calls.clear()

    # --------------------------------------------------------------- answers
    def _message(self, params: dict[str, Any], **extra) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 0))
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
            **extra,
        }
        markup = params.get("reply_markup")
        markup = (json.loads(markup) if isinstance(markup, str) else markup) or {}
        if markup.get("inline_keyboard"):  # Telegram returns only inline keyboards (not ForceReply)
            message["reply_markup"] = markup
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _answer(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            self.deliver = [u for u in self.deliver if u["update_id"] >= offset]
            return list(self.deliver)
        if method == "sendMessage":
            return self._message(params, text=str(params.get("text", "")))
        if method in ("sendPhoto", "sendDocument"):
            kind = "photo" if method == "sendPhoto" else "document"
            data = files.get(kind) or next(iter(files.values()), None)
            file_id = params.get(kind) if isinstance(params.get(kind), str) and not data else None
            file_id = file_id or self.add_file(data or b"")
            size = len(self.files.get(file_id, b""))
            media: Any
            if kind == "photo":
                media = [
                    {
                        "file_id": file_id,
                        "file_unique_id": file_id,
                        "width": 800,
                        "height": 600,
                        "file_size": size,
                    }
                ]
            else:
                media = {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "file_name": "file",
                    "file_size": size,
                }
            return self._message(params, caption=str(params.get("caption", "")), **{kind: media})
        if method in EDITING_METHODS:
            if "inline_message_id" in params:
                return True
            key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
            message = self.messages.get(key) or self._message(params)
            if "text" in params:
                message["text"] = params["text"]
            if "caption" in params:
                message["caption"] = params["caption"]
            media = params.get("media")
            if isinstance(media, str):
                media = json.loads(media)
            if isinstance(media, dict) and "caption" in media:
                message["caption"] = media["caption"]
            markup = params.get("reply_markup")
            markup = (json.loads(markup) if isinstance(markup, str) else markup) or {}
            if markup.get("inline_keyboard"):
                message["reply_markup"] = markup
            else:  # an edit without buttons removes them, as in Telegram
                message.pop("reply_markup", None)
            return message
        if method == "getFile":
            file_id = str(params.get("file_id"))
            if file_id not in self.files:
                return {"file_id": file_id, "file_unique_id": file_id}
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": len(self.files[file_id]),
                "file_path": file_id,
            }
        if method == "getChat":
            return {"id": int(params.get("chat_id", 0)), "type": "private"}
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method == "getMyCommands":
            return []
        return True
