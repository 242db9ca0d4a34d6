"""Shared inline-keyboard helpers: buttons from (label, action, args) and rows of them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.chat import callbacks
from librium.i18n import _


def button(label: str, action: str, *args: object) -> InlineKeyboardButton:
    """One button whose callback data is ``callbacks.encode(action, *args)``."""
    return InlineKeyboardButton(label, callback_data=callbacks.encode(action, *args))


def markup(*rows: Sequence[InlineKeyboardButton] | None) -> InlineKeyboardMarkup:
    """A keyboard from rows; empty or None rows are left out."""
    return InlineKeyboardMarkup([list(row) for row in rows if row])


def grid(buttons: Iterable[InlineKeyboardButton], per_row: int = 2) -> list[list[InlineKeyboardButton]]:
    """Lay buttons out ``per_row`` to a row."""
    rows: list[list[InlineKeyboardButton]] = []
    for b in buttons:
        if not rows or len(rows[-1]) >= per_row:
            rows.append([])
        rows[-1].append(b)
    return rows


def step_row(step: str, *, skip: bool = True, back: bool = True) -> list[InlineKeyboardButton]:
    """The Skip / « Back / ✗ Cancel row of a guided flow (callback ``af:<step>:<choice>``)."""
    row = []
    if skip:
        row.append(button(_("Skip ›"), "af", step, "skip"))
    if back:
        row.append(button(_("« Back"), "af", step, "back"))
    row.append(button(_("✗ Cancel"), "af", step, "cancel"))
    return row
