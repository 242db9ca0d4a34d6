"""The language of every answer: Telegram's language_code, /language per user and per group, and the
command menu in each shipped language."""

from __future__ import annotations

from bot.console.fake_updates import Chat, Person
from librium.services import languages
from tests.bot.harness import GROUP, last_text

ANA = Person(id=301, first_name="Ana", language_code="es")
JONAS = Person(id=302, first_name="Jonas", language_code="de-AT")
IVAN = Person(id=303, first_name="Иван", language_code="ru")
YUKI = Person(id=304, first_name="Yuki", language_code="ja")


async def test_start_speaks_the_telegram_language(bot):
    assert "¡Hola, Ana!" in last_text(await bot.send("/start", person=ANA))
    assert "Hallo, Jonas!" in last_text(await bot.send("/start", person=JONAS))
    assert "Привет, Иван!" in last_text(await bot.send("/start", person=IVAN))
    assert "Hello, Yuki!" in last_text(await bot.send("/start", person=YUKI))  # not shipped: English


async def test_library_counts_in_the_language_plural_forms(bot):
    text = last_text(await bot.send("/library", person=IVAN))
    assert "0 книг, 1 участник." in text


async def test_language_command_changes_and_keeps_the_choice(bot, session_factory):
    calls = await bot.send("/language", person=ANA)
    assert "¿En qué idioma te hablo?" in last_text(calls)
    calls = await bot.tap(calls[-1], "Deutsch", person=ANA)
    assert "Ab jetzt spreche ich Deutsch mit dir." in last_text(calls)
    assert "Hallo, Ana!" in last_text(await bot.send("/start", person=ANA))
    with session_factory() as session:
        assert languages.user_language(session, ANA.id) == "de"
    # Back to Telegram's language.
    assert "Español" in last_text(await bot.send("/language auto", person=ANA))
    assert "¡Hola, Ana!" in last_text(await bot.send("/start", person=ANA))


async def test_language_by_name_or_code(bot):
    assert "Русский" in last_text(await bot.send("/language русский", person=ANA))
    assert "Português (Brasil)" in last_text(await bot.send("/language pt-br", person=ANA))
    assert "Olá, Ana!" in last_text(await bot.send("/start", person=ANA))


async def test_a_group_speaks_its_creators_language_until_it_sets_its_own(bot):
    await bot.send("/start", person=IVAN, chat=GROUP)  # Иван's message creates the group's library
    assert "Привет, Ana!" in last_text(await bot.send("/start", person=ANA, chat=GROUP))
    calls = await bot.send("/language", person=ANA, chat=GROUP)
    assert "На каком языке мне говорить в этой группе?" in last_text(calls)
    calls = await bot.tap(calls[-1], "Español", person=ANA)
    assert "A partir de ahora hablo Español en este grupo." in last_text(calls)
    assert "¡Hola, Иван!" in last_text(await bot.send("/start", person=IVAN, chat=GROUP))
    # The group's choice does not change how the bot speaks to each of them in private.
    assert "Привет, Иван!" in last_text(await bot.send("/start", person=IVAN, chat=Chat(id=IVAN.id)))


async def test_a_group_follows_its_creators_language_as_it_changes(bot):
    await bot.send("/start", person=IVAN, chat=GROUP)  # Иван creates the group's library
    assert "Привет, Ana!" in last_text(await bot.send("/start", person=ANA, chat=GROUP))
    # Иван picks German in private: the group follows, whoever speaks in it.
    await bot.send("/language Deutsch", person=IVAN)
    assert "Hallo, Ana!" in last_text(await bot.send("/start", person=ANA, chat=GROUP))
    assert "Hallo, Иван!" in last_text(await bot.send("/start", person=IVAN, chat=GROUP))
    # Back to Telegram's language, which Иван has meanwhile switched to Ukrainian.
    ivan_uk = Person(id=IVAN.id, first_name=IVAN.first_name, language_code="uk")
    await bot.send("/language auto", person=ivan_uk)
    assert "Привіт, Иван!" in last_text(await bot.send("/start", person=ivan_uk, chat=GROUP))
    assert "Привіт, Ana!" in last_text(await bot.send("/start", person=ANA, chat=GROUP))
    # Once the group has a language of its own, the creator's changes no longer move it.
    await bot.send("/language Español", person=ANA, chat=GROUP)
    await bot.send("/language Polski", person=ivan_uk)
    assert "¡Hola, Ana!" in last_text(await bot.send("/start", person=ANA, chat=GROUP))
    assert "¡Hola, Иван!" in last_text(await bot.send("/start", person=ivan_uk, chat=GROUP))
    # /language auto in the group: the creator's language again, as it is now.
    await bot.send("/language auto", person=ANA, chat=GROUP)
    assert "Cześć, Ana!" in last_text(await bot.send("/start", person=ANA, chat=GROUP))


async def test_a_group_follows_a_change_made_through_another_bot_process(bot, session_factory, monkeypatch):
    from bot.runtime import language

    await bot.send("/start", person=IVAN, chat=GROUP)
    assert "Привет, Ana!" in last_text(await bot.send("/start", person=ANA, chat=GROUP))
    with session_factory.begin() as session:  # what another process's /language does
        languages.set_user_language(session, session.scalar(_user_id(IVAN.id)), "it")
    monkeypatch.setattr(language, "FOLLOW_SECONDS", 0.0)  # as when that many seconds have passed
    assert "Ciao, Ana!" in last_text(await bot.send("/start", person=ANA, chat=GROUP))


def _user_id(telegram_id: int):
    from sqlalchemy import select

    from librium.database.sqlalchemy import db

    return select(db.User.id).where(db.User.telegram_id == telegram_id)


async def test_the_command_menu_is_published_in_every_language(bot):
    menus = {c.params.get("language_code"): c.params["commands"] for c in bot.api.of("setMyCommands")}
    assert set(menus) == {None, "es", "de", "fr", "pt", "ru", "uk", "it", "pl"}
    descriptions = {code: {c["command"]: c["description"] for c in menu} for code, menu in menus.items()}
    assert descriptions[None]["find"] == "Search your library"
    assert descriptions["es"]["find"] == "Buscar en tu biblioteca"
    assert descriptions["ru"]["language"] == "Сменить язык бота"
    assert all(len(menu) == len(menus[None]) for menu in menus.values())


async def test_the_menu_offers_app_in_every_language_when_the_mini_app_is_served(make_bot):
    bot = await make_bot(webapp_url="https://books.example.org")
    menus = {c.params.get("language_code"): c.params["commands"] for c in bot.api.of("setMyCommands")}
    for code, menu in menus.items():
        assert "app" in {c["command"] for c in menu}, code
    german = {c["command"]: c["description"] for c in menus["de"]}
    assert german["app"] == "Dein Regal: Cover, Suche und Scanner"


async def test_an_import_dry_run_names_the_format_in_the_language(bot):
    from tests.importing.conftest import goodreads_csv

    csv = goodreads_csv([{"Title": "Mort", "Author": "Terry Pratchett", "Exclusive Shelf": "read"}])
    text = last_text(await bot.upload(csv, "goodreads_library_export.csv", "text/csv", person=ANA))
    assert "Exportación de Goodreads: 1 fila" in text and "Goodreads export" not in text
    text = last_text(await bot.upload(csv, "goodreads_library_export.csv", "text/csv", person=IVAN))
    assert "Экспорт Goodreads: 1 строка" in text


async def test_time_zone_buttons_name_their_cities_in_the_language(bot):
    from tests.bot.harness import last_sent

    shown = last_sent(await bot.send("/timezone", person=ANA))
    assert {"Nueva York", "Londres", "Tokio"} <= set(shown.button_texts())
    calls = await bot.tap(shown, "Nueva York", person=ANA)
    assert "America/New_York" in last_text(calls)
    russian = last_sent(await bot.send("/timezone", person=IVAN))
    assert {"Нью-Йорк", "Москва"} <= set(russian.button_texts())
