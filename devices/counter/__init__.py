"""People counters on a serial line: the line protocol (pure), model profiles (config/counters.toml), and
the driver. docs/gate.md describes the protocol."""

from devices.counter.driver import CounterCounters, PeopleCounter
from devices.counter.framing import CounterFramer, LaneReport, RejectedLine, RejectReason, encode_report
from devices.counter.profiles import (
    CounterProfile,
    CounterProfileError,
    get_counter_profile,
    load_counter_profiles,
)

__all__ = [
    "CounterCounters",
    "CounterFramer",
    "CounterProfile",
    "CounterProfileError",
    "LaneReport",
    "PeopleCounter",
    "RejectReason",
    "RejectedLine",
    "encode_report",
    "get_counter_profile",
    "load_counter_profiles",
]
