"""Helpers for the adding / card tests: what a library holds, the last card, a local metadata server."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from bot.console.fake_api import Call
from bot.console.fake_updates import Chat, Person
from bot.runtime.access import Actor, resolve
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import session_scope
from librium.services import books
from librium.services.books import BookView


def actor(person: Person, chat: Chat | None = None) -> Actor:
    chat = chat or Chat(id=person.id)
    return Actor(person.id, person.first_name, "en", chat.id, chat.type, chat.title)


def library_books(
    session_factory, person: Person, chat: Chat | None = None, *, deleted: bool = False
) -> list[BookView]:
    """Every book of the library ``person`` uses in ``chat`` (live ones, or all with ``deleted``)."""
    with session_scope(session_factory) as session:
        who = resolve(session, actor(person, chat))
        ids = list(
            session.scalars(
                select(db.Book.id).where(db.Book.library_id == who.library_id).order_by(db.Book.id)
            )
        )
        return books.get_books(session, who.library_id, ids, include_deleted=deleted)


def all_books_snapshot(session_factory) -> list[tuple]:
    """Every column that an action could change, of every book, loan and reading: for "nothing changed"."""
    with session_factory() as session:
        rows = session.execute(
            select(
                db.Book.id,
                db.Book.library_id,
                db.Book.title,
                db.Book.status,
                db.Book.rating,
                db.Book.copies,
                db.Book.location_id,
                db.Book.deleted_at,
                db.Book.notes,
                db.Book.release_year,
                db.Book.page_count,
            ).order_by(db.Book.id)
        ).all()
        loans = session.execute(
            select(db.Loan.id, db.Loan.book_id, db.Loan.returned_on).order_by(db.Loan.id)
        ).all()
        readings = session.execute(select(db.Reading.id, db.Reading.book_id).order_by(db.Reading.id)).all()
        locations = session.execute(select(db.Location.id, db.Location.name).order_by(db.Location.id)).all()
        return [tuple(r) for r in rows] + [tuple(r) for r in loans] + [tuple(r) for r in readings] + [
            tuple(r) for r in locations
        ]  # fmt: skip


def is_card(call: Call) -> bool:
    return any(b.get("callback_data", "").startswith("del:") for row in call.buttons for b in row)


def last_card(calls: list[Call]) -> Call:
    cards = [c for c in calls if is_card(c)]
    assert cards, f"no card among {[(c.method, c.text[:40]) for c in calls]}"
    return cards[-1]


def answers(calls: list[Call]) -> list[str]:
    """The texts of answerCallbackQuery calls ('' for a silent answer)."""
    return [str(c.params.get("text") or "") for c in calls if c.method == "answerCallbackQuery"]


# --------------------------------------------------------------------------- a local metadata server

DUNE_ISBN13 = "9780441172719"
DUNE_ISBN10 = "0441172717"


class MetadataServer:
    """Answers like Open Library (``/api/books``) and Google Books (``/volumes``) on 127.0.0.1.

    ``books`` maps ISBN-13 → Open Library ``jscmd=data`` entries; ``down`` makes every request a 503.
    """

    def __init__(self) -> None:
        self.books: dict[str, dict[str, Any]] = {}
        self.down = False
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                if server.down:
                    return self._send(503, {"error": "down"})
                url = urlsplit(self.path)
                if url.path.endswith("/api/books"):
                    key = parse_qs(url.query).get("bibkeys", [""])[0]
                    isbn13 = key.removeprefix("ISBN:")
                    entry = server.books.get(isbn13)
                    return self._send(200, {key: entry} if entry else {})
                if url.path.endswith("/volumes"):
                    return self._send(200, {"kind": "books#volumes", "totalItems": 0})
                return self._send(404, {})

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def add_book(self, isbn13: str, title: str, authors: list[str], **extra: Any) -> None:
        self.books[isbn13] = {
            "title": title,
            "authors": [{"name": a} for a in authors],
            "identifiers": {"isbn_13": [isbn13]},
            **extra,
        }


@contextmanager
def metadata_server() -> Iterator[MetadataServer]:
    server = MetadataServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def metadata_client(server: MetadataServer):
    from librium.services.metadata import MetadataClient

    return MetadataClient(
        openlibrary_url=server.url,
        googlebooks_url=server.url,
        timeout=2.0,
        total_timeout=5.0,
        retries=0,
        openlibrary_per_second=1000,
        googlebooks_per_second=1000,
    )


@pytest.fixture(autouse=True)
def no_unhandled_errors(caplog):
    """Fail a test when the bot's error handler had to apologise for something (import into a module)."""
    yield
    errors = [r for r in caplog.get_records("call") if r.name == "bot.errors" and r.levelno >= logging.ERROR]
    assert not errors, f"unhandled errors: {[r.getMessage() for r in errors]}\n{errors[0].exc_text or ''}"
