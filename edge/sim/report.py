"""What a simulated kiosk measured: each request's round trip, each session, and a run's summary."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from contract.replies import ReasonCode


@dataclass(frozen=True, slots=True)
class RoundTrip:
    """One request from send to reply; `code` is None when no reply came in time."""

    device_id: str
    kind: str
    seconds: float
    code: ReasonCode | None

    @property
    def answered(self) -> bool:
        return self.code is not None


@dataclass
class SessionReport:
    card_number: str
    visit: Literal["borrow", "return", "none"]
    round_trips: list[RoundTrip] = field(default_factory=list)
    borrowed: int = 0
    renewed: int = 0
    returned: int = 0
    ended_by: ReasonCode | None = None  # the refusal that sent the patron away, if any


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (no interpolation), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(fraction * len(ordered)), 1)
    return ordered[rank - 1]


@dataclass
class KioskSummary:
    device_id: str
    sessions: int = 0
    borrowed: int = 0
    renewed: int = 0
    returned: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    timeouts: int = 0
    seconds: list[float] = field(default_factory=list)

    def add(self, report: SessionReport) -> None:
        self.sessions += 1
        self.borrowed += report.borrowed
        self.renewed += report.renewed
        self.returned += report.returned
        for trip in report.round_trips:
            if trip.code is None:
                self.timeouts += 1
            else:
                self.codes[f"{trip.kind}:{trip.code}"] += 1
                self.seconds.append(trip.seconds)

    def as_dict(self) -> dict[str, Any]:
        def ms(value: float | None) -> float | None:
            return None if value is None else round(value * 1000, 1)

        return {
            "device_id": self.device_id,
            "sessions": self.sessions,
            "requests": len(self.seconds) + self.timeouts,
            "borrowed": self.borrowed,
            "renewed": self.renewed,
            "returned": self.returned,
            "timeouts": self.timeouts,
            "round_trip_ms_p50": ms(percentile(self.seconds, 0.50)),
            "round_trip_ms_p95": ms(percentile(self.seconds, 0.95)),
            "round_trip_ms_max": ms(max(self.seconds, default=None)),
            "codes": dict(sorted(self.codes.items())),
        }
