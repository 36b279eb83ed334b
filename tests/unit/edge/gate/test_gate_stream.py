"""The simulated streams: what a correct gate should count for them."""

from __future__ import annotations

import itertools

from devices.sim.gate_tags import Carried
from edge.sim.gate_stream import Person, expected, random_stream, scripted_stream


def test_the_scripted_stream_has_every_kind_in_both_directions_and_lanes() -> None:
    people = scripted_stream(gap_s=0.5)
    assert len(people) == 16
    assert {p.direction for p in people} == {"in", "out"}
    assert {p.lane for p in people} == {1, 2}
    assert {c for p in people for c in p.carrying} == set(Carried)
    assert [p.at_s for p in people[:3]] == [0.0, 0.5, 1.0]
    assert expected(people).as_dict() == {
        "alarmed": 3,
        "ours_unsecured": 7,
        "foreign": 4,
        "blank": 1,
        "unreadable": 1,
        "people_in": 6,
        "people_out": 10,
    }


def test_untagged_books_are_not_counted() -> None:
    assert expected([Person(0, 1, "out", (Carried.UNTAGGED,) * 3)]).as_dict()["ours_unsecured"] == 0


def test_a_random_stream_is_repeatable_and_ordered() -> None:
    first = list(random_stream(7, people=50))
    assert first == list(random_stream(7, people=50))
    assert [p.at_s for p in first] == sorted(p.at_s for p in first)
    assert len(list(itertools.islice(random_stream(1), 500))) == 500  # endless without `people`
