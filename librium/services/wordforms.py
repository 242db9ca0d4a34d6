"""How else a word may be written: its ASCII readings (transliteration), its stem, how many typos a
word of its length may carry, and the edit distance that counts them. Pure functions, no database.

- Readings: anyascii for every script (Cyrillic ``Толстой`` -> ``tolstoy``, Greek, Hangul, Arabic...);
  for Japanese also pykakasi's Hepburn reading (``村上春樹`` -> ``murakamiharuki``; anyascii reads kanji
  as Mandarin), loaded on first use since its dictionary takes a second or two.
- Stems: Snowball, the stemmer chosen by the word's script (``STEMMERS``); a language plugs in there.
- Typos: optimal string alignment distance (rapidfuzz), so a swap of two letters is one edit.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache, lru_cache

import snowballstemmer
from anyascii import anyascii
from rapidfuzz.distance import OSA, Indel

from librium.text import fold

MAX_LENGTH = 64  # longer "words" (pasted junk) are left out of the vocabulary
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[^\W_]+")

STEMMERS = {"latin": "english", "cyrillic": "russian", "greek": "greek"}
"""Snowball language per script. More languages plug in here (or per library language, later)."""


def words(raw: str) -> list[str]:
    """The words of raw (unfolded) text, split as the search index splits them."""
    return _WORD.findall(raw)


def script(word: str) -> str:
    """'latin', 'cyrillic', 'greek', 'han', 'kana', 'hangul' or 'other', from the first letter."""
    for ch in word:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        for prefix, kind in (
            ("LATIN", "latin"),
            ("CYRILLIC", "cyrillic"),
            ("GREEK", "greek"),
            ("CJK", "han"),
            ("HIRAGANA", "kana"),
            ("KATAKANA", "kana"),
            ("HANGUL", "hangul"),
        ):
            if name.startswith(prefix):
                return kind
        return "other"
    return "other"


def _ascii(text: str) -> str:
    return _NOT_ASCII_WORD.sub("", fold(text))[:MAX_LENGTH]


_kakasi = None
_kakasi_lock = threading.Lock()


def _japanese(word: str) -> str:
    global _kakasi
    with _kakasi_lock:
        if _kakasi is None:
            import pykakasi

            _kakasi = pykakasi.kakasi()
        parts = _kakasi.convert(word)
    return "".join(part["hepburn"] for part in parts)


@lru_cache(maxsize=65536)
def readings(word: str) -> frozenset[str]:
    """ASCII readings of one word (raw or folded), letters and digits only; the word itself when ASCII.
    A Cyrillic word also reads without the y of a vowel after a consonant (:func:`plain`)."""
    found = {_ascii(anyascii(word))}
    if script(word) == "cyrillic":
        found.add(_ascii(plain(word)))
    if any(unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA")) for ch in word):
        found.add(_ascii(_japanese(word)))
    found.discard("")
    return frozenset(found)


def plain(word: str) -> str:
    """anyascii's reading of a Cyrillic word without the y that я, ю (and є, ї) carry after a
    consonant: "Дюна" -> "Duna" beside "Dyuna", as a title comes back from another language ("Dune")."""
    out, previous = [], ""
    for ch in word:
        latin = anyascii(ch)
        if len(latin) > 1 and latin[0] in "yY" and previous[-1:].isalpha() and previous[-1:] not in _VOWELS:
            latin = latin[1:]
        out.append(latin)
        previous = latin
    return "".join(out)


_VOWELS = set("aeiouyAEIOUY")


@lru_cache(maxsize=65536)
def stem(word: str, language: str | None = None) -> str:
    """The folded stem of a word by a Snowball stemmer: ``language``'s (an algorithm's name, e.g.
    "polish") or else its script's; the folded word when none applies."""
    language = language or STEMMERS.get(script(word))
    lowered = word.casefold()
    if language == "ukrainian":  # no Snowball of its own: see _AS_RUSSIAN
        lowered = lowered[: len(_stemmer("russian").stemWord(lowered.translate(_AS_RUSSIAN)))]
    elif language:
        lowered = _stemmer(language).stemWord(lowered)
    return fold(lowered)[:MAX_LENGTH]


# Snowball has no Ukrainian stemmer. The Russian one cuts the case endings the two languages share
# ("Дюну", "Кобзаря", "книжкою") once it reads the Ukrainian vowels as the Russian ones it knows (it finds
# nothing to cut in "пісню" otherwise); the stem is then that many letters of the Ukrainian word.
_AS_RUSSIAN = str.maketrans("іїєґ", "ииег")


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(language)


def max_edits(word: str) -> int:
    """Typos a word may carry and still be corrected: none under 4 letters, 1 up to 7, 2 from 8."""
    if any(ch.isdigit() for ch in word):
        return 0
    length = len(word)
    return 0 if length < 4 else 1 if length < 8 else 2


def typo_cost(typed: str, word: str, limit: int) -> float | None:
    """The edits from ``typed`` to ``word`` (None past ``limit``), a missing or extra letter costing a
    little less than a wrong one: "hobit" is nearer "hobbit" than "habit"."""
    edits = distance(typed, word, limit)
    if edits > limit:
        return None
    return edits + 0.5 * Indel.normalized_distance(typed, word)


def distance(a: str, b: str, limit: int) -> int:
    """Edit distance (insertions, deletions, substitutions, adjacent swaps), or ``limit + 1`` past it."""
    return OSA.distance(a, b, score_cutoff=limit)


def pieces(word: str, edits: int) -> tuple[str, str, str]:
    """(prefix, middle, suffix) of ``word`` such that a word within ``edits`` edits of it starts with
    the prefix, contains the middle or ends with the suffix (at least one of them).

    Each edit, a swap included, spoils at most one piece: the pieces are split by one-letter gaps.
    With one edit there is no middle (""); with two, the middle has at least three letters (what a
    trigram index can find).
    """
    length = len(word)
    if edits <= 0:
        return word, "", word
    if edits == 1:
        half = length // 2
        return word[:half], "", word[half + 1 :]
    middle = max(3, (length - 2) // 3)
    prefix = max(0, (length - 2 - middle) // 2)
    suffix_start = prefix + 1 + middle + 1
    return word[:prefix], word[prefix + 1 : prefix + 1 + middle], word[suffix_start:]
