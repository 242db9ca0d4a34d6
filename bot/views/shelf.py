"""The 📚 Shelf button that opens the Mini App (under /start, /help, /app; the chat's menu button).

A private chat gets a ``web_app`` button (Telegram signs initData for the user who taps it). Telegram
allows those only in private chats, so a group gets a link to the bot's main Mini App with
``startapp=l<library id>``: the page opens on the group's library (the server checks that the user is a
member; the link itself grants nothing).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MenuButtonWebApp, WebAppInfo

from librium.config import Settings
from librium.i18n import N_, _

LABEL = N_("📚 Shelf")


def page_url(settings: Settings) -> str:
    return f"{settings.webapp_url}/app/"


def shelf_button(settings: Settings, *, in_group: bool, library_id: int, bot_username: str | None):
    """The button, or None when the Mini App is switched off (no WEBAPP_URL)."""
    if not settings.webapp_url:
        return None
    if not in_group:
        return InlineKeyboardButton(_(LABEL), web_app=WebAppInfo(page_url(settings)))
    if not bot_username:
        return None
    return InlineKeyboardButton(_(LABEL), url=f"https://t.me/{bot_username}?startapp=l{library_id}")


def shelf_markup(settings: Settings, *, in_group: bool, library_id: int, bot_username: str | None):
    button = shelf_button(settings, in_group=in_group, library_id=library_id, bot_username=bot_username)
    return InlineKeyboardMarkup([[button]]) if button else None


def menu_button(settings: Settings) -> MenuButtonWebApp:
    """The chat's menu button (private chats) that opens the shelf."""
    return MenuButtonWebApp(LABEL, WebAppInfo(page_url(settings)))
