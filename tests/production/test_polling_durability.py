"""What a hard kill (SIGKILL) costs in each update mode.

Webhook: the bot answers Telegram's POST with 200 only after the handlers ran (bot/runtime/webhook.py), so an
update in hand when the process dies gets no 200 and Telegram sends it again; adds are idempotent
(the duplicate check), so the re-sent update changes nothing twice. At-least-once, effectively once.

Polling: python-telegram-bot confirms a batch (the next getUpdates' ``offset``) as soon as it has
fetched it, before the handlers run, so Telegram will not deliver those updates again. bot/runtime/inbox.py
writes every fetched batch to ``update_inbox`` before python-telegram-bot sees it, and the next
process handles what is left there first: at-least-once, like webhook mode. (SIGTERM is different:
the update in hand is finished; see test_procfile.py.)
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import text

from bot.runtime.webhook import SECRET_HEADER
from librium.database.sqlalchemy.session import make_engine
from tests.production.conftest import free_port
from tests.production.test_sigkill import assert_consistent

SECRET = "durability-secret"
USER = 8301
BURST = 40
AUTHORS = ["Ursula Le Guin", "Jo Walton", "Octavia Butler", "Stanisław Lem", "Italo Calvino", "Ann Leckie"]


def books_titled(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert_consistent(conn)
            return dict(conn.execute(text("SELECT title, count(*) FROM books GROUP BY title")).all())
    finally:
        engine.dispose()


def webhook_bot(start_bot, fake_api, url: str, client: httpx.Client):
    """A webhook-mode bot process on a port of its own, listening and healthy."""
    port = free_port()
    registered = len(fake_api.of("setWebhook"))
    bot = start_bot(url, WEBHOOK_URL="https://bot.example.org", WEBHOOK_SECRET=SECRET, PORT=str(port))
    fake_api.wait_for(lambda calls: len([c for c in calls if c.method == "setWebhook"]) > registered, 30)
    assert client.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
    return bot, f"http://127.0.0.1:{port}/telegram"


@pytest.mark.slow
@pytest.mark.parametrize("fresh_db_url", ["sqlite", "postgresql"], indirect=True)
def test_webhook_update_killed_in_hand_gets_no_200_and_is_handled_once_when_sent_again(
    migrated_fresh_url, fake_api, start_bot
):
    # Retries cover only connecting (the moment between setWebhook and the server listening).
    client = httpx.Client(
        transport=httpx.HTTPTransport(retries=20), timeout=60, headers={SECRET_HEADER: SECRET}
    )
    try:
        bot, endpoint = webhook_bot(start_bot, fake_api, migrated_fresh_url, client)
        assert client.post(endpoint, json=fake_api.message_update(USER, "/start")).status_code == 200

        # The add's reply hangs at the Bot API: the update is in hand (its book written) when the kill comes.
        fake_api.fault("sendMessage", "hang", delay=60)
        update = fake_api.message_update(USER, "The Dispossessed by Ursula Le Guin")
        with ThreadPoolExecutor(1) as pool:
            posted = pool.submit(client.post, endpoint, json=update)
            fake_api.wait_for(lambda _: [f for f in fake_api.faulted if f.method == "sendMessage"], 30)
            assert not posted.done()
            bot.kill()
            # Telegram's side of it: the connection dropped, no status at all, so it will send again.
            with pytest.raises(httpx.TransportError):
                posted.result(timeout=30)
        assert books_titled(migrated_fresh_url) == {"The Dispossessed": 1}

        # Telegram re-sends the same update (same update_id) to whichever process is up now.
        again, endpoint = webhook_bot(start_bot, fake_api, migrated_fresh_url, client)
        resent_at = time.monotonic()
        assert client.post(endpoint, json=update).status_code == 200
        replies = [c for c in fake_api.replies_to(USER) if c.at > resent_at]
        assert len(replies) == 1 and "already" in replies[0].text, [r.text for r in replies]
        assert books_titled(migrated_fresh_url) == {"The Dispossessed": 1}
        assert again.terminate() == 0, again.log()
    finally:
        client.close()


@pytest.mark.slow
@pytest.mark.parametrize("kill_after_replies", [0, 5], ids=["at-confirmation", "after-5-replies"])
@pytest.mark.parametrize("fresh_db_url", ["sqlite", "postgresql"], indirect=True)
def test_polling_killed_with_a_confirmed_batch_in_hand_loses_nothing(
    migrated_fresh_url, fake_api, start_bot, kill_after_replies
):
    bot = start_bot(migrated_fresh_url)
    fake_api.send_text(USER, "/start")
    fake_api.wait_replies(USER, 1, timeout=30)

    ids = [fake_api.send_text(USER, f"Volume {i} by {AUTHORS[i % len(AUTHORS)]}") for i in range(BURST)]
    burst_at = fake_api.injected_at[ids[0]]

    def kill_now(calls) -> bool:
        replies = [c for c in calls if c.method == "sendMessage" and c.at > burst_at]
        return len(replies) >= kill_after_replies and all(i in fake_api.confirmed_at for i in ids)

    # Kill once the bot has confirmed the whole burst (its next getUpdates' offset) and, in the
    # second case, handled a few of it.
    fake_api.wait_for(kill_now, timeout=30)
    bot.kill()
    assert fake_api.pending_updates() == 0  # Telegram has nothing left to deliver again
    handled = len(books_titled(migrated_fresh_url))
    assert handled < BURST, "the kill came after the whole burst was handled"

    # The next process handles what the killed one fetched, from the inbox, before anything new.
    after = start_bot(migrated_fresh_url)
    deadline = time.monotonic() + 60
    while len(books_titled(migrated_fresh_url)) < BURST and time.monotonic() < deadline:
        time.sleep(0.2)
    saved = books_titled(migrated_fresh_url)
    assert sorted(saved) == sorted(f"Volume {i}" for i in range(BURST)), after.log()
    assert all(count == 1 for count in saved.values()), "a replayed add never adds the book twice"

    sentinel_at = time.monotonic()
    fake_api.send_text(USER, "/start")
    fake_api.wait_for(
        lambda calls: [c for c in calls if c.method == "sendMessage" and c.at > sentinel_at], timeout=30
    )
    assert after.terminate() == 0, after.log()
    assert "fetched but did not finish" in after.log()
    assert "Traceback" not in after.log()
    print(
        f"\npolling, SIGKILL after {kill_after_replies} replies: {BURST - handled} of {BURST} handled after restart"
    )
