"""What people type, the same cases in every language (librium/phrases/<code>.py): adding a book,
the common questions, things told about a book, reminders in words, and words that mean none of them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.chat import parse
from librium import i18n
from librium.errors import Invalid
from librium.services import when

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)  # a Wednesday; 11:00 in Madrid
TZ = "Europe/Madrid"
FRIDAY_18 = dt.datetime(2026, 12, 4, 18, 0)
FRIDAY_9 = dt.datetime(2026, 12, 4, 9, 0)
IN_2_HOURS = dt.datetime(2026, 12, 2, 13, 0)
TOMORROW_9 = dt.datetime(2026, 12, 3, 9, 0)

# language -> case -> (text, what it means)
CASES: dict[str, dict[str, tuple[str, object]]] = {
    "en": {
        "add": ("Dune by Frank Herbert", ("Dune", "Frank Herbert")),
        "add_dash": ("War and Peace — Leo Tolstoy", ("War and Peace", "Leo Tolstoy")),
        "own": ("do I own Dune?", (parse.OWN, "Dune")),
        "read": ("have I read Mort?", (parse.READ, "Mort")),
        "who_has": ("who has Dune?", (parse.LENT, "Dune")),
        "unread_in": ("what's unread in Discworld?", (parse.UNREAD, "Discworld")),
        "reading_now": ("what am I reading?", (parse.READING_NOW, "")),
        "how_many": ("how many books do I have?", (parse.HOW_MANY, "")),
        "books_by": ("books by Terry Pratchett", (parse.BY_AUTHOR, "Terry Pratchett")),
        "finished": ("finished Dune", (parse.FINISHED, "Dune", "")),
        "started": ("I'm reading Mort", (parse.STARTED, "Mort", "")),
        "lent": ("lent Dune to Alice until friday", (parse.LENT_OUT, "Dune", "Alice until friday")),
        "returned": ("Dune is back", (parse.RETURNED, "Dune", "")),
        "rated": ("rate Dune 4.5", (parse.RATED, "Dune", "4.5")),
        "page": ("on page 120 of Mort", (parse.PROGRESS, "Mort", "120")),
        "deleted": ("delete Dune", (parse.DELETED, "Dune", "")),
        "lend_it": ("lend it to Bob", (parse.LENT_OUT, "", "Bob")),
        "set": ("set the year of Dune to 1965", (parse.SET, "Dune", "1965", "year")),
        "set_reply": ("pages: 612", (parse.SET, "", "612", "pages")),
        "wish": ("wishlist Dune by Frank Herbert", "Dune by Frank Herbert"),
        "remind": ("remind me to return Dune on friday at 18:00", ("return Dune", FRIDAY_18)),
        "remind_in": ("remind me in 2 hours to call mum", ("call mum", IN_2_HOURS)),
        "due": ("Alice until friday", ("Alice", FRIDAY_9.date())),
        "not_understood": ("hello there, how are you", None),
    },
    "es": {
        "add": (
            "Cien años de soledad de Gabriel García Márquez",
            ("Cien años de soledad", "Gabriel García Márquez"),
        ),
        "add_dash": (
            "Gabriel García Márquez - Cien años de soledad",
            ("Cien años de soledad", "Gabriel García Márquez"),
        ),
        "own": ("¿tengo Dune?", (parse.OWN, "Dune")),
        "read": ("¿he leído Mort?", (parse.READ, "Mort")),
        "who_has": ("¿quién tiene Dune?", (parse.LENT, "Dune")),
        "unread_in": ("¿qué me falta por leer de Mundodisco?", (parse.UNREAD, "Mundodisco")),
        "reading_now": ("¿qué estoy leyendo?", (parse.READING_NOW, "")),
        "how_many": ("¿cuántos libros tengo?", (parse.HOW_MANY, "")),
        "books_by": ("libros de Terry Pratchett", (parse.BY_AUTHOR, "Terry Pratchett")),
        "finished": ("terminé Dune", (parse.FINISHED, "Dune", "")),
        "started": ("estoy leyendo Mort", (parse.STARTED, "Mort", "")),
        "lent": (
            "presté Dune a Alicia hasta el viernes",
            (parse.LENT_OUT, "Dune", "Alicia hasta el viernes"),
        ),
        "returned": ("Dune ha vuelto", (parse.RETURNED, "Dune", "")),
        "rated": ("puntúa Dune 4,5", (parse.RATED, "Dune", "4.5")),
        "page": ("voy por la página 120 de Mort", (parse.PROGRESS, "Mort", "120")),
        "deleted": ("borra Dune", (parse.DELETED, "Dune", "")),
        "lend_it": ("préstalo a Bob", (parse.LENT_OUT, "", "Bob")),
        "set": ("cambia el año de Dune a 1965", (parse.SET, "Dune", "1965", "year")),
        "set_reply": ("páginas: 612", (parse.SET, "", "612", "pages")),
        "wish": ("lista de deseos Dune de Frank Herbert", "Dune de Frank Herbert"),
        "remind": ("recuérdame devolver Dune el viernes a las 18:00", ("devolver Dune", FRIDAY_18)),
        "remind_in": ("recuérdame en 2 horas llamar a mamá", ("llamar a mamá", IN_2_HOURS)),
        "due": ("Alicia hasta el viernes", ("Alicia", FRIDAY_9.date())),
        "not_understood": ("hola, ¿qué tal estás hoy?", None),
    },
    "de": {
        "add": ("Der Schwarm von Frank Schätzing", ("Der Schwarm", "Frank Schätzing")),
        "add_dash": ("Frank Schätzing - Der Schwarm", ("Der Schwarm", "Frank Schätzing")),
        "own": ("habe ich Dune?", (parse.OWN, "Dune")),
        "read": ("habe ich Mort gelesen?", (parse.READ, "Mort")),
        "who_has": ("wer hat Dune?", (parse.LENT, "Dune")),
        "unread_in": ("was habe ich von Scheibenwelt noch nicht gelesen?", (parse.UNREAD, "Scheibenwelt")),
        "reading_now": ("was lese ich gerade?", (parse.READING_NOW, "")),
        "how_many": ("wie viele Bücher habe ich?", (parse.HOW_MANY, "")),
        "books_by": ("Bücher von Terry Pratchett", (parse.BY_AUTHOR, "Terry Pratchett")),
        "finished": ("Dune ausgelesen", (parse.FINISHED, "Dune", "")),
        "started": ("ich lese Mort", (parse.STARTED, "Mort", "")),
        "lent": ("Dune bis Freitag an Alice verliehen", (parse.LENT_OUT, "Dune", "Alice bis Freitag")),
        "returned": ("Dune ist zurück", (parse.RETURNED, "Dune", "")),
        "rated": ("bewerte Dune 4,5", (parse.RATED, "Dune", "4.5")),
        "page": ("Seite 120 von Mort", (parse.PROGRESS, "Mort", "120")),
        "deleted": ("lösche Dune", (parse.DELETED, "Dune", "")),
        "lend_it": ("verleihe es an Bob", (parse.LENT_OUT, "", "Bob")),
        "set": ("setze das Jahr von Dune auf 1965", (parse.SET, "Dune", "1965", "year")),
        "set_reply": ("Seiten: 612", (parse.SET, "", "612", "pages")),
        "wish": ("Wunschliste Der Schwarm von Frank Schätzing", "Der Schwarm von Frank Schätzing"),
        "remind": (
            "erinnere mich am Freitag um 18 Uhr daran, Dune zurückzugeben",
            ("Dune zurückzugeben", FRIDAY_18),
        ),
        "remind_in": ("erinnere mich in 2 Stunden Mama anrufen", ("Mama anrufen", IN_2_HOURS)),
        "due": ("Alice bis Freitag", ("Alice", FRIDAY_9.date())),
        "not_understood": ("hallo, wie geht es dir heute", None),
    },
    "ru": {
        "add": ("Война и мир — Лев Толстой", ("Война и мир", "Лев Толстой")),
        "add_dash": ("Лев Толстой - Война и мир", ("Война и мир", "Лев Толстой")),
        "own": ("у меня есть Дюна?", (parse.OWN, "Дюна")),
        "read": ("я читал Морт?", (parse.READ, "Морт")),
        "who_has": ("у кого Дюна?", (parse.LENT, "Дюна")),
        "unread_in": ("что не прочитано в Плоский мир?", (parse.UNREAD, "Плоский мир")),
        "reading_now": ("что я читаю?", (parse.READING_NOW, "")),
        "how_many": ("сколько у меня книг?", (parse.HOW_MANY, "")),
        "books_by": ("книги Пратчетта", (parse.BY_AUTHOR, "Пратчетта")),
        "finished": ("прочитал Дюну", (parse.FINISHED, "Дюну", "")),
        "started": ("читаю Морт", (parse.STARTED, "Морт", "")),
        "lent": ("одолжил Дюну Алисе до пятницы", (parse.LENT_OUT, "Дюну", "Алисе до пятницы")),
        "returned": ("Дюну вернули", (parse.RETURNED, "Дюну", "")),
        "rated": ("оценка Дюна 4,5", (parse.RATED, "Дюна", "4.5")),
        "page": ("страница 120 в Морт", (parse.PROGRESS, "Морт", "120")),
        "deleted": ("удали Дюну", (parse.DELETED, "Дюну", "")),
        "lend_it": ("одолжил её Бобу", (parse.LENT_OUT, "", "Бобу")),
        "set": ("измени год Дюны на 1965", (parse.SET, "Дюны", "1965", "year")),
        "set_reply": ("страниц: 612", (parse.SET, "", "612", "pages")),
        "wish": ("хочу купить Дюна — Фрэнк Герберт", "Дюна — Фрэнк Герберт"),
        "remind": ("напомни вернуть Дюну в пятницу в 18:00", ("вернуть Дюну", FRIDAY_18)),
        "remind_in": ("напомни через 2 часа позвонить маме", ("позвонить маме", IN_2_HOURS)),
        "due": ("Алисе до пятницы", ("Алисе", FRIDAY_9.date())),
        "not_understood": ("привет, как дела сегодня", None),
    },
    "fr": {
        "add": ("Dune de Frank Herbert", ("Dune", "Frank Herbert")),
        "add_dash": ("Frank Herbert - Dune", ("Dune", "Frank Herbert")),
        "own": ("est-ce que j'ai Dune ?", (parse.OWN, "Dune")),
        "read": ("ai-je lu Mort ?", (parse.READ, "Mort")),
        "who_has": ("qui a Dune ?", (parse.LENT, "Dune")),
        "unread_in": ("qu'est-ce qui n'est pas lu dans Disque-monde ?", (parse.UNREAD, "Disque-monde")),
        "reading_now": ("qu'est-ce que je lis ?", (parse.READING_NOW, "")),
        "how_many": ("combien de livres ai-je ?", (parse.HOW_MANY, "")),
        "books_by": ("livres de Terry Pratchett", (parse.BY_AUTHOR, "Terry Pratchett")),
        "finished": ("j'ai fini Dune", (parse.FINISHED, "Dune", "")),
        "started": ("je lis Mort", (parse.STARTED, "Mort", "")),
        "lent": ("prêté Dune à Alice jusqu'à vendredi", (parse.LENT_OUT, "Dune", "Alice jusqu'à vendredi")),
        "returned": ("Dune est revenu", (parse.RETURNED, "Dune", "")),
        "rated": ("note Dune 4,5", (parse.RATED, "Dune", "4.5")),
        "page": ("page 120 de Mort", (parse.PROGRESS, "Mort", "120")),
        "deleted": ("supprime Dune", (parse.DELETED, "Dune", "")),
        "lend_it": ("prête-le à Bob", (parse.LENT_OUT, "", "Bob")),
        "set": ("change l'année de Dune en 1965", (parse.SET, "Dune", "1965", "year")),
        "set_reply": ("pages : 612", (parse.SET, "", "612", "pages")),
        "wish": ("liste d'envies Dune de Frank Herbert", "Dune de Frank Herbert"),
        "remind": ("rappelle-moi de rendre Dune vendredi à 18h", ("rendre Dune", FRIDAY_18)),
        "remind_in": ("rappelle-moi dans 2 heures d'appeler maman", ("appeler maman", IN_2_HOURS)),
        "due": ("Alice jusqu'à vendredi", ("Alice", FRIDAY_9.date())),
        "not_understood": ("bonjour, comment ça va aujourd'hui", None),
    },
    "pt_BR": {
        "add": ("Dom Casmurro de Machado de Assis", ("Dom Casmurro", "Machado de Assis")),
        "add_dash": ("Machado de Assis - Dom Casmurro", ("Dom Casmurro", "Machado de Assis")),
        "own": ("eu tenho Duna?", (parse.OWN, "Duna")),
        "read": ("eu li Mort?", (parse.READ, "Mort")),
        "who_has": ("quem está com Duna?", (parse.LENT, "Duna")),
        "unread_in": ("o que falta ler de Discworld?", (parse.UNREAD, "Discworld")),
        "reading_now": ("o que estou lendo?", (parse.READING_NOW, "")),
        "how_many": ("quantos livros eu tenho?", (parse.HOW_MANY, "")),
        "books_by": ("livros do Terry Pratchett", (parse.BY_AUTHOR, "Terry Pratchett")),
        "finished": ("terminei Duna", (parse.FINISHED, "Duna", "")),
        "started": ("estou lendo Mort", (parse.STARTED, "Mort", "")),
        "lent": ("emprestei Duna para a Alice até sexta", (parse.LENT_OUT, "Duna", "a Alice até sexta")),
        "returned": ("Duna voltou", (parse.RETURNED, "Duna", "")),
        "rated": ("nota Duna 4,5", (parse.RATED, "Duna", "4.5")),
        "page": ("página 120 de Mort", (parse.PROGRESS, "Mort", "120")),
        "deleted": ("apague Duna", (parse.DELETED, "Duna", "")),
        "lend_it": ("empreste para o Bob", (parse.LENT_OUT, "", "o Bob")),
        "set": ("mude o ano de Duna para 1965", (parse.SET, "Duna", "1965", "year")),
        "set_reply": ("páginas: 612", (parse.SET, "", "612", "pages")),
        "wish": ("lista de desejos Duna de Frank Herbert", "Duna de Frank Herbert"),
        "remind": ("me lembre de devolver Duna na sexta às 18h", ("devolver Duna", FRIDAY_18)),
        "remind_in": ("me lembre daqui a 2 horas de ligar para a mãe", ("ligar para a mãe", IN_2_HOURS)),
        "due": ("Alice até sexta", ("Alice", FRIDAY_9.date())),
        "not_understood": ("oi, tudo bem com você hoje", None),
    },
    "it": {
        "add": ("Il nome della rosa di Umberto Eco", ("Il nome della rosa", "Umberto Eco")),
        "add_dash": ("Umberto Eco - Il nome della rosa", ("Il nome della rosa", "Umberto Eco")),
        "own": ("ho Dune?", (parse.OWN, "Dune")),
        "read": ("ho letto Mort?", (parse.READ, "Mort")),
        "who_has": ("chi ha Dune?", (parse.LENT, "Dune")),
        "unread_in": ("cosa non ho letto di Mondo Disco?", (parse.UNREAD, "Mondo Disco")),
        "reading_now": ("cosa sto leggendo?", (parse.READING_NOW, "")),
        "how_many": ("quanti libri ho?", (parse.HOW_MANY, "")),
        "books_by": ("libri di Terry Pratchett", (parse.BY_AUTHOR, "Terry Pratchett")),
        "finished": ("finito Dune", (parse.FINISHED, "Dune", "")),
        "started": ("sto leggendo Mort", (parse.STARTED, "Mort", "")),
        "lent": ("prestato Dune ad Alice fino a venerdì", (parse.LENT_OUT, "Dune", "Alice fino a venerdì")),
        "returned": ("Dune è tornato", (parse.RETURNED, "Dune", "")),
        "rated": ("voto Dune 4,5", (parse.RATED, "Dune", "4.5")),
        "page": ("pagina 120 di Mort", (parse.PROGRESS, "Mort", "120")),
        "deleted": ("elimina Dune", (parse.DELETED, "Dune", "")),
        "lend_it": ("prestalo a Bob", (parse.LENT_OUT, "", "Bob")),
        "set": ("cambia l'anno di Dune in 1965", (parse.SET, "Dune", "1965", "year")),
        "set_reply": ("pagine: 612", (parse.SET, "", "612", "pages")),
        "wish": ("lista desideri Dune di Frank Herbert", "Dune di Frank Herbert"),
        "remind": ("ricordami di restituire Dune venerdì alle 18", ("restituire Dune", FRIDAY_18)),
        "remind_in": ("ricordami tra 2 ore di chiamare la mamma", ("chiamare la mamma", IN_2_HOURS)),
        "due": ("Alice fino a venerdì", ("Alice", FRIDAY_9.date())),
        "not_understood": ("ciao, come stai oggi", None),
    },
    "uk": {
        "add": ("Тигролови — Іван Багряний", ("Тигролови", "Іван Багряний")),
        "add_dash": ("Іван Багряний - Тигролови", ("Тигролови", "Іван Багряний")),
        "own": ("у мене є Дюна?", (parse.OWN, "Дюна")),
        "read": ("я читав Морт?", (parse.READ, "Морт")),
        "who_has": ("у кого Дюна?", (parse.LENT, "Дюна")),
        "unread_in": ("що не прочитано в Дискосвіт?", (parse.UNREAD, "Дискосвіт")),
        "reading_now": ("що я читаю?", (parse.READING_NOW, "")),
        "how_many": ("скільки в мене книжок?", (parse.HOW_MANY, "")),
        "books_by": ("книжки Пратчетта", (parse.BY_AUTHOR, "Пратчетта")),
        "finished": ("прочитав Дюну", (parse.FINISHED, "Дюну", "")),
        "started": ("читаю Морт", (parse.STARTED, "Морт", "")),
        "lent": ("позичив Дюну Алісі до п’ятниці", (parse.LENT_OUT, "Дюну", "Алісі до п’ятниці")),
        "returned": ("Дюну повернули", (parse.RETURNED, "Дюну", "")),
        "rated": ("оцінка Дюна 4,5", (parse.RATED, "Дюна", "4.5")),
        "page": ("сторінка 120 в Морт", (parse.PROGRESS, "Морт", "120")),
        "deleted": ("видали Дюну", (parse.DELETED, "Дюну", "")),
        "lend_it": ("позичив її Бобу", (parse.LENT_OUT, "", "Бобу")),
        "set": ("зміни рік Дюни на 1965", (parse.SET, "Дюни", "1965", "year")),
        "set_reply": ("сторінок: 612", (parse.SET, "", "612", "pages")),
        "wish": ("хочу купити Дюна — Френк Герберт", "Дюна — Френк Герберт"),
        "remind": ("нагадай повернути Дюну в п’ятницю о 18:00", ("повернути Дюну", FRIDAY_18)),
        "remind_in": ("нагадай через 2 години подзвонити мамі", ("подзвонити мамі", IN_2_HOURS)),
        "due": ("Алісі до п’ятниці", ("Алісі", FRIDAY_9.date())),
        "not_understood": ("привіт, як справи сьогодні", None),
    },
    "pl": {
        "add": ("Lalka — Bolesław Prus", ("Lalka", "Bolesław Prus")),
        "add_dash": ("Bolesław Prus - Lalka", ("Lalka", "Bolesław Prus")),
        "own": ("czy mam Diunę?", (parse.OWN, "Diunę")),
        "read": ("czy czytałem Mort?", (parse.READ, "Mort")),
        "who_has": ("kto ma Diunę?", (parse.LENT, "Diunę")),
        "unread_in": ("co jest nieprzeczytane w Świat Dysku?", (parse.UNREAD, "Świat Dysku")),
        "reading_now": ("co czytam?", (parse.READING_NOW, "")),
        "how_many": ("ile mam książek?", (parse.HOW_MANY, "")),
        "books_by": ("książki Pratchetta", (parse.BY_AUTHOR, "Pratchetta")),
        "finished": ("skończyłem Diunę", (parse.FINISHED, "Diunę", "")),
        "started": ("czytam Mort", (parse.STARTED, "Mort", "")),
        "lent": ("pożyczyłem Diunę Alicji do piątku", (parse.LENT_OUT, "Diunę", "Alicji do piątku")),
        "returned": ("Diuna wróciła", (parse.RETURNED, "Diuna", "")),
        "rated": ("ocena Diuna 4,5", (parse.RATED, "Diuna", "4.5")),
        "page": ("strona 120 w Mort", (parse.PROGRESS, "Mort", "120")),
        "deleted": ("usuń Diunę", (parse.DELETED, "Diunę", "")),
        "lend_it": ("pożyczyłem ją Bobowi", (parse.LENT_OUT, "", "Bobowi")),
        "set": ("zmień rok Diuny na 1965", (parse.SET, "Diuny", "1965", "year")),
        "set_reply": ("liczba stron: 612", (parse.SET, "", "612", "pages")),
        "wish": ("chcę kupić Diuna — Frank Herbert", "Diuna — Frank Herbert"),
        "remind": ("przypomnij mi oddać Diunę w piątek o 18:00", ("oddać Diunę", FRIDAY_18)),
        "remind_in": ("przypomnij mi za 2 godziny zadzwonić do mamy", ("zadzwonić do mamy", IN_2_HOURS)),
        "due": ("Alicji do piątku", ("Alicji", FRIDAY_9.date())),
        "not_understood": ("cześć, jak się masz dzisiaj", None),
    },
}
CASE_NAMES = list(CASES["en"])
PARAMS = [(code, case) for code in CASES for case in CASE_NAMES]


def test_every_language_has_every_case() -> None:
    assert set(CASES) == set(i18n.LANGUAGES)
    for code, cases in CASES.items():
        assert list(cases) == CASE_NAMES, code


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(ZoneInfo(TZ)).replace(tzinfo=None)


@pytest.mark.parametrize(("code", "case"), PARAMS)
def test_phrase(code: str, case: str) -> None:
    text, meaning = CASES[code][case]
    with i18n.speaking(code):
        if case.startswith("add"):
            assert [(r.title, r.author) for r in parse.read_title_author(text)][:1] == [meaning]
            assert parse.read_question(text) is None and parse.read_action(text) is None
        elif case in ("own", "read", "who_has", "unread_in", "reading_now", "how_many", "books_by"):
            question = parse.read_question(text)
            assert question is not None and (question.kind, question.subject) == meaning
            assert question.sure
        elif case == "wish":
            assert parse.read_wish(text) == meaning
        elif case.startswith("remind"):
            rest = parse.read_reminder(text)
            assert rest is not None
            due, what = when.split_when_what(rest, TZ, NOW)
            assert (what, local(due)) == meaning
        elif case == "due":
            assert parse.read_loan(text, TZ, NOW) == meaning
        elif case.startswith("set"):
            action = parse.read_action(text)
            assert action is not None, text
            kind, book, value, field = meaning
            assert (action.kind, action.field, action.reply_only) == (kind, field, case == "set_reply")
            assert (book, value) == (action.subjects[0], action.rest[0])
        elif case == "not_understood":
            assert parse.read_question(text) is None
            assert parse.read_action(text) is None
            assert parse.read_title_author(text) == []
            assert parse.read_reminder(text) is None
            with pytest.raises(Invalid):
                when.parse(text, TZ, NOW)
        else:
            action = parse.read_action(text)
            assert action is not None, text
            kind, book, rest = meaning
            assert action.kind == kind
            pairs = list(zip(action.subjects, action.rest or [""] * len(action.subjects), strict=True))
            assert (book, rest) in pairs, pairs


@pytest.mark.parametrize("code", [c for c in CASES if c != "en"])
def test_english_is_understood_in_every_language(code: str) -> None:
    with i18n.speaking(code):
        assert parse.read_question("do I own Dune?") == parse.Question(parse.OWN, "Dune", True)
        assert [(r.title, r.author) for r in parse.read_title_author("Dune by Frank Herbert")] == [
            ("Dune", "Frank Herbert")
        ]


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("es", "mañana a las 9:00", TOMORROW_9),
        ("es", "el próximo viernes", FRIDAY_9),
        ("de", "morgen um 9 Uhr", TOMORROW_9),
        ("de", "nächsten Freitag", FRIDAY_9),
        ("ru", "завтра в 9:00", TOMORROW_9),
        ("ru", "через 2 часа", IN_2_HOURS),
        ("fr", "demain à 9h", TOMORROW_9),
        ("pt_BR", "amanhã às 9:00", TOMORROW_9),
        ("it", "domani alle 9", TOMORROW_9),
        ("uk", "завтра о 9:00", TOMORROW_9),
        ("pl", "jutro o 9:00", TOMORROW_9),
    ],
)
def test_times_in_words(code: str, text: str, expected: dt.datetime) -> None:
    with i18n.speaking(code):
        assert local(when.parse(text, TZ, NOW)) == expected


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A wall time in Madrid in the week of NOW (Wednesday 2 December 2026, 11:00)."""
    return dt.datetime(2026, 12, day, hour, minute)


# The ways people say a time, the same cases in every language (read through dateparser and the words
# of librium/phrases/<code>.py). A part of the day without a clock: morning 9:00, noon 12:00,
# afternoon 15:00, evening 20:00; "in 3 days" keeps the time it is now (11:00), as in English.
SPOKEN_CASES = [
    "tomorrow_morning", "tomorrow_afternoon", "tomorrow_evening", "tomorrow_noon", "this_evening",
    "day_after_tomorrow", "in_a_week", "in_half_an_hour", "in_two_hours", "in_3_days", "weekday_morning",
    "weekday_at", "clock_in_the_evening", "next_weekday", "date_afternoon",
]  # fmt: skip
SPOKEN_MEANS = {
    "tomorrow_morning": at(3, 9), "tomorrow_afternoon": at(3, 15), "tomorrow_evening": at(3, 20),
    "tomorrow_noon": at(3, 12), "this_evening": at(2, 20), "day_after_tomorrow": at(4, 9),
    "in_a_week": at(9, 11), "in_half_an_hour": at(2, 11, 30), "in_two_hours": at(2, 13), "in_3_days": at(5, 11),
    "weekday_morning": at(7, 9), "weekday_at": at(5, 10), "clock_in_the_evening": at(2, 19),
    "next_weekday": at(8, 9), "date_afternoon": at(24, 15),
}  # fmt: skip
SPOKEN = {
    "es": ["mañana por la mañana", "mañana por la tarde", "mañana por la noche", "mañana a mediodía",
           "esta noche", "pasado mañana", "dentro de una semana", "en media hora", "dentro de dos horas",
           "en 3 días", "el lunes por la mañana", "el sábado a las 10", "a las 7 de la tarde",
           "el martes que viene", "el 24 de diciembre por la tarde"],
    "de": ["morgen früh", "morgen Nachmittag", "morgen Abend", "morgen Mittag", "heute Abend", "übermorgen",
           "in einer Woche", "in einer halben Stunde", "in zwei Stunden", "in 3 Tagen", "am Montagmorgen",
           "am Samstag um 10 Uhr", "um 7 Uhr abends", "nächsten Dienstag", "am 24. Dezember nachmittags"],
    "fr": ["demain matin", "demain après-midi", "demain soir", "demain midi", "ce soir", "après-demain",
           "dans une semaine", "dans une demi-heure", "dans deux heures", "dans 3 jours", "lundi matin",
           "samedi à 10h", "à 7h du soir", "mardi prochain", "le 24 décembre l'après-midi"],
    "pt_BR": ["amanhã de manhã", "amanhã à tarde", "amanhã à noite", "amanhã ao meio-dia", "hoje à noite",
              "depois de amanhã", "daqui a uma semana", "daqui a meia hora", "daqui a duas horas", "em 3 dias",
              "segunda de manhã", "sábado às 10", "às 7 da noite", "terça que vem", "24 de dezembro à tarde"],
    "ru": ["завтра утром", "завтра днём", "завтра вечером", "завтра в полдень", "сегодня вечером",
           "послезавтра", "через неделю", "через полчаса", "через два часа", "через 3 дня",
           "в понедельник утром", "в субботу в 10", "в 7 вечера", "в следующий вторник", "24 декабря днём"],
    "uk": ["завтра вранці", "завтра вдень", "завтра ввечері", "завтра опівдні", "сьогодні ввечері",
           "післязавтра", "через тиждень", "через пів години", "через дві години", "через 3 дні",
           "у понеділок вранці", "в суботу о 10", "о 7 вечора", "наступного вівторка", "24 грудня вдень"],
    "it": ["domani mattina", "domani pomeriggio", "domani sera", "domani a mezzogiorno", "stasera",
           "dopodomani", "tra una settimana", "tra mezz'ora", "tra due ore", "fra 3 giorni", "lunedì mattina",
           "sabato alle 10", "alle 7 di sera", "martedì prossimo", "il 24 dicembre pomeriggio"],
    "pl": ["jutro rano", "jutro po południu", "jutro wieczorem", "jutro w południe", "dziś wieczorem",
           "pojutrze", "za tydzień", "za pół godziny", "za dwie godziny", "za 3 dni", "w poniedziałek rano",
           "w sobotę o 10", "o 7 wieczorem", "w przyszły wtorek", "24 grudnia po południu"],
}  # fmt: skip
# A reminder with the time in the language's words, before or after what to do.
SPOKEN_REMINDERS = {
    "es": ("recuérdame llamar a mamá mañana por la mañana", "llamar a mamá", at(3, 9)),
    "de": ("erinnere mich morgen Abend daran, Dune zurückzugeben", "Dune zurückzugeben", at(3, 20)),
    "fr": ("rappelle-moi demain soir de rendre Dune", "rendre Dune", at(3, 20)),
    "pt_BR": ("me lembre amanhã à noite de devolver Duna", "devolver Duna", at(3, 20)),
    "ru": ("напомни вернуть Дюну через неделю", "вернуть Дюну", at(9, 11)),
    "uk": ("нагадай завтра ввечері повернути Дюну", "повернути Дюну", at(3, 20)),
    "it": ("ricordami domani sera di restituire Dune", "restituire Dune", at(3, 20)),
    "pl": ("przypomnij mi jutro wieczorem oddać Diunę", "oddać Diunę", at(3, 20)),
}


def test_every_language_says_every_spoken_time() -> None:
    assert set(SPOKEN) == set(CASES) - {"en"} == set(SPOKEN_REMINDERS)
    assert all(len(texts) == len(SPOKEN_CASES) for texts in SPOKEN.values())


@pytest.mark.parametrize(
    ("code", "case"), [(code, case) for code in SPOKEN for case in SPOKEN_CASES], ids=lambda v: str(v)
)
def test_spoken_times(code: str, case: str) -> None:
    text = SPOKEN[code][SPOKEN_CASES.index(case)]
    with i18n.speaking(code):
        assert local(when.parse(text, TZ, NOW)) == SPOKEN_MEANS[case], text


@pytest.mark.parametrize("code", list(SPOKEN_REMINDERS))
def test_a_reminder_with_a_spoken_time(code: str) -> None:
    text, what, due = SPOKEN_REMINDERS[code]
    with i18n.speaking(code):
        rest = parse.read_reminder(text)
        assert rest is not None
        found, said = when.split_when_what(rest, TZ, NOW)
    assert (said, local(found)) == (what, due)


@pytest.mark.parametrize("code", list(CASES))
def test_a_past_time_is_refused_in_the_language(code: str) -> None:
    yesterday = {"en": "yesterday", "es": "ayer", "de": "gestern", "ru": "вчера", "fr": "hier",
                 "pt_BR": "ontem", "it": "ieri", "uk": "вчора", "pl": "wczoraj"}[code]  # fmt: skip
    with i18n.speaking(code), pytest.raises(Invalid):
        when.parse(yesterday, TZ, NOW)


@pytest.mark.parametrize("code", list(CASES))
def test_the_times_each_language_shows_as_examples_are_understood(code: str) -> None:
    import re

    with i18n.speaking(code):
        shown = re.findall(r"[«„“]\s?([^«»„“”]+?)\s?[»“”]", when.examples())
        assert len(shown) == 5, shown
        for text in shown:
            assert when.parse(text, TZ, NOW) > NOW


# Told in the words a question could use: without "?" (or "est-ce que", "¿", an inversion) they are told.
TOLD = [
    ("fr", "j'ai fini Dune", parse.FINISHED), ("fr", "j'ai lu Dune", parse.FINISHED),
    ("fr", "j'ai acheté Dune", parse.BOUGHT), ("fr", "j'ai prêté Dune à Bob", parse.LENT_OUT),
    ("it", "ho finito Dune", parse.FINISHED), ("it", "ho letto Dune", parse.FINISHED),
    ("it", "ho comprato Dune", parse.BOUGHT), ("it", "ho prestato Dune a Bob", parse.LENT_OUT),
    ("es", "he leído Dune", parse.FINISHED), ("es", "ya he terminado Dune", parse.FINISHED),
]  # fmt: skip


@pytest.mark.parametrize(("code", "text", "kind"), TOLD)
def test_a_statement_is_told_not_asked(code: str, text: str, kind: str) -> None:
    with i18n.speaking(code):
        question = parse.read_question(text)
        assert question is None or not question.sure
        assert parse.read_action(text).kind == kind
        assert parse.read_question(text + " ?" if code == "fr" else text + "?").sure


def test_typographic_apostrophes_read_like_plain_ones() -> None:
    with i18n.speaking("fr"):
        assert parse.read_question("est-ce que j’ai Dune ?") == parse.Question(parse.OWN, "Dune", True)
        assert parse.read_action("j’ai fini Dune").kind == parse.FINISHED
