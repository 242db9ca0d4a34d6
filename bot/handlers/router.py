"""The text router: a plain text message goes to the first feature that takes it.

In this order: the answer to a question a card button asked (edit, new shelf, lend); "remind me …";
a question in words (asking); something done to a book of the library (telling); a wish; an ISBN or
"Title by Author" (adding); a question without "?"; anything else is a search.

This module and handlers/__init__.py (the registration order) are the two that know every feature;
the feature handlers never import each other.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.chat import parse
from bot.handlers import adding, asking, book_actions, telling
from bot.handlers import reminders as reminder_handlers
from bot.screens import search
from bot.views.render import esc
from librium.errors import LibriumError


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    if await book_actions.take_awaited_text(update, context):
        return
    text = message.text
    reminder = parse.read_reminder(text)
    if reminder is not None:
        await reminder_handlers.remind_about(update, context, reminder)
        return
    question = parse.read_question(text)
    if question is not None and question.sure:
        await asking.answer(update, context, question)
        return
    action = parse.read_action(text)
    if action is not None and await telling.act(update, context, action):
        return  # "finished Dune", "lent Dune to Alice": done to a book of the library
    if action is not None and action.kind == parse.BOUGHT and action.subjects[0]:
        text = action.subjects[0]  # "bought Dune by Frank Herbert", not in the library: add it
    wish = parse.read_wish(text)
    if wish is not None:
        await adding.add_wished(update, context, wish)
        return
    try:
        if await adding.add_book_text(update, context, text):
            return
    except LibriumError as error:
        await message.reply_text(esc(error.message))
        return
    if question is not None:  # "who has dune" with no "?": not a book, so the question
        await asking.answer(update, context, question)
        return
    await search.show_results(update, context, text)  # anything else is a search


def register(application: Application) -> None:
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
