"""What a gate counts between two footfall events: people in and out per lane, and tag passages by class.

A people counter reports running totals, which restart at 0 when it restarts and wrap at its modulus. The
tally turns consecutive totals into people counted (`advance`): a total that went up counts the
difference; one that went from near the modulus to near 0 (by less than a tenth of the modulus) wrapped;
one that went down otherwise means the counter restarted, and its new total is what it counted since.
The first report of a lane after the gate starts is the baseline: the tally cannot know what the counter
counted while nobody listened (the totals in the events show it).

Thread-safe: the counter's thread adds reports while the gate's thread adds passages and closes periods.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from contract.gate import CounterLane, FootfallLane, GateFootfall, TagPassages
from devices.counter.framing import LaneReport
from devices.rfid.gate import DecidedPassage
from devices.rfid.gate_rule import Ownership


class Step(StrEnum):
    UP = "up"
    WRAP = "wrap"
    RESTART = "restart"


def advance(previous: int, current: int, modulus: int) -> tuple[int, Step]:
    """People counted between two totals of one counter, and how the total moved."""
    if current >= previous:
        return current - previous, Step.UP
    # A wrap goes from near the modulus to near 0 between two reports, a few seconds apart: far fewer
    # people than a tenth of the modulus. Anything else that went down is a restart.
    wrapped = current + modulus - previous
    if wrapped <= modulus // 10:
        return wrapped, Step.WRAP
    return current, Step.RESTART


@dataclass(slots=True)
class _Lane:
    in_total: int | None = None
    out_total: int | None = None
    in_delta: int = 0
    out_delta: int = 0
    reports: int = 0


@dataclass(frozen=True, slots=True)
class TallyCounters:
    periods: int = 0
    counter_restarts: int = 0
    counter_wraps: int = 0


_PASSAGE_FIELD = {
    Ownership.FOREIGN: "foreign",
    Ownership.BLANK: "blank",
    Ownership.UNREADABLE: "unreadable",
}


class GateTally:
    def __init__(
        self,
        started_at: datetime | None = None,
        *,
        lanes: int = 0,
        modulus: int = 1,
        reversed_lanes: frozenset[int] = frozenset(),
    ) -> None:
        self.modulus = modulus
        self.reversed_lanes = reversed_lanes
        self._lock = threading.Lock()
        self._lanes = {lane: _Lane() for lane in range(1, lanes + 1)}
        self._passages: dict[str, int] = {}
        self._period_start = started_at or datetime.now(UTC)
        self._periods = 0
        self._restarts = 0
        self._wraps = 0
        self._reports_before = 0  # reports counted in periods already closed

    def begin(self, at: datetime) -> None:
        """The first period starts now (the gate starts counting)."""
        with self._lock:
            self._period_start = at

    def count_report(self, report: LaneReport) -> None:
        ins, outs = report.in_total, report.out_total
        if report.lane in self.reversed_lanes:
            ins, outs = outs, ins
        with self._lock:
            lane = self._lanes.setdefault(report.lane, _Lane())
            lane.reports += 1
            if lane.in_total is not None and lane.out_total is not None:
                went_in, step_in = advance(lane.in_total, ins, self.modulus)
                went_out, step_out = advance(lane.out_total, outs, self.modulus)
                lane.in_delta += went_in
                lane.out_delta += went_out
                self._restarts += Step.RESTART in (step_in, step_out)
                self._wraps += (step_in is Step.WRAP) + (step_out is Step.WRAP)
            lane.in_total, lane.out_total = ins, outs

    def count_passages(self, decided: tuple[DecidedPassage, ...], unread: int = 0) -> None:
        with self._lock:
            for passage in decided:
                verdict = passage.judgement
                if verdict.alarm:
                    name = "alarmed"
                elif verdict.ownership is Ownership.OURS:
                    name = "ours_unsecured"
                else:
                    name = _PASSAGE_FIELD.get(verdict.ownership or Ownership.UNREADABLE, "unreadable")
                self._passages[name] = self._passages.get(name, 0) + 1
            if unread:
                self._passages["unreadable"] = self._passages.get("unreadable", 0) + unread

    def totals(self) -> list[CounterLane]:
        """The counter's totals now, for the lanes it has reported (an alarm's snapshot)."""
        with self._lock:
            return [
                CounterLane(lane=number, in_total=lane.in_total, out_total=lane.out_total)
                for number, lane in sorted(self._lanes.items())
                if lane.in_total is not None and lane.out_total is not None
            ]

    def reports(self) -> int:
        """Reports counted so far, in every lane and period."""
        with self._lock:
            return sum(lane.reports for lane in self._lanes.values()) + self._reports_before

    def close_period(self, at: datetime, *, counter_connected: bool) -> GateFootfall:
        """The footfall since the last period ended, and a new period from `at`."""
        with self._lock:
            footfall = GateFootfall(
                period_start=self._period_start,
                period_end=max(at, self._period_start),
                counter_connected=counter_connected,
                lanes=[
                    FootfallLane(
                        lane=number,
                        in_delta=lane.in_delta,
                        out_delta=lane.out_delta,
                        in_total=lane.in_total,
                        out_total=lane.out_total,
                        reports=lane.reports,
                    )
                    for number, lane in sorted(self._lanes.items())
                ],
                tags=TagPassages(**self._passages),
            )
            for lane in self._lanes.values():
                self._reports_before += lane.reports
                lane.in_delta = lane.out_delta = lane.reports = 0
            self._passages = {}
            self._period_start = footfall.period_end
            self._periods += 1
            return footfall

    def counters(self) -> TallyCounters:
        with self._lock:
            return TallyCounters(self._periods, self._restarts, self._wraps)
