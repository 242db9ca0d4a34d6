"""Reminders through the real Application: commands, buttons and the sweep job, on a controlled clock.

The job is not scheduled here (``reminder_interval=None``); each test calls ``jobs.run_sweep`` with
an explicit time, so nothing sleeps and nothing fires behind the test's back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest

from bot.console.fake_api import Call, FakeBotApi
from bot.console.fake_updates import Chat
from bot.runtime import jobs
from bot.runtime.app import build_application
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import session_scope
from librium.services import books, libraries, loans, reading, reminders
from tests.bot.adding_helpers import last_card
from tests.bot.harness import ADA, ADA_CHAT, BOB, BotHarness, last_text

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    """An aware UTC instant from "2026-12-20 10:00"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def make_rbot(session_factory, settings):
    """``await make_rbot(clock)``: a started bot without the repeating job, reading ``clock``."""
    started = []

    async def make(clock: Clock) -> BotHarness:
        api = FakeBotApi()
        app = build_application(
            settings, session_factory, request=api, rate_limit=False, reminder_interval=None
        )
        await app.initialize()
        app.bot_data[jobs.CLOCK] = clock
        await app.start()
        started.append(app)
        return BotHarness(app, api)

    yield make
    for app in started:
        if app.running:
            await app.stop()
        await app.shutdown()


async def sweep(bot: BotHarness, when: dt.datetime) -> tuple[reminders.SweepResult, list[Call]]:
    before = len(bot.api.calls)
    result = await jobs.run_sweep(bot.application, when)
    sent = [c for c in bot.api.calls[before:] if c.method in ("sendMessage", "sendDocument")]
    return result, sent


def user_row(session_factory, telegram_id: int):
    with session_scope(session_factory) as session:
        user = session.query(db.User).filter_by(telegram_id=telegram_id).one()
        session.expunge(user)
        return user


def pending(session_factory, telegram_id: int) -> list[reminders.ReminderInfo]:
    with session_scope(session_factory) as session:
        user = session.query(db.User).filter_by(telegram_id=telegram_id).one()
        return reminders.list_reminders(session, user.id)


# --------------------------------------------------------------------------- /remind and the sweep


async def test_remind_reads_the_users_zone_and_fires_once_at_due_time(make_rbot):
    clock = Clock(at("2026-12-20 10:00"))  # a Sunday
    bot = await make_rbot(clock)
    assert "Europe/Berlin" in last_text(await bot.send("/timezone Europe/Berlin"))

    reply = last_text(await bot.send("/remind friday 18:00 buy Dune"))
    assert "I'll remind you Fri 25 Dec, 18:00: buy Dune" in reply
    [info] = pending(bot.application.bot_data["session_factory"], ADA.id)
    assert info.due_at == at("2026-12-25 17:00")  # 18:00 in Berlin (CET) is 17:00 UTC

    result, sent = await sweep(bot, at("2026-12-25 16:59:59"))
    assert (result.claimed, sent) == (0, [])

    result, sent = await sweep(bot, at("2026-12-25 17:00"))
    assert result.sent == 1
    assert [(c.params["chat_id"], c.text) for c in sent] == [(ADA.id, "⏰ Reminder: buy Dune")]

    result, sent = await sweep(bot, at("2026-12-25 17:05"))
    assert (result.claimed, sent) == (0, [])


async def test_remind_me_in_words_with_the_time_last(make_rbot):
    bot = await make_rbot(Clock(at("2026-12-20 10:00")))  # a Sunday, UTC
    reply = last_text(await bot.send("Remind me to return Dune to Alice on friday at 18:00"))
    assert "I'll remind you Fri 25 Dec, 18:00: return Dune to Alice" in reply
    assert "I'll remind you" in last_text(await bot.send("/remind call mum in 2 hours"))
    factory = bot.application.bot_data["session_factory"]
    assert sorted((i.text, i.due_at) for i in pending(factory, ADA.id)) == [
        ("call mum", at("2026-12-20 12:00")),
        ("return Dune to Alice", at("2026-12-25 18:00")),
    ]
    assert "tomorrow 9:00" in last_text(await bot.send("remind me"))
    assert "when and what" in last_text(await bot.send("remind me to buy milk"))


async def test_remind_errors_show_examples(make_rbot):
    bot = await make_rbot(Clock(at("2026-12-20 10:00")))
    assert "tomorrow 9:00" in last_text(await bot.send("/remind"))
    text = last_text(await bot.send("/remind someday buy milk"))
    assert "in 2 hours" in text  # the examples
    text = last_text(await bot.send("/remind tomorrow 9:00"))
    assert "What should I remind you about?" in text
    assert pending(bot.application.bot_data["session_factory"], ADA.id) == []


async def test_restart_with_an_overdue_reminder_sends_it_once_late(make_rbot):
    clock = Clock(at("2026-12-20 10:00"))
    first = await make_rbot(clock)
    await first.send("/remind in 1 hour water the plants")
    await first.application.stop()
    await first.application.shutdown()

    # The bot was down while it fell due; a new process sweeps three hours later.
    clock.now = at("2026-12-20 14:00")
    second = await make_rbot(clock)
    result, sent = await sweep(second, clock.now)
    assert result.sent == 1
    assert [c.text for c in sent] == ["⏰ Reminder: water the plants (late)"]
    _, sent = await sweep(second, at("2026-12-20 14:01"))
    assert sent == []


async def test_a_failed_send_is_retried_later(make_rbot):
    bot = await make_rbot(Clock(at("2026-12-20 10:00")))
    await bot.send("/remind in 10 minutes call Alice")

    bot.api.fail_next("sendMessage", 502, "Bad Gateway")
    result, sent = await sweep(bot, at("2026-12-20 10:10"))
    assert (result.retried, sent) == (1, [])

    _, sent = await sweep(bot, at("2026-12-20 10:10:30"))  # back-off: not before a minute
    assert sent == []
    result, sent = await sweep(bot, at("2026-12-20 10:11"))
    assert result.sent == 1
    assert [c.text for c in sent] == ["⏰ Reminder: call Alice"]
    _, sent = await sweep(bot, at("2026-12-20 11:00"))
    assert sent == []


async def test_a_user_who_blocked_the_bot_gets_nothing_more_until_they_come_back(make_rbot, session_factory):
    clock = Clock(at("2026-12-20 10:00"))
    bot = await make_rbot(clock)
    await bot.send("/remind in 1 hour one")
    await bot.send("/remind in 2 hours two")
    await bot.send("/nudge 21:30")
    await bot.send("/remind in 1 hour for Bob", BOB)

    bot.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    result, sent = await sweep(bot, at("2026-12-20 11:00"))
    assert result.gone == 1
    assert [(c.params["chat_id"], c.text) for c in sent] == [(BOB.id, "⏰ Reminder: for Bob")]
    assert user_row(session_factory, ADA.id).blocked_at == at("2026-12-20 11:00")
    assert pending(session_factory, ADA.id) == []  # the other reminder and the nudge: cancelled

    for day in range(3):
        _, sent = await sweep(bot, at("2026-12-20 23:00") + dt.timedelta(days=day))
        assert sent == []

    # Ada writes again: no longer blocked, her daily nudge is back (one-off reminders stay cancelled).
    clock.now = at("2026-12-24 08:00")
    await bot.send("hello")
    assert user_row(session_factory, ADA.id).blocked_at is None
    assert [r.kind for r in pending(session_factory, ADA.id)] == ["nudge"]


async def test_two_bots_sweeping_at_once_send_each_reminder_once(make_rbot):
    clock = Clock(at("2026-12-20 10:00"))
    one = await make_rbot(clock)
    two = await make_rbot(clock)
    for n in range(6):
        await one.send(f"/remind in {n + 1} minutes note {n}")
    due = at("2026-12-20 10:30")
    results = await asyncio.gather(jobs.run_sweep(one.application, due), jobs.run_sweep(two.application, due))
    assert sum(r.sent for r in results) == 6
    texts = [
        c.text for bot in (one, two) for c in bot.api.of("sendMessage") if c.text.startswith("⏰ Reminder")
    ]
    assert sorted(texts) == [f"⏰ Reminder: note {n} (late)" for n in range(6)]  # each once, late
    assert jobs.worker_id(one.application) != jobs.worker_id(two.application)


# --------------------------------------------------------------------------- /reminders


async def test_reminders_lists_and_deletes_with_the_button(make_rbot, session_factory):
    bot = await make_rbot(Clock(at("2026-12-20 10:00")))
    await bot.send("/remind tomorrow 9:00 first thing")
    await bot.send("/remind tomorrow 10:00 second thing")
    [listing] = [c for c in await bot.send("/reminders") if c.method == "sendMessage"]
    assert "1. Mon 21 Dec, 09:00 — first thing" in listing.text
    assert "2. Mon 21 Dec, 10:00 — second thing" in listing.text
    assert listing.button_texts() == ["🗑 1", "🗑 2"]

    calls = await bot.tap(listing, "🗑 1")
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert "first thing" not in edit.text and "1. Mon 21 Dec, 10:00 — second thing" in edit.text
    assert [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"] == ["Deleted."]

    # The same button again: already gone, answered clearly.
    calls = await bot.tap(listing, "🗑 1")
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "not" in calls[0].params["text"]

    _, sent = await sweep(bot, at("2026-12-21 11:00"))
    assert [c.text for c in sent] == ["⏰ Reminder: second thing (late)"]
    assert "No reminders waiting" in last_text(await bot.send("/reminders"))


async def test_someone_else_cannot_delete_my_reminder(make_rbot, session_factory):
    bot = await make_rbot(Clock(at("2026-12-20 10:00")))
    await bot.send("/remind tomorrow 9:00 mine")
    [listing] = [c for c in await bot.send("/reminders") if c.method == "sendMessage"]
    calls = await bot.tap(listing, "🗑 1", person=BOB)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert [r.text for r in pending(session_factory, ADA.id)] == ["mine"]


# --------------------------------------------------------------------------- /nudge, DST and progress buttons


def add_reading_book(session_factory, telegram_id: int, title: str, pages: int | None) -> tuple[int, int]:
    with session_scope(session_factory) as session:
        user = libraries.ensure_user(session, telegram_id, "Reader", None)
        library = libraries.personal_library(session, user)
        book = books.add_book(session, library.id, books.BookInput(title=title, pages=pages)).book
        reading.start_reading(session, library.id, book.id, user_id=user.id, started_on=dt.date(2027, 3, 1))
        return library.id, book.id


async def test_nudge_keeps_its_local_time_across_the_dst_change(make_rbot, session_factory):
    clock = Clock(at("2027-03-26 12:00"))  # Friday; Berlin moves to summer time on Sunday 28 March
    bot = await make_rbot(clock)
    await bot.send("/timezone Europe/Berlin")
    reply = last_text(await bot.send("/nudge 21:30"))
    assert "Every day at 21:30 (Europe/Berlin)" in reply and "Next: Fri 26 Mar, 21:30" in reply

    fired = []
    for day, utc_time in (("2027-03-26", "20:30"), ("2027-03-27", "20:30"), ("2027-03-28", "19:30")):
        due = at(f"{day} {utc_time}")
        _, sent = await sweep(bot, due - dt.timedelta(seconds=1))
        assert sent == [], f"fired early on {day}"
        _, sent = await sweep(bot, due)
        assert len(sent) == 1 and sent[0].text.startswith("📖 Reading time!"), day
        fired.append(due.astimezone(dt.timezone(dt.timedelta(hours=1 if day < "2027-03-28" else 2))))
    assert {f.strftime("%H:%M") for f in fired} == {"21:30"}
    [nudge] = pending(session_factory, ADA.id)
    assert nudge.due_at == at("2027-03-29 19:30") and nudge.local_time == "21:30"

    assert "No daily reading nudge" in last_text(await bot.send("/nudge off"))
    assert pending(session_factory, ADA.id) == []


async def test_changing_the_zone_keeps_the_nudge_at_its_local_time(make_rbot, session_factory):
    bot = await make_rbot(Clock(at("2026-12-20 10:00")))
    await bot.send("/nudge 21:30")
    assert pending(session_factory, ADA.id)[0].due_at == at("2026-12-20 21:30")
    reply = last_text(await bot.send("/timezone Asia/Tokyo"))
    assert "Asia/Tokyo" in reply and "stays at 21:30" in reply
    [nudge] = pending(session_factory, ADA.id)
    assert nudge.due_at == at("2026-12-20 12:30")  # 21:30 in Tokyo (UTC+9)


async def test_nudge_shows_current_books_with_progress_buttons(make_rbot, session_factory):
    clock = Clock(at("2027-03-10 08:00"))
    bot = await make_rbot(clock)
    await bot.send("/nudge 20:00")
    library_id, book_id = add_reading_book(session_factory, ADA.id, "Dune", 400)
    _, [message] = await sweep(bot, at("2027-03-10 20:00"))
    assert "Dune" in message.text
    assert message.button_texts() == ["+10 · Dune", "+25", "✓ Finished"]

    calls = await bot.tap(message, "+10")
    assert [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"] == ["Page 10 of 400"]
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert "p. 10/400 (2%)" in edit.text
    calls = await bot.tap(edit, "+25")
    assert "Page 35 of 400" in [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"]

    # Bob taps Ada's button: Ada's library is not his.
    calls = await bot.tap(edit, "+10", person=BOB)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "not in your library" in calls[0].params["text"]

    calls = await bot.tap(edit, "Finished")
    assert any("Finished Dune" in (c.params.get("text") or "") for c in calls)
    with session_scope(session_factory) as session:
        [view] = reading.list_readings(session, library_id, book_id)
        assert view.finished_on == dt.date(2027, 3, 10) and view.pages_read == 400
        assert reading.current_readings(session, library_id) == []


# --------------------------------------------------------------------------- loans


def lend(session_factory, telegram_id: int, title: str, lent_on: dt.date, due_on: dt.date, now: dt.datetime):
    with session_scope(session_factory) as session:
        user = libraries.ensure_user(session, telegram_id, "Reader", None)
        library = libraries.personal_library(session, user)
        book = books.add_book(session, library.id, books.BookInput(title=title)).book
        loan = loans.lend(session, library.id, book.id, "Alice", lent_on, due_on)
        reminders.schedule_loan_reminders(session, loan.id, user, telegram_id, now=now)
        return library.id, book.id, loan.id


def loan_row(session_factory, loan_id: int):
    with session_scope(session_factory) as session:
        loan = session.get(db.Loan, loan_id)
        return loan.due_on, loan.returned_on


async def test_loan_due_extend_overdue_and_returned(make_rbot, session_factory):
    clock = Clock(at("2026-12-01 12:00"))
    bot = await make_rbot(clock)
    await bot.send("/start")
    _, _, loan_id = lend(
        session_factory, ADA.id, "Dune", dt.date(2026, 12, 1), dt.date(2026, 12, 22), clock.now
    )

    _, sent = await sweep(bot, at("2026-12-22 08:59"))
    assert sent == []
    _, [due] = await sweep(bot, at("2026-12-22 09:00"))
    assert due.text == "📚 Alice has had <i>Dune</i> for 3 weeks — due today"
    assert due.button_texts() == ["✅ Returned", "⏳ Extend a week"]

    clock.now = at("2026-12-22 09:05")
    calls = await bot.tap(due, "Extend")
    assert "Now due Tue 29 Dec." in [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"]
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert (
        edit.text == "📚 Alice has <i>Dune</i> — ⏳ extended: now due Tue 29 Dec."
        and edit.button_texts() == ["✅ Returned"]
    )
    assert loan_row(session_factory, loan_id) == (dt.date(2026, 12, 29), None)

    _, sent = await sweep(bot, at("2026-12-28 09:00"))
    assert sent == []
    _, [again] = await sweep(bot, at("2026-12-29 09:00"))
    assert again.text.endswith("— due today")
    # Not returned: nudged again a week later, overdue.
    _, sent = await sweep(bot, at("2027-01-04 09:00"))
    assert sent == []
    _, [overdue] = await sweep(bot, at("2027-01-05 09:00"))
    assert overdue.text == "📚 Alice has had <i>Dune</i> for 5 weeks — 7 days overdue (due Tue 29 Dec)"
    assert overdue.button_texts() == ["✅ Returned", "⏳ Extend a week"]

    clock.now = at("2027-01-05 10:00")
    calls = await bot.tap(overdue, "Returned")
    assert "Welcome back!" in [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"]
    assert [c.text for c in calls if c.method == "editMessageText"] == ["✅ <i>Dune</i> is back from Alice."]
    assert loan_row(session_factory, loan_id) == (dt.date(2026, 12, 29), dt.date(2027, 1, 5))
    for week in range(1, 4):
        _, sent = await sweep(bot, at("2027-01-05 09:00") + dt.timedelta(weeks=week))
        assert sent == []
    # The old Returned button again: nothing breaks, nothing changes.
    calls = await bot.tap(due, "Returned")
    assert [c.method for c in calls if c.method == "answerCallbackQuery"]
    assert loan_row(session_factory, loan_id) == (dt.date(2026, 12, 29), dt.date(2027, 1, 5))


async def test_lending_from_the_card_schedules_the_reminder_and_returning_cancels_it(
    make_rbot, session_factory
):
    # The card's Lend/Return buttons use the real date (not the test clock), so times here follow it.
    today = dt.datetime.now(UTC).date()
    bot = await make_rbot(Clock(at(f"{today} 00:00")))
    card = last_card(await bot.send("Dune by Frank Herbert"))
    await bot.tap(card, "🤝 Lend")
    card = last_card(await bot.send("Alice in 3 weeks"))
    due_on = today + dt.timedelta(weeks=3)
    [info] = pending(session_factory, ADA.id)
    assert (info.kind, info.due_at) == ("loan_due", dt.datetime.combine(due_on, dt.time(9), tzinfo=UTC))

    _, [message] = await sweep(bot, info.due_at)
    assert message.text == "📚 Alice has had <i>Dune</i> for 3 weeks — due today"
    [overdue] = pending(session_factory, ADA.id)
    assert overdue.kind == "loan_overdue" and overdue.due_at == info.due_at + dt.timedelta(weeks=1)

    await bot.tap(card, "↩ Returned")
    assert pending(session_factory, ADA.id) == []
    _, sent = await sweep(bot, overdue.due_at)
    assert sent == []


async def test_loan_buttons_of_another_library_are_not_found(make_rbot, session_factory):
    clock = Clock(at("2026-12-01 12:00"))
    bot = await make_rbot(clock)
    await bot.send("/start")
    await bot.send("/start", BOB)
    _, _, loan_id = lend(
        session_factory, ADA.id, "Dune", dt.date(2026, 12, 1), dt.date(2026, 12, 8), clock.now
    )
    _, [due] = await sweep(bot, at("2026-12-08 09:00"))
    for label in ("Returned", "Extend"):
        calls = await bot.tap(due, label, person=BOB)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert "not in your library" in calls[0].params["text"]
    assert loan_row(session_factory, loan_id) == (dt.date(2026, 12, 8), None)


# --------------------------------------------------------------------------- digest and backup


async def test_weekly_digest_numbers_come_from_the_service(make_rbot, session_factory):
    now = dt.datetime.now(UTC).replace(microsecond=0)  # books get real created_at timestamps
    clock = Clock(now)
    bot = await make_rbot(clock)
    assert "Weekly digest on" in last_text(await bot.send("/digest on"))
    today = now.date()
    with session_scope(session_factory) as session:
        user = libraries.ensure_user(session, ADA.id, "Ada", None)
        library = libraries.personal_library(session, user)
        ids = [books.add_book(session, library.id, books.BookInput(title=t, pages=p)).book.id
               for t, p in (("Dune", 412), ("Emma", 300), ("Ulysses", None))]  # fmt: skip
        reading.start_reading(session, library.id, ids[0], user_id=user.id, started_on=today)
        reading.finish_reading(session, library.id, ids[0], user_id=user.id, today=today)
        loans.lend(session, library.id, ids[1], "Bob", today, today + dt.timedelta(days=2))
        library_ids = [library.id]
        user_id = user.id
    [digest] = pending(session_factory, ADA.id)
    assert digest.kind == "digest" and digest.due_local.strftime("%a %H:%M") == "Sun 18:00"

    _, [message] = await sweep(bot, digest.due_at)
    with session_scope(session_factory) as session:
        since, until = jobs.digest_window("UTC", digest.due_at)
        expected = reminders.digest(session, user_id, library_ids, since, until)
    assert (expected.books_added, expected.books_finished, expected.pages_read) == (3, 1, 412)
    assert [loan.title for loan in expected.loans_due] == ["Emma"]
    assert f"Books added: {expected.books_added}" in message.text
    assert f"Books finished: {expected.books_finished}" in message.text
    assert f"Pages read: {expected.pages_read}" in message.text
    assert "Loans due: 1" in message.text and "Emma" in message.text
    # The next one is a week later, still Sunday 18:00.
    [following] = pending(session_factory, ADA.id)
    assert following.due_at == digest.due_at + dt.timedelta(days=7)
    assert "Weekly digest off" in last_text(await bot.send("/digest off"))
    assert pending(session_factory, ADA.id) == []


async def test_weekly_backup_is_sent_as_a_json_document(make_rbot, session_factory):
    clock = Clock(at("2026-12-20 09:00"))
    bot = await make_rbot(clock)
    await bot.send("/start")
    with session_scope(session_factory) as session:
        user = libraries.ensure_user(session, ADA.id, "Ada", None)
        books.add_book(session, libraries.personal_library(session, user).id, books.BookInput(title="Dune"))
        reminders.set_weekly_backup(session, user, ADA.id, True, now=clock.now)
    _, [document] = await sweep(bot, at("2026-12-20 10:00"))
    assert document.method == "sendDocument" and "weekly backup" in document.text
    [content] = document.files.values()
    assert b'"librium-dump"' in content and b"Dune" in content


# --------------------------------------------------------------------------- /timezone


async def test_timezone_command_buttons_and_location(make_rbot, session_factory):
    bot = await make_rbot(Clock(at("2026-12-20 10:00")))
    [shown] = [c for c in await bot.send("/timezone") if c.method == "sendMessage"]
    assert "Your time zone is <b>UTC</b>" in shown.text and "Berlin" in shown.button_texts()
    calls = await bot.tap(shown, "Tokyo")
    assert "Asia/Tokyo" in last_text(calls)
    assert user_row(session_factory, ADA.id).timezone == "Asia/Tokyo"

    assert "America/New_York" in last_text(await bot.send("/timezone new york"))
    assert "not a time zone" in last_text(await bot.send("/timezone Mars/Olympus"))
    assert user_row(session_factory, ADA.id).timezone == "America/New_York"

    update = bot.updates.message(ADA, ADA_CHAT, location={"latitude": 48.14, "longitude": 11.58})  # Munich
    reply = last_text(await bot.process(update))
    assert "Europe/Berlin" in reply and "Munich" in reply
    assert user_row(session_factory, ADA.id).timezone == "Europe/Berlin"


# --------------------------------------------------------------------------- forged buttons


@pytest.mark.parametrize(
    "data",
    ["rm:999999", "rm:x", "rm", "rl:999999:r:999999:999999", "rl:1:x", "rl:1:z", "rl:1:r", "rp:1:1:10",
     "rp:1:1:99", "rp:x:y:f", "tz:999", "tz:-1", "tz",
     "rm:99999999999999", "rl:99999999999:r:99999999999:1", "rl:99999999999:x", "rp:99999999999:1:f"],
)  # fmt: skip
async def test_forged_callback_data_gets_a_clear_answer(make_rbot, caplog, data):
    bot = await make_rbot(Clock(at("2026-12-20 10:00")))
    [sent] = [c for c in await bot.send("/timezone") if c.method == "sendMessage"]
    with caplog.at_level(logging.ERROR):
        calls = await bot.callback(sent, data)
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 1 and answers[0].params.get("text")
    assert [c.method for c in calls if c.method != "answerCallbackQuery"] == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_the_default_application_schedules_the_sweep(make_bot):
    bot = await make_bot()
    [job] = bot.application.job_queue.get_jobs_by_name(jobs.JOB_NAME)
    assert job.job.trigger.interval == dt.timedelta(seconds=jobs.SWEEP_INTERVAL)


async def test_group_reminders_go_to_the_group(make_rbot):
    bot = await make_rbot(Clock(at("2026-12-20 10:00")))
    group = Chat(id=-1001, type="supergroup", title="Book club")
    await bot.send("/remind in 5 minutes meeting", ADA, group)
    _, sent = await sweep(bot, at("2026-12-20 10:05"))
    assert [(c.params["chat_id"], c.text) for c in sent] == [(-1001, "⏰ Reminder: meeting")]
