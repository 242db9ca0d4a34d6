"""“Books by Terry Pratchett” and the ways people ask it: a question answered with the library's books by
that author (typos in the name forgiven), never a book added. Real Application, real database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.console.fake_updates import Person
from librium.database.sqlalchemy import db
from tests.bot.harness import ADA, last_text
from tests.bot.querying_data import Library


def _book_count(session_factory) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(db.Book))


def _shelve(library: Library, pratchett: str = "Terry Pratchett", tolkien: str = "J.R.R. Tolkien") -> None:
    library.add("Mort", pratchett)
    library.add("Guards! Guards!", pratchett)
    library.add("The Hobbit", tolkien)
    library.add("The Silmarillion", tolkien)


PRATCHETT = ["Mort", "Guards! Guards!"]
TOLKIEN = ["The Hobbit", "The Silmarillion"]


def _lists(text: str, wanted: list[str], others: list[str]) -> bool:
    return all(f"<b>{t}</b>" in text for t in wanted) and not any(t in text for t in others)


@pytest.mark.parametrize(
    ("text", "wanted", "others"),
    [
        ("books by Terry Pratchett", PRATCHETT, TOLKIEN),
        ("anything by pratchett", PRATCHETT, TOLKIEN),
        ("show me books by tolkein", TOLKIEN, PRATCHETT),  # a typo in the name
        ("books by tolkien", TOLKIEN, PRATCHETT),
        ("what do I have by pratchett", PRATCHETT, TOLKIEN),
        ("all my books by J.R.R. Tolkien", TOLKIEN, PRATCHETT),
        ("list books by Tolkien", TOLKIEN, PRATCHETT),
        ("what books do I have by Pratchett?", PRATCHETT, TOLKIEN),
        ("which books by Tolkien do I own?", TOLKIEN, PRATCHETT),
        ("novels by Pratchett", PRATCHETT, TOLKIEN),
        ("what have I got by Tolkien", TOLKIEN, PRATCHETT),
        ("everything by Terry Pratchet", PRATCHETT, TOLKIEN),  # a typo in a full name
        ("do I have any books by Tolkien?", TOLKIEN, PRATCHETT),
        ("Pratchett's books", PRATCHETT, TOLKIEN),
    ],
)
async def test_books_by_an_author_lists_them_and_adds_nothing(bot, session_factory, text, wanted, others):
    _shelve(Library(session_factory, ADA))
    before = _book_count(session_factory)
    answer = last_text(await bot.send(text))
    assert _lists(answer, wanted, others), answer
    assert "Added" not in answer
    assert _book_count(session_factory) == before


async def test_a_typo_says_what_it_shows(bot, session_factory):
    _shelve(Library(session_factory, ADA))
    answer = last_text(await bot.send("books by tolkein"))
    assert answer.startswith("🔎 No exact match for “tolkein”. Showing results for “Tolkien”:"), answer


async def test_an_author_not_in_the_library_says_so(bot, session_factory):
    _shelve(Library(session_factory, ADA))
    before = _book_count(session_factory)
    assert last_text(await bot.send("books by Homer")) == "No books by “Homer” in your library."
    assert last_text(await bot.send("everything by <b>Nobody</b>")) == (
        "No books by “&lt;b&gt;Nobody&lt;/b&gt;” in your library."
    )
    assert _book_count(session_factory) == before


async def test_another_library_is_not_shown(bot, session_factory):
    _shelve(Library(session_factory, ADA))
    bob = Person(id=202, first_name="Bob")
    assert (
        last_text(await bot.send("books by Tolkien", person=bob)) == "No books by “Tolkien” in your library."
    )


@pytest.mark.parametrize(
    ("text", "title", "author"),
    [
        ("Books of Blood by Clive Barker", "Books of Blood", "Clive Barker"),
        ("Who Has Seen the Wind by W. O. Mitchell", "Who Has Seen the Wind", "W. O. Mitchell"),
        ("Everything I Never Told You by Celeste Ng", "Everything I Never Told You", "Celeste Ng"),
    ],
)
async def test_titles_that_begin_like_the_question_are_still_added(bot, session_factory, text, title, author):
    _shelve(Library(session_factory, ADA))
    before = _book_count(session_factory)
    answer = last_text(await bot.send(text))
    assert answer.startswith(f"✓ Added <b>{title}</b>"), answer
    assert author in answer
    assert _book_count(session_factory) == before + 1


# One way to ask in each language; the library holds the names as that language's readers write them.
LATIN = ("Terry Pratchett", "J.R.R. Tolkien")
CYRILLIC_RU = ("Терри Пратчетт", "Джон Толкин")
CYRILLIC_UK = ("Террі Пратчетт", "Джон Толкін")


@pytest.mark.parametrize(
    ("code", "text", "names", "none"),
    [
        ("de", "welche Bücher von Pratchett habe ich?", LATIN, "Keine Bücher von „Homer“"),
        ("es", "¿qué libros tengo de Pratchett?", LATIN, "No hay libros de «Homer»"),
        ("fr", "quels livres de Pratchett ai-je ?", LATIN, "Aucun livre de « Homer »"),
        ("it", "cosa ho di Pratchett?", LATIN, "Nessun libro di «Homer»"),
        ("pt-br", "livros do Pratchett", LATIN, "Nenhum livro de “Homer”"),
        ("pl", "książki Pratchetta", LATIN, "Brak książek autora „Homer”"),
        ("ru", "какие книги Пратчетта у меня есть?", CYRILLIC_RU, "Книг автора «Homer»"),
        ("uk", "які книжки Пратчетта в мене є?", CYRILLIC_UK, "Книжок автора «Homer»"),
    ],
)
async def test_every_language_asks_for_an_authors_books(bot, session_factory, code, text, names, none):
    person = Person(id=400, first_name="Reader", language_code=code)
    _shelve(Library(session_factory, person), *names)
    before = _book_count(session_factory)
    answer = last_text(await bot.send(text, person=person))
    assert _lists(answer, PRATCHETT, TOLKIEN), answer
    assert _book_count(session_factory) == before
    homer = {"pl": "książki Homer", "ru": "книги Homer", "uk": "книжки Homer"}.get(code, text)
    homer = homer.replace("Pratchett", "Homer")
    assert last_text(await bot.send(homer, person=person)).startswith(none)


@pytest.mark.parametrize(
    ("code", "example", "names"),
    [
        ("en", "books by Tolkien", LATIN),
        ("de", "Bücher von Tolkien", LATIN),
        ("es", "¿qué tengo de Tolkien?", LATIN),
        ("fr", "livres de Tolkien", LATIN),
        ("it", "libri di Tolkien", LATIN),
        ("pl", "książki Tolkiena", LATIN),
        ("pt-br", "livros do Tolkien", LATIN),
        ("ru", "книги Толкина", CYRILLIC_RU),
        ("uk", "книжки Толкіна", CYRILLIC_UK),
    ],
)
async def test_the_example_help_gives_is_answered(bot, session_factory, code, example, names):
    person = Person(id=401, first_name="Reader", language_code=code)
    _shelve(Library(session_factory, person), *names)
    assert example in last_text(await bot.send("/help", person=person))
    answer = last_text(await bot.send(example, person=person))
    assert _lists(answer, TOLKIEN, PRATCHETT), answer
