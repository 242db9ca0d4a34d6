"""The Mini App's texts come from the catalogues: every t()/tn() in app.js is a literal Babel extracts,
the dictionary holds each of them (every plural category of the language), no other string literal of
app.js reads like words shown to a person, index.html holds no words, and the language is the chat's:
the user's chosen one, else Telegram's; a group's library speaks the group's (else its creator's)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bot.webapp import texts
from librium import i18n
from librium.services import languages
from tests.webapp.conftest import ADA, BOB, GROUP

SOURCE = texts.APP_JS.read_text(encoding="utf-8")
CALL = re.compile(r"(?<![\w.])(tn?)\(")
LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`')
COMMENT = re.compile(r"/\*.*?\*/|(?<![:\"'])//[^\n]*", re.S)
# Literals that are code, not words: headers, DOM error names, barcode formats.
CODE = {"use strict", "Authorization", "Content-Type", "NotAllowedError", "SecurityError", "NotFoundError",
        "OverconstrainedError", "NotReadableError", "EAN13", "EAN8", "UPCA", "UPCE", "UTC"}  # fmt: skip


def code_only() -> str:
    return COMMENT.sub(" ", SOURCE)


def test_every_text_call_is_a_literal_babel_extracts():
    source = code_only()
    calls = [m for m in CALL.finditer(source) if not source[: m.start()].endswith("function ")]
    assert len(calls) > 80
    for call in calls:
        assert source[call.end()] == '"', (
            f"t()/tn() with something else than a literal: {source[call.start() : call.end() + 30]}"
        )
    extracted = texts.messages()
    assert len(extracted) == len({re.sub(r"\s+", " ", str(m)) for m in extracted}) > 80
    assert "Search your shelf" in extracted and ("{n} book", "{n} books") in extracted


def _in_text_call(source: str, start: int) -> bool:
    """Whether the literal at ``start`` is the first (or, for tn, second) argument of t()/tn()."""
    before = source[max(0, start - 200) : start].rstrip()
    if re.search(r"(?<![\w.])tn?\($", before):
        return True
    return bool(re.search(r'(?<![\w.])tn\("(?:[^"\\]|\\.)*",\s*$', before))


def test_no_words_are_written_in_app_js_outside_the_texts():
    source = code_only()
    prose = []
    for match in LITERAL.finditer(source):
        value = match.group(0)[1:-1]
        if _in_text_call(source, match.start()) or value in CODE:
            continue
        words = re.findall(r"[^\W\d_]{2,}", re.sub(r"\$\{[^}]*\}", " ", value))
        capitalised = re.search(r"(?<![\w-])[A-Z][a-z]{2,}", value)
        sentence = (len(words) >= 3 and " " in value) or re.search(r"[^\W\d_]{2,}[.!?…:]\s*$", value)
        if words and (capitalised or sentence):
            prose.append(value)
    assert prose == []


def test_the_page_itself_holds_no_words():
    class Words(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open: list[str] = []
            self.found: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.open.append(tag)
            self.found += [v for k, v in attrs if k in ("placeholder", "aria-label", "title") and v]

        def handle_endtag(self, tag):
            if tag in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

        def handle_data(self, data):
            if re.search(r"[^\W\d_]", data) and not {"title", "noscript", "script"} & set(self.open):
                self.found.append(data.strip())

    parser = Words()
    parser.feed((texts.APP_JS.parent / "index.html").read_text(encoding="utf-8"))
    assert parser.found == []


@pytest.mark.parametrize("code", [c for c in i18n.LANGUAGES if c != i18n.DEFAULT])
def test_the_dictionary_has_every_text_in_every_plural_category(code):
    babel = i18n.babel_locale(code)
    found = texts.dictionary(code)
    assert found["locale"] == code.replace("_", "-")
    for message in texts.messages():
        if isinstance(message, tuple):
            forms = found["messages"][message[0] + texts.PLURAL_KEY + message[1]]
            integers = {babel.plural_form(n) for n in range(200)}
            assert set(forms) == integers and all(forms.values())
        else:
            assert found["messages"][message].strip()
    if code == "ru":
        stars = found["messages"]["{n} star" + texts.PLURAL_KEY + "{n} stars"]
        assert stars == {"one": "{n} звезда", "few": "{n} звезды", "many": "{n} звёзд"}


def test_accept_language_picks_a_shipped_language():
    assert texts.from_accept_language("ru-RU,ru;q=0.9,en-US;q=0.8") == "ru"
    assert texts.from_accept_language("ja, pt-BR;q=0.5, de;q=0.7") == "de"
    assert texts.from_accept_language("ja,zh;q=0.5") == "en" and texts.from_accept_language(None) == "en"
    assert texts.from_accept_language("en-GB, es;q=0.9") == "en"


def test_the_page_comes_in_the_browsers_language_and_me_in_the_users(shelf):
    page = shelf.client(None).get("/app/", headers={"Accept-Language": "uk-UA,uk;q=0.9"}).text
    assert '<html lang="uk">' in page and "Для полиці Librium потрібен JavaScript." in page
    assert '"locale":"uk"' in page and "Пошук на полиці" in page
    spanish = shelf.client(ADA, language="es")
    me = spanish.get("/app/api/me", params={"texts": "uk"}).json()
    assert me["locale"] == "es" and me["texts"]["messages"]["Search your shelf"] == "Busca en tu estantería"
    assert spanish.get("/app/api/me", params={"texts": "es"}).json()["texts"] is None
    # A language chosen with /language wins over Telegram's; errors come in it too.
    with shelf.session_factory() as session, session.begin():
        user_id = shelf.who(ADA, "Ada", language="es").user_id
        languages.set_user_language(session, user_id, "de")
    assert spanish.get("/app/api/me").json()["locale"] == "de"
    missing = spanish.get("/app/api/books/999999")
    assert missing.status_code == 404 and missing.json()["error"] == "Das ist nicht in deiner Bibliothek."


def test_a_groups_library_speaks_the_groups_language(shelf):
    group = shelf.who(BOB, "Bob", chat_id=GROUP, title="Club", language="pt-br")  # Bob created the group
    shelf.who(ADA, "Ada", chat_id=GROUP, title="Club", language="es")
    ada = shelf.client(ADA, language="es")
    assert ada.get("/app/api/me").json()["locale"] == "es"
    me = ada.get("/app/api/me", params={"library": group.library_id}).json()
    assert me["locale"] == "pt-BR" and me["texts"]["messages"]["Save"] == "Salvar"
    with shelf.session_factory() as session, session.begin():
        languages.set_library_language(session, group.library_id, "ru")
    assert ada.get("/app/api/me", params={"library": group.library_id}).json()["locale"] == "ru"
