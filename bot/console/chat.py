"""The console chat: talk to the real bot from a terminal, no Telegram needed.

The same Application, handlers, services and scheduler run; only the HTTP layer is replaced by
:class:`bot.console.fake_api.FakeBotApi`, whose recorded calls are printed here. Buttons appear as numbered
choices: type the number to tap one.
"""

from __future__ import annotations

import asyncio
import getpass
import html
import json
import re
import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker
from telegram import Update

from bot.console.fake_api import Call, FakeBotApi
from bot.console.fake_updates import Chat, Person, UpdateFactory
from bot.runtime.app import build_application
from librium.config import Settings

INTRO = """Librium console chat — you are talking to the real bot, offline.
Type as you would in Telegram (try /help, “Dune by Frank Herbert”, 9780441172719).
Buttons show as [1] [2] …: type the number to tap. Also: !photo PATH, !file PATH, @ QUERY (inline),
!group (talk in a group chat with a shared library), !private, !as NAME (be another person), !quit.
"""

GROUP_CHAT = Chat(id=-100, type="group", title="Console book club")

_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


class ConsoleChat:
    """Turns typed lines into updates and recorded calls into printed output."""

    def __init__(self, out: TextIO = sys.stdout, files_dir: Path | None = None):
        self.out = out
        self.api = FakeBotApi(on_call=self.show)
        self.updates = UpdateFactory()
        self.person = Person(id=1, first_name=(getpass.getuser() or "reader").capitalize())
        self.chat = Chat(id=1)
        self.buttons: list[tuple[str, dict, dict]] = []  # (callback data, message, button)
        self.files_dir = files_dir or Path("console-files")

    # ------------------------------------------------------------------ output
    def show(self, call: Call) -> None:
        method = call.method
        if method in ("sendMessage", "editMessageText"):
            prefix = "" if method == "sendMessage" else "(edited) "
            self._print(f"bot> {prefix}{plain(call.text)}")
        elif method in ("sendPhoto", "editMessageMedia"):
            size = sum(len(v) for v in call.files.values())
            self._print(f"bot> [photo, {size:,} bytes] {plain(call.text)}")
        elif method == "sendDocument":
            self.files_dir.mkdir(exist_ok=True)
            name = "document"
            for content in call.files.values():
                path = self.files_dir / f"{call.result['message_id']}-{name}"
                path.write_bytes(content)
                self._print(f"bot> [file saved to {path}] {plain(call.text)}")
        elif method == "editMessageCaption":
            self._print(f"bot> (edited) {plain(call.text)}")
        elif method == "answerCallbackQuery" and call.params.get("text"):
            self._print(f"bot> ({call.params['text']})")
        elif method == "answerInlineQuery":
            results = call.params.get("results") or []
            if isinstance(results, str):
                results = json.loads(results)
            self._print(f"bot> inline results: {len(results)}")
            for result in results[:10]:
                self._print(f"     • {result.get('title', '')} — {result.get('description', '')}")
            return
        else:
            return
        if call.buttons and method != "answerCallbackQuery":
            self._remember_buttons(call)

    def _remember_buttons(self, call: Call) -> None:
        message = call.result if isinstance(call.result, dict) else {}
        self.buttons = []
        labels = []
        for row in call.buttons:
            for button in row:
                if "callback_data" in button:
                    self.buttons.append((button["callback_data"], message, button))
                    labels.append(f"[{len(self.buttons)}] {button['text']}")
                elif "switch_inline_query_current_chat" in button:
                    labels.append(f"(@ {button['switch_inline_query_current_chat']}) {button['text']}")
        if labels:
            self._print("     " + "  ".join(labels))

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    # ------------------------------------------------------------------ input
    def switch(self, line: str) -> bool:
        """The console's own commands for trying groups and other people; True when ``line`` was one."""
        command, _, argument = line.strip().partition(" ")
        if command == "!group":
            self.chat = GROUP_CHAT
            self._print(
                f"(you are now in the group “{GROUP_CHAT.title}”: its library is shared by its members)"
            )
        elif command == "!private":
            self.chat = Chat(id=self.person.id)
            self._print("(you are back in your private chat)")
        elif command == "!as" and argument.strip():
            name = argument.strip()[:40]
            self.person = Person(id=1000 + sum(map(ord, name)) % 100_000, first_name=name)
            if self.chat.type == "private":
                self.chat = Chat(id=self.person.id)
            self._print(f"(you are now {name})")
        else:
            return False
        self.buttons = []
        return True

    def to_update(self, line: str) -> dict | None:
        line = line.rstrip("\n")
        if self.switch(line):
            return None
        # A short number taps a button; a long one (an ISBN, a year) is sent as text.
        if line.strip().isdigit() and len(line.strip()) <= 2 and self.buttons:
            index = int(line.strip()) - 1
            if 0 <= index < len(self.buttons):
                data, message, _ = self.buttons[index]
                return self.updates.callback(self.person, message, data)
            self._print(f"(there is no button {index + 1})")
            return None
        if line.startswith("!photo ") or line.startswith("!file "):
            command, _, raw_path = line.partition(" ")
            path = Path(raw_path.strip()).expanduser()
            if not path.is_file():
                self._print(f"(no such file: {path})")
                return None
            content = path.read_bytes()
            file_id = self.api.add_file(content)
            if command == "!photo":
                return self.updates.photo(self.person, self.chat, file_id, len(content))
            mime = "text/csv" if path.suffix.lower() == ".csv" else "application/octet-stream"
            if path.suffix.lower() == ".json":
                mime = "application/json"
            return self.updates.document(self.person, self.chat, file_id, len(content), path.name, mime)
        if line.startswith("@ "):
            return self.updates.inline_query(self.person, line[2:].strip())
        return self.updates.message(self.person, self.chat, line)


async def run_console(
    settings: Settings, session_factory: sessionmaker[Session], stdin: TextIO = sys.stdin
) -> None:
    console = ConsoleChat()
    application = build_application(settings, session_factory, request=console.api, rate_limit=False)
    console._print(INTRO)
    async with application:
        await application.start()
        shelf = _serve_shelf(application, settings.port, console)
        try:
            while True:
                if stdin.isatty():
                    print("you> ", end="", flush=True)
                line = await asyncio.to_thread(stdin.readline)
                if not line or line.strip() in ("!quit", "!exit"):
                    break
                if not line.strip():
                    continue
                data = console.to_update(line)
                if data is not None:
                    await application.process_update(Update.de_json(data, application.bot))
                    # let concurrently-scheduled work (answers from tasks) print before the next prompt
                    await asyncio.sleep(0)
        finally:
            if shelf is not None:
                shelf.stop()
            await application.stop()


def _serve_shelf(application, port: int, console: ConsoleChat):
    """The Mini App on 127.0.0.1:PORT, with a link signed for the console user (None if the port is taken)."""
    from bot.webapp.server import local_link, make_app

    try:
        server = make_app(application).listen(port, address="127.0.0.1")
    except OSError as error:
        console._print(f"(the shelf app is not served: port {port} is taken: {error.strerror}; set PORT)")
        return None
    link = local_link(application, port, console.person.id, console.person.first_name)
    console._print(f"📚 Your shelf in a browser (signed for you, valid for a day):\n{link}\n")
    return server
