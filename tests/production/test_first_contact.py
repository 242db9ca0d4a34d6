"""A new user's first messages arriving at the same moment are all answered (no apology)."""

from __future__ import annotations

import pytest

from bot.runtime.errors import APOLOGY

NEWCOMERS = [9101, 9102, 9103, 9104]


@pytest.mark.slow
@pytest.mark.parametrize("fresh_db_url", ["sqlite", "postgresql"], indirect=True)
def test_simultaneous_first_messages(migrated_fresh_url, fake_api, start_bot):
    bot = start_bot(migrated_fresh_url)
    fake_api.send_text(1, "/help")  # the bot is polling before the burst arrives
    fake_api.wait_replies(1, 1, timeout=30)
    for round_ in range(3):
        for user in NEWCOMERS:
            fake_api.send_text(user, f"Volume {round_} by Jo Walton")
    for user in NEWCOMERS:
        replies = fake_api.wait_replies(user, 3, timeout=30)
        assert all(APOLOGY not in r.text for r in replies), [r.text for r in replies]
    assert bot.terminate() == 0
