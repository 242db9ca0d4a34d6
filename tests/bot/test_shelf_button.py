"""The 📚 Shelf button: /app, and under /start and /help, when WEBAPP_URL switches the Mini App on."""

from __future__ import annotations

from tests.bot.harness import ADA, GROUP, last_sent

URL = "https://shelf.example"


async def test_app_in_private_opens_the_mini_app(make_bot):
    bot = await make_bot(webapp_url=URL)
    [menu] = [c for c in bot.api.calls if c.method == "setChatMenuButton"]
    assert menu.params["menu_button"]["web_app"] == {"url": URL + "/app/"}, "the chat's menu button"
    sent = last_sent(await bot.send("/app"))
    [[button]] = sent.buttons
    assert button["text"] == "📚 Shelf" and button["web_app"] == {"url": URL + "/app/"}


async def test_app_in_a_group_links_to_the_main_mini_app_on_the_groups_library(make_bot):
    bot = await make_bot(webapp_url=URL)
    sent = last_sent(await bot.send("/app", ADA, GROUP))
    [[button]] = sent.buttons
    assert "web_app" not in button, "Telegram allows web_app buttons in private chats only"
    assert button["url"].startswith("https://t.me/") and "?startapp=l" in button["url"]


async def test_start_and_help_carry_the_button_only_when_switched_on(make_bot, bot):
    for command in ("/start", "/help"):
        assert last_sent(await bot.send(command)).buttons == []
    on = await make_bot(webapp_url=URL)
    for command in ("/start", "/help"):
        assert [b["text"] for row in last_sent(await on.send(command)).buttons for b in row] == ["📚 Shelf"]
    off = last_sent(await bot.send("/app"))
    assert "not switched on" in off.text
