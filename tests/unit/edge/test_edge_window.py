"""Flow control as pure logic: the in-flight window, re-send backoff, batching and server births."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from contract.common import new_event_id
from contract.status import DeviceKind, DeviceState, DeviceStatus
from edge.outbox import OutboxRecord
from edge.window import InFlightWindow, ServerBirthWatch, backoff_s, encode_message, pack


def record(seq: int, size: int = 100, *, request: bool = False) -> OutboxRecord:
    body = orjson.dumps({"seq": seq, "pad": "x" * max(size - 20, 0)})
    return OutboxRecord(seq, new_event_id(), "item.seen", request, body)


@pytest.mark.parametrize(
    ("attempts", "expected"),
    [(0, 10.0), (1, 10.0), (2, 20.0), (3, 40.0), (5, 160.0), (6, 180.0), (40, 180.0)],
)
def test_backoff_doubles_from_the_base_up_to_the_cap(attempts: int, expected: float) -> None:
    assert backoff_s(attempts, 10.0, 180.0) == expected


def test_window_admits_up_to_its_size_and_frees_on_confirm() -> None:
    window = InFlightWindow(3, resend_after_s=10, resend_max_s=60)
    records = [record(i) for i in range(1, 5)]
    assert window.add(records[:2], now=0) == records[:2]
    assert window.free() == 1
    assert window.add(records[:2], now=1) == []  # already in flight: not sent twice
    window.add(records[2:3], now=1)
    assert window.free() == 0
    assert window.confirm([records[0].event_id, new_event_id()]) == [records[0]]
    assert window.free() == 1
    assert records[0].event_id not in window
    assert window.get(records[1].event_id) == records[1]


def test_each_event_is_resent_when_due_with_growing_backoff() -> None:
    window = InFlightWindow(10, resend_after_s=10, resend_max_s=25)
    early, late = record(1), record(2)
    window.add([early], now=0)
    window.add([late], now=5)
    assert window.take_due(9.9) == []
    assert window.take_due(10) == [early]
    assert window.next_due() == 15
    assert window.take_due(15) == [late]
    # second re-send of `early` is 20 s after the first re-send, the third is capped at 25 s
    assert window.take_due(29.9) == []
    assert window.take_due(30) == [early]
    assert window.take_due(35) == [late]
    assert window.take_due(54.9) == []
    assert window.take_due(55) == [early]
    assert window.take_due(60) == [late]


def test_take_all_resends_everything_in_seq_order_and_reschedules() -> None:
    window = InFlightWindow(10, resend_after_s=10, resend_max_s=60)
    a, b, c = record(3), record(1), record(2)
    window.add([a, b, c], now=0)
    assert [r.seq for r in window.take_all(now=2)] == [1, 2, 3]
    assert window.take_due(11) == []  # the immediate re-send counts: next one 20 s later
    assert len(window.take_due(22)) == 3


def test_confirming_everything_clears_the_schedule() -> None:
    window = InFlightWindow(10, resend_after_s=1, resend_max_s=1)
    records = [record(1), record(2)]
    window.add(records, now=0)
    window.confirm([r.event_id for r in records])
    assert window.next_due() is None
    assert window.take_due(100) == []
    assert len(window) == 0


def test_pack_respects_event_count_and_byte_limits_in_order() -> None:
    records = [record(i, size=100) for i in range(1, 12)]
    groups = pack(records, max_events=4, max_bytes=10_000)
    assert [len(g) for g in groups] == [4, 4, 3]
    assert [r.seq for g in groups for r in g] == list(range(1, 12))
    by_bytes = pack(records, max_events=100, max_bytes=350)
    for group in by_bytes:
        assert len(encode_message(group)) <= 350
    assert [r.seq for g in by_bytes for r in g] == list(range(1, 12))
    assert pack([], max_events=4, max_bytes=1000) == []


def test_a_record_alone_larger_than_the_limit_still_goes_alone() -> None:
    big, small = record(1, size=500), record(2, size=50)
    assert pack([small, big, small], max_events=10, max_bytes=200) == [[small], [big], [small]]


def test_one_event_is_an_object_several_are_a_batch() -> None:
    a, b = record(1), record(2)
    assert encode_message([a]) == a.body
    assert orjson.loads(encode_message([a, b])) == [orjson.loads(a.body), orjson.loads(b.body)]


T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def status(state: DeviceState, at_s: float, started_s: float = 0) -> DeviceStatus:
    return DeviceStatus(
        device_id="server",
        device_kind=DeviceKind.SERVER,
        state=state,
        at=T0 + timedelta(seconds=at_s),
        started_at=T0 + timedelta(seconds=started_s),
    )


def test_births_are_online_after_offline_or_a_new_start() -> None:
    assert ServerBirthWatch().online is None  # nothing is known before the first status
    watch = ServerBirthWatch()
    assert not watch.observe(status(DeviceState.ONLINE, 1))  # baseline at start-up
    assert watch.online
    assert not watch.observe(status(DeviceState.ONLINE, 30))  # a heartbeat
    assert not watch.observe(status(DeviceState.OFFLINE, 31))
    assert watch.observe(status(DeviceState.ONLINE, 40))
    assert watch.observe(status(DeviceState.ONLINE, 50, started_s=45))  # restarted, will missed


def test_after_our_reconnect_only_a_newer_online_status_is_a_birth_once() -> None:
    watch = ServerBirthWatch()
    watch.observe(status(DeviceState.ONLINE, 1))
    watch.reconnected()
    assert not watch.observe(status(DeviceState.ONLINE, 1))  # the same retained message again
    assert watch.observe(status(DeviceState.ONLINE, 5))  # the server reconnected too
    assert not watch.observe(status(DeviceState.ONLINE, 35))


def test_reconnect_before_any_status_arms_nothing() -> None:
    watch = ServerBirthWatch()
    watch.reconnected()
    assert not watch.observe(status(DeviceState.ONLINE, 1))
    assert not watch.observe(status(DeviceState.ONLINE, 2))
