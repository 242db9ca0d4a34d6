"""Webhook mode: the secret token is checked on every request; /healthz reports the database."""

from __future__ import annotations

import socket

import httpx
import pytest

from bot.runtime.webhook import SECRET_HEADER, make_web_app
from tests.bot.harness import ADA


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def webhook(make_bot):
    bot = await make_bot(webhook_url="https://bot.example.org", webhook_secret="s3cret-token")
    port = free_port()
    server = make_web_app(bot.application).listen(port, address="127.0.0.1")
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        yield bot, client
    server.stop()


async def test_update_with_the_secret_is_processed(webhook):
    bot, client = webhook
    from bot.console.fake_updates import Chat

    update = bot.updates.message(ADA, Chat(id=ADA.id), "/help")
    response = await client.post("/telegram", json=update, headers={SECRET_HEADER: "s3cret-token"})
    assert response.status_code == 200
    sent = bot.api.of("sendMessage")
    assert sent and "/find" in sent[-1].text


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: ""}])
async def test_requests_without_the_secret_are_refused(webhook, headers):
    bot, client = webhook
    from bot.console.fake_updates import Chat

    update = bot.updates.message(ADA, Chat(id=ADA.id), "/help")
    response = await client.post("/telegram", json=update, headers=headers)
    assert response.status_code == 403
    assert bot.api.of("sendMessage") == []


async def test_malformed_body_is_a_400(webhook):
    _, client = webhook
    response = await client.post("/telegram", content=b"{not json", headers={SECRET_HEADER: "s3cret-token"})
    assert response.status_code == 400


async def test_healthz(webhook):
    _, client = webhook
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
