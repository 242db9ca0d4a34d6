"""The reminder sweep: a repeating JobQueue job that sends due reminders through Telegram.

The reminders table is the source of truth (see :mod:`librium.services.reminders`); this job only
calls ``reminders.sweep`` every :data:`SWEEP_INTERVAL` seconds with a ``send`` that renders one
claimed reminder by kind and sends it. Telegram's "blocked"/"chat not found" answers become
:class:`RecipientGone` (the user's reminders stop); every other error is transient (retried later).

The present comes from :func:`now`, which tests replace through ``bot_data[CLOCK]``: they call
:func:`run_sweep` with an explicit time instead of waiting for the job.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, ContextTypes, Job

from bot.runtime.dbcall import SESSION_FACTORY
from bot.views.keyboards import button, markup
from bot.views.render import esc, italic, truncate
from librium import i18n
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import in_thread
from librium.i18n import _, formats, ngettext
from librium.services import languages, libraries, reading, reminders, when
from librium.services.reminders import ClaimedReminder, RecipientGone, SweepResult

log = logging.getLogger(__name__)

SWEEP_INTERVAL = 30.0  # seconds between sweeps
FIRST_SWEEP = 3.0  # seconds after start: what fell due while the bot was down goes out at once
CLOCK = "reminder_clock"  # bot_data key: a callable returning the aware present (tests set it)
WORKER = "reminder_worker_id"  # bot_data key: this process's worker id
ACTIVE_USERS = "reminder_active_users"  # bot_data key: telegram id -> when its blocked_at was read
JOB_NAME = "reminder-sweep"
NUDGE_BOOKS = 5  # books shown (with buttons) in a reading nudge
GONE_PHRASES = ("chat not found", "user is deactivated", "bot was blocked", "bot was kicked")


# --------------------------------------------------------------------------- clock and identity


def now(application: Application) -> dt.datetime:
    """The present, aware UTC (``bot_data[CLOCK]`` when a test set one)."""
    clock: Callable[[], dt.datetime] = application.bot_data.get(CLOCK, db.utcnow)
    return when.utc(clock())


def worker_id(application: Application) -> str:
    """Unique per process (host, pid, random): two bots on one database never share a claim."""
    value = application.bot_data.get(WORKER)
    if value is None:
        value = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
        application.bot_data[WORKER] = value
    return value


def local_today(tz: str, at: dt.datetime) -> dt.date:
    return when.utc(at).astimezone(when.zone(tz)).date()


def short_local(value: dt.datetime, tz: str, at: dt.datetime | None = None) -> str:
    """ "Fri 24 Dec, 18:00" (the year only when it is not the current one), as the user's language
    writes it ("vie, 24 dic, 18:00")."""
    local = when.utc(value).astimezone(when.zone(tz))
    today = local_today(tz, at) if at is not None else local.date()
    return formats.moment(when.utc(value), when.zone(tz), today)


def short_day(day: dt.date) -> str:
    return formats.day(day)


# --------------------------------------------------------------------------- scheduling


def schedule(
    application: Application, interval: float | None = SWEEP_INTERVAL, first: float = FIRST_SWEEP
) -> Job | None:
    """Add the repeating sweep to the application's JobQueue (None interval: no job, tests sweep)."""
    if interval is None or application.job_queue is None:
        return None
    worker_id(application)
    return application.job_queue.run_repeating(
        sweep_job,
        interval=interval,
        first=first,
        name=JOB_NAME,
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )


async def sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    try:
        await run_sweep(context.application)
    except Exception:  # the next run tries again; never let the job die
        log.exception("reminder sweep failed")


async def run_sweep(application: Application, at: dt.datetime | None = None) -> SweepResult:
    """One sweep at ``at`` (default :func:`now`): claim what is due, send it, record the outcome."""
    at = now(application) if at is None else when.utc(at)
    factory: sessionmaker[Session] = application.bot_data[SESSION_FACTORY]
    started = time.perf_counter()

    async def send(claimed: ClaimedReminder) -> None:
        await send_reminder(application, claimed, at)

    result = await reminders.sweep(factory, at, worker_id(application), send)
    if result.claimed:
        log.info(
            "reminder sweep: claimed=%d sent=%d retried=%d failed=%d gone=%d skipped=%d released=%d ms=%.0f",
            result.claimed, result.sent, result.retried, result.failed, result.gone, result.skipped,
            result.released, (time.perf_counter() - started) * 1000,
        )  # fmt: skip
    return result


# --------------------------------------------------------------------------- rendering


def late(claimed: ClaimedReminder) -> str:
    return _(" (late)") if claimed.late else ""


def span(days: int) -> str:
    """How long a loan has lasted, said the way people say it: "3 days", "3 weeks", "2 months"."""
    if days <= 0:
        return _("since today")
    if days == 1:
        return _("for a day")
    if days < 14:
        return ngettext("for {n} day", "for {n} days", days).format(n=days)
    if days < 62:
        weeks = round(days / 7)
        return ngettext("for {n} week", "for {n} weeks", weeks).format(n=weeks)
    months = round(days / 30.4)
    return ngettext("for {n} month", "for {n} months", months).format(n=months)


def loan_status(due_on: dt.date | None, today: dt.date) -> str:
    if due_on is None:
        return _("no due date")
    days = (today - due_on).days
    if days == 0:
        return _("due today")
    if days < 0:
        return _("due {day}").format(day=short_day(due_on))
    return ngettext("{n} day overdue (due {day})", "{n} days overdue (due {day})", days).format(
        n=days, day=short_day(due_on)
    )


def loan_keyboard(loan: reminders.LoanInfo, *, extend: bool = True) -> InlineKeyboardMarkup:
    row = [button(_("✅ Returned"), "rl", loan.loan_id, "r", loan.library_id, loan.book_id)]
    if extend:
        row.append(button(_("⏳ Extend a week"), "rl", loan.loan_id, "x"))
    return markup(row)


def loan_text(claimed: ClaimedReminder, at: dt.datetime) -> str:
    loan = claimed.loan
    assert loan is not None
    today = local_today(claimed.timezone, at)
    lent = span((today - loan.lent_on).days)
    return _("📚 {who} has had {title} {span} — {status}{late}").format(
        who=esc(loan.borrower),
        title=italic(loan.title),
        span=lent,
        status=loan_status(loan.due_on, today),
        late=late(claimed),
    )


@dataclass(frozen=True)
class Rendered:
    text: str
    keyboard: InlineKeyboardMarkup | None = None


def nudge_message(session: Session, user_id: int, *, suffix: str = "") -> Rendered:
    """What the user is reading now (their readings in every library they belong to), with buttons."""
    readings: list[tuple[int, reading.ReadingView]] = []
    for library in libraries.user_libraries(session, user_id):
        for view in reading.current_readings(session, library.id):
            if view.user_id in (None, user_id):
                readings.append((library.id, view))
    if not readings:
        return Rendered(
            _("📖 Reading time!")
            + suffix
            + "\n"
            + _("You have no book marked as reading. Open a book and tap “Reading”, or /unread for ideas.")
        )
    lines = [_("📖 Reading time!") + suffix]
    rows = []
    for library_id, view in readings[:NUDGE_BOOKS]:
        progress = ""
        if view.pages_read:
            if view.page_count:
                progress = _(" — p. {page}/{pages}").format(page=view.pages_read, pages=view.page_count)
            else:
                progress = _(" — p. {page}").format(page=view.pages_read)
            if view.percent is not None:
                progress += f" ({formats.percent(view.percent / 100)})"
        lines.append(f"• {italic(truncate(view.book_title, 60))}{progress}")
        label = truncate(view.book_title, 18)
        rows.append(
            [
                button(f"+10 · {label}", "rp", library_id, view.book_id, 10),
                button("+25", "rp", library_id, view.book_id, 25),
                button(_("✓ Finished"), "rp", library_id, view.book_id, "f"),
            ]
        )
    if len(readings) > NUDGE_BOOKS:
        lines.append(_("…and {n} more (/reading).").format(n=len(readings) - NUDGE_BOOKS))
    return Rendered("\n".join(lines), markup(*rows))


def digest_window(tz: str, at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The seven local days ending tonight at midnight, as aware datetimes in ``tz``."""
    zone = when.zone(tz)
    until = dt.datetime.combine(local_today(tz, at) + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return until - dt.timedelta(days=7), until


def digest_text(summary: reminders.Digest, tz: str, at: dt.datetime, *, suffix: str = "") -> str:
    today = local_today(tz, at)
    n = formats.number
    lines = [
        _("🗓 <b>Your week in books</b>") + suffix,
        _("Books added: {n}").format(n=n(summary.books_added)),
        _("Books finished: {n}").format(n=n(summary.books_finished)),
        _("Pages read: {n}").format(n=n(summary.pages_read)),
    ]
    if summary.loans_due:
        lines.append(_("Loans due: {n}").format(n=n(len(summary.loans_due))))
        for loan in summary.loans_due[:10]:
            lines.append(f"• {italic(loan.title)} — {esc(loan.borrower)}, {loan_status(loan.due_on, today)}")
    else:
        lines.append(_("Loans due: none"))
    return "\n".join(lines)


def digest_for(session: Session, user_id: int, tz: str, at: dt.datetime) -> reminders.Digest:
    ids = [library.id for library in libraries.user_libraries(session, user_id)]
    since, until = digest_window(tz, at)
    return reminders.digest(session, user_id, ids, since, until)


# --------------------------------------------------------------------------- sending


def _in_db(application: Application, fn: Callable[[Session], object]):
    factory: sessionmaker[Session] = application.bot_data[SESSION_FACTORY]
    return in_thread(factory, fn)


def _backup_dump(session: Session, claimed: ClaimedReminder) -> bytes | None:
    try:
        from librium.services import exporting
    except ImportError:  # no exporter in this build: say so instead
        return None
    library_id = claimed.library_id
    if library_id is None:
        user = session.get(db.User, claimed.user_id)
        library_id = libraries.personal_library(session, user).id
    return exporting.export_json(session, library_id)


async def send_reminder(application: Application, claimed: ClaimedReminder, at: dt.datetime) -> None:
    """Render and send one claimed reminder, in its chat's language; raise RecipientGone when the chat
    is unreachable."""
    language = await _in_db(
        application, lambda s: languages.chat_language(s, claimed.user_id, claimed.chat_id)
    )
    try:
        with i18n.speaking(language):
            await _deliver(application, claimed, at)
    except Forbidden as error:
        gone = error
    except BadRequest as error:
        if not any(phrase in str(error).lower() for phrase in GONE_PHRASES):
            raise
        gone = error
    else:
        return
    # The user will be marked blocked: forget who was seen talking, so their next message resumes them.
    application.bot_data.get(ACTIVE_USERS, {}).clear()
    raise RecipientGone(str(gone)) from gone


async def _deliver(application: Application, claimed: ClaimedReminder, at: dt.datetime) -> None:
    bot = application.bot
    chat = claimed.chat_id
    kind = claimed.kind
    if kind in reminders.LOAN_KINDS and claimed.loan is not None:
        await bot.send_message(chat, loan_text(claimed, at), reply_markup=loan_keyboard(claimed.loan))
    elif kind == "nudge":
        rendered = await _in_db(
            application, lambda s: nudge_message(s, claimed.user_id, suffix=late(claimed))
        )
        await bot.send_message(chat, rendered.text, reply_markup=rendered.keyboard)
    elif kind == "digest":
        summary = await _in_db(application, lambda s: digest_for(s, claimed.user_id, claimed.timezone, at))
        await bot.send_message(chat, digest_text(summary, claimed.timezone, at, suffix=late(claimed)))
    elif kind == "backup":
        dump = await _in_db(application, lambda s: _backup_dump(s, claimed))
        if dump is None:
            await bot.send_message(chat, _("💾 Weekly backups are coming soon.") + late(claimed))
        else:
            day = local_today(claimed.timezone, at).isoformat()
            await bot.send_document(
                chat,
                dump,
                filename=f"librium-backup-{day}.json",
                caption=_("💾 Your weekly backup{late}. Keep it somewhere safe.").format(late=late(claimed)),
            )
    else:
        await bot.send_message(
            chat, _("⏰ Reminder: {text}{late}").format(text=esc(claimed.text), late=late(claimed))
        )
