"""The gate's tally: counter totals into people (wraps and restarts), lanes turned round, tag passages by
class, and periods that follow each other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devices.counter.framing import LaneReport
from devices.rfid.gate import DecidedPassage, Outputs
from devices.rfid.gate_rule import Judgement, OwnedBy, Ownership
from edge.gate.tally import GateTally, Step, advance

T0 = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("previous", "current", "modulus", "people", "step"),
    [
        (100, 100, 1000, 0, Step.UP),
        (100, 103, 1000, 3, Step.UP),
        (998, 2, 1000, 4, Step.WRAP),  # rolled over
        (65530, 5, 65536, 11, Step.WRAP),
        (12345, 3, 1_000_000, 3, Step.RESTART),  # power cut: counting from 0 again
        (600, 2, 1000, 2, Step.RESTART),  # as a wrap, 402 people between two reports
        (501, 0, 1000, 0, Step.RESTART),
        (900, 0, 1000, 100, Step.WRAP),  # a tenth of the modulus: the most a wrap may be
    ],
)
def test_advance(previous: int, current: int, modulus: int, people: int, step: Step) -> None:
    assert advance(previous, current, modulus) == (people, step)


def report(lane: int, ins: int, outs: int) -> LaneReport:
    return LaneReport(lane, ins, outs)


def passage(ownership: Ownership | None, *, secured: bool | None = False) -> DecidedPassage:
    owned_by = OwnedBy.TAG_DATA if ownership is Ownership.OURS else None
    verdict = Judgement(ownership, owned_by, secured)
    alarmed = 1.0 if verdict.alarm else None
    return DecidedPassage(
        "E004015000000001", verdict, None, None, 0.0, alarmed, Outputs.DRIVEN if alarmed else None
    )


def test_the_first_report_is_the_baseline_and_later_ones_count() -> None:
    tally = GateTally(T0, lanes=2, modulus=1000)
    tally.count_report(report(1, 500, 400))
    tally.count_report(report(1, 503, 401))
    tally.count_report(report(1, 1, 401))  # the counter restarted and has counted one since
    tally.count_report(report(2, 998, 7))
    tally.count_report(report(2, 3, 7))  # wrapped
    footfall = tally.close_period(T0 + timedelta(minutes=1), counter_connected=True)
    lanes = {lane.lane: lane for lane in footfall.lanes}
    assert (lanes[1].in_delta, lanes[1].out_delta, lanes[1].in_total, lanes[1].reports) == (4, 1, 1, 3)
    assert (lanes[2].in_delta, lanes[2].out_delta, lanes[2].in_total) == (5, 0, 3)
    assert (tally.counters().counter_restarts, tally.counters().counter_wraps) == (1, 1)
    assert tally.totals()[0].in_total == 1


def test_a_reversed_lane_swaps_in_and_out() -> None:
    tally = GateTally(T0, lanes=1, modulus=1000, reversed_lanes=frozenset({1}))
    tally.count_report(report(1, 10, 20))
    tally.count_report(report(1, 12, 25))
    (lane,) = tally.close_period(T0, counter_connected=True).lanes
    assert (lane.in_delta, lane.out_delta, lane.in_total, lane.out_total) == (5, 2, 25, 12)


def test_passages_are_counted_by_class() -> None:
    tally = GateTally(T0)
    tally.count_passages(
        (
            passage(Ownership.OURS, secured=True),
            passage(Ownership.OURS, secured=False),
            passage(Ownership.OURS, secured=False),
            passage(Ownership.FOREIGN),
            passage(Ownership.BLANK),
            passage(Ownership.UNREADABLE),
        ),
        unread=2,
    )
    tags = tally.close_period(T0, counter_connected=False).tags
    assert (tags.alarmed, tags.ours_unsecured, tags.foreign, tags.blank, tags.unreadable) == (1, 2, 1, 1, 3)


def test_periods_follow_each_other_and_start_empty() -> None:
    tally = GateTally(T0, lanes=1, modulus=1000)
    tally.begin(T0 + timedelta(seconds=5))
    tally.count_report(report(1, 1, 1))
    tally.count_report(report(1, 2, 1))
    tally.count_passages((passage(Ownership.FOREIGN),))
    first = tally.close_period(T0 + timedelta(seconds=65), counter_connected=True)
    second = tally.close_period(T0 + timedelta(seconds=125), counter_connected=False)
    assert (first.period_start, first.period_end) == (T0 + timedelta(seconds=5), T0 + timedelta(seconds=65))
    assert second.period_start == first.period_end
    assert (first.lanes[0].in_delta, second.lanes[0].in_delta, second.lanes[0].in_total) == (1, 0, 2)
    assert (first.tags.foreign, second.tags.foreign) == (1, 0)
    assert (second.lanes[0].reports, tally.reports(), tally.counters().periods) == (0, 2, 2)


def test_a_clock_stepping_back_never_makes_a_period_end_before_it_starts() -> None:
    tally = GateTally(T0)
    footfall = tally.close_period(T0 - timedelta(seconds=3), counter_connected=False)
    assert footfall.period_end == footfall.period_start == T0


def test_lanes_not_in_the_profile_are_kept_and_silent_ones_listed() -> None:
    tally = GateTally(T0, lanes=2, modulus=1000)
    tally.count_report(report(1, 5, 5))
    lanes = tally.close_period(T0, counter_connected=True).lanes
    assert [(lane.lane, lane.in_total, lane.reports) for lane in lanes] == [(1, 5, 1), (2, None, 0)]
