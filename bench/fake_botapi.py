"""A fake Telegram Bot API server over real HTTP on 127.0.0.1, for the production tests and benchmarks.

The bot under test is a real process (``python -m bot``) pointed at this server through
``TELEGRAM_API_BASE_URL`` / ``TELEGRAM_API_FILE_URL``. The server

* serves a queue of updates the harness injects through ``getUpdates`` with Telegram's long-polling
  semantics (``offset`` confirms everything before it, ``timeout`` holds the request until an update
  arrives, ``limit`` caps a batch);
* answers sendMessage, editMessageText, answerCallbackQuery, setMyCommands, deleteWebhook, setWebhook,
  answerInlineQuery, sendPhoto/sendDocument (multipart), sendChatAction, getFile and file downloads;
* records every answered call with the time it arrived (``time.monotonic()``, the clock ``inject`` uses);
* injects faults on demand (``fault``): 429 with retry_after, 502, a slow answer, a hang beyond the
  client's timeout, a dropped connection.

A faulted request is *not* recorded as a call: Telegram did not act on it (a hang models a request that
never got past the proxy), so "delivered exactly once" means exactly one recorded call.
"""

from __future__ import annotations

import itertools
import json
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote

TOKEN = "123:abc"
BOT_USER = {
    "id": 123,
    "is_bot": True,
    "first_name": "Librium",
    "username": "librium_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
SENDING = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
FAULT_KINDS = ("429", "502", "slow", "hang", "drop")


@dataclass
class Call:
    """One Bot API request the server answered."""

    method: str
    params: dict[str, Any]
    at: float
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [b for row in markup.get("inline_keyboard") or [] for b in row]


@dataclass
class Fault:
    method: str
    kind: str
    times: int
    retry_after: int = 1
    delay: float = 6.0
    hits: int = 0


def _decode(value: str) -> Any:
    """PTB sends non-string values JSON-encoded inside form fields; keep strings as they are."""
    if value[:1] in "{[" or value in ("true", "false", "null"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeBotApi:
    """The server. Use as a context manager, or ``start()`` / ``stop()``."""

    def __init__(self, token: str = TOKEN, host: str = "127.0.0.1", port: int = 0):
        self.token = token
        self.calls: list[Call] = []
        self.faulted: list[Call] = []  # requests that got a fault instead of an answer
        self.injected_at: dict[int, float] = {}
        self.delivered_at: dict[int, float] = {}  # first time getUpdates handed an update out
        self.confirmed_at: dict[int, float] = {}  # when an offset past it dropped it from the queue
        self.files: dict[str, bytes] = {}
        self._queue: list[dict[str, Any]] = []  # injected, not yet confirmed by an offset
        self._faults: list[Fault] = []
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._sent_ids = itertools.count(100_000)
        self._file_ids = itertools.count(1)
        self._server = _QuietServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ life cycle
    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def env(self) -> dict[str, str]:
        """Environment variables that point a bot process at this server."""
        return {
            "TELEGRAM_BOT_TOKEN": self.token,
            "TELEGRAM_API_BASE_URL": self.base_url,
            "TELEGRAM_API_FILE_URL": self.file_url,
        }

    def start(self) -> FakeBotApi:
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-botapi", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ updates
    def inject(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id (assigned when missing)."""
        with self._cond:
            update.setdefault("update_id", next(self._update_ids))
            self._queue.append(update)
            self.injected_at[update["update_id"]] = time.monotonic()
            self._cond.notify_all()
        return update["update_id"]

    def message_update(
        self, user_id: int, text: str, *, chat_id: int | None = None, first_name: str = "Ada"
    ) -> dict[str, Any]:
        chat_id = user_id if chat_id is None else chat_id
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
        if chat_id < 0:
            chat["title"] = "Readers"
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"},
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"update_id": next(self._update_ids), "message": message}

    def callback_update(
        self, user_id: int, data: str, *, message_id: int = 1, first_name: str = "Ada"
    ) -> dict[str, Any]:
        sender = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": BOT_USER,
            "text": "…",
        }
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._callback_ids)),
                "from": sender,
                "chat_instance": f"ci{user_id}",
                "message": message,
                "data": data,
            },
        }

    def send_text(self, user_id: int, text: str, **kwargs: Any) -> int:
        return self.inject(self.message_update(user_id, text, **kwargs))

    def tap(self, user_id: int, data: str, **kwargs: Any) -> tuple[int, str]:
        """Inject a button tap; returns (update_id, callback_query_id)."""
        update = self.callback_update(user_id, data, **kwargs)
        return self.inject(update), update["callback_query"]["id"]

    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot (offset past them)."""
        with self._cond:
            return len(self._queue)

    # ------------------------------------------------------------------ calls
    def of(self, *methods: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method in methods]

    def replies_to(self, chat_id: int) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method in SENDING and c.chat_id == chat_id]

    def wait_for(self, predicate: Callable[[list[Call]], Any], timeout: float = 15.0) -> Any:
        """Block until ``predicate(calls)`` is truthy (re-checked on every call); return its value."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate(self.calls)
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    methods = [c.method for c in self.calls[-20:]]
                    raise TimeoutError(f"condition not met in {timeout:.0f} s; last calls: {methods}")
                self._cond.wait(remaining)

    def wait_replies(self, chat_id: int, count: int, timeout: float = 15.0) -> list[Call]:
        def enough(calls: list[Call]) -> list[Call] | None:
            mine = [c for c in calls if c.method in SENDING and c.chat_id == chat_id]
            return mine if len(mine) >= count else None

        return self.wait_for(enough, timeout)

    def wait_answer(self, callback_id: str, timeout: float = 15.0) -> Call:
        def found(calls: list[Call]) -> Call | None:
            for c in calls:
                if (
                    c.method == "answerCallbackQuery"
                    and str(c.params.get("callback_query_id")) == callback_id
                ):
                    return c
            return None

        return self.wait_for(found, timeout)

    # ------------------------------------------------------------------ faults and files
    def fault(
        self, method: str, kind: str, times: int = 1, *, retry_after: int = 1, delay: float = 6.0
    ) -> None:
        """Make the next ``times`` requests to ``method`` fail with ``kind`` (see FAULT_KINDS).

        "slow" answers normally after ``delay`` seconds (recorded); "hang" holds the request for
        ``delay`` seconds and then closes the connection without an answer (not recorded).
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {FAULT_KINDS}")
        with self._cond:
            self._faults.append(Fault(method, kind, times, retry_after, delay))

    def add_file(self, content: bytes, file_id: str | None = None) -> str:
        file_id = file_id or f"file{next(self._file_ids)}"
        with self._cond:
            self.files[file_id] = content
        return file_id

    def _take_fault(self, method: str) -> Fault | None:
        with self._cond:
            for fault in self._faults:
                if fault.method == method and fault.hits < fault.times:
                    fault.hits += 1
                    return fault
        return None

    # ------------------------------------------------------------------ answering (server threads)
    def _record(self, call: Call, faulted: bool = False) -> None:
        with self._cond:
            (self.faulted if faulted else self.calls).append(call)
            self._cond.notify_all()

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self._cond:
            confirmed = [u["update_id"] for u in self._queue if u["update_id"] < offset]
            if confirmed:
                now = time.monotonic()
                self.confirmed_at.update(dict.fromkeys(confirmed, now))
                self._queue = [u for u in self._queue if u["update_id"] >= offset]
                self._cond.notify_all()  # wait_for() predicates may watch confirmed_at
            while not self._queue and not self._stopping.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            batch = self._queue[:limit]
            now = time.monotonic()
            for update in batch:
                self.delivered_at.setdefault(update["update_id"], now)
            return batch

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = int(params.get("chat_id") or 0)
        message = {
            "message_id": next(self._sent_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
            **extra,
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict):
            message["reply_markup"] = markup
        return message

    def _media(self, kind: str, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        content = files.get(kind)
        file_id = self.add_file(content) if content is not None else str(params.get(kind) or "none")
        size = len(self.files.get(file_id, b""))
        if kind == "photo":
            media: Any = [
                {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "width": 800,
                    "height": 600,
                    "file_size": size,
                }
            ]
        else:
            media = {"file_id": file_id, "file_unique_id": file_id, "file_name": "file", "file_size": size}
        return self._message(params, caption=str(params.get("caption") or ""), **{kind: media})

    def answer(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return self._get_updates(params)
        if method == "sendMessage":
            return self._message(params, text=str(params.get("text") or ""))
        if method == "sendPhoto":
            return self._media("photo", params, files)
        if method == "sendDocument":
            return self._media("document", params, files)
        if method in ("editMessageText", "editMessageCaption", "editMessageReplyMarkup"):
            if "inline_message_id" in params:
                return True
            extra = {"text": str(params.get("text") or "")} if "text" in params else {}
            message = self._message(params, **extra)
            message["message_id"] = int(params.get("message_id") or 0)
            return message
        if method == "getFile":
            file_id = str(params.get("file_id"))
            found = {"file_id": file_id, "file_unique_id": file_id}
            if file_id in self.files:
                found.update(file_size=len(self.files[file_id]), file_path=f"files/{file_id}")
            return found
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._queue)}
        if method == "getMyCommands":
            return []
        if method == "getChat":
            chat_id = int(params.get("chat_id") or 0)
            return {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
        # answerCallbackQuery, answerInlineQuery, setMyCommands, deleteWebhook, setWebhook,
        # sendChatAction, deleteMessage, ...: Telegram answers True.
        return True


class _QuietServer(ThreadingHTTPServer):
    """A client that went away (killed bot, timed-out request) is not an error worth a traceback."""

    request_queue_size = 1024  # bursts of concurrent requests must not overflow the listen backlog

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError, OSError)):
            super().handle_error(request, client_address)


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                files[name] = payload
            else:
                params[name] = _decode(payload.decode())
    elif content_type.startswith("application/json"):
        params = json.loads(body or b"{}")
    elif body:
        params = {k: _decode(v) for k, v in parse_qsl(body.decode(), keep_blank_values=True)}
    return params, files


def _handler_for(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stalls

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return None

        def _send(self, status: int, payload: Any, content_type: str = "application/json") -> None:
            body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _drop(self) -> None:
            self.close_connection = True
            self.connection.close()

        def do_GET(self) -> None:
            prefix = f"/file/bot{api.token}/files/"
            path = unquote(self.path)  # PTB percent-encodes the file URL (the token's ":" becomes %3A)
            if path.startswith(prefix):
                content = api.files.get(path[len(prefix) :])
                if content is not None:
                    self._send(200, content, "application/octet-stream")
                    return
            if self.path.startswith(f"/bot{api.token}/"):
                self.do_POST()
                return
            self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            prefix = f"/bot{api.token}/"
            if not self.path.startswith(prefix):
                self._send(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                return
            method = self.path[len(prefix) :].split("?", 1)[0]
            params, files = _parse_body(self.headers.get("Content-Type") or "", body)
            call = Call(method, params, time.monotonic(), files)
            fault = api._take_fault(method)
            if fault is not None:
                self._fault(fault, call)
                return
            try:
                result = api.answer(method, params, files)
            except (TypeError, ValueError) as error:
                self._send(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"})
                return
            api._record(call)
            self._send(200, {"ok": True, "result": result})

        def _fault(self, fault: Fault, call: Call) -> None:
            api._record(Call(call.method, {**call.params, "_fault": fault.kind}, call.at, call.files), True)
            if fault.kind == "429":
                self._send(
                    429,
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {fault.retry_after}",
                        "parameters": {"retry_after": fault.retry_after},
                    },
                )
            elif fault.kind == "502":
                self._send(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
            elif fault.kind == "drop":
                self._drop()
            elif fault.kind == "hang":
                api._stopping.wait(fault.delay)
                self._drop()
            elif fault.kind == "slow":
                api._stopping.wait(fault.delay)
                result = api.answer(call.method, call.params, call.files)
                api._record(Call(call.method, call.params, time.monotonic(), call.files))
                self._send(200, {"ok": True, "result": result})

    return Handler


def percentiles(values: Iterable[float], points: Iterable[float] = (50, 95, 99)) -> list[float]:
    """Nearest-rank percentiles of ``values`` (empty input gives NaNs)."""
    ordered = sorted(values)
    if not ordered:
        return [float("nan") for _ in points]
    return [ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] for p in points]
