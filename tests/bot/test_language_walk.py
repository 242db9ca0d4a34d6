"""A reader of each shipped language walks the main flows (start, help, add, a question, search, the
card's buttons, told actions, a field set in words, lending, browsing, stats, an import dry run and the
import, a reminder firing) and never meets an English sentence: every message, caption, button and tap
answer is checked, each sentence by a language identifier (py3langid, told to choose between English
and the reader's language) and each shorter text by a list of English words."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.console.fake_api import Call, FakeBotApi
from bot.console.fake_updates import Person
from bot.runtime import jobs
from bot.runtime.app import build_application
from librium import i18n
from tests.bot.harness import BotHarness, last_sent
from tests.i18n.english import english_in
from tests.importing.conftest import goodreads_csv

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)  # a Wednesday

# Per language: what the reader types (the same flow in every language).
WORDS = {
    "es": {"add": "Dune de Frank Herbert", "own": "¿tengo Dune?", "finished": "terminé Dune",
           "remind": "recuérdame devolver Dune mañana a las 9:00",
           "lend": "presté Dune a Bob hasta el viernes", "set": "cambia el año de Dune a 1965"},
    "de": {"add": "Dune von Frank Herbert", "own": "habe ich Dune?", "finished": "Dune ausgelesen",
           "remind": "erinnere mich morgen um 9 Uhr daran, Dune zurückzugeben",
           "lend": "Dune bis Freitag an Bob verliehen", "set": "setze das Jahr von Dune auf 1965"},
    "ru": {"add": "Дюна — Фрэнк Герберт", "own": "у меня есть Дюна?", "finished": "прочитал Дюну",
           "remind": "напомни вернуть Дюну завтра в 9:00",
           "lend": "одолжил Дюну Бобу до пятницы", "set": "измени год Дюны на 1965"},
    "fr": {"add": "Dune de Frank Herbert", "own": "est-ce que j'ai Dune ?", "finished": "j'ai fini Dune",
           "remind": "rappelle-moi de rendre Dune demain à 9h",
           "lend": "j'ai prêté Dune à Bob jusqu'à vendredi", "set": "change l'année de Dune en 1965"},
    "pt_BR": {"add": "Duna de Frank Herbert", "own": "eu tenho Duna?", "finished": "terminei Duna",
              "remind": "me lembre de devolver Duna amanhã às 9:00",
           "lend": "emprestei Duna para o Bob até sexta", "set": "mude o ano de Duna para 1965"},
    "uk": {"add": "Дюна — Френк Герберт", "own": "у мене є Дюна?", "finished": "прочитав Дюну",
           "remind": "нагадай повернути Дюну завтра о 9:00",
           "lend": "позичив Дюну Бобу до п’ятниці", "set": "зміни рік Дюни на 1965"},
    "it": {"add": "Dune di Frank Herbert", "own": "ho Dune?", "finished": "finito Dune",
           "remind": "ricordami di restituire Dune domani alle 9",
           "lend": "ho prestato Dune a Bob fino a venerdì", "set": "cambia l'anno di Dune in 1965"},
    "pl": {"add": "Diuna — Frank Herbert", "own": "czy mam Diunę?", "finished": "skończyłem Diunę",
           "remind": "przypomnij mi oddać Diunę jutro o 9:00",
           "lend": "pożyczyłem Diunę Bobowi do piątku", "set": "zmień rok Diuny na 1965"},
}  # fmt: skip


def shown_texts(calls: list[Call]) -> list[str]:
    """Everything a person sees from these calls: texts, captions, buttons, tap answers, the menu."""
    seen = []
    for call in calls:
        if call.method == "answerCallbackQuery" and call.params.get("text"):
            seen.append(call.params["text"])
        if call.method == "setMyCommands":
            seen += [c["description"] for c in call.params["commands"]]
        text = call.text
        if text:
            seen.append(text)
        seen += call.button_texts()
    return seen


def test_the_check_finds_english_among_the_language() -> None:
    assert english_in("¡Hola, Eva! Your library is empty, send a title to add one.", "es") == [
        "Your", "library", "is", "send", "title", "Your library is empty, send a title to add one."
    ]  # fmt: skip
    assert english_in("Hallo! Import finished without problems, everything arrived safely.", "de") == [
        "Import finished without problems, everything arrived safely."
    ]
    with i18n.speaking("ru"):
        russian = i18n._(
            "Your library is empty. Send “Title by Author”, an ISBN or a barcode photo to add a book."
        )
    assert english_in(russian, "ru") == []


@pytest.fixture
async def walk_bot(session_factory, settings):
    api = FakeBotApi()
    app = build_application(settings, session_factory, request=api, rate_limit=False, reminder_interval=None)
    await app.initialize()
    app.bot_data[jobs.CLOCK] = lambda: NOW
    await app.start()
    yield BotHarness(app, api)
    await app.stop()
    await app.shutdown()


@pytest.mark.parametrize("code", list(WORDS))
async def test_a_reader_meets_no_english(walk_bot, code):
    bot = walk_bot
    reader = Person(id=500, first_name="Eva", language_code=code.replace("_", "-").lower())
    words = WORDS[code]
    seen: list[tuple[str, str]] = []

    async def step(name: str, calls: list[Call]) -> list[Call]:
        seen.extend((name, text) for text in shown_texts(calls))
        return calls

    await step("start", await bot.send("/start", reader))
    await step("help", await bot.send("/help", reader))
    await step("library", await bot.send("/library", reader))
    added = await step("add", await bot.send(words["add"], reader))
    card = last_sent(added)
    await step("read", await bot.tap(card, "✓", reader))
    rate = await step("rate", await bot.tap(card, "★", reader))
    await step("stars", await bot.tap([c for c in rate if c.buttons][-1], "4★", reader))
    await step("edit", await bot.tap(card, "✎", reader))
    await step("shelf", await bot.tap(card, "🗄", reader))
    await step("cancel", await bot.send("/cancel", reader))
    await step("own", await bot.send(words["own"], reader))
    await step("finished", await bot.send(words["finished"], reader))
    await step("search", await bot.send("Dun", reader))
    await step("search none", await bot.send("zzqx", reader))
    await step("unknown", await bot.send("/nonsense", reader))
    await step("stats", await bot.send("/stats", reader))
    await step("goal", await bot.send("/goal 12", reader))
    csv = goodreads_csv([{"Title": "Mort", "Author": "Terry Pratchett", "Exclusive Shelf": "read"}])
    await step("import", await bot.upload(csv, "goodreads_library_export.csv", "text/csv", reader))
    await step("import it", await bot.tap([c for c in bot.api.calls if c.buttons][-1], "📥", reader))
    await step("lend", await bot.send(words["lend"], reader))
    await step("loans", await bot.send("/loans", reader))
    await step("set", await bot.send(words["set"], reader))
    await step("unread", await bot.send("/unread", reader))
    await step("authors", await bot.send("/authors", reader))
    await step("year", await bot.send("/year", reader))
    await step("timezone", await bot.send("/timezone", reader))
    await step("language", await bot.send("/language", reader))
    await step("remind", await bot.send(words["remind"], reader))
    await step("reminders", await bot.send("/reminders", reader))
    before = len(bot.api.calls)
    await jobs.run_sweep(bot.application, NOW + dt.timedelta(days=2))
    await step("fired", bot.api.calls[before:])
    await step("menu", bot.api.of("setMyCommands"))

    leaks = [(name, text[:200], found) for name, text in seen if (found := english_in(text, code))]
    assert not leaks, "\n".join(f"{name}: {found} in {text!r}" for name, text, found in leaks[:12])
    assert any(name == "fired" for name, _ in seen), "the reminder did not fire"
    assert i18n.match(reader.language_code) == code
