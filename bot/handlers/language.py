"""/language: the language I speak to you (in a private chat) or to everyone (in a group)."""

from __future__ import annotations

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.chat import callbacks
from bot.runtime import dbcall
from bot.runtime.access import Actor, actor_of, resolve
from bot.runtime.language import AUTO, GROUP_CREATOR, LANGUAGE, creator_languages, in_group
from bot.views.keyboards import button, grid, markup
from bot.views.render import esc
from librium import i18n
from librium.i18n import _
from librium.services import languages


def _keyboard(group: bool):
    buttons = [button(name, "lg", code) for code, name in i18n.LANGUAGES.items()]
    reset = _("↺ As the group's creator") if group else _("↺ As in Telegram")
    return markup(*grid(buttons, 3), [button(reset, "lg", AUTO)])


def _store(session: Session, actor: Actor, code: str | None) -> str:
    """Keep the choice (None: back to the default) and return the language now spoken."""
    who = resolve(session, actor)
    if actor.in_group:
        languages.set_library_language(session, who.library_id, code)
        return i18n.match(code or languages.group_language(session, actor.chat_id))
    languages.set_user_language(session, who.user_id, code)
    return i18n.match(code or actor.language)


async def _apply(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str | None) -> str:
    spoken = await dbcall.run(context, _store, actor_of(update), code)
    data = context.chat_data if in_group(update) else context.user_data
    if data is not None:
        data.pop(GROUP_CREATOR, None)
        if code is None:
            data.pop(LANGUAGE, None)
        else:
            data[LANGUAGE] = code
    if not in_group(update):  # groups following this user hear of it at once
        creator_languages(context).heard(update.effective_user.id, spoken)
    i18n.set_current(spoken)
    return spoken


def _done_text(group: bool) -> str:
    name = i18n.LANGUAGES[i18n.current()]
    if group:
        return _("From now on I speak {language} in this group.").format(language=esc(name))
    return _("From now on I speak {language} with you.").format(language=esc(name))


def _code_of(text: str) -> str | None:
    """ "es", "Deutsch", "pt-br", "русский" → a shipped code; None when it names none of them."""
    wanted = text.strip().lower()
    for code, name in i18n.LANGUAGES.items():
        if wanted in (code.lower(), name.lower(), code.lower().replace("_", "-")):
            return code
    matched = i18n.match(wanted)
    return matched if matched != i18n.DEFAULT or wanted.startswith("en") else None


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    group = in_group(update)
    wanted = " ".join(context.args or [])
    if wanted:
        if wanted.strip().lower() == AUTO:
            await _apply(update, context, None)
            await update.effective_message.reply_text(_done_text(group))
            return
        code = _code_of(wanted)
        if code is not None:
            await _apply(update, context, code)
            await update.effective_message.reply_text(_done_text(group))
            return
    ask = _("Which language should I speak in this group?") if group else _("Which language should I speak?")
    await update.effective_message.reply_text(ask, reply_markup=_keyboard(group))


async def language_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    data = callbacks.decode(query.data)
    code = data.arg(0) if data else None
    if code != AUTO and code not in i18n.LANGUAGES:
        await query.answer(_("That button has expired."))
        return
    await _apply(update, context, None if code == AUTO else code)
    await query.answer()
    await query.edit_message_text(_done_text(in_group(update)))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("language", language))
    application.add_handler(CallbackQueryHandler(language_tap, pattern=callbacks.pattern("lg")))
