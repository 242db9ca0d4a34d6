"""Drive the real Application through the recording FakeBotApi (no network)."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import Application

from bot.console.fake_api import Call, FakeBotApi
from bot.console.fake_updates import Chat, Person, UpdateFactory

ADA = Person(id=101, first_name="Ada")
BOB = Person(id=202, first_name="Bob")
ADA_CHAT = Chat(id=101)
BOB_CHAT = Chat(id=202)
GROUP = Chat(id=-1001, type="supergroup", title="Book club")


@dataclass
class BotHarness:
    application: Application
    api: FakeBotApi
    updates: UpdateFactory = field(default_factory=UpdateFactory)

    async def process(self, data: dict) -> list[Call]:
        """Feed one update; return the calls the bot made while handling it."""
        before = len(self.api.calls)
        await self.application.process_update(Update.de_json(data, self.application.bot))
        return self.api.calls[before:]

    async def send(self, text: str, person: Person = ADA, chat: Chat | None = None) -> list[Call]:
        chat = chat or Chat(id=person.id)
        return await self.process(self.updates.message(person, chat, text))

    async def reply(self, call: Call, text: str, person: Person = ADA) -> list[Call]:
        """Send ``text`` as a reply to the message ``call`` sent (Telegram includes its buttons)."""
        message = call.result if isinstance(call.result, dict) else {}
        chat = Chat(id=message.get("chat", {}).get("id", person.id))
        return await self.process(self.updates.message(person, chat, text, reply_to_message=message))

    async def tap(self, call: Call, label: str, person: Person = ADA) -> list[Call]:
        """Tap the button whose text contains ``label`` on the message ``call`` sent or edited."""
        for row in call.buttons:
            for button in row:
                if label in button["text"] and "callback_data" in button:
                    return await self.callback(call, button["callback_data"], person)
        raise AssertionError(f"no button {label!r} in {call.button_texts()}")

    async def callback(self, call: Call, data: str, person: Person = ADA) -> list[Call]:
        message = call.result if isinstance(call.result, dict) else {}
        return await self.process(self.updates.callback(person, message, data))

    async def inline(self, query: str, person: Person = ADA) -> list[Call]:
        return await self.process(self.updates.inline_query(person, query))

    async def upload(
        self, content: bytes, file_name: str, mime: str, person: Person = ADA, chat: Chat | None = None
    ):
        chat = chat or Chat(id=person.id)
        file_id = self.api.add_file(content)
        return await self.process(self.updates.document(person, chat, file_id, len(content), file_name, mime))

    async def photo(self, content: bytes, person: Person = ADA, chat: Chat | None = None):
        chat = chat or Chat(id=person.id)
        file_id = self.api.add_file(content)
        return await self.process(self.updates.photo(person, chat, file_id, len(content)))


def last_sent(calls: list[Call]) -> Call:
    """The last message the bot sent (a card, say), not the answer to a tap."""
    return [c for c in calls if c.method in ("sendMessage", "sendPhoto")][-1]


def last_text(calls: list[Call]) -> str:
    texts = [
        c.text
        for c in calls
        if c.method in ("sendMessage", "editMessageText", "sendPhoto", "editMessageCaption")
    ]
    assert texts, f"the bot sent nothing: {[c.method for c in calls]}"
    return texts[-1]
