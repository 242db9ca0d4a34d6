"""The Mini App's routes on the bot's own tornado server (webhook mode) or a small one beside polling.

    GET  /app/                      the page (index.html), with a strict Content-Security-Policy
    GET  /app/static/...            its CSS/JS and the vendored ZXing reader (zxing-wasm)
    GET  /app/api/...               JSON, each request authenticated by its initData (401 without);
                                    the grid's pages: /app/api/books?...&after=<id> (the answer's next)
    POST /app/api/books/<id>/<act>  an action on a book (the same actions as the chat's card)
    POST /app/api/scan              a scanned ISBN: added, or "already in your library"
    GET  /app/cover/<id>?...        a cover, through our server (signed link: <img> sends no header)

Every API request: initData checked (bot/webapp/auth.py), the allow-list applied, the library one the
user is a member of (bot/webapp/api.py). Errors answer JSON {"error": ...}: 401 not from Telegram,
403 not allowed, 404 not in your libraries, 400 what was wrong with the request.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import tornado.escape
import tornado.web
from telegram.error import TelegramError
from telegram.ext import Application

from bot.runtime import metadata
from bot.runtime.dbcall import SESSION_FACTORY, SETTINGS
from bot.webapp import api, texts
from bot.webapp.auth import Unauthorized, WebUser, authenticate, from_header, sign_for
from librium import i18n
from librium import isbn as isbn_mod
from librium.database.sqlalchemy.session import WriteNeeded, in_thread
from librium.errors import Invalid, LibriumError, NotFound
from librium.i18n import N_

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js"
CSP = "; ".join(
    [
        "default-src 'none'",
        # Telegram's script is the one thing from outside; WebAssembly for the ZXing reader.
        "script-src 'self' https://telegram.org 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org",
    ]
)
COVER_TTL = 6 * 3600  # seconds a signed cover link works
COVER_CACHE = 256  # covers kept in memory (a grid page is 30)
MAX_COVER = 2 * 1024 * 1024
MAX_BODY = 16 * 1024
WEB_SECRET = "webapp_secret"  # bot_data: what initData is signed with when there is no bot token (console)


def secret_of(application: Application) -> str:
    """The bot token (what Telegram signs initData with), or the console's own secret."""
    token = application.bot_data[SETTINGS].bot_token
    if token:
        return token
    import secrets

    return application.bot_data.setdefault(WEB_SECRET, secrets.token_urlsafe(32))


class Covers:
    """Signed cover links, and the covers themselves fetched once and kept (a bounded LRU)."""

    def __init__(self, application: Application):
        self.application = application
        self.key = hmac.digest(b"librium-cover", secret_of(application).encode(), hashlib.sha256)
        self.cache: OrderedDict[tuple[int, int], tuple[bytes, str]] = OrderedDict()

    def _sig(self, book_id: int, library_id: int, expires: int) -> str:
        message = f"{book_id}:{library_id}:{expires}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()[:32]

    def link(self, book_id: int, library_id: int, version: str = "") -> str:
        expires = (int(time.time()) // COVER_TTL + 2) * COVER_TTL  # stable for a while: browser cache hits
        sig = self._sig(book_id, library_id, expires)
        return f"/app/cover/{book_id}?l={library_id}&e={expires}&s={sig}"

    def check(self, book_id: int, library: str, expires: str, sig: str) -> int:
        if not (library.isdigit() and expires.isdigit()) or int(expires) < time.time():
            raise NotFound("expired")
        if not hmac.compare_digest(self._sig(book_id, int(library), int(expires)), sig):
            raise NotFound("forged")
        return int(library)

    async def fetch(self, book_id: int, library_id: int, url: str | None, file_id: str | None):
        key = (library_id, book_id)
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        found = None
        if file_id:
            found = await self._telegram(file_id)
        if found is None and url:
            found = await self._web(url)
        if found is not None:
            self.cache[key] = found
            while len(self.cache) > COVER_CACHE:
                self.cache.popitem(last=False)
        return found

    async def _telegram(self, file_id: str):
        try:
            file = await self.application.bot.get_file(file_id)
            data = bytes(await file.download_as_bytearray())
        except (TelegramError, OSError, ValueError, RuntimeError) as error:  # RuntimeError: no file_path
            log.info("cover file not fetched: %s", type(error).__name__)
            return None
        return (data, "image/jpeg") if len(data) <= MAX_COVER else None

    async def _web(self, url: str):
        if not url.startswith(("https://", "http://")):
            return None
        try:
            async with httpx.AsyncClient(timeout=5, follow_redirects=True) as client:
                response = await client.get(url)
        except httpx.HTTPError as error:
            log.info("cover not fetched: %s", type(error).__name__)
            return None
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        if response.status_code != 200 or not kind.startswith("image/") or len(response.content) > MAX_COVER:
            return None
        return response.content, kind


NOT_FROM_TELEGRAM = N_("Open this from Telegram.")
NOT_ALLOWED = N_("This is a private Librium bot.")
NOT_IN_LIBRARY = N_("That isn't in your library.")
NOT_AN_ISBN = N_("That is not an ISBN.")
NO_SCRIPT = N_("Librium's shelf needs JavaScript.")
SOMETHING_WRONG = N_("Something went wrong.")


class Base(tornado.web.RequestHandler):
    language = i18n.DEFAULT  # the language of this request's answers (the user's, once known)

    def initialize(self, app: Application, covers: Covers) -> None:
        self.app = app
        self.covers = covers
        self.language = texts.from_accept_language(self.request.headers.get("Accept-Language"))

    def say(self, message: str) -> str:
        """``message`` (marked with N_) in the language of this request."""
        with i18n.speaking(self.language):
            return i18n._(message)

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")

    def write_json(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body, ensure_ascii=False, separators=(",", ":")))


class Page(Base):
    """The page in the browser's language (Accept-Language; no user is known before its first API call,
    which brings the user's): ``<html lang>``, the dictionary app.js starts with, the noscript line."""

    async def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("Vary", "Accept-Language")
        self.finish(page_in(self.language))


@functools.cache
def page_in(code: str) -> bytes:
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    with i18n.speaking(code):
        noscript = i18n._(NO_SCRIPT)
    html = html.replace('<html lang="en">', f'<html lang="{texts.tag(code)}">', 1)
    html = html.replace(
        '<script type="application/json" id="texts">{}</script>',
        (f'<script type="application/json" id="texts">{texts.embedded(code)}</script>'),
        1,
    )
    return html.replace(NO_SCRIPT, tornado.escape.xhtml_escape(noscript), 1).encode()


class Static(tornado.web.StaticFileHandler):
    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("X-Content-Type-Options", "nosniff")

    def get_content_type(self) -> str:
        if self.absolute_path.endswith(".wasm"):
            return "application/wasm"
        return super().get_content_type()


class Api(Base):
    """Every endpoint: initData → user, allow-list, then one transaction in the library asked for."""

    user: WebUser

    async def prepare(self) -> None:
        settings = self.app.bot_data[SETTINGS]
        try:
            raw = from_header(self.request.headers.get("Authorization"))
            self.user = authenticate(raw, secret_of(self.app))
        except Unauthorized:
            self.write_json(401, {"error": self.say(NOT_FROM_TELEGRAM), "code": "unauthorized"})
            return
        self.language = i18n.match(self.user.language)
        if settings.allowed_user_ids and self.user.telegram_id not in settings.allowed_user_ids:
            self.write_json(403, {"error": self.say(NOT_ALLOWED), "code": "forbidden"})
            return
        if len(self.request.body or b"") > MAX_BODY:
            self.write_json(413, {"error": "Too large."})

    def body(self) -> dict[str, Any]:
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError:
            raise Invalid("Not JSON.") from None
        if not isinstance(data, dict):
            raise Invalid("Not JSON.")
        return data

    def log_exception(self, typ, value, tb) -> None:
        if not isinstance(value, LibriumError):  # a bad parameter (int_arg) is the client's, answered 400
            super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None))[1]
        if isinstance(error, LibriumError):
            self.write_json(400, {"error": error.message, "code": "invalid"})
        else:
            self.write_json(status_code, {"error": self.say(SOMETHING_WRONG)})

    def int_arg(self, name: str, default: int | None = None) -> int | None:
        raw = self.get_query_argument(name, None)
        if raw is None or raw == "":
            return default
        if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
            raise Invalid(f"Bad {name}.")
        return int(raw)

    async def in_library(self, fn: Callable[..., Any], *args: Any, write: bool = False, **kwargs: Any) -> Any:
        """``fn(session, who, ...)`` in the library asked for, in one transaction (read-only unless
        ``write``; a first visit that must create the user reruns read-write)."""
        factory = self.app.bot_data[SESSION_FACTORY]
        library, explicit = api.requested_library(self.user, self.get_query_argument("library", None))

        def work(session):
            with i18n.speaking(self.language):  # a first visit names the personal library in it
                who = api.who_for(session, self.user, library, explicit)
            self.language = api.language_of(session, who)
            with i18n.speaking(self.language):  # the chat's language for this library: errors too
                return fn(session, who, *args, **kwargs)

        if not write:
            try:
                return await in_thread(factory, work, read=True)
            except WriteNeeded:
                pass
        return await in_thread(factory, work)

    async def answer(self, fn: Callable[..., Any], *args: Any, write: bool = False, **kwargs: Any) -> None:
        try:
            result = await self.in_library(fn, *args, write=write, **kwargs)
        except NotFound:
            self.write_json(404, {"error": self.say(NOT_IN_LIBRARY), "code": "not_found"})
            return
        except LibriumError as error:
            self.write_json(400, {"error": error.message, "code": "invalid"})
            return
        self.write_json(200, self.with_covers(result))

    def with_covers(self, result: Any) -> Any:
        """Replace each ``"cover": true`` of a book by its signed link (false stays false)."""
        if not isinstance(result, dict) or "_library" not in result:
            return result
        library = result.pop("_library")
        books = result.get("books") if isinstance(result.get("books"), list) else []
        for book in [*books, result.get("book")]:
            if isinstance(book, dict) and book.get("cover") is True:
                book["cover"] = self.covers.link(book["id"], library)
        return result


def _library(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Wrap an api function so its answer says which library it was for (to sign cover links)."""

    def wrapped(session, who, *args, **kwargs):
        result = fn(session, who, *args, **kwargs)
        result["_library"] = who.library_id
        return result

    return wrapped


class Me(Api):
    async def get(self) -> None:
        await self.answer(api.me, self.user, self.get_query_argument("texts", "")[:10])


class Books(Api):
    async def get(self) -> None:
        chips = [c for c in self.get_query_argument("chips", "").split(",") if c]
        await self.answer(
            _library(api.grid),
            text=self.get_query_argument("q", "")[:300],
            chips=chips,
            shelf=self.get_query_argument("shelf", None),
            genre=self.get_query_argument("genre", None),
            sort=self.get_query_argument("sort", "recent"),
            page=self.int_arg("page", 1) or 1,
            after=self.int_arg("after"),
        )


class Facets(Api):
    async def get(self) -> None:
        await self.answer(api.facets)


class Book(Api):
    async def get(self, book_id: str) -> None:
        await self.answer(_library(api.book_page), int(book_id))


class Act(Api):
    async def post(self, book_id: str, action: str) -> None:
        try:
            body = self.body()
        except Invalid as error:
            self.write_json(400, {"error": error.message})
            return
        await self.answer(_library(api.act), int(book_id), action, body, write=True)


class Scan(Api):
    async def post(self) -> None:
        try:
            isbn13 = isbn_mod.try_normalise(str(self.body().get("isbn", ""))[:40])
        except Invalid:
            isbn13 = None
        if isbn13 is None:
            self.write_json(400, {"error": self.say(NOT_AN_ISBN), "code": "invalid"})
            return
        try:
            held = await self.in_library(_library(_held), isbn13)
        except NotFound:
            self.write_json(404, {"error": self.say(NOT_IN_LIBRARY), "code": "not_found"})
            return
        if held.get("already"):
            self.write_json(200, self.with_covers(held))
            return
        inputs: dict[str, Any] = {"title": api.add_actions.placeholder_title(isbn13), "isbn": isbn13}
        try:
            found = await metadata.lookup_with(self.app, isbn13)
        except LibriumError:
            found = None
        if found is not None and found.found:
            inputs = {**api.add_actions.metadata_input(found.metadata), "isbn": isbn13}
        await self.answer(_library(api.add_scanned), inputs, write=True)


def _held(session, who, isbn13: str) -> dict[str, Any]:
    return api.check_isbn(session, who, isbn13) or {"already": False}


class Series(Api):
    async def get(self, series_id: str | None = None) -> None:
        if series_id is None:
            await self.answer(api.series_list, self.int_arg("page", 1) or 1)
        else:
            await self.answer(api.series_page, int(series_id))


class Authors(Api):
    async def get(self, author_id: str | None = None) -> None:
        if author_id is None:
            await self.answer(api.author_list, self.int_arg("page", 1) or 1)
        else:
            await self.answer(api.author_page, int(author_id))


class Stats(Api):
    async def get(self) -> None:
        await self.answer(api.stats_page, self.int_arg("year"))


class Cover(Base):
    async def get(self, book_id: str) -> None:
        try:
            library_id = self.covers.check(
                int(book_id),
                self.get_query_argument("l", ""),
                self.get_query_argument("e", ""),
                self.get_query_argument("s", ""),
            )
            factory = self.app.bot_data[SESSION_FACTORY]
            url, file_id = await in_thread(factory, _cover_source, library_id, int(book_id), read=True)
        except (NotFound, ValueError):
            self.set_status(404)
            self.finish()
            return
        found = await self.covers.fetch(int(book_id), library_id, url, file_id)
        if found is None:
            self.set_status(404)
            self.finish()
            return
        data, kind = found
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", "private, max-age=86400")
        self.finish(data)


def _cover_source(session, library_id: int, book_id: int) -> tuple[str | None, str | None]:
    from librium.services import books

    book = books.get_book(session, library_id, book_id)
    return book.cover_url, book.cover_file_id


def routes(application: Application) -> list[tuple]:
    """The Mini App's routes, to add to a tornado Application."""
    covers = Covers(application)
    common = {"app": application, "covers": covers}
    return [
        (r"/app/?", Page, common),
        (r"/app/static/(.*)", Static, {"path": str(STATIC)}),
        (r"/app/api/me", Me, common),
        (r"/app/api/books", Books, common),
        (r"/app/api/facets", Facets, common),
        (r"/app/api/books/(\d{1,12})", Book, common),
        (r"/app/api/books/(\d{1,12})/([a-z-]{1,20})", Act, common),
        (r"/app/api/scan", Scan, common),
        (r"/app/api/series", Series, common),
        (r"/app/api/series/(\d{1,12})", Series, common),
        (r"/app/api/authors", Authors, common),
        (r"/app/api/authors/(\d{1,12})", Authors, common),
        (r"/app/api/stats", Stats, common),
        (r"/app/cover/(\d{1,12})", Cover, common),
    ]


def make_app(application: Application) -> tornado.web.Application:
    """A tornado Application serving only the Mini App (polling and console modes)."""
    return tornado.web.Application(routes(application), compress_response=True)


def serve_beside_polling(application: Application, port: int, address: str = "0.0.0.0") -> None:
    """Polling mode (and the console): the Mini App on ``port``, started and stopped with the bot."""
    started = application.post_init
    stopped = application.post_shutdown
    server: list = []

    async def post_init(app: Application) -> None:
        if started is not None:
            await started(app)
        server.append(make_app(app).listen(port, address=address, xheaders=True))
        log.info("Mini App served on port %s", port)

    async def post_shutdown(app: Application) -> None:
        for each in server:
            each.stop()
        if stopped is not None:
            await stopped(app)

    application.post_init = post_init
    application.post_shutdown = post_shutdown


def local_link(application: Application, port: int, telegram_id: int, name: str) -> str:
    """A link that opens the Mini App in a desktop browser, signed for one user (the console's)."""
    from urllib.parse import quote

    init = sign_for(telegram_id, name, secret_of(application))
    return f"http://127.0.0.1:{port}/app/#tgWebAppData={quote(init, safe='')}&tgWebAppVersion=8.0&tgWebAppPlatform=web"
