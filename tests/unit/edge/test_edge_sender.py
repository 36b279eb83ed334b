"""The sender's policy against a recording wire and a hand-driven clock: window, requests first, deletion only
on server confirmation, re-sends on timeout, reconnect and server birth, heartbeats."""

from __future__ import annotations

from pathlib import Path

import orjson

from contract.common import new_event_id
from contract.status import Acks, DeviceState
from tests.support.waiting import wait_until
from tests.unit.edge.sender_rig import Rig, server_status


def test_at_most_a_window_of_events_is_unconfirmed_and_acks_make_room(rig: Rig) -> None:
    records = rig.sightings(12)
    wait_until(lambda: len(rig.wire.sent_ids()) == 5)
    rig.settle()
    assert rig.wire.sent_ids() == [r.event_id for r in records[:5]]
    rig.sender.acks(Acks(committed=[r.event_id for r in records[:3]]))
    wait_until(lambda: len(rig.wire.sent_ids()) == 8)
    assert rig.wire.sent_ids()[5:] == [r.event_id for r in records[5:8]]
    wait_until(lambda: rig.outbox.pending == 9)


def test_a_backlog_goes_out_in_batches(tmp_path: Path) -> None:
    rig = Rig(tmp_path, window=100, batch_max_events=10)
    rig.sightings(35)
    rig.sender.start()
    rig.sender.link_changed(True)
    try:
        wait_until(lambda: len(rig.wire.sent_ids()) == 35)
        assert [len(orjson.loads(m)) for m in rig.wire.messages] == [10, 10, 10, 5]
        assert rig.counters.get("messages_sent") == 4
    finally:
        rig.close()


def test_nothing_is_deleted_until_the_server_confirms_it(rig: Rig) -> None:
    records = rig.sightings(3)
    wait_until(lambda: len(rig.wire.sent_ids()) == 3)
    rig.settle()
    assert rig.outbox.pending == 3  # published (the broker would PUBACK) but not confirmed
    rig.sender.acks(Acks(committed=[records[0].event_id], rejected=[records[1].event_id]))
    wait_until(lambda: rig.outbox.pending == 1)
    assert [r.event_id for r in rig.outbox.read_after(0, 10)] == [records[2].event_id]
    assert rig.counters.get("events_rejected") == 1
    assert rig.counters.get("events_confirmed") == 2


def test_a_request_goes_out_at_once_even_when_the_window_is_full(rig: Rig) -> None:
    rig.sightings(8)
    wait_until(lambda: len(rig.wire.sent_ids()) == 5)
    request = rig.request()
    wait_until(lambda: request.event_id in rig.wire.sent_ids())
    rig.settle()
    assert len(rig.wire.sent_ids()) == 6


def test_a_request_stays_until_its_reply_even_if_acknowledged_first(rig: Rig) -> None:
    request = rig.request()
    wait_until(lambda: request.event_id in rig.wire.sent_ids())
    rig.sender.acks(Acks(committed=[request.event_id]))
    rig.settle()
    assert rig.outbox.contains(request.event_id)
    rig.advance(10)  # re-sent, so that the server answers again with the stored reply
    wait_until(lambda: rig.wire.sent_ids().count(request.event_id) == 2)
    rig.sender.replied(request.event_id)
    wait_until(lambda: rig.outbox.pending == 0)


def test_unconfirmed_events_are_resent_with_backoff(rig: Rig) -> None:
    records = rig.sightings(2)
    ids = [r.event_id for r in records]
    wait_until(lambda: rig.wire.sent_ids() == ids)
    rig.advance(9.9)
    rig.settle()
    assert rig.wire.sent_ids() == ids
    rig.advance(0.1)
    wait_until(lambda: rig.wire.sent_ids() == ids * 2)
    rig.advance(10)  # the second re-send waits 20 s
    rig.settle()
    assert len(rig.wire.sent_ids()) == 4
    rig.advance(10)
    wait_until(lambda: rig.wire.sent_ids() == ids * 3)
    assert rig.counters.get("events_resent") == 4


def test_everything_unconfirmed_is_resent_after_a_reconnect(rig: Rig) -> None:
    records = rig.sightings(3)
    wait_until(lambda: len(rig.wire.sent_ids()) == 3)
    rig.sender.acks(Acks(committed=[records[0].event_id]))
    wait_until(lambda: rig.outbox.pending == 2)
    rig.sender.link_changed(False)
    rig.sightings(1)  # stored while offline: not published
    rig.settle()
    assert len(rig.wire.sent_ids()) == 3
    rig.sender.link_changed(True)
    expected = [records[1].event_id, records[2].event_id]
    wait_until(lambda: len(rig.wire.sent_ids()) == 6)
    assert rig.wire.sent_ids()[3:5] == expected


def test_everything_unconfirmed_is_resent_when_the_server_comes_online(rig: Rig) -> None:
    records = rig.sightings(2)
    ids = [r.event_id for r in records]
    rig.sender.server_status(server_status(DeviceState.ONLINE, 0))
    wait_until(lambda: rig.wire.sent_ids() == ids)
    rig.sender.server_status(server_status(DeviceState.OFFLINE, 0))
    rig.settle()
    assert rig.wire.sent_ids() == ids
    rig.sender.server_status(server_status(DeviceState.ONLINE, 60))
    wait_until(lambda: rig.wire.sent_ids() == ids * 2)
    assert rig.counters.get("server_births") == 1


def test_heartbeats_follow_the_interval_while_online(tmp_path: Path) -> None:
    rig = Rig(tmp_path, heartbeat_s=30)
    rig.sender.start()
    rig.sender.link_changed(True)
    try:
        rig.settle()
        assert rig.wire.heartbeats == 0  # the birth was just published on connect
        rig.advance(30)
        wait_until(lambda: rig.wire.heartbeats == 1)
        rig.advance(10)
        rig.settle()
        assert rig.wire.heartbeats == 1
        rig.advance(20)
        wait_until(lambda: rig.wire.heartbeats == 2)
    finally:
        rig.close()


def test_a_late_ack_for_an_event_of_an_earlier_run_clears_it(rig: Rig) -> None:
    records = rig.sightings(1)
    wait_until(lambda: len(rig.wire.sent_ids()) == 1)
    rig.sender.acks(Acks(committed=[records[0].event_id, new_event_id()]))
    wait_until(lambda: rig.outbox.pending == 0)


def test_no_timer_resends_while_the_server_is_offline(rig: Rig) -> None:
    records = rig.sightings(2)
    ids = [r.event_id for r in records]
    rig.sender.server_status(server_status(DeviceState.ONLINE, 0))
    rig.sender.server_status(server_status(DeviceState.OFFLINE, 0))
    wait_until(lambda: rig.wire.sent_ids() == ids)
    rig.advance(100)  # far past every re-send time
    rig.settle()
    assert rig.wire.sent_ids() == ids  # the broker keeps them for the server; no copies piled up
    rig.sender.server_status(server_status(DeviceState.ONLINE, 60))
    wait_until(lambda: rig.wire.sent_ids() == ids * 2)
