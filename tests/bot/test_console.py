"""The console chat turns typed lines into updates for the same Application."""

from __future__ import annotations

import io

from bot.console.chat import ConsoleChat, plain
from bot.console.fake_api import Call


def test_numbers_tap_buttons_but_isbns_are_text():
    chat = ConsoleChat(out=io.StringIO())
    message = {"message_id": 5, "date": 0, "chat": {"id": 1, "type": "private"}}
    chat.show(
        Call(
            "sendMessage",
            {
                "chat_id": 1,
                "text": "<b>Dune</b>",
                "reply_markup": {"inline_keyboard": [[{"text": "Read", "callback_data": "st:1:read"}]]},
            },
            result=message,
        )
    )
    assert "[1] Read" in chat.out.getvalue()
    tap = chat.to_update("1")
    assert tap["callback_query"]["data"] == "st:1:read"
    isbn = chat.to_update("9780261102354")
    assert isbn["message"]["text"] == "9780261102354"
    assert chat.to_update("7") is None and "no button 7" in chat.out.getvalue()


def test_plain_strips_html():
    assert plain("<b>Tom &amp; Jerry</b>") == "Tom & Jerry"


def test_group_and_other_people_can_be_tried():
    chat = ConsoleChat(out=io.StringIO())
    assert chat.to_update("!group") is None
    in_group = chat.to_update("Dune by Frank Herbert")
    assert in_group["message"]["chat"]["type"] == "group"
    assert chat.to_update("!as Bob") is None
    as_bob = chat.to_update("/library")
    assert as_bob["message"]["from"]["first_name"] == "Bob"
    assert as_bob["message"]["chat"]["type"] == "group"
    chat.to_update("!private")
    back = chat.to_update("/library")
    assert back["message"]["chat"] == {"id": as_bob["message"]["from"]["id"], "type": "private"}
