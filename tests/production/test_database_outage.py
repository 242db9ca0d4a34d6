"""PostgreSQL goes away while the bot runs: users hear "try again in a moment"; it recovers by itself."""

from __future__ import annotations

import pytest
from alembic import command

from bot.runtime.errors import APOLOGY, DATABASE_DOWN
from librium.database.sqlalchemy.migrations import alembic_config

ADA = 5151


@pytest.mark.slow
def test_database_restart_is_survived(private_postgres, fake_api, start_bot):
    command.upgrade(alembic_config(private_postgres.url), "head")
    bot = start_bot(private_postgres.url)
    fake_api.send_text(ADA, "Solaris by Stanisław Lem")
    assert "Solaris" in fake_api.wait_replies(ADA, 1, timeout=30)[-1].text

    private_postgres.stop()
    fake_api.send_text(ADA, "solaris")
    down = fake_api.wait_replies(ADA, 2)[-1]
    assert down.text == DATABASE_DOWN
    _, callback_id = fake_api.tap(ADA, "b:1")
    answer = fake_api.wait_answer(callback_id)
    assert answer.params.get("text") == DATABASE_DOWN
    assert len(fake_api.replies_to(ADA)) == 2, "one answer per update, not one per failing handler"

    private_postgres.start()
    fake_api.send_text(ADA, "solaris")
    found = fake_api.wait_replies(ADA, 3)[-1]
    assert "Solaris" in found.text and found.text != DATABASE_DOWN
    assert all(APOLOGY not in c.text for c in fake_api.replies_to(ADA))
    assert bot.proc.poll() is None
    assert bot.terminate() == 0, bot.log()
