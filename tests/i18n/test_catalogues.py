"""Every text the bot can show a person is translated in every shipped catalogue, keeps the
original's placeholders and HTML tags, and has every plural form its language needs."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from librium import i18n

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT]
KEYWORDS = {"_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")


def extracted() -> dict[object, tuple[str, ...]]:
    """msgid (or (context, msgid)) -> its singular and plural, straight from the source (no .pot), as
    `make messages` finds them (babel.cfg: the Python code, and the Mini App's app.js)."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[object, tuple[str, ...]] = {}
    for folder in ("bot", "librium"):
        for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / folder, method_map=method_map, options_map=options_map, keywords=KEYWORDS
        ):
            texts = message if isinstance(message, tuple) else (message,)
            found[(context, texts[0]) if context else texts[0]] = texts
    return found


MESSAGES = extracted()


def catalogue(code: str):
    with i18n.catalogue_path(code).open("rb") as handle:
        return read_po(handle, locale=code, domain=i18n.DOMAIN)


def test_the_source_has_texts_to_translate() -> None:
    assert len(MESSAGES) > 20
    assert "Which language should I speak?" in MESSAGES
    assert "Search your shelf" in MESSAGES  # the Mini App's (bot/webapp/static/app.js)


# The Mini App's texts a language writes as English does (the rest must not be left in English).
SAME_AS_ENGLISH = {
    "ISBN": set(SHIPPED), "Series": {"es"}, "Format": {"de", "fr", "pl"}, "Genres": {"de", "fr"},
    "Pages": {"fr"}, "{n} page": {"fr"}, "Audiobook": {"pl"},
}  # fmt: skip


@pytest.mark.parametrize("code", SHIPPED)
def test_the_mini_apps_texts_are_not_left_in_english(code: str) -> None:
    from bot.webapp import texts

    po = catalogue(code)
    copied = []
    for message in texts.messages():
        ids = message if isinstance(message, tuple) else (message,)
        entry = po.get(ids[0])
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if any(s in ids for s in strings) and code not in SAME_AS_ENGLISH.get(ids[0], set()):
            copied.append(ids[0])
    assert copied == []


@pytest.mark.parametrize("code", SHIPPED)
def test_every_message_is_translated(code: str) -> None:
    po = catalogue(code)
    missing = []
    for key, texts in MESSAGES.items():
        context, msgid = key if isinstance(key, tuple) else (None, key)
        entry = po.get(texts[0], context=context)
        if entry is None or entry.fuzzy:
            missing.append(msgid)
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(s and s.strip() for s in strings):
            missing.append(msgid)
    assert not missing, (
        f"{code}: {len(missing)} untranslated (run `make messages` and translate): {missing[:10]}"
    )


@pytest.mark.parametrize("code", SHIPPED)
def test_translations_keep_placeholders_and_tags(code: str) -> None:
    wrong = []
    for entry in catalogue(code):
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        tags = Counter(TAG.findall(ids[0]))
        for text in strings:
            # A plural form may say "one" in words instead of {n}; every other placeholder must stay.
            have = set(PLACEHOLDER.findall(text))
            if not have <= wanted or (wanted - {"{n}"}) - have:
                wrong.append((entry.id, text, "placeholders"))
            if Counter(TAG.findall(text)) != tags:
                wrong.append((entry.id, text, "tags"))
            try:
                text.format(**{p.strip("{}").split(":")[0]: 1 for p in wanted})
            except (KeyError, IndexError, ValueError) as error:
                wrong.append((entry.id, text, f"format: {error}"))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("code", SHIPPED)
def test_plural_forms_are_complete(code: str) -> None:
    po = catalogue(code)
    needed = Locale.parse(code).plural_form
    assert po.num_plurals == len(needed.tags) or po.num_plurals >= 2
    for entry in po:
        if entry.id and isinstance(entry.id, tuple) and entry.string:
            assert len(entry.string) == po.num_plurals, (code, entry.id)
            assert all(entry.string), (code, entry.id)


def test_russian_counts_books_in_three_forms() -> None:
    plural = catalogue("ru").plural_expr
    assert "n % 10 == 1" in plural
    with i18n.speaking("ru"):
        forms = {n: i18n.ngettext("{n} book", "{n} books", n).format(n=n) for n in (1, 3, 5, 21, 1451)}
    assert forms == {1: "1 книга", 3: "3 книги", 5: "5 книг", 21: "21 книга", 1451: "1451 книга"}


def test_an_unknown_language_falls_back_to_english() -> None:
    for code in (None, "", "ja", "zz-ZZ"):
        assert i18n.match(code) == "en"
    assert i18n.match("pt-br") == "pt_BR" and i18n.match("pt") == "pt_BR"
    assert i18n.match("de-AT") == "de" and i18n.match("uk") == "uk"
    with i18n.speaking("ja"):
        assert i18n._("Which language should I speak?") == "Which language should I speak?"
