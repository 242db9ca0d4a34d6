"""Which of the library's books a typed subject names ("Dune", an ISBN, "Dune by Herbert"): the
questions ("do I own Dune?") and the told actions ("finished Dune") find their book the same way."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.chat import parse
from librium.services import ownership
from librium.services.ownership import Ownership
from librium.text import fold

SHOWN = 5  # books answered about at most; more are left to /find


def holdings_for(session: Session, library_id: int, subject: str) -> Ownership:
    """The library's books for ``subject``: an ISBN or a title, or "Title by Author"; a near match
    ("hobit" for The Hobbit, ``by="near"``) only when no reading finds the book by its own name."""
    answer = ownership.check(session, library_id, subject)
    if answer.found and answer.by != "near":
        return answer
    nearest = answer if answer.found else None
    for reading in parse.read_title_author(subject):
        alt = ownership.check(session, library_id, reading.title)
        surname = fold(reading.author).split()[-1:]
        kept = [h for h in alt.matches if any(set(surname) <= set(fold(a).split()) for a in h.authors)]
        if kept and alt.by != "near":
            return Ownership(subject, alt.by, alt.isbn13, kept)
        if kept and nearest is None:
            nearest = Ownership(subject, alt.by, alt.isbn13, kept)
    for stem in parse.stems(subject):  # "Дюну": the title "Дюна" named in another case
        alt = ownership.check(session, library_id, stem)
        if alt.found and alt.by != "near":
            return Ownership(subject, alt.by, alt.isbn13, alt.matches)
    return nearest or answer
