"""A device's last status as staff read it: what an older agent or server left out never breaks a page."""

from __future__ import annotations

from datetime import UTC, datetime

from server.services.devices import status_report


def test_a_status_is_read_leniently() -> None:
    report = status_report(
        {
            "software": "stacks-edge 0.1.0",
            "started_at": "2026-03-02T07:00:00Z",
            "outbox_pending": 3,
            "counters": {"events_sent": 4, "broken": "x", "flag": True},
            "peripherals": {"reader": {"connected": False, "counters": {"timeouts": 2}}, "odd": "x"},
        }
    )
    assert (report.software, report.outbox_pending, report.counters) == (
        "stacks-edge 0.1.0",
        3,
        {"events_sent": 4},
    )
    assert report.started_at == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    assert [(p.name, p.connected, p.counters) for p in report.peripherals] == [
        ("reader", False, {"timeouts": 2})
    ]
    empty = status_report({"outbox_pending": True, "started_at": "yesterday", "peripherals": []})
    assert (empty.software, empty.started_at, empty.outbox_pending, empty.peripherals) == (
        None,
        None,
        None,
        [],
    )
