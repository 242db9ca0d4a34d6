"""The Bot API misbehaves (429, 502, hangs past the timeout, drops connections): nothing is lost,
nothing is sent twice, and the same bot process carries on without a restart."""

from __future__ import annotations

import pytest

from tests.fakes.botapi_server import FakeBotApi

FAULTS = [
    ("getUpdates", "502", {}),
    ("getUpdates", "drop", {}),
    ("getUpdates", "429", {"retry_after": 1}),
    ("sendMessage", "429", {"retry_after": 1}),
    ("sendMessage", "502", {}),
    ("sendMessage", "drop", {}),
    ("answerCallbackQuery", "502", {}),
]


def ask_help(api: FakeBotApi, user: int) -> None:
    """Send /help from ``user`` and wait for exactly one reply."""
    api.send_text(user, "/help")
    reply = api.wait_replies(user, 1, timeout=30)[0]
    assert "/find" in reply.text


@pytest.fixture
def polling_bot(migrated_fresh_url, fake_api, start_bot):
    bot = start_bot(migrated_fresh_url)
    ask_help(fake_api, 1)  # up and polling
    yield bot
    assert bot.terminate() == 0, bot.log()


@pytest.mark.slow
@pytest.mark.parametrize("fresh_db_url", ["sqlite"], indirect=True)
def test_faults_are_survived_and_replies_delivered_once(polling_bot, fake_api):
    for user, (method, kind, options) in enumerate(FAULTS, start=100):
        fake_api.fault(method, kind, **options)
        if method == "answerCallbackQuery":
            _, callback_id = fake_api.tap(user, "b:999999")  # a book that is not there: an answer
            fake_api.wait_answer(callback_id, timeout=30)
        else:
            ask_help(fake_api, user)
        # A getUpdates fault may only strike on the poll after the one in flight when it was set.
        try:
            fake_api.wait_for(
                lambda _calls, m=method, k=kind: any(
                    c.method == m and c.params["_fault"] == k for c in fake_api.faulted
                ),
                timeout=30,
            )
        except TimeoutError:
            pytest.fail(f"the {kind} fault on {method} was never triggered")
    # Exactly one reply (or answer) per update, after all the faults.
    for user, (method, _, _) in enumerate(FAULTS, start=100):
        if method == "answerCallbackQuery":
            assert len(fake_api.of("answerCallbackQuery")) == 1
        else:
            assert len(fake_api.replies_to(user)) == 1
    assert polling_bot.proc.poll() is None, "the bot process stopped"
    assert fake_api.pending_updates() == 0


@pytest.mark.slow
@pytest.mark.parametrize("fresh_db_url", ["sqlite"], indirect=True)
def test_a_reply_that_times_out_is_sent_again(polling_bot, fake_api):
    """The request hangs past the client's read timeout (5 s) and never reaches Telegram."""
    fake_api.fault("sendMessage", "hang", delay=8)
    ask_help(fake_api, 200)
    assert [c.params["_fault"] for c in fake_api.faulted if c.method == "sendMessage"] == ["hang"]
    assert len(fake_api.replies_to(200)) == 1
    ask_help(fake_api, 201)  # and the next update is served as usual
