"""Scale-out: two webhook processes on one PostgreSQL, updates spread over both like a load balancer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from bot.runtime.webhook import SECRET_HEADER
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import make_engine
from tests.production.conftest import free_port

SECRET = "load-balanced-secret"
USERS = [7001, 7002, 7003, 7004, 7005]
UPDATES = 40
AUTHORS = ["Ursula Le Guin", "Jo Walton", "Octavia Butler", "Stanisław Lem", "Italo Calvino", "Ann Leckie"]


@pytest.fixture
def two_webhook_bots(migrated_fresh_url, fake_api, start_bot):
    ports = [free_port(), free_port()]
    bots = [
        start_bot(
            migrated_fresh_url, WEBHOOK_URL="https://bot.example.org", WEBHOOK_SECRET=SECRET, PORT=str(p)
        )
        for p in ports
    ]
    fake_api.wait_for(lambda calls: len([c for c in calls if c.method == "setWebhook"]) == 2, timeout=30)
    # Connection retries cover the moment between setWebhook and the server listening.
    client = httpx.Client(
        transport=httpx.HTTPTransport(retries=20), timeout=30, headers={SECRET_HEADER: SECRET}
    )
    for port in ports:
        assert client.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
    yield client, ports, bots
    client.close()
    for bot in bots:
        assert bot.terminate() == 0, bot.log()


@pytest.mark.slow
@pytest.mark.parametrize("fresh_db_url", ["postgresql"], indirect=True)
def test_two_processes_share_the_work(two_webhook_bots, fake_api, migrated_fresh_url):
    client, ports, bots = two_webhook_bots
    assert [c.params["url"] for c in fake_api.of("setWebhook")] == ["https://bot.example.org/telegram"] * 2

    updates = [
        fake_api.message_update(USERS[i % len(USERS)], f"Volume {i} by {AUTHORS[i % len(AUTHORS)]}")
        for i in range(UPDATES)
    ]

    def post(i: int) -> tuple[int, int]:
        port = ports[i % 2]  # round robin, several requests in flight at once
        return port, client.post(f"http://127.0.0.1:{port}/telegram", json=updates[i]).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        answered = list(pool.map(post, range(UPDATES)))
    assert all(status == 200 for _, status in answered)
    assert {port for port, _ in answered} == set(ports)

    # Every update answered exactly once (the webhook answers 200 only after the handlers ran).
    replies = fake_api.of("sendMessage", "sendPhoto")
    assert len(replies) == UPDATES, [r.text for r in replies]
    for user in USERS:
        assert len(fake_api.replies_to(user)) == UPDATES // len(USERS)
    # Each process logged its half of the updates.
    for bot in bots:
        assert sum("latency_ms=" in line for line in bot.log().splitlines()) == UPDATES // 2

    engine = make_engine(migrated_fresh_url)
    try:
        with engine.connect() as conn:
            titles = conn.execute(select(db.Book.title, func.count()).group_by(db.Book.title)).all()
            assert sorted(titles) == sorted((f"Volume {i}", 1) for i in range(UPDATES))
            # One user and one personal library per person, even with their updates racing.
            assert conn.scalar(select(func.count()).select_from(db.User)) == len(USERS)
            assert conn.scalar(select(func.count()).select_from(db.Library)) == len(USERS)
            assert conn.scalar(select(func.count()).select_from(db.BookSearch)) == UPDATES
    finally:
        engine.dispose()

    # A flow started on one process continues on the other: the pending add lives in user_data.
    # (Neither name is a known author of Ada's, so the bot has to ask which one is the title.)
    ada = USERS[0]
    ask = fake_api.message_update(ada, "Among Others - Nnedi Okorafor")
    assert client.post(f"http://127.0.0.1:{ports[0]}/telegram", json=ask).status_code == 200
    prompt = fake_api.replies_to(ada)[-1]
    assert "Which one is the title?" in prompt.text
    choice = next(b["callback_data"] for b in prompt.buttons if b["text"].startswith("“Among Others”"))
    tap = fake_api.callback_update(ada, choice, message_id=100)
    assert client.post(f"http://127.0.0.1:{ports[1]}/telegram", json=tap).status_code == 200
    edited = fake_api.of("editMessageText")[-1]
    assert "Among Others" in edited.text and "expired" not in edited.text
    engine = make_engine(migrated_fresh_url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).where(db.Book.title == "Among Others")) == 1
    finally:
        engine.dispose()
