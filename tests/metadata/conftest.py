"""A local stand-in for Open Library and Google Books: a threaded HTTP server on 127.0.0.1.

Tests script it with :meth:`ProviderServer.on`: a path, an optional query fragment, and the replies to
give in turn (the last one repeats). Every request is recorded, so a test can assert that a cache hit
sent nothing. A ``hang`` reply holds the connection until the test ends (the client must time out first).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from librium.services.metadata import MetadataClient

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@dataclass
class Reply:
    body: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False

    @classmethod
    def file(cls, name: str, status: int = 200) -> Reply:
        return cls(fixture_text(name), status, {"Content-Type": "application/json; charset=utf-8"})

    @classmethod
    def json(cls, data, status: int = 200, **headers: str) -> Reply:
        return cls(json.dumps(data), status, {"Content-Type": "application/json", **headers})


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class ProviderServer:
    def __init__(self) -> None:
        self.routes: list[tuple[str, str, list[Reply]]] = []
        self.requests: list[Request] = []
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.url = ""

    def on(self, path: str, *replies: Reply, query: str = "") -> None:
        """Answer GET ``path`` (whose raw query contains ``query``) with ``replies`` in turn."""
        self.routes.insert(0, (path, query, list(replies)))

    def count(self, path_prefix: str = "") -> int:
        return sum(1 for r in self.requests if r.path.startswith(path_prefix))

    def next_reply(self, path: str, raw_query: str) -> Reply:
        with self.lock:
            for route_path, fragment, replies in self.routes:
                if route_path == path and fragment in raw_query:
                    return replies.pop(0) if len(replies) > 1 else replies[0]
        return Reply.json({"error": "no route"}, status=404)


def _handler(state: ProviderServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            with state.lock:
                state.requests.append(Request(parts.path, parse_qs(parts.query), dict(self.headers)))
            reply = state.next_reply(parts.path, parts.query)
            if reply.hang:
                state.release.wait(10)
            body = reply.body.encode()
            try:
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (timeout) and closed the socket
                pass

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

    return Handler


@pytest.fixture
def provider_server() -> Iterator[ProviderServer]:
    state = ProviderServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


OL_PATH = "/ol"
GB_PATH = "/gb/books/v1"


def make_client(base: str, **kwargs) -> MetadataClient:
    options = {
        "openlibrary_url": base + OL_PATH,
        "googlebooks_url": base + GB_PATH,
        "timeout": 0.3,
        "total_timeout": 5.0,
        "openlibrary_per_second": 1000.0,
        "googlebooks_per_second": 1000.0,
    }
    options.update(kwargs)
    return MetadataClient(**options)


@pytest.fixture
async def client(provider_server) -> AsyncIterator[MetadataClient]:
    async with make_client(provider_server.url) as c:
        yield c


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connection refused: the machine is "offline")."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
