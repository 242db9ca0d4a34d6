"""The Mini App's JSON API, over HTTP, on the real database: the same actions as the chat's card."""

from __future__ import annotations

from sqlalchemy import select

from librium.database.sqlalchemy import db
from tests.webapp.conftest import ADA, BOB

CSP_PARTS = (
    "default-src 'none'",
    "script-src 'self' https://telegram.org 'wasm-unsafe-eval'",
    "connect-src 'self'",
)


def test_the_page_carries_a_strict_csp_and_telegrams_script_only(shelf):
    page = shelf.client(None).get("/app/")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert all(part in csp for part in CSP_PARTS)
    assert "unsafe-inline" not in csp and "*" not in csp.split("frame-ancestors")[0]
    html = page.text
    assert '<script src="https://telegram.org/js/telegram-web-app.js"></script>' in html
    scripts = [line for line in html.splitlines() if "<script" in line]
    # No inline script: the one <script> without src is the page's texts, JSON the browser never runs.
    data = [line for line in scripts if 'type="application/json"' in line]
    assert len(data) == 1 and '<script type="application/json" id="texts">{' in data[0]
    assert all("src=" in line for line in scripts if line not in data), "no inline script"
    assert [s for s in scripts if "http" in s] == [
        '<script src="https://telegram.org/js/telegram-web-app.js"></script>'
    ]
    static = shelf.client(None).get("/app/static/app.js")
    assert static.status_code == 200 and static.headers["content-security-policy"] == csp
    wasm = shelf.client(None).get("/app/static/vendor/zxing-wasm/reader/zxing_reader.wasm")
    assert wasm.status_code == 200 and wasm.headers["content-type"] == "application/wasm"


def test_first_visit_makes_the_personal_library_and_lists_the_users_libraries(shelf):
    me = shelf.client(ADA).get("/app/api/me").json()
    assert [lib["kind"] for lib in me["libraries"]] == ["personal"]
    assert me["library"] == me["libraries"][0]["id"]
    with shelf.session_factory() as session:
        assert session.scalar(select(db.User.display_name).where(db.User.telegram_id == ADA)) == "Ada"


def test_the_grid_pages_search_and_filters(shelf):
    ada = shelf.who(ADA, "Ada")
    for n in range(35):
        shelf.add(ada, f"Volume {n:02d}", authors=["Some Writer"])
    dune = shelf.add(ada, "Dune", authors=["Frank Herbert"], year=1965)
    wish = shelf.add(ada, "Wanted Book", owned=False)
    client = shelf.client(ADA)
    first = client.get("/app/api/books", params={"sort": "title"}).json()
    assert first["total"] == 37 and first["pages"] == 2 and len(first["books"]) == 30
    second = client.get("/app/api/books", params={"sort": "title", "page": 2}).json()
    assert len(second["books"]) == 7
    assert {b["id"] for b in first["books"]}.isdisjoint(b["id"] for b in second["books"])
    # Scrolling on: the page after the last card (keyset), then the end.
    assert first["next"] == {"after": first["books"][-1]["id"]} and second["next"] is None
    after = client.get("/app/api/books", params={"sort": "title", **first["next"]}).json()
    assert after["books"] == second["books"] and after["next"] is None
    assert after["total"] is None, "the first page counted them: a page after a card counts nothing"
    assert client.get("/app/api/books", params={"sort": "title", "after": "x"}).status_code == 400
    found = client.get("/app/api/books", params={"q": "dun"}).json()
    assert [b["id"] for b in found["books"]] == [dune] and found["next"] is None
    assert found["books"][0]["authors"] == ["Frank Herbert"] and found["books"][0]["cover"] is False
    wished = client.get("/app/api/books", params={"chips": "wishlist"}).json()
    assert [b["id"] for b in wished["books"]] == [wish]
    recent = client.get("/app/api/books").json()
    assert recent["books"][0]["id"] == wish, "newest first by default"


def test_a_book_page_and_its_actions_change_the_database(shelf):
    ada = shelf.who(ADA, "Ada")
    dune = shelf.add(ada, "Dune", authors=["Frank Herbert"])
    client = shelf.client(ADA)
    page = client.get(f"/app/api/books/{dune}").json()
    assert page["book"]["title"] == "Dune" and page["book"]["status"] == "to-read"

    def act(action, **body):
        response = client.post(f"/app/api/books/{dune}/{action}", json=body)
        assert response.status_code == 200, response.text
        return response.json()["book"]

    assert act("status", status="read")["status"] == "read"
    assert shelf.card(ada, dune).status == "read"
    assert act("rate", stars=4.5)["rating"] == 4.5
    assert act("shelf", name="Hall")["shelf"]["name"] == "Hall"
    assert act("lend", to="Alice in 3 weeks")["loan"]["borrower"] == "Alice"
    assert act("return")["loan"] is None
    assert act("edit", field="year", value="1965")["year"] == 1965
    assert act("delete")["deleted"] is True
    assert client.get(f"/app/api/books/{dune}").status_code == 404
    assert act("restore")["deleted"] is False
    card = shelf.card(ada, dune)
    assert (card.status, card.rating, card.location.name, card.year) == ("read", 4.5, "Hall", 1965)


def test_bad_requests_are_answered_and_change_nothing(shelf):
    ada = shelf.who(ADA, "Ada")
    dune = shelf.add(ada, "Dune")
    client = shelf.client(ADA)
    for action, body in [
        ("status", {"status": "eaten"}),
        ("rate", {"stars": 9}),
        ("edit", {"field": "owner_id", "value": "1"}),
        ("lend", {}),
        ("return", {}),
    ]:
        response = client.post(f"/app/api/books/{dune}/{action}", json=body)
        assert response.status_code == 400, (action, response.text)
        assert response.json()["error"]
    assert client.post(f"/app/api/books/{dune}/explode", json={}).status_code == 404
    assert client.post(f"/app/api/books/{dune}/status", content=b"not json").status_code == 400
    card = shelf.card(ada, dune)
    assert (card.status, card.rating, card.current_loan) == ("to-read", None, None)


def test_a_scanned_isbn_is_added_once_then_found(shelf):
    client = shelf.client(ADA)
    first = client.post("/app/api/scan", json={"isbn": "978-0-441-17271-9"}).json()
    assert first["already"] is False and first["book"]["isbn13"] == "9780441172719"
    again = client.post("/app/api/scan", json={"isbn": "9780441172719"}).json()
    assert again["already"] is True and again["book"]["id"] == first["book"]["id"]
    assert client.post("/app/api/scan", json={"isbn": "9780441172718"}).status_code == 400
    assert client.get("/app/api/books").json()["total"] == 1


def test_series_authors_and_stats(shelf):
    ada = shelf.who(ADA, "Ada")
    one = shelf.add(
        ada, "The Colour of Magic", authors=["Terry Pratchett"], series="Discworld", series_index=1
    )
    shelf.add(ada, "Equal Rites", authors=["Terry Pratchett"], series="Discworld", series_index=3)
    client = shelf.client(ADA)
    client.post(f"/app/api/books/{one}/status", json={"status": "read"})
    series = client.get("/app/api/series").json()["series"]
    assert [(s["name"], s["books"], s["read"]) for s in series] == [("Discworld", 2, 1)]
    detail = client.get(f"/app/api/series/{series[0]['id']}").json()
    assert detail["gaps"] == [2] and [b["index"] for b in detail["books"]] == [1, 3]
    authors = client.get("/app/api/authors").json()["authors"]
    assert [(a["name"], a["books"]) for a in authors] == [("Terry Pratchett", 2)]
    author = client.get(f"/app/api/authors/{authors[0]['id']}").json()
    assert author["groups"][0]["name"] == "Discworld"
    stats = client.get("/app/api/stats").json()
    assert stats["totals"]["books"] == 2 and stats["totals"]["read"] == 1
    assert sum(stats["months"]) == 1 and stats["review"]["books"] == 1


def test_a_group_library_is_switched_to_by_its_members(shelf):
    shelf.who(ADA, "Ada")
    group = shelf.who(ADA, "Ada", chat_id=-1001, title="Book club")
    shelf.add(group, "Shared Book")
    shelf.who(BOB, "Bob", chat_id=-1001, title="Book club")
    me = shelf.client(BOB, "Bob").get("/app/api/me").json()
    assert sorted(lib["kind"] for lib in me["libraries"]) == ["group", "personal"]
    books = shelf.client(BOB, "Bob").get("/app/api/books", params={"library": group.library_id}).json()
    assert [b["title"] for b in books["books"]] == ["Shared Book"]
    opened = shelf.client(BOB, "Bob", start_param=f"l{group.library_id}").get("/app/api/me").json()
    assert opened["library"] == group.library_id, "the group's button opens the group's library"


def test_the_grid_forgives_typos_and_other_scripts(shelf):
    ada = shelf.who(ADA, "Ada")
    hobbit = shelf.add(ada, "The Hobbit", authors=["J. R. R. Tolkien"])
    war = shelf.add(ada, "Война и мир", authors=["Лев Толстой"])
    client = shelf.client(ADA)
    found = client.get("/app/api/books", params={"q": "hobit", "sort": "relevance"}).json()
    assert [b["id"] for b in found["books"]] == [hobbit]
    assert (found["exact"], found["corrected"]) == (0, "Hobbit")
    found = client.get("/app/api/books", params={"q": "tolstoy"}).json()
    assert [b["id"] for b in found["books"]] == [war]
    exact = client.get("/app/api/books", params={"q": "hobbit"}).json()
    assert [b["id"] for b in exact["books"]] == [hobbit] and exact["exact"] is None


def test_the_edit_form_sets_several_fields_at_once_or_none(shelf):
    ada, bob = shelf.who(ADA, "Ada"), shelf.who(BOB, "Bob")
    dune = shelf.add(ada, "Dune", authors=["Frank Herbert"], year=1965)
    client = shelf.client(ADA)

    def details(book_id, values, who=client):
        return who.post(f"/app/api/books/{book_id}/details", json={"values": values})

    saved = details(
        dune, {"authors": "Frank Herbert, Brian Herbert", "tags": "desert, spice", "isbn": "0441013597"}
    )
    assert saved.status_code == 200, saved.text
    book = saved.json()["book"]
    assert [a["name"] for a in book["authors"]] == ["Frank Herbert", "Brian Herbert"]
    assert sorted(book["tags"]) == ["desert", "spice"] and book["isbn13"] == "9780441013593"
    assert saved.json()["readings"] == []
    for bad in ({"year": "12345", "pages": "100"}, {"owner": "me"}, {"title": ""}, {"pages": 3}, {}):
        assert details(dune, bad).status_code == 400, bad
    card = shelf.card(ada, dune)
    assert (card.year, card.pages, card.title) == (1965, None, "Dune"), "a refused form changes nothing"
    # Another library's book, asked for by its id: not found, and unchanged.
    assert details(dune, {"title": "Mine now"}, shelf.client(BOB, "Bob")).status_code == 404
    assert shelf.card(ada, dune).title == "Dune"
    bobs = shelf.add(bob, "Bob's book")
    assert details(bobs, {"title": "Ada was here"}).status_code == 404
