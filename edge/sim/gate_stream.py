"""People walking through a simulated security gate, and what the gate should make of them.

A stream is a sequence of `Person`s, each going in or out through a lane at a time, carrying books: ours
on loan (borrowed at a kiosk, unsecured), ours not borrowed (still secured: the gate must sound), other
libraries' (secured by their own library: never sound), untagged, blank or damaged tags. `expected()` says
what a correct gate counts for a stream; `scripted_stream()` is the fixed stream the acceptance tests
and `stacks edge gate --simulate --scripted` play, and `random_stream()` an endless one for the demo.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from devices.sim.gate_tags import Carried
from devices.sim.people_counter import Direction


@dataclass(frozen=True, slots=True)
class Person:
    at_s: float  # when they reach the gate, from the start of the stream
    lane: int
    direction: Direction
    carrying: tuple[Carried, ...] = ()


@dataclass(frozen=True)
class Expected:
    """What a correct gate reports for a stream."""

    alarmed: int = 0
    ours_unsecured: int = 0
    foreign: int = 0
    blank: int = 0
    unreadable: int = 0
    people_in: dict[int, int] = field(default_factory=dict)  # by lane
    people_out: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "alarmed": self.alarmed,
            "ours_unsecured": self.ours_unsecured,
            "foreign": self.foreign,
            "blank": self.blank,
            "unreadable": self.unreadable,
            "people_in": sum(self.people_in.values()),
            "people_out": sum(self.people_out.values()),
        }


_COUNTED_AS = {
    Carried.NOT_BORROWED: "alarmed",
    Carried.BORROWED: "ours_unsecured",
    Carried.FOREIGN: "foreign",
    Carried.BLANK: "blank",
    Carried.DAMAGED: "unreadable",
}


def expected(people: Iterable[Person]) -> Expected:
    books: Counter[str] = Counter()
    ins: Counter[int] = Counter()
    outs: Counter[int] = Counter()
    for person in people:
        (ins if person.direction == "in" else outs)[person.lane] += 1
        books.update(_COUNTED_AS[c] for c in person.carrying if c in _COUNTED_AS)
    return Expected(people_in=dict(ins), people_out=dict(outs), **books)


def scripted_stream(*, gap_s: float = 1.0, lanes: int = 2) -> list[Person]:
    """Sixteen people through the gate, one every `gap_s`: every kind of book, in both directions, in every
    lane — three of them with books that were not borrowed, one carrying two."""
    b, n, f, u, k, d = (
        Carried.BORROWED,
        Carried.NOT_BORROWED,
        Carried.FOREIGN,
        Carried.UNTAGGED,
        Carried.BLANK,
        Carried.DAMAGED,
    )
    loads: list[tuple[Direction, tuple[Carried, ...]]] = [
        ("in", ()),
        ("out", (b, b)),
        ("out", (n,)),  # forgot to borrow it
        ("in", (f,)),  # a book from another library, secured by it
        ("out", (b, f, u)),
        ("in", (b,)),  # bringing a loan back
        ("out", ()),
        ("out", (n, n, b)),
        ("in", (u,)),
        ("out", (k,)),
        ("out", (d,)),  # ours and secured, but its data is damaged: nothing trustworthy says it is ours
        ("in", ()),
        ("out", (f, f)),
        ("in", (b, u)),
        ("out", (b,)),
        ("out", ()),
    ]
    return [
        Person(at_s=round(i * gap_s, 6), lane=1 + i % lanes, direction=direction, carrying=carrying)
        for i, (direction, carrying) in enumerate(loads)
    ]


# What people carry through a library's gate, roughly: mostly nothing, or their loans.
_MIX: tuple[tuple[Carried, float], ...] = (
    (Carried.BORROWED, 0.62),
    (Carried.UNTAGGED, 0.18),
    (Carried.FOREIGN, 0.06),
    (Carried.NOT_BORROWED, 0.06),
    (Carried.BLANK, 0.04),
    (Carried.DAMAGED, 0.04),
)


def random_stream(
    seed: int | None = None, *, mean_gap_s: float = 4.0, lanes: int = 2, people: int | None = None
) -> Iterator[Person]:
    """People arriving at random (a mean of `mean_gap_s` apart), carrying 0–3 books; endless unless
    `people` is given."""
    rng = random.Random(seed)
    at = 0.0
    count = 0
    kinds, weights = zip(*_MIX, strict=True)
    while people is None or count < people:
        at += rng.expovariate(1 / mean_gap_s)
        books = rng.choices((0, 1, 2, 3), weights=(0.45, 0.3, 0.17, 0.08))[0]
        carrying = tuple(rng.choices(kinds, weights=weights, k=books))
        yield Person(round(at, 3), rng.randint(1, lanes), rng.choice(("in", "out")), carrying)
        count += 1
