"""Message text helpers. Everything user-supplied is HTML-escaped before it is sent."""

from __future__ import annotations

import html

MAX_MESSAGE = 4096


def esc(value: object) -> str:
    return html.escape(str(value), quote=False)


def bold(value: object) -> str:
    return f"<b>{esc(value)}</b>"


def italic(value: object) -> str:
    return f"<i>{esc(value)}</i>"


def truncate(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stars(half_stars: int | None) -> str:
    if not half_stars:
        return ""
    full, half = divmod(half_stars, 2)
    return "★" * full + ("½" if half else "")
