"""Which reads to believe: reads are grouped by where they are in the photo; a place where the passes
disagree needs one number to win clearly, and a number read only from a synthetic 1D profile needs a
second pass to agree (zxing-cpp accepts a linear code from a real image only when two scan lines agree,
which a profile stretched into identical rows cannot give).

A wrong digit that still passes the check digit is rare but real (bars merged by blur, a glare streak
across one digit); it shows up as a second number at the same place. A wrong ISBN is worse than none:
such a place is answered only when one number clearly wins, and otherwise left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from librium.services.barcodes.classify import RETAIL, check_digit_ok, split_retail

NEAR = 0.6  # two reads are of one code when their centres are closer than this × the code's width ...
CLEAR_VOTES = 4  # a contested place that no real image settled: the winner's passes needed to stop early
TALL = 1.0  # ... along it, or this × its width up its bars (an EAN's bars are about 0.75 of its width)


@dataclass(frozen=True)
class Read:
    format: str
    text: str  # as decoded (an EAN keeps its add-on digits here)
    center: tuple[float, float]  # photo pixels
    width: float  # photo pixels, along the code
    source: str  # the pass that saw it
    solid: bool  # read from a real image (zxing-cpp's two agreeing scan lines), not a synthetic profile
    coarse: bool = False  # its bars were too few pixels wide to be seen: it never counts for a number
    axis: float | None = None  # radians: the direction across its bars, in the photo


@dataclass
class Place:
    center: tuple[float, float]
    width: float
    format: str
    axis: float | None = None
    votes: dict[str, set[str]] = field(default_factory=dict)  # main digits → passes that read them
    solid: set[str] = field(default_factory=set)  # main digits some real image gave
    fine: set[str] = field(default_factory=set)  # main digits some read with bars wide enough gave
    texts: dict[str, str] = field(default_factory=dict)  # main digits → fullest text seen (add-on)

    def near(self, read: Read, main: str) -> bool:
        if _japanese_pair(main, self.votes):
            return False
        width = max(self.width, read.width, 1.0)
        dx, dy = read.center[0] - self.center[0], read.center[1] - self.center[1]
        axis = self.axis if self.axis is not None else read.axis
        if axis is None:
            return math.hypot(dx, dy) <= NEAR * width
        # zxing places a linear code on the scan lines that read it, anywhere up its bars: two reads of
        # one code line up across the bars, and may lie a bar's length apart along them
        along = abs(dx * math.cos(axis) + dy * math.sin(axis))
        up = abs(dy * math.cos(axis) - dx * math.sin(axis))
        return along <= NEAR * width and up <= TALL * width

    def add(self, read: Read, main: str) -> None:
        self.votes.setdefault(main, set()).add(read.source)
        if read.solid and not read.coarse:
            self.solid.add(main)
        if not read.coarse:
            self.fine.add(main)
        if len(read.text) > len(self.texts.get(main, "")):
            self.texts[main] = read.text
        self.width = max(self.width, read.width)

    def winner(self, seen: dict[str, set[str]], solid: set[str]) -> str | None:
        """The number this place holds, when the reads settle it. ``seen`` / ``solid``: every pass that
        read each number anywhere in the photo, and the numbers some real image gave."""
        ranked = sorted(self.votes, key=lambda m: len(self.votes[m]), reverse=True)
        top = ranked[0]
        if top not in self.fine:
            return None
        if len(ranked) == 1:
            return top if top in solid or len(seen[top]) >= 2 else None
        others = sum(len(self.votes[m]) for m in ranked[1:])
        return top if len(self.votes[top]) >= 2 and len(self.votes[top]) > 1.5 * others else None

    def outvoted(self, winner: str | None) -> bool:
        """The winner has CLEAR_VOTES passes and more than twice its rivals': more passes would not
        turn the count."""
        if winner is None:
            return False
        others = sum(len(v) for m, v in self.votes.items() if m != winner)
        return len(self.votes[winner]) >= CLEAR_VOTES and len(self.votes[winner]) > 2 * others


def _japanese_pair(main: str, votes: dict[str, set[str]]) -> bool:
    """A Japanese book carries its ISBN and, just below, a 191/192 price code: two codes close together,
    not two reads of one."""
    price = ("191", "192")
    isbn = ("978", "979")
    return (main.startswith(price) and all(m.startswith(isbn) for m in votes)) or (
        main.startswith(isbn) and all(m.startswith(price) for m in votes)
    )


class Tally:
    def __init__(self) -> None:
        self.places: list[Place] = []
        self.others: dict[tuple[str, str], Read] = {}  # QR codes and the like: their own error correction

    def add(self, read: Read) -> None:
        if read.format not in RETAIL:
            self.others.setdefault((read.format, read.text), read)
            return
        main, _ = split_retail(read.format, read.text)
        if not check_digit_ok(read.format, main):
            return
        for place in self.places:
            if place.format == read.format and place.near(read, main):
                place.add(read, main)
                return
        place = Place(read.center, read.width, read.format, read.axis)
        place.add(read, main)
        self.places.append(place)

    def _winners(self) -> list[str | None]:
        seen: dict[str, set[str]] = {}
        solid: set[str] = set()
        for place in self.places:
            solid |= place.solid
            for main, passes in place.votes.items():
                seen.setdefault(main, set()).update(passes)
        return [place.winner(seen, solid) for place in self.places]

    def alone(self, source: str) -> bool:
        """Some number only ``source`` read (and no real image): it waits for a second pass."""
        return any(
            passes == {source} and main not in place.solid
            for place in self.places
            for main, passes in place.votes.items()
        )

    def settled(self) -> bool:
        """Something was read and nothing read is in doubt. A place holding two numbers is settled only
        when its winner was read from a real image: filtered passes alone can agree on a wrong number
        (sharpening under a glare spot read one twice, the right one once), so the passes go on and the
        final count decides."""
        winners = self._winners()
        contested = any(
            len(place.votes) > 1 and winner not in place.solid and not place.outvoted(winner)
            for place, winner in zip(self.places, winners, strict=True)
        )
        return (bool(self.others) or any(winners)) and all(winners) and not contested

    def believed(self) -> list[tuple[str, str]]:
        """(format, text) of every code to believe, in the order first seen; one per number."""
        found: dict[str, tuple[str, str]] = {}
        for place, main in zip(self.places, self._winners(), strict=True):
            if main is None:
                continue
            text = place.texts[main]
            if main not in found or len(text) > len(found[main][1]):
                found[main] = (place.format, text)
        return list(found.values()) + [(fmt, text) for fmt, text in self.others]
