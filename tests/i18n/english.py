"""The judge of the language walks (the chat's and the Mini App's): is there English in a text shown to a
reader of another language? Each sentence is judged by a language identifier (py3langid, told to choose
between English and the reader's language) and each shorter text by a list of English words."""

from __future__ import annotations

import re

from py3langid.langid import MODEL_FILE, LanguageIdentifier

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
    "search", "scan", "save", "saved", "undo", "deleted", "title", "author", "authors", "year", "rating",
    "wishlist", "filters", "price", "recent", "open", "from", "barcode", "cover", "subtitle", "publisher",
    "returned", "about", "missing", "near", "matches", "showing", "results", "loan",
}  # fmt: skip

# Names, not English: what the reader typed, and places several languages write as English does.
NAMES = {
    "New York", "Los Angeles", "Dune", "Frank", "Herbert", "Duna", "Diuna", "Alice", "Bob", "Mort", "Terry", "Pratchett",
    "Дюна", "Дюну", "Дюны", "Дюни", "Бобу", "Diunę", "Diuny", "Bobowi",
    "E-Book",  # German (the Mini App's format suggestions)
}  # fmt: skip
# Words of these languages spelled like an English word of the list.
THEIRS = {"de": {"was"}, "fr": {"page", "pages"}}


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
