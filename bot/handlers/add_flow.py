"""/add: a short guided flow — title → authors → series and number → format → confirm.

Every step but the title has Skip; every step has « Back (except the first) and ✗ Cancel; /cancel
leaves at any time (the same bot/chat/pending.py cancel as everywhere, so it also drops any other pending
question of the user in this chat). Unexpected input re-asks the current question. The answers live in
``user_data[FLOWS][chat_id]`` (a flow per chat, like the conversation's state) and nothing touches the
database until "Save" (one transaction, which may still
stop at a suspected duplicate and ask, like a typed add). In groups every step that takes typed text
also sends a ForceReply prompt (bot/chat/questions.py) so the answer reaches a bot in privacy mode.
"""

from __future__ import annotations

import warnings
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.actions import adding as actions
from bot.chat import adds, awaiting, callbacks, parse, pending, questions
from bot.chat.taps import EXPIRED, run_in_library
from bot.runtime.language import choose_language
from bot.views import cards
from bot.views.keyboards import button, grid, markup, step_row
from bot.views.render import bold, esc, truncate
from librium import validation
from librium.errors import LibriumError
from librium.i18n import N_, _
from librium.names import split_authors

FLOW = "add_flow"  # the ConversationHandler's name; in user_data only in data saved before FLOWS
FLOWS = "add_flows"
TITLE, AUTHORS, SERIES, FORMAT, CONFIRM = "title", "authors", "series", "format", "confirm"
STEPS = [TITLE, AUTHORS, SERIES, FORMAT, CONFIRM]
FORMATS = [N_("Paperback"), N_("Hardcover"), N_("Ebook"), N_("Audiobook")]  # saved in the user's language
TIMEOUT_SECONDS = 600
END = ConversationHandler.END
# Steps answered by typing: what the group prompt asks for, and the input field's placeholder.
TYPED = {
    TITLE: (N_("↩️ Reply to this message with the title."), N_("Title")),
    AUTHORS: (N_("↩️ Reply to this message with the author(s)."), N_("Author & Author")),
    SERIES: (N_("↩️ Reply to this message with the series and number."), N_("Dune 1")),
    FORMAT: (N_("↩️ Reply to this message with the format."), N_("Paperback")),
}


# --------------------------------------------------------------------------- questions


def _flows(context: ContextTypes.DEFAULT_TYPE) -> dict[int, dict[str, Any]]:
    """This user's /add answers, one flow per chat (an /add in a group and one in private coexist)."""
    flows = context.user_data.setdefault(FLOWS, {})
    legacy = context.user_data.pop(FLOW, None)  # one flow per user, as stored before
    if isinstance(legacy, dict) and "chat" in legacy:
        flows.setdefault(legacy["chat"], legacy)
    return flows


def _flow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    chat_id = update.effective_chat.id
    return _flows(context).setdefault(chat_id, {"chat": chat_id})


def _drop_flow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any] | None:
    return _flows(context).pop(update.effective_chat.id, None)


def _summary(flow: dict[str, Any]) -> str:
    lines = [bold(truncate(flow.get("title") or "?", 200))]
    if flow.get("authors"):
        lines.append(_("by {authors}").format(authors=esc(truncate(", ".join(flow["authors"]), 200))))
    if flow.get("series"):
        number = f" #{flow['index']}" if flow.get("index") else ""
        lines.append(esc(truncate(flow["series"], 100)) + number)
    if flow.get("format"):
        lines.append(esc(flow["format"]))
    return "\n".join(lines)


def question(step: str, flow: dict[str, Any]) -> tuple[str, Any]:
    """The text and buttons of a step."""
    title = bold(truncate(flow.get("title") or "", 80))
    if step == TITLE:
        return _("📚 Adding a book. What's the title?"), markup(step_row(TITLE, skip=False, back=False))
    if step == AUTHORS:
        return _("Who wrote {title}? (several: “A & B”)").format(title=title), markup(step_row(AUTHORS))
    if step == SERIES:
        return (
            _(
                "Is {title} part of a series? Send its name and number, e.g. “Dune 1” or “Discworld #2.5”."
            ).format(title=title),
            markup(step_row(SERIES)),
        )
    if step == FORMAT:
        formats = [button(_(name), "af", FORMAT, i) for i, name in enumerate(FORMATS)]
        return _("Which format? (or type another)"), markup(*grid(formats, 2), step_row(FORMAT))
    return (
        _("Add this book?\n\n{book}").format(book=_summary(flow)),
        markup([button(_("✓ Save"), "af", CONFIRM, "save")], step_row(CONFIRM, skip=False)),
    )


async def _ask_new(
    update: Update, context: ContextTypes.DEFAULT_TYPE, step: str, note: str | None = None
) -> str:
    """Ask ``step`` in a new message, taking the buttons off the previous question."""
    flow = _flow(update, context)
    await _retire_prompt(context, flow)
    flow["step"] = step
    text, keyboard = question(step, flow)
    sent = await update.effective_message.reply_text(
        f"{note}\n{text}" if note else text, reply_markup=keyboard
    )
    flow["prompt"] = [sent.chat_id, sent.message_id]
    await _group_prompt(update, context, step)
    return step


async def _ask_here(update: Update, context: ContextTypes.DEFAULT_TYPE, step: str) -> str:
    """Ask ``step`` by editing the question whose button was tapped."""
    flow = _flow(update, context)
    flow["step"] = step
    text, keyboard = question(step, flow)
    await cards.edit_in_place(update, text, keyboard)
    await _delete_group_prompt(context, flow)
    await _group_prompt(update, context, step)
    return step


async def _group_prompt(update: Update, context: ContextTypes.DEFAULT_TYPE, step: str) -> None:
    """In a group, a ForceReply prompt for a typed step (the buttons stay on the question)."""
    if step in TYPED:
        ask, placeholder = TYPED[step]
        sent = await questions.prompt(update, context, _(ask), _(placeholder))
        if sent is not None:
            _flow(update, context)["force"] = [sent.chat_id, sent.message_id]


async def _delete_group_prompt(context: ContextTypes.DEFAULT_TYPE, flow: dict[str, Any]) -> None:
    """The previous step's ForceReply prompt has served: delete it (groups only have one)."""
    force = flow.pop("force", None)
    if force:
        await questions.delete(context.bot, force[0], [force[1]])


async def _retire_prompt(context: ContextTypes.DEFAULT_TYPE, flow: dict[str, Any]) -> None:
    """The previous question loses its buttons and its group prompt goes."""
    await _delete_group_prompt(context, flow)
    prompt = flow.pop("prompt", None)
    if not prompt:
        return
    try:
        await cards.remove_buttons(context.bot, prompt[0], prompt[1])
    except TelegramError:
        pass  # already gone or unchanged: nothing to tidy


# --------------------------------------------------------------------------- typed answers


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await awaiting.cancel_awaiting(context)
    _flows(context)[update.effective_chat.id] = {"chat": update.effective_chat.id}
    given = " ".join(context.args or []).strip()
    if given:
        return await _take_title(update, context, given)
    return await _ask_new(update, context, TITLE)


async def _take_title(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> str:
    try:
        _flow(update, context)["title"] = validation.title(text)
    except LibriumError as error:
        return await _ask_new(update, context, TITLE, note=esc(error.message))
    return await _ask_new(update, context, AUTHORS)


async def on_title(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    return await _take_title(update, context, update.effective_message.text or "")


async def on_authors(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    names = split_authors(update.effective_message.text or "")
    if not names:
        return await _ask_new(update, context, AUTHORS)
    _flow(update, context)["authors"] = names
    return await _ask_new(update, context, SERIES)


async def on_series(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    parsed = parse.read_series(update.effective_message.text or "")
    if parsed is None:
        return await _ask_new(update, context, SERIES)
    name, index = parsed
    try:
        name = validation.name(name, _("series name"))
        index = validation.series_index(index)
    except LibriumError as error:
        return await _ask_new(update, context, SERIES, note=esc(error.message))
    flow = _flow(update, context)
    flow["series"], flow["index"] = name, (f"{index.normalize():f}" if index is not None else None)
    return await _ask_new(update, context, FORMAT)


async def on_format(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    try:
        _flow(update, context)["format"] = validation.name(update.effective_message.text, "format")
    except LibriumError as error:
        return await _ask_new(update, context, FORMAT, note=esc(error.message))
    return await _ask_new(update, context, CONFIRM)


async def reask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """Unexpected input inside the flow: ask the current question again."""
    return await _ask_new(update, context, _flow(update, context).get("step") or TITLE)


# --------------------------------------------------------------------------- buttons


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int | None:
    query = update.callback_query
    data = callbacks.decode(query.data)
    step, choice = (data.arg(0), data.arg(1)) if data else (None, None)
    current = _flow(update, context).get("step")
    if step != current:
        await query.answer(_(EXPIRED))
        return None
    flow = _flow(update, context)
    if choice == "cancel":
        await query.answer(_("Cancelled."))
        _drop_flow(update, context)
        await cards.edit_in_place(update, _(pending.CANCELLED))
        return END
    if choice == "back" and step != TITLE:
        await query.answer()
        return await _ask_here(update, context, STEPS[STEPS.index(step) - 1])
    if choice == "skip" and step in (AUTHORS, SERIES, FORMAT):
        await query.answer()
        flow.pop({AUTHORS: "authors", SERIES: "series", FORMAT: "format"}[step], None)
        if step == SERIES:
            flow.pop("index", None)
        return await _ask_here(update, context, STEPS[STEPS.index(step) + 1])
    if step == FORMAT and choice is not None and choice.isdigit() and int(choice) < len(FORMATS):
        await query.answer(_(FORMATS[int(choice)]))
        flow["format"] = _(FORMATS[int(choice)])
        return await _ask_here(update, context, CONFIRM)
    if step == CONFIRM and choice == "save":
        return await _save(update, context, flow)
    await query.answer(_(EXPIRED))
    return None


async def _save(update: Update, context: ContextTypes.DEFAULT_TYPE, flow: dict[str, Any]) -> str | int:
    query = update.callback_query
    inputs: dict[str, Any] = {"title": flow.get("title")}
    if flow.get("authors"):
        inputs["authors"] = list(flow["authors"])
    if flow.get("series"):
        inputs["series"] = flow["series"]
        inputs["series_index"] = flow.get("index")
    if flow.get("format"):
        inputs["format"] = flow["format"]
    try:
        result = await run_in_library(context, update, actions.add, inputs)
    except LibriumError as error:
        await query.answer(error.message, show_alert=True)
        return CONFIRM
    await query.answer("Saved." if result.book else None)
    _drop_flow(update, context)
    await _delete_group_prompt(context, flow)
    await adds.settle(update, context, result, inputs, edit=True)
    return END


# --------------------------------------------------------------------------- leaving


@pending.cancel_hook("add flow")
async def _cancel_flow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """Drop the /add answers of this chat (a flow in another chat is left alone)."""
    flow = _drop_flow(update, context)
    if not flow:
        return None
    await _retire_prompt(context, flow)
    return _("the /add steps")


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/cancel inside the flow: the same cancel as everywhere (one answer), then the conversation ends.

    The conversation was running even if another chat's /add replaced the answers, so it always counts.
    """
    dropped = await pending.cancel_all(update, context) or [_("the /add steps")]
    await update.effective_message.reply_text(pending.cancelled_text(dropped))
    return END


async def timed_out(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not isinstance(update, Update) or not update.effective_chat or context.user_data is None:
        return
    await choose_language(update, context)  # a timeout comes from the job queue, not through the handlers
    flow = _drop_flow(update, context)
    if flow:
        await _retire_prompt(context, flow)
        try:
            await context.bot.send_message(
                update.effective_chat.id,
                _("The /add steps timed out — nothing was saved. Send /add to start again."),
            )
        except TelegramError:
            pass


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer(_(EXPIRED))


def build(persistent: bool = False) -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    buttons = CallbackQueryHandler(on_button, pattern=callbacks.pattern("af"))
    with warnings.catch_warnings():
        # Buttons are matched by their step name, not by message: per_message=False is intended.
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        return ConversationHandler(
            entry_points=[CommandHandler("add", start)],
            states={
                TITLE: [MessageHandler(text, on_title), buttons],
                AUTHORS: [MessageHandler(text, on_authors), buttons],
                SERIES: [MessageHandler(text, on_series), buttons],
                FORMAT: [MessageHandler(text, on_format), buttons],
                CONFIRM: [buttons],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
            },
            fallbacks=[
                CommandHandler("cancel", cancel),
                CommandHandler("add", start),
                MessageHandler(filters.ALL & ~filters.COMMAND, reask),
            ],
            per_user=True,
            per_chat=True,
            conversation_timeout=TIMEOUT_SECONDS,
            name=FLOW,
            persistent=persistent,
            allow_reentry=True,
        )


def register(application: Application) -> None:
    application.add_handler(build(persistent=application.persistence is not None))
    # Right after the flow in the same group: runs only for "af" buttons the flow did not take (it
    # ended or timed out), and claims them, so no catch-all answers a query a second time.
    application.add_handler(CallbackQueryHandler(stale_button, pattern=callbacks.pattern("af")))
