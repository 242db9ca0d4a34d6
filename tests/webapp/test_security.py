"""One user never sees or changes another user's library through the Mini App, whatever they send:
forged, expired or missing initData, another library's book, series, author or library ids, forged
cover links. Every endpoint is tried with another user's ids."""

from __future__ import annotations

import time

import pytest

from tests.webapp.conftest import ADA, BOB, sign

READS = [
    "/app/api/me",
    "/app/api/books",
    "/app/api/facets",
    "/app/api/series",
    "/app/api/authors",
    "/app/api/stats",
]
ACTIONS = [
    ("status", {"status": "read"}),
    ("abandon", {}),
    ("rate", {"stars": 1}),
    ("shelf", {"name": "Bob's shelf"}),
    ("shelf", {}),
    ("lend", {"to": "Mallory"}),
    ("return", {}),
    ("edit", {"field": "title", "value": "Pwned"}),
    ("delete", {}),
    ("restore", {}),
    ("owned", {}),
]


@pytest.fixture
def ada_books(shelf):
    ada = shelf.who(ADA, "Ada")
    dune = shelf.add(ada, "Dune", authors=["Frank Herbert"], series="Dune Chronicles", series_index=1)
    wish = shelf.add(ada, "Wanted", owned=False)
    shelf.who(BOB, "Bob")
    return ada, dune, wish


def test_no_forged_expired_or_tampered_initdata_gets_in(shelf, ada_books):
    _ada, dune, _wish = ada_books
    good = sign(ADA)
    tampered = good.replace("%22id%22%3A101", "%22id%22%3A202")
    assert tampered != good
    headers = [
        {},
        {"Authorization": "tma"},
        {"Authorization": "Bearer " + good},
        {"Authorization": "tma " + sign(ADA, token="654321:SOME-OTHER-BOT")},
        {"Authorization": "tma " + sign(ADA, auth_date=int(time.time()) - 2 * 86400)},
        {"Authorization": "tma " + tampered},
        {"Authorization": "tma " + good.split("&hash=")[0]},
        {"Authorization": "tma %%%garbage=&&"},
    ]
    client = shelf.client(None)
    for header in headers:
        for path in [*READS, f"/app/api/books/{dune}"]:
            response = client.get(path, headers=header)
            assert response.status_code == 401, (header, path)
            assert response.json()["error"] == "Open this from Telegram."
        assert client.post(f"/app/api/books/{dune}/delete", headers=header, json={}).status_code == 401
        assert client.post("/app/api/scan", headers=header, json={"isbn": "9780441172719"}).status_code == 401
    assert shelf.card(_ada, dune).deleted is False


def test_the_allow_list_applies(make_shelf):
    shelf = make_shelf(allowed_user_ids=frozenset({ADA}))
    assert shelf.client(ADA).get("/app/api/me").status_code == 200
    refused = shelf.client(BOB, "Bob").get("/app/api/me")
    assert refused.status_code == 403 and "private" in refused.json()["error"]


def test_another_users_book_is_not_found_for_every_endpoint(shelf, ada_books):
    ada, dune, wish = ada_books
    bob = shelf.client(BOB, "Bob")
    before = shelf.card(ada, dune)
    assert bob.get(f"/app/api/books/{dune}").status_code == 404
    for action, body in ACTIONS:
        for book_id in (dune, wish):
            response = bob.post(f"/app/api/books/{book_id}/{action}", json=body)
            assert response.status_code == 404, (action, response.text)
    after = shelf.card(ada, dune)
    assert (after.title, after.status, after.rating, after.location, after.current_loan, after.deleted) == (
        before.title,
        before.status,
        before.rating,
        before.location,
        before.current_loan,
        False,
    )
    assert shelf.card(ada, wish).owned is False
    assert bob.get("/app/api/books").json()["total"] == 0, "Bob's grid shows none of Ada's books"
    assert bob.get("/app/api/books", params={"q": "dune"}).json()["total"] == 0


def test_another_users_series_author_and_library_ids_are_not_found(shelf, ada_books):
    ada, dune, _wish = ada_books
    card = shelf.card(ada, dune)
    bob = shelf.client(BOB, "Bob")
    assert bob.get(f"/app/api/series/{card.series[0].id}").status_code == 404
    assert bob.get(f"/app/api/authors/{card.authors[0].id}").status_code == 404
    for path in READS:
        response = bob.get(path, params={"library": ada.library_id})
        assert response.status_code == 404, path
    for bad in ("-1", "abc", "1e3", "٣"):
        assert bob.get("/app/api/books", params={"library": bad}).status_code == 404
    assert (
        bob.post(
            f"/app/api/books/{dune}/status", params={"library": ada.library_id}, json={"status": "read"}
        ).status_code
        == 404
    )
    scanned = bob.post("/app/api/scan", params={"library": ada.library_id}, json={"isbn": "9780441172719"})
    assert scanned.status_code == 404
    assert shelf.card(ada, dune).status == "to-read"
    # A button's start_param naming Ada's library opens Bob's own instead.
    own = shelf.client(BOB, "Bob", start_param=f"l{ada.library_id}").get("/app/api/books").json()
    assert own["total"] == 0


def test_cover_links_are_signed_for_one_book_and_library(shelf, ada_books):
    ada, dune, _wish = ada_books
    file_id = shelf.api.add_file(b"\xff\xd8\xff\xe0 a tiny jpeg")
    from sqlalchemy import update

    from librium.database.sqlalchemy import db
    from librium.database.sqlalchemy.session import session_scope

    with session_scope(shelf.session_factory) as session:
        session.execute(update(db.Book).where(db.Book.id == dune).values(cover_file_id=file_id))
    book = shelf.client(ADA).get(f"/app/api/books/{dune}").json()["book"]
    link = book["cover"]
    assert link.startswith(f"/app/cover/{dune}?")
    anyone = shelf.client(None)
    cover = anyone.get(link)
    assert cover.status_code == 200 and cover.content == b"\xff\xd8\xff\xe0 a tiny jpeg"
    assert cover.headers["content-type"].startswith("image/")
    other = shelf.add(ada, "Other")
    assert anyone.get(link.replace(f"/cover/{dune}?", f"/cover/{other}?")).status_code == 404
    forged = link[:-4] + ("0000" if not link.endswith("0000") else "1111")
    assert anyone.get(forged).status_code == 404
    bob_lib = shelf.who(BOB, "Bob").library_id
    assert anyone.get(link.replace(f"l={ada.library_id}", f"l={bob_lib}")).status_code == 404
