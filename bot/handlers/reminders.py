"""Reminder commands and buttons: /remind, /reminders, /nudge, /digest, /timezone, shared locations,
and the buttons on sent reminders (Returned / Extend a week, +10 / +25 pages / Finished, 🗑, zones).

Times are read and shown in the user's zone; "now" comes from :func:`bot.runtime.jobs.now` so tests control
it. Every tap re-checks through the services that the reminder, loan or book belongs to the tapper
(forged ids get "not found"), and every callback query is answered exactly once.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import time
from collections.abc import Awaitable, Callable
from zoneinfo import available_timezones

from sqlalchemy.orm import Session
from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.chat import callbacks
from bot.runtime import dbcall, jobs
from bot.runtime.access import Actor, Who, actor_of, resolve
from bot.views import cards
from bot.views.keyboards import button, grid, markup
from bot.views.render import bold, esc, italic, truncate
from librium import i18n
from librium.database.sqlalchemy import db
from librium.errors import Forbidden, Invalid, LibriumError, NotFound
from librium.i18n import N_, _, formats
from librium.services import libraries, loans, reading, reminders, when

log = logging.getLogger(__name__)

EXPIRED = N_("That button has expired.")
NOT_FOUND = N_("That is not in your library (or not there any more).")


def remind_usage() -> str:
    return _(
        "Tell me when and what: <code>/remind tomorrow 9:00 call Alice</code>, or in words: "
        "<code>remind me to return Dune on friday</code>\nTimes I understand: {examples}."
    ).format(examples=esc(when.examples()))


MAX_LISTED = 40
PROGRESS_STEPS = ("10", "25")
COMMON_ZONES = (
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Moscow", "Asia/Dubai", "Asia/Kolkata",
    "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "America/New_York", "America/Chicago",
    "America/Denver", "America/Los_Angeles", "America/Sao_Paulo", "Africa/Johannesburg",
)  # fmt: skip

# Sharing a location picks the zone of the nearest of these cities (great-circle distance). A small
# table instead of a time-zone boundary database: right for most people near a big city, and the
# reply says which city it matched so anyone near a border can correct it with /timezone.
ZONE_CITIES: tuple[tuple[str, str, float, float], ...] = (
    ("Europe/London", "London", 51.51, -0.13), ("Europe/Dublin", "Dublin", 53.35, -6.26),
    ("Europe/Lisbon", "Lisbon", 38.72, -9.14), ("Europe/Madrid", "Madrid", 40.42, -3.70),
    ("Europe/Paris", "Paris", 48.86, 2.35), ("Europe/Brussels", "Brussels", 50.85, 4.35),
    ("Europe/Amsterdam", "Amsterdam", 52.37, 4.90), ("Europe/Berlin", "Berlin", 52.52, 13.40),
    ("Europe/Berlin", "Munich", 48.14, 11.58),
    ("Europe/Zurich", "Zurich", 47.37, 8.54), ("Europe/Rome", "Rome", 41.90, 12.50),
    ("Europe/Vienna", "Vienna", 48.21, 16.37), ("Europe/Prague", "Prague", 50.08, 14.44),
    ("Europe/Warsaw", "Warsaw", 52.23, 21.01), ("Europe/Copenhagen", "Copenhagen", 55.68, 12.57),
    ("Europe/Oslo", "Oslo", 59.91, 10.75), ("Europe/Stockholm", "Stockholm", 59.33, 18.07),
    ("Europe/Helsinki", "Helsinki", 60.17, 24.94), ("Europe/Athens", "Athens", 37.98, 23.73),
    ("Europe/Bucharest", "Bucharest", 44.43, 26.10), ("Europe/Kyiv", "Kyiv", 50.45, 30.52),
    ("Europe/Istanbul", "Istanbul", 41.01, 28.98), ("Europe/Moscow", "Moscow", 55.76, 37.62),
    ("Atlantic/Reykjavik", "Reykjavik", 64.15, -21.94), ("Africa/Casablanca", "Casablanca", 33.57, -7.59),
    ("Africa/Lagos", "Lagos", 6.52, 3.38), ("Africa/Cairo", "Cairo", 30.04, 31.24),
    ("Africa/Nairobi", "Nairobi", -1.29, 36.82), ("Africa/Johannesburg", "Johannesburg", -26.20, 28.05),
    ("Asia/Jerusalem", "Jerusalem", 31.77, 35.21), ("Asia/Riyadh", "Riyadh", 24.71, 46.68),
    ("Asia/Tehran", "Tehran", 35.69, 51.39), ("Asia/Dubai", "Dubai", 25.20, 55.27),
    ("Asia/Karachi", "Karachi", 24.86, 67.01), ("Asia/Kolkata", "Delhi", 28.61, 77.21),
    ("Asia/Dhaka", "Dhaka", 23.81, 90.41), ("Asia/Bangkok", "Bangkok", 13.76, 100.50),
    ("Asia/Jakarta", "Jakarta", -6.21, 106.85), ("Asia/Singapore", "Singapore", 1.35, 103.82),
    ("Asia/Hong_Kong", "Hong Kong", 22.32, 114.17), ("Asia/Shanghai", "Shanghai", 31.23, 121.47),
    ("Asia/Manila", "Manila", 14.60, 120.98), ("Asia/Seoul", "Seoul", 37.57, 126.98),
    ("Asia/Tokyo", "Tokyo", 35.68, 139.69), ("Australia/Perth", "Perth", -31.95, 115.86),
    ("Australia/Adelaide", "Adelaide", -34.93, 138.60), ("Australia/Brisbane", "Brisbane", -27.47, 153.03),
    ("Australia/Sydney", "Sydney", -33.87, 151.21), ("Pacific/Auckland", "Auckland", -36.85, 174.76),
    ("Pacific/Honolulu", "Honolulu", 21.31, -157.86), ("America/Anchorage", "Anchorage", 61.22, -149.90),
    ("America/Vancouver", "Vancouver", 49.28, -123.12), ("America/Los_Angeles", "Los Angeles", 34.05, -118.24),
    ("America/Phoenix", "Phoenix", 33.45, -112.07), ("America/Denver", "Denver", 39.74, -104.99),
    ("America/Mexico_City", "Mexico City", 19.43, -99.13), ("America/Chicago", "Chicago", 41.88, -87.63),
    ("America/Toronto", "Toronto", 43.65, -79.38), ("America/New_York", "New York", 40.71, -74.01),
    ("America/Bogota", "Bogotá", 4.71, -74.07), ("America/Lima", "Lima", -12.05, -77.04),
    ("America/Santiago", "Santiago", -33.45, -70.67), ("America/Sao_Paulo", "São Paulo", -23.55, -46.63),
    ("America/Argentina/Buenos_Aires", "Buenos Aires", -34.60, -58.38),
)  # fmt: skip
RECHECK_BLOCKED = 600.0  # seconds: how often one process re-reads a talking user's blocked_at


# --------------------------------------------------------------------------- plumbing


def _user(session: Session, who: Who, at: dt.datetime) -> db.User:
    """The user row; a user who had blocked the bot and talks again gets their reminders back."""
    user = session.get(db.User, who.user_id)
    if user.blocked_at is not None:
        reminders.resume_user(session, user, now=at)
    return user


async def _in_chat(
    update: Update, context: ContextTypes.DEFAULT_TYPE, fn: Callable[..., object], *args: object
):
    """``fn(session, who, user, now, *args)`` in one transaction, for the sender of ``update``."""
    at = jobs.now(context.application)

    def work(session: Session, actor: Actor):
        who = resolve(session, actor)
        return fn(session, who, _user(session, who, at), at, *args)

    return await dbcall.run(context, work, actor_of(update))


Command = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def replying(fn: Command) -> Command:
    """A command whose domain errors are answered with their message."""

    @functools.wraps(fn)
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await fn(update, context)
        except LibriumError as error:
            await update.effective_message.reply_text(esc(error.message))

    return handler


class Tap:
    """The tapped callback query, answered exactly once."""

    def __init__(self, update: Update):
        self.query = update.callback_query
        self.answered = False

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        if not self.answered and self.query is not None:
            self.answered = True
            await self.query.answer(text, show_alert=alert)

    async def edit(self, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
        message = self.query.message if self.query else None
        if message is None:
            return
        try:  # a raw edit (cards.edit_message): removing the buttons needs nothing parsed back
            await cards.edit_message(
                self.query.get_bot(), message.chat.id, message.message_id, text, keyboard=keyboard
            )
        except BadRequest as error:  # "message is not modified", or a message too old to edit
            log.info("could not edit the reminder message: %s", error)


TapFn = Callable[[Update, ContextTypes.DEFAULT_TYPE, callbacks.Callback, Tap], Awaitable[None]]


def tapped(fn: TapFn) -> Command:
    """Decode the data (garbage → expired), answer domain errors, never leave a spinning button."""

    @functools.wraps(fn)
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        tap = Tap(update)
        data = callbacks.decode(update.callback_query.data if update.callback_query else None)
        try:
            if data is None:
                await tap.answer(_(EXPIRED))
                return
            await fn(update, context, data, tap)
        except (NotFound, Forbidden):
            await tap.answer(_(NOT_FOUND), alert=True)
        except LibriumError as error:
            await tap.answer(error.message, alert=True)
        finally:
            await tap.answer()

    return handler


def _arg_text(update: Update) -> str:
    text = update.effective_message.text or ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


# --------------------------------------------------------------------------- /remind


def _create(session: Session, who: Who, user: db.User, at: dt.datetime, text: str) -> reminders.ReminderInfo:
    due, what = when.split_when_what(text, user.timezone, at)
    return reminders.create_reminder(session, user, who.chat_id, due, what, library_id=who.library_id)


@replying
async def remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await remind_about(update, context, _arg_text(update))


async def remind_about(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Set a one-off reminder from "tomorrow 9:00 call Alice" or "call Alice on friday" (/remind, or a
    message that starts "remind me")."""
    if not text:
        await update.effective_message.reply_text(remind_usage())
        return
    try:
        info = await _in_chat(update, context, _create, text)
    except Invalid as error:
        examples = when.examples()
        hint = "" if examples in error.message else "\n" + _("Try {examples}.").format(examples=examples)
        await update.effective_message.reply_text(esc(error.message + hint))
        return
    at = jobs.now(context.application)
    await update.effective_message.reply_text(
        _("⏰ I'll remind you {when}: {text}\n<i>{zone} time · /reminders lists them</i>").format(
            when=jobs.short_local(info.due_at, info.timezone, at),
            text=esc(info.text),
            zone=esc(info.timezone),
        )
    )


# --------------------------------------------------------------------------- /reminders


def _describe(item: reminders.ReminderInfo, at: dt.datetime, loans_by_id: dict[int, loans.LoanView]) -> str:
    due = jobs.short_local(item.due_at, item.timezone, at)
    if item.kind == "nudge":
        return _("📖 reading nudge, daily at {time} (next {due})").format(time=item.local_time, due=due)
    if item.kind == "digest":
        return _("🗓 weekly digest, Sundays at {time}").format(time=item.local_time)
    if item.kind == "backup":
        return _("💾 weekly backup, Sundays at {time}").format(time=item.local_time)
    if item.kind in reminders.LOAN_KINDS:
        loan = loans_by_id.get(item.loan_id or 0)
        if loan:
            what = _("{title} lent to {who}").format(title=italic(loan.book_title), who=esc(loan.borrower))
        else:
            what = _("a lent book")
        return f"{due} — 📚 {what}"
    return f"{due} — {esc(truncate(item.text, 80))}"


def _listing(
    session: Session, who: Who, user: db.User, at: dt.datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    items = reminders.list_reminders(session, user.id)
    if not items:
        return _("No reminders waiting. Try <code>/remind tomorrow 9:00 call Alice</code>."), None
    loans_by_id: dict[int, loans.LoanView] = {}
    if any(item.kind in reminders.LOAN_KINDS for item in items):
        library_ids = {item.library_id for item in items if item.library_id is not None}
        for library_id in library_ids:
            loans_by_id.update({loan.id: loan for loan in loans.list_loans(session, library_id)})
    shown = items[:MAX_LISTED]
    lines = [_("⏰ <b>Your reminders</b> ({zone} time)").format(zone=esc(user.timezone))]
    lines += [f"{n}. {_describe(item, at, loans_by_id)}" for n, item in enumerate(shown, 1)]
    if len(items) > len(shown):
        lines.append(_("…and {n} more.").format(n=len(items) - len(shown)))
    buttons = [button(f"🗑 {n}", "rm", item.id) for n, item in enumerate(shown, 1)]
    return "\n".join(lines), markup(*grid(buttons, 5))


@replying
async def list_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text, keyboard = await _in_chat(update, context, _listing)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


def _delete(session: Session, who: Who, user: db.User, at: dt.datetime, reminder_id: int):
    gone = reminders.cancel_reminder(session, user.id, reminder_id)
    return gone, _listing(session, who, user, at)


@tapped
async def delete_tap(update, context, data, tap) -> None:
    reminder_id = data.int_arg(0)
    if reminder_id is None:
        raise NotFound(_(NOT_FOUND))
    gone, (text, keyboard) = await _in_chat(update, context, _delete, reminder_id)
    off = {
        "nudge": N_("Deleted: the reading nudge is off."),
        "digest": N_("Deleted: the weekly digest is off."),
        "backup": N_("Deleted: the weekly backup is off."),
    }
    await tap.answer(_(off.get(gone.kind, N_("Deleted."))))
    await tap.edit(text, keyboard)


# --------------------------------------------------------------------------- /nudge and /digest


def _nudge(session: Session, who: Who, user: db.User, at: dt.datetime, text: str):
    if text:
        reminders.set_nudge(session, user, who.chat_id, text, now=at)
    return user.nudge_time, user.timezone, reminders.list_reminders(session, user.id, kinds=["nudge"])


@replying
async def nudge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = _arg_text(update)
    local_time, tz, upcoming = await _in_chat(update, context, _nudge, text)
    if local_time is None:
        reply = _("📖 No daily reading nudge.") if text else _("📖 No daily reading nudge yet.")
        reply += " " + _("<code>/nudge 21:30</code> sets one.")
    else:
        reply = _(
            "📖 Every day at {time} ({zone}) I'll show what you're reading, with buttons to log pages."
        ).format(time=local_time, zone=esc(tz))
        if upcoming:
            upcoming_at = jobs.short_local(upcoming[0].due_at, tz, jobs.now(context.application))
            reply += "\n" + _("Next: {when}.").format(when=upcoming_at)
        reply += " " + _("<code>/nudge off</code> stops it.")
    await update.effective_message.reply_text(reply)


def _digest(session: Session, who: Who, user: db.User, at: dt.datetime, choice: str):
    if choice in ("on", "off"):
        reminders.set_weekly_digest(session, user, who.chat_id, choice == "on", now=at)
    summary = jobs.digest_for(session, user.id, user.timezone, at) if choice == "now" else None
    return user.weekly_digest, user.timezone, summary


@replying
async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    choice = _arg_text(update).lower()
    choice = {"yes": "on", "1": "on", "no": "off", "0": "off", "stop": "off"}.get(choice, choice)
    if choice not in ("", "on", "off", "now"):
        await update.effective_message.reply_text(
            _("Use <code>/digest on</code>, <code>/digest off</code> or <code>/digest now</code>.")
        )
        return
    on, tz, summary = await _in_chat(update, context, _digest, choice)
    if summary is not None:
        at = jobs.now(context.application)
        await update.effective_message.reply_text(jobs.digest_text(summary, tz, at))
        return
    slot = reminders.WEEKLY_SLOTS["digest"][1]
    if on:
        text = _(
            "🗓 Weekly digest on: Sundays at {time} ({zone}). <code>/digest off</code> to change, "
            "<code>/digest now</code> for this week's."
        ).format(time=f"{slot:%H:%M}", zone=esc(tz))
    else:
        text = _(
            "🗓 Weekly digest off. <code>/digest on</code> to change, <code>/digest now</code> for this week's."
        )
    await update.effective_message.reply_text(text)


# --------------------------------------------------------------------------- /timezone


@functools.cache
def _zone_names() -> dict[str, str]:
    """Lower-case lookups: "europe/berlin" and "berlin" (the last part, when unambiguous) → the name."""
    names: dict[str, str] = {}
    last: dict[str, list[str]] = {}
    for name in available_timezones():
        names[name.lower()] = name
        last.setdefault(name.rsplit("/", 1)[-1].lower(), []).append(name)
    for key, found in last.items():
        if len(found) == 1 and key not in names:
            names[key] = found[0]
    return names


def find_zone(text: str) -> str:
    """An IANA zone from "Europe/Berlin", "europe/berlin", "Berlin" or "new york"; Invalid otherwise."""
    key = "_".join(text.split()).lower()
    name = _zone_names().get(key)
    if name is None:
        when.zone(text.strip())  # raises Invalid with the standard message
        name = text.strip()
    return name


def nearest_city(latitude: float, longitude: float) -> tuple[str, str, float]:
    """(zone, city, distance in km) of the nearest city in :data:`ZONE_CITIES`."""

    def distance(lat: float, lon: float) -> float:
        p1, p2 = math.radians(latitude), math.radians(lat)
        dp, dl = p2 - p1, math.radians(lon - longitude)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))

    zone, city, km = min(((z, c, distance(la, lo)) for z, c, la, lo in ZONE_CITIES), key=lambda t: t[2])
    return zone, city, km


def _local_city(zone: str, city: str) -> str:
    """ "New York" in the reader's language when it is the city the zone is named for (CLDR knows its
    name); another city of the table ("Delhi" in Asia/Kolkata) as written there."""
    with i18n.speaking(i18n.DEFAULT):
        named_for = formats.zone_city(zone)
    return formats.zone_city(zone) if named_for == city else city


def _set_zone(session: Session, who: Who, user: db.User, at: dt.datetime, name: str):
    if name:
        libraries.set_timezone(session, user, name)
        reminders.refresh_recurring(session, user, now=at)
    return user.timezone, user.nudge_time


def _zone_keyboard() -> InlineKeyboardMarkup:
    return markup(
        *grid(
            (button(formats.zone_city(name), "tz", i) for i, name in enumerate(COMMON_ZONES)),
            3,
        )
    )


def _zone_reply(tz: str, nudge_time: str | None, at: dt.datetime) -> str:
    local = when.utc(at).astimezone(when.zone(tz))
    text = _("🌍 Your time zone is now {zone} (it's {time} there).").format(
        zone=bold(tz), time=f"{local:%H:%M}"
    )
    if nudge_time:
        text += "\n" + _("Your daily nudge stays at {time} local time.").format(time=nudge_time)
    return text


@replying
async def timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = _arg_text(update)
    name = find_zone(text) if text else ""
    tz, nudge_time = await _in_chat(update, context, _set_zone, name)
    at = jobs.now(context.application)
    if name:
        await update.effective_message.reply_text(_zone_reply(tz, nudge_time, at))
        return
    await update.effective_message.reply_text(
        _(
            "🌍 Your time zone is {zone} (now {when}).\nChange it with <code>/timezone Europe/Berlin</code>, "
            "by sharing your location (📎 → Location), or pick one:"
        ).format(zone=bold(tz), when=jobs.short_local(at, tz, at)),
        reply_markup=_zone_keyboard(),
    )


@tapped
async def zone_tap(update, context, data, tap) -> None:
    index = data.int_arg(0)
    if index is None or index >= len(COMMON_ZONES):
        await tap.answer(_(EXPIRED))
        return
    tz, nudge_time = await _in_chat(update, context, _set_zone, COMMON_ZONES[index])
    await tap.answer(_("Time zone: {zone}").format(zone=tz))
    await tap.edit(_zone_reply(tz, nudge_time, jobs.now(context.application)))


@replying
async def location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    place = update.effective_message.location
    zone, city, km = nearest_city(place.latitude, place.longitude)
    tz, nudge_time = await _in_chat(update, context, _set_zone, zone)
    note = "\n" + _(
        "<i>Nearest city I know: {city} ({km} km). If that's wrong, send /timezone Area/City.</i>"
    ).format(city=esc(_local_city(zone, city)), km=formats.number(round(km)))
    await update.effective_message.reply_text(
        _zone_reply(tz, nudge_time, jobs.now(context.application)) + note
    )


# --------------------------------------------------------------------------- buttons on sent reminders


def _returned(
    session: Session, who: Who, user: db.User, at: dt.datetime, loan_id: int, library_id: int, book_id: int
):
    libraries.require_member(session, user.id, library_id)
    loan = next(
        (item for item in loans.loan_history(session, library_id, book_id) if item.id == loan_id), None
    )
    if loan is None:
        raise NotFound(_(NOT_FOUND))
    if loan.open:
        today = max(jobs.local_today(user.timezone, at), loan.lent_on)
        loan = loans.return_book(session, library_id, book_id, today)
    reminders.cancel_loan_reminders(session, loan_id)
    return loan


def _extend(session: Session, who: Who, user: db.User, at: dt.datetime, loan_id: int):
    return reminders.extend_loan(session, loan_id, user, who.chat_id, now=at)


@tapped
async def loan_tap(update, context, data, tap) -> None:
    loan_id, choice = data.int_arg(0), data.arg(1)
    if loan_id is None or choice not in ("r", "x"):
        await tap.answer(_(EXPIRED))
        return
    if choice == "r":
        library_id, book_id = data.int_arg(2), data.int_arg(3)
        if library_id is None or book_id is None:
            raise NotFound(_(NOT_FOUND))
        loan = await _in_chat(update, context, _returned, loan_id, library_id, book_id)
        await tap.answer(_("Welcome back!"))
        await tap.edit(
            _("✅ {title} is back from {who}.").format(title=italic(loan.book_title), who=esc(loan.borrower))
        )
        return
    due = await _in_chat(update, context, _extend, loan_id)
    await tap.answer(_("Now due {day}.").format(day=jobs.short_day(due.due_on)))
    info = reminders.LoanInfo(
        due.loan_id, due.book_id, due.library_id, due.title, due.borrower, due.lent_on, due.due_on
    )
    await tap.edit(
        _("📚 {who} has {title} — ⏳ extended: now due {day}.").format(
            who=esc(due.borrower), title=italic(due.title), day=jobs.short_day(due.due_on)
        ),
        jobs.loan_keyboard(info, extend=False),
    )


def _progress(
    session: Session, who: Who, user: db.User, at: dt.datetime, library_id: int, book_id: int, step: str
):
    try:
        libraries.require_member(session, user.id, library_id)
    except Forbidden:
        raise NotFound(_(NOT_FOUND)) from None
    today = jobs.local_today(user.timezone, at)
    if step == "f":
        view = reading.finish_reading(session, library_id, book_id, user_id=user.id, today=today)
        note = _("Finished {title}! 🎉").format(title=truncate(view.book_title, 40))
    else:
        view = reading.add_progress(session, library_id, book_id, int(step), today=today)
        if view.page_count:
            note = _("Page {page} of {pages}").format(page=view.pages_read, pages=view.page_count)
        else:
            note = _("Page {page}").format(page=view.pages_read)
    return note, jobs.nudge_message(session, user.id)


@tapped
async def progress_tap(update, context, data, tap) -> None:
    library_id, book_id, step = data.int_arg(0), data.int_arg(1), data.arg(2)
    if library_id is None or book_id is None or step not in (*PROGRESS_STEPS, "f"):
        await tap.answer(_(EXPIRED))
        return
    note, rendered = await _in_chat(update, context, _progress, library_id, book_id, step)
    await tap.answer(note)
    await tap.edit(rendered.text, rendered.keyboard)


# --------------------------------------------------------------------------- a blocked user comes back


def _resume_blocked(session: Session, actor: Actor, at: dt.datetime) -> bool:
    user = libraries.ensure_user(session, actor.telegram_id, actor.name, actor.language)
    if user.blocked_at is None:
        return False
    reminders.resume_user(session, user, now=at)
    return True


async def resume_if_blocked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs after the other handlers for messages and taps: a user who had blocked the bot (their
    reminders were cancelled) and writes again gets their daily/weekly reminders back.

    Each process re-reads a given user at most every :data:`RECHECK_BLOCKED` seconds; the sweep
    forgets these marks in this process when it finds someone gone.
    """
    person = update.effective_user
    if person is None or person.is_bot or not (update.message or update.callback_query):
        return
    seen: dict[int, float] = context.application.bot_data.setdefault(jobs.ACTIVE_USERS, {})
    clock = time.monotonic()
    if clock - seen.get(person.id, -math.inf) < RECHECK_BLOCKED:
        return
    seen[person.id] = clock
    if await dbcall.run(context, _resume_blocked, actor_of(update), jobs.now(context.application)):
        log.info("user %s is back: reminders resumed", person.id)


# --------------------------------------------------------------------------- wiring


def register(application: Application) -> None:
    application.add_handler(CommandHandler("remind", remind))
    application.add_handler(CommandHandler("reminders", list_command))
    application.add_handler(CommandHandler("nudge", nudge))
    application.add_handler(CommandHandler("digest", digest))
    application.add_handler(CommandHandler(["timezone", "tz"], timezone))
    application.add_handler(MessageHandler(filters.LOCATION & filters.UpdateType.MESSAGE, location))
    for action, handler in {"rm": delete_tap, "rl": loan_tap, "rp": progress_tap, "tz": zone_tap}.items():
        application.add_handler(CallbackQueryHandler(handler, pattern=callbacks.pattern(action)))
    application.add_handler(TypeHandler(Update, resume_if_blocked), group=1)
