"""The Procfile path on a fresh PostgreSQL: release command, then the worker as a real process."""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import ROOT
from tests.production.conftest import command_line, process_env

ADA = 4242


@pytest.mark.slow
@pytest.mark.parametrize("fresh_db_url", ["postgresql"], indirect=True)
def test_release_then_worker_serves_and_stops_on_sigterm(fresh_db_url, fake_api, start_bot):
    release = subprocess.run(
        command_line("release"),
        cwd=ROOT,
        env=process_env(DATABASE_URL=fresh_db_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert release.returncode == 0, release.stderr

    bot = start_bot(fresh_db_url)
    fake_api.send_text(ADA, "/start")
    hello = fake_api.wait_replies(ADA, 1, timeout=30)[-1]
    assert "Hello, Ada" in hello.text
    # The bot announced its commands and dropped any webhook before polling.
    assert fake_api.of("setMyCommands") and fake_api.of("deleteWebhook")

    fake_api.send_text(ADA, "The Left Hand of Darkness by Ursula K. Le Guin")
    added = fake_api.wait_replies(ADA, 2)[-1]
    assert "Left Hand of Darkness" in added.text
    fake_api.send_text(ADA, "left hand")
    found = fake_api.wait_replies(ADA, 3)[-1]
    assert "Left Hand of Darkness" in found.text

    # An update in hand when SIGTERM arrives: its reply is slow, and must still go out.
    fake_api.fault("sendMessage", "slow", delay=1.5)
    fake_api.send_text(ADA, "/help")
    fake_api.wait_for(lambda _: any(c.method == "sendMessage" for c in fake_api.faulted))
    assert bot.terminate(timeout=15) == 0, bot.log()
    replies = fake_api.replies_to(ADA)
    assert len(replies) == 4 and "/find" in replies[-1].text, bot.log()
    assert "Traceback" not in bot.log()
    # Every update was confirmed: a new worker would not get any of them again.
    assert fake_api.pending_updates() == 0
    # One log line per update, with latency, never the message text or the token.
    lines = [line for line in bot.log().splitlines() if "latency_ms=" in line]
    assert len(lines) == 4
    assert "left hand" not in bot.log().lower() and fake_api.token not in bot.log()
