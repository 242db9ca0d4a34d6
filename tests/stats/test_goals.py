"""Yearly reading goals: setting them and measuring progress against the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from librium.errors import Invalid
from librium.services import goals

D = dt.date


@pytest.fixture
def owner_id(library) -> int:
    return library.owner_id


def test_set_goal_creates_then_replaces(session, owner_id):
    assert goals.get_goal(session, owner_id, 2026) is None
    assert goals.set_goal(session, owner_id, 2026, 30) == goals.Goal(owner_id, 2026, 30)
    assert goals.set_goal(session, owner_id, 2026, "40").target == 40
    assert goals.get_goal(session, owner_id, 2026) == goals.Goal(owner_id, 2026, 40)
    assert goals.get_goal(session, owner_id, 2025) is None
    assert goals.clear_goal(session, owner_id, 2026) is True
    assert goals.clear_goal(session, owner_id, 2026) is False
    assert goals.goal_progress(session, owner_id, [1], 2026, D(2026, 5, 1)) is None


@pytest.mark.parametrize("target", [0, -3, "thirty", 10_001])
def test_bad_targets(session, owner_id, target):
    with pytest.raises(Invalid):
        goals.set_goal(session, owner_id, 2026, target)


def test_progress_ahead_and_behind(factory, session, library, owner_id):
    other_user = factory.user("Bob")
    other_lib = factory.library("Group")
    mine = [D(2026, 1, 5), D(2026, 2, 1), D(2026, 2, 20), D(2026, 3, 3)]
    for i, day in enumerate(mine):
        factory.book(library, f"Mine {i}", readings=[(None, day, False, owner_id)])
    # Counted: a reread in the group library, an imported reading without a reader.
    factory.book(other_lib, "Group book", readings=[(None, D(2026, 3, 10), False, owner_id)])
    factory.book(library, "Imported", readings=[(None, D(2026, 1, 20), False, None)])
    # Not counted: abandoned, unfinished, another reader, another year, a deleted book, an unlisted library.
    factory.book(library, "Abandoned", readings=[(None, D(2026, 2, 2), True, owner_id)])
    factory.book(library, "Unfinished", readings=[(D(2026, 2, 2), None, False, owner_id)])
    factory.book(library, "Bob's", readings=[(None, D(2026, 2, 2), False, other_user.id)])
    factory.book(library, "Last year", readings=[(None, D(2025, 12, 31), False, owner_id)])
    factory.book(library, "Gone", deleted=True, readings=[(None, D(2026, 2, 2), False, owner_id)])
    stranger = factory.library("Stranger")
    factory.book(stranger, "Not listed", readings=[(None, D(2026, 2, 2), False, owner_id)])

    goals.set_goal(session, owner_id, 2026, 30)
    read = len(mine) + 2
    libs = [library.id, other_lib.id]

    # 1 April 2026 is day 91 of 365: 30 * 91 // 365 = 7 books expected, 6 read: one behind.
    april = goals.goal_progress(session, owner_id, libs, 2026, D(2026, 4, 1))
    assert (april.read, april.target, april.days_elapsed) == (read, 30, 91)
    assert april.expected == 30 * 91 // 365
    assert april.ahead == read - april.expected == -1
    assert april.behind == 1 and april.remaining == 24 and not april.done
    assert april.summary() == "6 of 30, 1 behind schedule"

    # On 15 February (day 46) only 3 were expected: 3 ahead.
    feb = goals.goal_progress(session, owner_id, libs, 2026, D(2026, 2, 15))
    assert feb.expected == 30 * 46 // 365 == 3
    assert feb.ahead == 3 and feb.summary() == "6 of 30, 3 ahead of schedule"

    # Before the year starts nothing is expected; after it ends the whole target is.
    assert goals.goal_progress(session, owner_id, libs, 2026, D(2025, 12, 1)).expected == 0
    after = goals.goal_progress(session, owner_id, libs, 2026, D(2027, 1, 2))
    assert (after.expected, after.ahead) == (30, read - 30)

    assert goals.goal_progress(session, owner_id, [library.id], 2026, D(2026, 4, 1)).read == read - 1
    assert goals.books_read(session, owner_id, [], 2026) == 0


def test_goal_reached(factory, session, library, owner_id):
    for i in range(3):
        factory.book(library, f"B{i}", readings=[(None, D(2024, 2, 1 + i), False, owner_id)])
    goals.set_goal(session, owner_id, 2024, 2)
    progress = goals.goal_progress(session, owner_id, [library.id], 2024, D(2024, 3, 1))
    assert progress.days_in_year == 366
    assert progress.done and progress.fraction == 1.0 and progress.remaining == 0
    assert progress.summary() == "3 of 2, goal reached"
