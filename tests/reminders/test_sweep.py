"""Claiming and sending through real, committing sessions on SQLite and PostgreSQL (controlled clock)."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import threading

import pytest
from sqlalchemy import select, text

from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import session_scope
from librium.services import reminders
from librium.services.reminders import ClaimedReminder, RecipientGone

from .conftest import add_loan

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)


class Outbox:
    """A transport double: records every send (the code under test is ours; this is the network)."""

    def __init__(self, fail: dict[int, list[BaseException]] | None = None):
        self.sent: list[ClaimedReminder] = []
        self.calls: collections.Counter[int] = collections.Counter()
        self.fail = fail or {}
        self.lock = threading.Lock()

    async def __call__(self, reminder: ClaimedReminder) -> None:
        with self.lock:
            self.calls[reminder.id] += 1
            errors = self.fail.get(reminder.id)
            if errors:
                raise errors.pop(0)
            self.sent.append(reminder)

    @property
    def ids(self) -> list[int]:
        return [r.id for r in self.sent]


def create(factory, person, due_at, what="ping") -> int:
    with session_scope(factory) as s:
        user = s.get(db.User, person.user_id)
        return reminders.create_reminder(s, user, person.telegram_id, due_at, what).id


def row(factory, reminder_id) -> db.Reminder:
    with factory() as s:
        return s.get(db.Reminder, reminder_id)


def open_rows(factory, user_id, kind=None) -> list[db.Reminder]:
    with factory() as s:
        query = select(db.Reminder).where(
            db.Reminder.user_id == user_id, db.Reminder.state.in_(("pending", "sending"))
        )
        if kind:
            query = query.where(db.Reminder.kind == kind)
        return list(s.scalars(query.order_by(db.Reminder.due_at)))


# --------------------------------------------------------------------------- restart, retry, blocked


async def test_restart_sends_overdue_reminders_once_flagged_late(session_factory, make_person):
    ada = make_person()
    two_days = create(session_factory, ada, NOW - dt.timedelta(days=2), "old")
    an_hour = create(session_factory, ada, NOW - dt.timedelta(hours=1), "recent")
    just_now = create(session_factory, ada, NOW - 2 * MIN, "on time")
    future = create(session_factory, ada, NOW + dt.timedelta(hours=1), "later")
    outbox = Outbox()

    result = await reminders.sweep(session_factory, NOW, "w1", outbox)
    assert result == reminders.SweepResult(claimed=3, sent=3)
    assert outbox.ids == [two_days, an_hour, just_now]  # oldest first
    assert [r.late for r in outbox.sent] == [True, True, False]
    assert outbox.sent[0].text == "old" and outbox.sent[0].timezone == "Europe/Berlin"
    for rid in (two_days, an_hour, just_now):
        sent = row(session_factory, rid)
        assert (sent.state, sent.sent_at, sent.claimed_by) == ("sent", NOW, "w1")

    again = await reminders.sweep(session_factory, NOW + MIN, "w2", outbox)
    assert again.claimed == 0 and outbox.calls[two_days] == 1
    assert row(session_factory, future).state == "pending"


async def test_a_send_that_fails_then_succeeds(session_factory, make_person):
    ada = make_person()
    rid = create(session_factory, ada, NOW)
    outbox = Outbox(fail={rid: [TimeoutError("telegram timed out")]})

    first = await reminders.sweep(session_factory, NOW, "w1", outbox)
    assert (first.claimed, first.retried, first.sent) == (1, 1, 0)
    waiting = row(session_factory, rid)
    assert (waiting.state, waiting.attempts, waiting.due_at) == ("pending", 1, NOW + MIN)
    assert waiting.last_error == "TimeoutError: telegram timed out" and waiting.claimed_by is None

    too_soon = await reminders.sweep(session_factory, NOW + dt.timedelta(seconds=30), "w1", outbox)
    assert too_soon.claimed == 0
    second = await reminders.sweep(session_factory, NOW + MIN, "w1", outbox)
    assert (second.claimed, second.sent) == (1, 1)
    assert outbox.calls[rid] == 2 and outbox.ids == [rid]
    done = row(session_factory, rid)
    assert (done.state, done.sent_at, done.attempts) == ("sent", NOW + MIN, 1)
    assert (await reminders.sweep(session_factory, NOW + dt.timedelta(days=1), "w1", outbox)).claimed == 0


async def test_back_off_then_give_up(session_factory, make_person):
    ada = make_person()
    rid = create(session_factory, ada, NOW)
    outbox = Outbox(fail={rid: [ConnectionError("down")] * 10})
    clock, waits = NOW, []
    for _ in range(reminders.MAX_ATTEMPTS):
        result = await reminders.sweep(session_factory, clock, "w1", outbox)
        assert result.claimed == 1
        current = row(session_factory, rid)
        if current.state == "failed":
            break
        waits.append(current.due_at - clock)
        clock = current.due_at
    assert waits == list(reminders.BACKOFF)
    assert result.failed == 1
    assert (current.state, current.attempts) == ("failed", reminders.MAX_ATTEMPTS)
    assert outbox.calls[rid] == reminders.MAX_ATTEMPTS and outbox.sent == []
    later = await reminders.sweep(session_factory, clock + dt.timedelta(days=30), "w1", outbox)
    assert later.claimed == 0


async def test_blocked_user_stops_getting_reminders(session_factory, make_person):
    ada, bob = make_person(), make_person(name="Bob")
    adas = [create(session_factory, ada, NOW - n * MIN, f"ada {n}") for n in (3, 2, 1)]
    later = create(session_factory, ada, NOW + dt.timedelta(days=1), "ada tomorrow")
    with session_scope(session_factory) as s:
        reminders.set_nudge(s, s.get(db.User, ada.user_id), ada.telegram_id, "21:30", now=NOW)
    bobs = create(session_factory, bob, NOW - MIN, "bob")
    outbox = Outbox(fail={adas[0]: [RecipientGone("Forbidden: bot was blocked by the user")]})

    result = await reminders.sweep(session_factory, NOW, "w1", outbox)
    assert (result.gone, result.sent, result.skipped) == (1, 1, 2)  # Ada's other two are not attempted
    assert outbox.ids == [bobs] and outbox.calls[adas[0]] == 1
    with session_factory() as s:
        assert s.get(db.User, ada.user_id).blocked_at == NOW
        assert s.get(db.User, bob.user_id).blocked_at is None
        states = {rid: s.get(db.Reminder, rid).state for rid in [*adas, later]}
    assert states == {adas[0]: "failed", adas[1]: "cancelled", adas[2]: "cancelled", later: "cancelled"}
    assert open_rows(session_factory, ada.user_id) == []  # the nudge too

    for day in range(1, 4):
        assert (
            await reminders.sweep(session_factory, NOW + dt.timedelta(days=day), "w1", outbox)
        ).claimed == 0

    # Ada unblocks and talks to the bot again: her nudge comes back.
    with session_scope(session_factory) as s:
        restored = reminders.resume_user(s, s.get(db.User, ada.user_id), now=NOW + dt.timedelta(days=4))
    assert [(r.kind, r.local_time) for r in restored] == [("nudge", "21:30")]


# --------------------------------------------------------------------------- recurring


async def test_daily_nudge_keeps_local_time_across_dst(session_factory, make_person):
    ada = make_person()  # Europe/Berlin; clocks go forward on Sunday 28 March 2027
    start = dt.datetime(2027, 3, 25, 12, 0, tzinfo=UTC)
    with session_scope(session_factory) as s:
        nudge = reminders.set_nudge(s, s.get(db.User, ada.user_id), ada.telegram_id, "09:00", now=start)
    outbox = Outbox()
    clock = nudge.due_at
    for _ in range(6):  # fire each occurrence exactly on time
        assert (await reminders.sweep(session_factory, clock, "w1", outbox)).sent == 1
        (clock,) = [r.due_at for r in open_rows(session_factory, ada.user_id, "nudge")]
    fired = [r.due_at for r in outbox.sent]
    assert [f.strftime("%m-%d %H:%M") for f in fired] == [
        "03-26 08:00", "03-27 08:00", "03-28 07:00", "03-29 07:00", "03-30 07:00", "03-31 07:00",
    ]  # fmt: skip
    assert all(not r.late and r.kind == "nudge" for r in outbox.sent)


async def test_autumn_change_and_missed_occurrences_are_skipped(session_factory, make_person):
    ada = make_person()  # Berlin leaves summer time on Sunday 25 October 2026
    with session_scope(session_factory) as s:
        nudge = reminders.set_nudge(s, s.get(db.User, ada.user_id), ada.telegram_id, "9:00", now=dt.datetime(
            2026, 10, 22, 12, 0, tzinfo=UTC))  # fmt: skip
    assert nudge.due_at == dt.datetime(2026, 10, 23, 7, 0, tzinfo=UTC)  # Friday 09:00 CEST
    outbox = Outbox()
    # The bot is down from Friday until Monday 15:00 UTC: one late nudge, then back on schedule.
    back = dt.datetime(2026, 10, 26, 15, 0, tzinfo=UTC)
    result = await reminders.sweep(session_factory, back, "w1", outbox)
    assert (result.claimed, result.sent) == (1, 1) and outbox.sent[0].late
    (upcoming,) = open_rows(session_factory, ada.user_id, "nudge")
    assert upcoming.due_at == dt.datetime(2026, 10, 27, 8, 0, tzinfo=UTC)  # Tuesday 09:00 CET
    assert (await reminders.sweep(session_factory, upcoming.due_at - MIN, "w1", outbox)).claimed == 0
    assert (await reminders.sweep(session_factory, upcoming.due_at, "w1", outbox)).sent == 1
    assert not outbox.sent[1].late


async def test_weekly_digest_advances_a_week(session_factory, make_person):
    ada = make_person(tz="America/New_York")  # US clocks go back on Sunday 1 November 2026
    with session_scope(session_factory) as s:
        digest = reminders.set_weekly_digest(s, s.get(db.User, ada.user_id), ada.telegram_id, True, now=NOW)
    assert digest.due_at == dt.datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    outbox = Outbox()
    assert (await reminders.sweep(session_factory, digest.due_at + MIN, "w1", outbox)).sent == 1
    (upcoming,) = open_rows(session_factory, ada.user_id, "digest")
    assert upcoming.due_at == dt.datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
    assert outbox.sent[0].kind == "digest" and outbox.sent[0].timezone == "America/New_York"


async def test_turning_a_nudge_off_while_it_is_being_sent_stops_the_series(session_factory, make_person):
    ada = make_person()
    with session_scope(session_factory) as s:
        nudge = reminders.set_nudge(s, s.get(db.User, ada.user_id), ada.telegram_id, "21:30", now=NOW)

    async def send_and_meanwhile_turn_off(reminder):
        with session_scope(session_factory) as s:
            reminders.set_nudge(s, s.get(db.User, ada.user_id), ada.telegram_id, None, now=NOW)

    result = await reminders.sweep(session_factory, nudge.due_at, "w1", send_and_meanwhile_turn_off)
    assert result.sent == 1
    assert open_rows(session_factory, ada.user_id) == []
    assert row(session_factory, nudge.id).state == "cancelled"


# --------------------------------------------------------------------------- loans


async def test_loan_due_then_weekly_overdue_until_returned(session_factory, make_person):
    ada = make_person()
    with session_scope(session_factory) as s:
        loan_id = add_loan(s, ada.library_id, title="Dune", borrower="Alice", due_on=dt.date(2026, 11, 30)).id
        reminders.schedule_loan_reminders(s, loan_id, s.get(db.User, ada.user_id), ada.telegram_id, now=NOW)
    outbox = Outbox()
    due_morning = dt.datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert (await reminders.sweep(session_factory, due_morning - MIN, "w1", outbox)).claimed == 0
    assert (await reminders.sweep(session_factory, due_morning, "w1", outbox)).sent == 1
    first = outbox.sent[0]
    assert (first.kind, first.loan_id, first.late) == ("loan_due", loan_id, False)
    assert first.loan.title == "Dune" and first.loan.borrower == "Alice"
    assert first.loan.due_on == dt.date(2026, 11, 30) and first.loan.library_id == ada.library_id

    (overdue,) = open_rows(session_factory, ada.user_id)
    assert (overdue.kind, overdue.due_at) == ("loan_overdue", dt.datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
    assert (await reminders.sweep(session_factory, overdue.due_at, "w1", outbox)).sent == 1
    (next_week,) = open_rows(session_factory, ada.user_id)
    assert next_week.due_at == dt.datetime(2026, 12, 14, 8, 0, tzinfo=UTC)

    # Returned: the loans side cancels the reminders.
    with session_scope(session_factory) as s:
        s.get(db.Loan, loan_id).returned_on = dt.date(2026, 12, 9)
        assert reminders.cancel_loan_reminders(s, loan_id, library_id=ada.library_id) == 1
    assert (await reminders.sweep(session_factory, next_week.due_at, "w1", outbox)).claimed == 0
    assert [r.kind for r in outbox.sent] == ["loan_due", "loan_overdue"]


async def test_returned_loan_reminder_is_dropped_not_sent(session_factory, make_person):
    ada = make_person()
    with session_scope(session_factory) as s:
        loan_id = add_loan(s, ada.library_id, due_on=dt.date(2026, 11, 30)).id
        info = reminders.schedule_loan_reminders(
            s, loan_id, s.get(db.User, ada.user_id), ada.telegram_id, now=NOW
        )
        s.get(db.Loan, loan_id).returned_on = dt.date(2026, 11, 28)  # returned without cancelling
    outbox = Outbox()
    result = await reminders.sweep(session_factory, info.due_at, "w1", outbox)
    assert result.claimed == 0 and outbox.sent == []
    assert row(session_factory, info.id).state == "cancelled"


# --------------------------------------------------------------------------- leases and concurrency


def test_a_dead_workers_claim_is_taken_over_after_the_lease(session_factory, make_person):
    ada = make_person()
    rid = create(session_factory, ada, NOW)
    (claimed,) = reminders.claim_due(session_factory, NOW, "crashed")
    assert claimed.id == rid and row(session_factory, rid).state == "sending"
    assert reminders.claim_due(session_factory, NOW + 4 * MIN, "w2") == []
    (taken,) = reminders.claim_due(session_factory, NOW + 6 * MIN, "w2")
    assert taken.id == rid and row(session_factory, rid).claimed_by == "w2"
    # The crashed worker wakes up: its mark is refused, the new owner's succeeds once.
    assert reminders.mark_sent(session_factory, rid, NOW + 7 * MIN, worker_id="crashed") is False
    assert reminders.mark_sent(session_factory, rid, NOW + 7 * MIN, worker_id="w2") is True
    assert reminders.mark_sent(session_factory, rid, NOW + 7 * MIN, worker_id="w2") is False
    assert reminders.mark_failed(session_factory, rid, NOW + 8 * MIN, "late error", worker_id="w2") == "stale"
    assert row(session_factory, rid).state == "sent"


def _seed(factory, people, count, now) -> list[int]:
    with session_scope(factory) as s:
        users = [s.get(db.User, p.user_id) for p in people]
        return [
            reminders.create_reminder(
                s, users[i % len(users)], people[i % len(people)].telegram_id, now - i * MIN, f"r{i}"
            ).id
            for i in range(count)
        ]


def test_two_sweepers_in_threads_send_each_reminder_exactly_once(session_factory, make_person):
    people = [make_person(name=f"P{i}") for i in range(4)]
    ids = _seed(session_factory, people, 150, NOW)
    outbox = Outbox()
    per_worker: dict[str, int] = {"a": 0, "b": 0}
    both_claimed = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        first = True

        async def send(reminder):
            nonlocal first
            if first:  # hold this worker's first batch until the other worker has claimed one too
                first = False
                await asyncio.to_thread(both_claimed.wait)
            await outbox(reminder)

        try:
            while True:
                result = asyncio.run(reminders.sweep(session_factory, NOW, name, send, limit=7))
                per_worker[name] += result.sent
                if result.claimed == 0:
                    break
        except BaseException as err:  # surfaced below
            errors.append(err)
            both_claimed.abort()

    threads = [threading.Thread(target=worker, args=(name,)) for name in per_worker]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sorted(outbox.ids) == sorted(ids)
    assert max(outbox.calls.values()) == 1 and len(outbox.calls) == 150
    assert per_worker["a"] > 0 and per_worker["b"] > 0 and sum(per_worker.values()) == 150
    with session_factory() as s:
        states = collections.Counter(s.scalars(select(db.Reminder.state)))
    assert states == {"sent": 150}


async def test_two_sweeper_tasks_on_one_loop_send_each_once(session_factory, make_person):
    people = [make_person(name=f"P{i}") for i in range(3)]
    ids = _seed(session_factory, people, 90, NOW)
    outbox = Outbox()

    async def run(name: str) -> int:
        total = 0
        while True:
            result = await reminders.sweep(session_factory, NOW, name, outbox, limit=5)
            total += result.sent
            if result.claimed == 0:
                return total

    totals = await asyncio.gather(run("a"), run("b"), run("c"))
    assert sum(totals) == 90
    assert sorted(outbox.ids) == sorted(ids) and set(outbox.calls.values()) == {1}


def test_postgres_claim_skips_rows_locked_by_another_worker(session_factory, make_person):
    with session_factory() as probe:
        if probe.get_bind().dialect.name != "postgresql":
            pytest.skip("SKIP LOCKED is PostgreSQL's")
    ada = make_person()
    ids = _seed(session_factory, [ada], 6, NOW)
    locked = sorted(ids)[:3]
    holder = session_factory()
    try:
        # Another worker is mid-claim: it holds row locks on three due rows.
        holder.execute(
            text("SELECT id FROM reminders WHERE id = ANY(:ids) FOR UPDATE"), {"ids": locked}
        ).all()
        done: list[list[ClaimedReminder]] = []
        t = threading.Thread(target=lambda: done.append(reminders.claim_due(session_factory, NOW, "w2")))
        t.start()
        t.join(timeout=30)
        assert not t.is_alive(), "claim_due waited for locked rows instead of skipping them"
        assert sorted(c.id for c in done[0]) == sorted(set(ids) - set(locked))
    finally:
        holder.rollback()
        holder.close()
    rest = reminders.claim_due(session_factory, NOW, "w3")
    assert sorted(c.id for c in rest) == locked


async def test_a_slow_sweep_hands_back_what_it_has_not_sent(session_factory, make_person):
    ada = make_person()
    ids = sorted(_seed(session_factory, [ada], 5, NOW), reverse=True)  # oldest (highest id) first
    clock = [0.0]
    outbox = Outbox()

    async def slow_send(reminder):
        await outbox(reminder)
        clock[0] += 100.0  # each send "takes" 100 s on the injected monotonic clock

    result = await reminders.sweep(
        session_factory, NOW, "w1", slow_send, budget=150.0, monotonic=lambda: clock[0]
    )
    assert (result.claimed, result.sent, result.released) == (5, 2, 3)
    assert outbox.ids == ids[:2]
    handed_back = [row(session_factory, rid) for rid in ids[2:]]
    assert {(r.state, r.claimed_by, r.attempts) for r in handed_back} == {("pending", None, 0)}
    # Another worker takes them at once, without waiting for a lease.
    assert sorted(c.id for c in reminders.claim_due(session_factory, NOW, "w2")) == sorted(ids[2:])


async def test_a_send_that_hangs_times_out_and_is_retried(session_factory, make_person):
    ada = make_person()
    rid = create(session_factory, ada, NOW)
    never = asyncio.Event()

    async def hanging_send(reminder):
        await never.wait()

    result = await reminders.sweep(session_factory, NOW, "w1", hanging_send, send_timeout=0)
    assert (result.claimed, result.retried) == (1, 1)
    waiting = row(session_factory, rid)
    assert (waiting.state, waiting.attempts, waiting.last_error) == ("pending", 1, "TimeoutError")
