"""Fill a library with N synthetic but realistic books, fast.

    python -m bench.generate --books 10000 --url sqlite:///bench.sqlite   # migrates, then fills

Authors carry accents and particles ("Gabriel García Márquez", "Ludwig van der Rohe", "Ursula K. Le
Guin"), series have numbered books (with the odd 1.5 and the odd gap), and books get genres, tags,
publishers, languages, formats, shelves, years, pages, prices, ISBNs with valid check digits, readings,
loans and a few soft deletes. Rows go in with bulk Core inserts in the same shape the services write,
including the ``book_search`` rows (built by ``search_index.search_row``, like ``refresh`` does).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, Engine, func, insert, select, text

from librium.database.sqlalchemy import db
from librium.services import vocabulary as search_vocabulary
from librium.services.search_index import search_row, searchable_texts
from librium.text import fold

FIRST = [
    "Ursula",
    "Gabriel",
    "Ludwig",
    "Simone",
    "Jorge",
    "Isabel",
    "Haruki",
    "Chimamanda",
    "Fyodor",
    "Leo",
    "Virginia",
    "Toni",
    "Italo",
    "Umberto",
    "José",
    "Mário",
    "Olga",
    "Wisława",
    "Halldór",
    "Selma",
    "Søren",
    "Zoë",
    "Françoise",
    "Antoine",
    "Émile",
    "Björn",
    "Jürgen",
    "Ágota",
    "Milan",
    "Stanisław",
    "Czesław",
    "Nguyễn",
    "Orhan",
    "Naguib",
    "Ngũgĩ",
    "Yasunari",
    "Kazuo",
    "Arundhati",
    "Salman",
    "Octavio",
    "Pablo",
    "Julio",
    "Clarice",
    "Machado",
    "Anne",
    "Margaret",
    "Terry",
    "Neil",
    "Iain",
    "Octavia",
    "Ray",
    "Philip",
    "Kurt",
    "Ann",
    "Doris",
    "Hilary",
    "Ali",
    "Zadie",
    "Elena",
    "Natalia",
    "Carmen",
    "Benito",
    "Rosalía",
    "Miguel",
    "Gonzalo",
    "Álvaro",
    "Inés",
    "Rubén",
    "Ramón",
    "Ngaio",
    "Agatha",
    "Dorothy",
]
MIDDLE = ["", "", "", "", "K.", "R. R.", "J.", "María", "Luis", "A.", "de la", "E."]
LAST = [
    "García Márquez",
    "Le Guin",
    "van der Rohe",
    "de Beauvoir",
    "Borges",
    "Allende",
    "Murakami",
    "Adichie",
    "Dostoevsky",
    "Tolstoy",
    "Woolf",
    "Morrison",
    "Calvino",
    "Eco",
    "Saramago",
    "Vargas Llosa",
    "Tokarczuk",
    "Szymborska",
    "Laxness",
    "Lagerlöf",
    "Kierkegaard",
    "Ødegaard",
    "Sagan",
    "de Saint-Exupéry",
    "Zola",
    "Müller",
    "Kristóf",
    "Kundera",
    "Lem",
    "Miłosz",
    "Pamuk",
    "Mahfouz",
    "wa Thiong'o",
    "Kawabata",
    "Ishiguro",
    "Roy",
    "Rushdie",
    "Paz",
    "Neruda",
    "Cortázar",
    "Lispector",
    "de Assis",
    "Brontë",
    "Atwood",
    "Pratchett",
    "Gaiman",
    "Banks",
    "Butler",
    "Bradbury",
    "Dick",
    "Vonnegut",
    "Leckie",
    "Lessing",
    "Mantel",
    "Smith",
    "Ferrante",
    "Ginzburg",
    "Martín Gaite",
    "Pérez Galdós",
    "Castro",
    "de Cervantes",
    "Delibes",
    "Núñez",
    "Darío",
    "Valle-Inclán",
    "Marsh",
    "Christie",
    "Sayers",
    "O'Brien",
    "Dvořák",
    "Čapek",
    "Hrabal",
    "Ibáñez",
    "Grass",
    "Böll",
    "Mann",
    "Hesse",
    "Kafka",
    "Rilke",
    "Tsvetaeva",
    "Pasternak",
    "Bulgakov",
    "von Arnim",
]
WORDS = [
    "shadow",
    "night",
    "river",
    "house",
    "garden",
    "city",
    "winter",
    "summer",
    "stone",
    "fire",
    "glass",
    "silence",
    "memory",
    "ocean",
    "dream",
    "mountain",
    "kingdom",
    "empire",
    "daughter",
    "son",
    "mother",
    "stranger",
    "journey",
    "letters",
    "island",
    "forest",
    "wind",
    "rain",
    "crown",
    "sword",
    "tower",
    "harbour",
    "light",
    "darkness",
    "moon",
    "star",
    "clock",
    "bridge",
    "road",
    "secret",
    "game",
    "hunger",
    "war",
    "peace",
    "soledad",
    "años",
    "amor",
    "tiempo",
    "ciudad",
    "noche",
    "sombra",
    "cielo",
    "mar",
    "vida",
    "muerte",
    "guerra",
    "camino",
    "corazón",
    "nuit",
    "été",
    "hiver",
    "château",
    "rêve",
    "étranger",
    "mémoire",
    "chemin",
    "lumière",
    "ombre",
    "cœur",
    "nacht",
    "stadt",
    "traum",
    "weg",
    "herz",
    "schatten",
    "zeit",
    "leben",
    "tod",
    "wald",
    "spiegel",
    "schloss",
    "mørke",
    "lys",
    "øya",
    "söder",
    "måne",
    "sjö",
    "väg",
]
SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "ten",
    "sha",
    "lor",
    "vé",
    "dra",
    "mi",
    "nø",
    "zu",
    "bel",
    "quin",
    "ar",
    "os",
    "el",
    "thor",
    "ña",
    "gui",
    "ré",
    "san",
    "ló",
    "ber",
    "ta",
    "vik",
    "ström",
    "ez",
    "ov",
    "ski",
    "ić",
    "ma",
    "lu",
    "xe",
    "po",
    "dun",
    "fal",
    "gar",
    "hol",
    "ist",
    "jor",
    "kel",
    "lim",
    "mar",
    "nor",
    "oth",
    "pra",
    "rus",
    "sel",
    "tor",
    "ul",
    "var",
    "wen",
    "yr",
    "zé",
]
LAST_ENDINGS = ("", "", "son", "ez", "ová", "ski", "sen", "ini", "escu", "ović", "berg", "ström", "eau")


def _pseudo_words(rng: random.Random, count: int, endings: tuple[str, ...] = ("",)) -> list[str]:
    """Pronounceable made-up words (some with accents), so a big library has a big vocabulary."""
    found: dict[str, None] = {}
    while len(found) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) + rng.choice(endings)
        found.setdefault(word, None)
    return list(found)


TITLE_SHAPES = (
    "The {A} of the {B}",
    "{A} and {B}",
    "A {A} in {B}",
    "{A}",
    "The {A}",
    "{A} {B}",
    "Letters from the {A}",
    "The Last {A}",
    "Cien {A} de {B}",
    "La {A} del {B}",
    "Der {A} im {B}",
)
SUBTITLES = ("A Novel", "Stories", "A Memoir", "Poems", "An Essay", "Collected Works", "A History")
GENRES = [
    "Fantasy",
    "Science Fiction",
    "Mystery",
    "Thriller",
    "Romance",
    "Historical Fiction",
    "Literary Fiction",
    "Horror",
    "Poetry",
    "Biography",
    "History",
    "Philosophy",
    "Essays",
    "Short Stories",
    "Magical Realism",
    "Crime",
    "Humour",
    "Drama",
    "Travel",
    "Science",
    "Young Adult",
    "Children's",
    "Graphic Novel",
    "Classics",
    "Nature",
    "Art",
    "Music",
    "Politics",
    "Religion",
    "Psychology",
    "Economics",
    "Cookery",
    "Memoir",
    "Mythology",
    "Dystopia",
    "Adventure",
    "Western",
    "Satire",
    "Noir",
    "Fairy Tales",
]
TAGS = [
    f"{w}"
    for w in [
        "favourite",
        "classic",
        "to-buy",
        "gift",
        "signed",
        "first-edition",
        "book-club",
        "reread",
        "school",
        "holiday",
        "borrowed",
        "prize-winner",
        "translated",
        "annotated",
        "rare",
    ]
]
PUBLISHERS = [
    f"{a} {b}"
    for a in [
        "Penguin",
        "Gollancz",
        "Tor",
        "Vintage",
        "Anagrama",
        "Gallimard",
        "Suhrkamp",
        "Alfaguara",
        "Faber",
        "Picador",
        "Seix",
        "Hanser",
        "Tusquets",
        "Orbit",
        "Bloomsbury",
        "Norstedts",
        "Gyldendal",
        "Éditions",
        "Fischer",
        "Minotauro",
    ]
    for b in ("Books", "Press", "Classics", "Editions")
]
LANGUAGES = [
    ("English", "en"),
    ("Español", "es"),
    ("Français", "fr"),
    ("Deutsch", "de"),
    ("Italiano", "it"),
    ("Português", "pt"),
    ("Polski", "pl"),
    ("Svenska", "sv"),
    ("Norsk", "no"),
    ("日本語", "ja"),
]
FORMATS = ("Paperback", "Hardcover", "Ebook", "Audiobook", "Mass Market")
SHELVES = [
    f"{room} {n}" for room in ("Living room", "Study", "Attic", "Bedroom", "Hall", "Box") for n in range(1, 6)
]
SERIES_WORDS = ("Chronicles", "Saga", "Cycle", "Trilogy", "Quartet", "Sequence", "Mysteries", "Tales")
BORROWERS = ("Bob", "Eve", "Mallory", "Ana", "José", "Zoë", "Chloé", "Björn")


@dataclass(frozen=True)
class Generated:
    library_id: int
    books: int
    live: int
    authors: int
    series: int
    seconds: float
    words: list[str]  # words of random books' titles: what people type to find a book they have
    surnames: list[str]  # last words of random authors' last names
    common_word: str  # the most frequent title word, for a worst case


def isbn13(rng: random.Random, body: int, prefix: str = "978") -> str:
    digits = prefix + f"{body:09d}"
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _author(rng: random.Random, surnames: list[str]) -> dict:
    first, middle, last = rng.choice(FIRST), rng.choice(MIDDLE), rng.choice(surnames)
    display = " ".join(p for p in (first, middle, last) if p)
    words = last.split()
    # Lower-case particles are filed behind the given names, capitalised ones in front.
    lead = 0
    while lead < len(words) - 1 and words[lead][0].islower():
        lead += 1
    filed = " ".join(words[lead:])
    given = " ".join(p for p in (first, middle, " ".join(words[:lead])) if p)
    return {
        "first_name": first,
        "middle_name": middle or None,
        "last_name": last,
        "display_name": display,
        "sort_name": f"{filed}, {given}",
        "key": fold(display),
    }


def _next_ids(conn: Connection, tables: list) -> dict[str, int]:
    return {t.name: (conn.execute(select(func.max(t.c.id))).scalar() or 0) + 1 for t in tables}


def _fix_sequences(conn: Connection, tables: list) -> None:
    """Explicit ids were inserted: move PostgreSQL's sequences past them."""
    if conn.dialect.name != "postgresql":
        return
    for t in tables:
        conn.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), (SELECT max(id) FROM {t.name}))")
        )


def generate(conn: Connection, library_id: int, n: int, *, seed: int = 1, chunk: int = 5000) -> Generated:
    """Insert ``n`` books (about 2% soft-deleted) with everything around them into ``library_id``."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    named_models = {
        "genre": db.Genre,
        "tag": db.Tag,
        "publisher": db.Publisher,
        "format": db.Format,
        "shelf": db.Location,
    }
    tables = [
        m.__table__
        for m in (db.Book, db.Author, db.Series, db.Language, *named_models.values(), db.Reading, db.Loan)
    ]
    ids = _next_ids(conn, tables)

    def ins(table, rows: list[dict]) -> None:
        for start in range(0, len(rows), chunk):
            conn.execute(insert(table), rows[start : start + chunk])

    # Named things.
    names = {"genre": GENRES, "tag": TAGS, "publisher": PUBLISHERS, "format": list(FORMATS), "shelf": SHELVES}
    named: dict[str, list[tuple[int, str]]] = {}
    for kind, values in names.items():
        table = named_models[kind].__table__
        first = ids[table.name]
        rows = [
            {
                "id": first + i,
                "library_id": library_id,
                "name": v,
                "key": fold(v),
                "created_at": now,
                "updated_at": now,
            }
            for i, v in enumerate(values)
        ]
        ins(table, rows)
        named[kind] = [(r["id"], r["name"]) for r in rows]
    lang_table = db.Language.__table__
    languages = [(ids["languages"] + i, name) for i, (name, _code) in enumerate(LANGUAGES)]
    ins(
        lang_table,
        [
            {
                "id": i,
                "library_id": library_id,
                "name": name,
                "key": fold(name),
                "code": code,
                "created_at": now,
                "updated_at": now,
            }
            for (i, name), (_n, code) in zip(languages, LANGUAGES, strict=True)
        ],
    )

    # Authors: about one per four books, unique by folded display name.
    surnames = LAST + [w.capitalize() for w in _pseudo_words(rng, max(100, n // 10), LAST_ENDINGS)]
    authors: dict[str, dict] = {}
    while len(authors) < max(5, n // 4):
        a = _author(rng, surnames)
        authors.setdefault(a["key"], a)
    author_rows = []
    for i, a in enumerate(authors.values()):
        author_rows.append(
            {"id": ids["authors"] + i, "library_id": library_id, "created_at": now, "updated_at": now, **a}
        )
    ins(db.Author.__table__, author_rows)

    # Series: about one per twenty books, each with its author.
    series_rows = []
    series_keys: set[str] = set()
    while len(series_rows) < max(1, n // 20):
        name = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()} {rng.choice(SERIES_WORDS)}"
        if fold(name) in series_keys:
            name = f"{name} {len(series_rows)}"
        series_keys.add(fold(name))
        series_rows.append(
            {
                "id": ids["series"] + len(series_rows),
                "library_id": library_id,
                "name": name,
                "key": fold(name),
                "created_at": now,
                "updated_at": now,
            }
        )
    ins(db.Series.__table__, series_rows)
    series_plan = []  # (series row, author row, next index)
    for s in series_rows:
        series_plan.append([s, rng.choice(author_rows), 1])

    # Title words follow a Zipf law over real words and made-up ones, as real titles do.
    vocabulary = list(WORDS) + _pseudo_words(rng, max(200, n // 30))
    zipf = [1 / (rank + 1) for rank in range(len(vocabulary))]
    cumulative = list(itertools.accumulate(zipf))

    def word() -> str:
        return rng.choices(vocabulary, cum_weights=cumulative)[0].capitalize()

    isbn_bodies = rng.sample(range(10**9), n)
    books, links_a, links_s, links_g, links_t, links_p, links_l, readings, loans, search, texts = (
        [] for _ in range(11)
    )
    live = 0
    for i in range(n):
        book_id = ids["books"] + i
        shape = rng.choice(TITLE_SHAPES)
        title = shape.format(A=word(), B=word())
        subtitle = rng.choice(SUBTITLES) if rng.random() < 0.15 else None
        isbn = (
            isbn13(rng, isbn_bodies[i], "978" if rng.random() < 0.9 else "979")
            if rng.random() < 0.8
            else None
        )
        status = rng.choices(("read", "to-read", "reading", "abandoned"), (35, 55, 6, 4))[0]
        year = int(rng.gauss(1985, 30)) if rng.random() < 0.9 else None
        if year is not None and not 1000 <= year <= 2025:
            year = rng.randint(1950, 2025)
        deleted = rng.random() < 0.02
        created = now - dt.timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
        shelf = rng.choice(named["shelf"]) if rng.random() < 0.6 else None
        books.append(
            {
                "id": book_id,
                "library_id": library_id,
                "uuid": f"{seed:08x}-0000-4000-8000-{book_id:012x}",
                "title": title,
                "title_key": fold(title),
                "subtitle": subtitle,
                "isbn13": isbn,
                "release_year": year,
                "page_count": rng.randint(60, 1200) if rng.random() < 0.85 else None,
                "price": Decimal(rng.randint(199, 4999)) / 100 if rng.random() < 0.6 else None,
                "currency": "EUR",
                "format_id": rng.choice(named["format"])[0] if rng.random() < 0.9 else None,
                "location_id": shelf[0] if shelf else None,
                "cover_file_id": f"cover{book_id}" if rng.random() < 0.7 else None,
                "status": status,
                "rating": rng.randint(1, 10) if status == "read" and rng.random() < 0.7 else None,
                "owned": rng.random() < 0.95,
                "copies": 2 if rng.random() < 0.02 else 1,
                "created_at": created,
                "updated_at": created,
                "deleted_at": created if deleted else None,
            }
        )
        # Authors (1-3), or the series' author for a series book.
        in_series = rng.random() < 0.3
        plan = rng.choice(series_plan) if in_series else None
        chosen = [plan[1]] if plan else []
        want = rng.choices((1, 2, 3), (85, 12, 3))[0] if not plan else 1
        while len(chosen) < want:
            a = rng.choice(author_rows)
            if a not in chosen:
                chosen.append(a)
        if rng.random() < 0.01 and not plan:
            chosen = []  # the odd book without an author
        links_a += [{"book_id": book_id, "author_id": a["id"], "position": p} for p, a in enumerate(chosen)]
        series_names = []
        if plan:
            index = Decimal(plan[2])
            if rng.random() < 0.05:
                index += Decimal("0.5")
            plan[2] += 2 if rng.random() < 0.05 else 1  # the odd gap
            links_s.append({"book_id": book_id, "series_id": plan[0]["id"], "series_index": index})
            series_names.append(plan[0]["name"])
        genres = rng.sample(named["genre"], rng.choices((0, 1, 2, 3), (3, 50, 35, 12))[0])
        tags = rng.sample(named["tag"], rng.choices((0, 1, 2), (60, 30, 10))[0])
        publishers = [rng.choice(named["publisher"])] if rng.random() < 0.9 else []
        langs = [rng.choices(languages, (50, 12, 8, 8, 5, 5, 3, 3, 3, 3))[0]] if rng.random() < 0.93 else []
        links_g += [{"book_id": book_id, "genre_id": g} for g, _ in genres]
        links_t += [{"book_id": book_id, "tag_id": t} for t, _ in tags]
        links_p += [{"book_id": book_id, "publisher_id": p} for p, _ in publishers]
        links_l += [{"book_id": book_id, "language_id": lang} for lang, _ in langs]
        if status in ("read", "reading", "abandoned"):
            for _ in range(2 if status == "read" and rng.random() < 0.1 else 1):
                start = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3900))
                finished = start + dt.timedelta(days=rng.randint(1, 90)) if status == "read" else None
                readings.append(
                    {
                        "id": ids["readings"] + len(readings),
                        "book_id": book_id,
                        "started_on": start,
                        "finished_on": finished,
                        "abandoned": status == "abandoned",
                        "created_at": created,
                        "updated_at": created,
                    }
                )
        if not deleted and rng.random() < 0.02:
            lent = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(300))
            loans.append(
                {
                    "id": ids["loans"] + len(loans),
                    "book_id": book_id,
                    "borrower": rng.choice(BORROWERS),
                    "lent_on": lent,
                    "due_on": lent + dt.timedelta(days=30),
                    "created_at": created,
                    "updated_at": created,
                }
            )
        if not deleted:
            live += 1
            fields = dict(
                title=title,
                subtitle=subtitle,
                isbn13=isbn,
                authors=[(a["display_name"], a["last_name"]) for a in chosen],
                series=series_names,
                tags=sorted(t for _, t in tags),
                publishers=[p for _, p in publishers],
                genres=sorted(g for _, g in genres),
                location=shelf[1] if shelf else None,
            )
            search.append({"book_id": book_id, "library_id": library_id, **search_row(**fields)})
            texts.append((library_id, searchable_texts(fields)))

    ins(db.Book.__table__, books)
    ins(db.BookAuthor.__table__, links_a)
    ins(db.BookSeries.__table__, links_s)
    ins(db.book_genres, links_g)
    ins(db.book_tags, links_t)
    ins(db.book_publishers, links_p)
    ins(db.book_languages, links_l)
    ins(db.Reading.__table__, readings)
    ins(db.Loan.__table__, loans)
    ins(db.BookSearch.__table__, search)
    search_vocabulary.add(conn, texts)
    _fix_sequences(conn, tables)
    return Generated(
        library_id=library_id,
        books=n,
        live=live,
        authors=len(author_rows),
        series=len(series_rows),
        seconds=time.perf_counter() - started,
        words=_query_words(rng, books),
        surnames=sorted(
            {fold(a["last_name"]).split()[-1] for a in rng.sample(author_rows, min(50, len(author_rows)))}
        ),
        common_word=fold(vocabulary[0]),
    )


_STOP = {"the", "of", "and", "in", "a", "from", "last", "letters", "la", "del", "der", "im", "de", "cien"}


def _query_words(rng: random.Random, books: list[dict], count: int = 50) -> list[str]:
    words: list[str] = []
    for book in rng.sample(books, min(len(books), count * 3)):
        candidates = [w for w in fold(book["title"]).split() if w not in _STOP and len(w) > 2]
        if candidates:
            words.append(rng.choice(candidates))
    return words[:count]


def new_library(conn: Connection, name: str = "Benchmark library") -> int:
    """A personal library with an owner, for the generator to fill."""
    user_id = conn.execute(
        insert(db.User.__table__).returning(db.User.__table__.c.id),
        {"telegram_id": random.randrange(10**12, 10**13), "display_name": "Bench"},
    ).scalar_one()
    library_id = conn.execute(
        insert(db.Library.__table__).returning(db.Library.__table__.c.id),
        {"name": name, "kind": "personal", "owner_id": user_id},
    ).scalar_one()
    conn.execute(
        insert(db.LibraryMember.__table__), {"library_id": library_id, "user_id": user_id, "role": "owner"}
    )
    return library_id


def settle(engine: Engine) -> None:
    """What a deployment's maintenance would have done to a library that grew to this size: statistics,
    and on PostgreSQL a vacuum (hint bits and the visibility map set; reads of a freshly loaded table
    set them first, and made every statement 3-5x slower for the first minute) and a checkpoint (the
    load's pages written out now, not during the measurement)."""
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        if conn.scalar(text("SELECT pg_has_role('pg_checkpoint', 'MEMBER')")):  # superusers are members
            conn.execute(text("CHECKPOINT"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=10_000)
    parser.add_argument("--url", default="sqlite:///bench.sqlite")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from alembic import command

    from librium.config import database_url
    from librium.database.sqlalchemy.migrations import alembic_config
    from librium.database.sqlalchemy.session import make_engine

    url = database_url(args.url)
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with engine.begin() as conn:
        made = generate(conn, new_library(conn), args.books, seed=args.seed)
    print(
        f"library {made.library_id}: {made.books:,} books ({made.live:,} live), {made.authors:,} authors, "
        f"{made.series:,} series in {made.seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
