"""A reader of each shipped language walks the main flows (start, help, add, a question, search, the
card's buttons, told actions, a field set in words, lending, browsing, stats, an import dry run and the
import, a reminder firing) and never meets an English sentence: every message, caption, button and tap
answer is checked, each sentence by a language identifier (py3langid, told to choose between English
and the reader's language) and each shorter text by a list of English words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from bot.console.fake_api import Call, FakeBotApi
from bot.console.fake_updates import Person
from bot.runtime import jobs
from bot.runtime.app import build_application
from librium import i18n
from tests.bot.harness import BotHarness, last_sent
from tests.importing.conftest import goodreads_csv

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)  # a Wednesday

# A sentence of at least this many words is judged by the identifier; shorter texts (buttons, labels) by
# the word list. Over the catalogues themselves (four words or more) the identifier, choosing between
# English and the language, took 1 of 3,295 translations for English and 1 of 3,248 English texts for
# the other language (both short and full of names), hence the margin.
SENTENCE_WORDS = 4
ENGLISH_PROBABILITY = 0.95
IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
IDENTIFIER_CODE = {"pt_BR": "pt"}

# English words that are no word of the shipped languages: one of them in a text means English leaked.
ENGLISH = {
    "the", "your", "you", "is", "are", "was", "with", "this", "that", "has", "have", "not", "and", "of",
    "send", "book", "books", "library", "read", "reading", "added", "page", "pages", "shelf", "lent",
    "tap", "try", "here", "what", "which", "when", "will", "can", "there", "nothing", "new", "delete",
    "edit", "rate", "lend", "back", "cancel", "skip", "next", "prev", "stars", "goal", "unread", "done",
}  # fmt: skip

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
# Names, not English: what the reader typed, and places several languages write as English does.
NAMES = {
    "New York", "Los Angeles", "Dune", "Frank", "Herbert", "Duna", "Diuna", "Alice", "Bob", "Mort", "Terry", "Pratchett",
    "Дюна", "Дюну", "Дюны", "Дюни", "Бобу", "Diunę", "Diuny", "Bobowi",
}  # fmt: skip
# Words of these languages spelled like an English word of the list.
THEIRS = {"de": {"was"}, "fr": {"page", "pages"}}


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


def english_in(text: str, code: str) -> list[str]:
    """The English in ``text`` for a reader of ``code``: English words, and whole English sentences."""
    plain = re.sub(r"<code>.*?</code>", " ", text)
    plain = re.sub(r"<[^>]+>|/[a-z_]+|\b[a-z]+:\S+", " ", plain)  # tags, commands and /find filters
    for name in NAMES:
        plain = plain.replace(name, " ")
    words = re.findall(r"[^\W\d_]+", plain)
    theirs = THEIRS.get(code, set())
    found = [w for w in words if w.lower() in ENGLISH and w.lower() not in theirs]
    IDENTIFIER.set_languages(["en", IDENTIFIER_CODE.get(code, code)])
    for sentence in re.split(r"\n+|(?<=[.!?;:])\s+", plain):
        if len(re.findall(r"[^\W\d_]+", sentence)) >= SENTENCE_WORDS:
            language, probability = IDENTIFIER.classify(sentence)
            if language == "en" and probability >= ENGLISH_PROBABILITY:
                found.append(sentence.strip())
    return found


def test_the_check_finds_english_among_the_language() -> None:
    assert english_in("¡Hola, Eva! Your library is empty, send a title to add one.", "es") == [
        "Your", "library", "is", "send", "Your library is empty, send a title to add one."
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
