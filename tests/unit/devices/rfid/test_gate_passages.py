"""Passages as a table over time: one passage while a tag keeps being listed with gaps shorter than the
repeat window; a new one after a longer absence."""

from __future__ import annotations

import pytest

from devices.rfid.passages import Passages

A, B = bytes.fromhex("E004015000000001"), bytes.fromhex("E004015000000002")

# (time, tags listed) → (passages begun, passages ended), with a 5.5 s window
TIMELINES = {
    "a walk through: one passage": [
        (0.0, [A], [A], []),
        (0.1, [A], [], []),
        (0.6, [], [], []),
        (6.2, [], [], [A]),
    ],
    "flickering at the edge of the field": [
        (0.0, [A], [A], []),
        (0.3, [], [], []),
        (2.0, [A], [], []),  # back within the window: the same passage
        (7.4, [A], [], []),  # 5.4 s after the last sighting: still the same
    ],
    "standing in the gate": [(0.0, [A], [A], []), *[(t, [A], [], []) for t in (3.0, 6.0, 9.0, 12.0, 15.0)]],
    "out and back in later": [
        (0.0, [A], [A], []),
        (5.6, [], [], [A]),
        (5.7, [A], [A], []),
    ],
    "back exactly at the window": [(0.0, [A], [A], []), (5.5, [A], [], [])],
    "two books, one left behind": [
        (0.0, [A, B], [A, B], []),
        (1.0, [B], [], []),
        (4.0, [B], [], []),
        (6.6, [B], [], [A]),
    ],
}


@pytest.mark.parametrize("timeline", TIMELINES.values(), ids=TIMELINES.keys())
def test_passages(timeline: list[tuple[float, list[bytes], list[bytes], list[bytes]]]) -> None:
    passages = Passages(5.5)
    for now, listed, begun, ended in timeline:
        observed = passages.observe(listed, now)
        assert sorted(p.uid for p in observed.appeared) == sorted(begun), now
        assert sorted(p.uid for p in observed.ended) == sorted(ended), now


def test_undecided_passages_come_newest_first_and_drain_ends_them_all() -> None:
    passages = Passages(5.5)
    passages.observe([A], 0.0)
    passages.observe([A, B], 1.0)
    assert [p.uid for p in passages.undecided([A, B])] == [B, A]
    assert [p.uid for p in passages.undecided([A])] == [A]  # only tags in the field can be read
    assert len(passages.drain()) == 2
    assert len(passages) == 0


def test_a_negative_window_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        Passages(-1)
