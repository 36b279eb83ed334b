"""The sender when things go wrong or arrive at awkward moments: a failed deletion, requests stored while
the link is down, acks that outrun the window, reconnects that come and go between two wake-ups."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from contract.common import new_event_id, utc_now
from contract.events import CheckinRequested
from contract.status import Acks, DeviceKind, DeviceState, DeviceStatus
from edge.handoff import Handoff
from edge.outbox import OutboxRecord
from tests.support.waiting import wait_until
from tests.unit.edge.sender_rig import Rig


def test_a_failed_deletion_strands_nothing(rig: Rig) -> None:
    records = rig.sightings(2)
    ids = [r.event_id for r in records]
    wait_until(lambda: rig.wire.sent_ids() == ids)
    rig.outbox.fail_confirms = 1  # the disk is full when the acks come
    rig.sender.acks(Acks(committed=ids))
    wait_until(lambda: rig.outbox.pending == 0)
    assert rig.sender.in_flight == 0
    assert rig.counters.get("sender_errors") == 1
    assert rig.counters.get("events_confirmed") == 2
    assert rig.wire.sent_ids() == ids  # deleted on the retry, not left to a re-send


def test_a_reply_handed_over_during_a_failed_step_still_deletes_its_request(rig: Rig) -> None:
    request = rig.request()
    wait_until(lambda: request.event_id in rig.wire.sent_ids())
    rig.outbox.fail_confirms = 1
    rig.sender.replied(request.event_id)
    wait_until(lambda: rig.outbox.pending == 0)
    assert rig.sender.in_flight == 0


def test_a_request_taken_in_a_failed_step_still_goes_out_before_the_backlog(rig: Rig) -> None:
    records = rig.sightings(7)  # the window (5) is full, two events wait behind it
    wait_until(lambda: len(rig.wire.sent_ids()) == 5)
    with rig.held():
        rig.outbox.fail_confirms = 1
        rig.sender.acks(Acks(committed=[records[0].event_id]))
        request = rig.request()
    wait_until(lambda: request.event_id in rig.wire.sent_ids())
    wait_until(lambda: rig.outbox.pending == 7)
    assert rig.counters.get("sender_errors") == 1


def test_a_request_stored_while_the_link_is_down_goes_out_first_on_reconnect(rig: Rig) -> None:
    records = rig.sightings(8)
    first = [r.event_id for r in records[:5]]
    wait_until(lambda: rig.wire.sent_ids() == first)
    rig.sender.link_changed(False)
    request = rig.request()
    rig.settle()
    assert request.event_id not in rig.wire.sent_ids()
    rig.sender.link_changed(True)
    # the window again, then the request — although the window is full and three events are older
    wait_until(lambda: len(rig.wire.sent_ids()) == 11)
    rig.settle()
    assert rig.wire.sent_ids()[5:] == [*first, request.event_id]


def test_requests_an_earlier_run_left_behind_a_backlog_go_out_first(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    try:
        records = rig.sightings(8)
        request = rig.request(urgent=False)
        rig.sender.start()
        rig.sender.link_changed(True)
        wait_until(lambda: len(rig.wire.sent_ids()) == 5)  # the request takes a place in the window
        rig.settle()
        assert rig.wire.sent_ids() == [request.event_id, *(r.event_id for r in records[:4])]
    finally:
        rig.close()


def test_an_ack_for_a_request_not_yet_read_does_not_delete_it(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    try:
        request = rig.request(urgent=False)  # stored by an earlier run
        rig.sender.start()
        # The broker delivers that run's ack before this run has read the request into its window.
        rig.sender.acks(Acks(committed=[request.event_id]))
        rig.settle()
        assert rig.outbox.contains(request.event_id)
        rig.sender.link_changed(True)
        wait_until(lambda: request.event_id in rig.wire.sent_ids())  # so the reply comes again
        rig.sender.replied(request.event_id)
        wait_until(lambda: rig.outbox.pending == 0)
    finally:
        rig.close()


def test_a_disconnect_and_reconnect_between_two_wake_ups_still_resends(tmp_path: Path) -> None:
    rig = Rig(tmp_path, heartbeat_s=5)  # heartbeats before any re-send is due
    started = utc_now() - timedelta(hours=1)

    def server(at: timedelta) -> DeviceStatus:
        return DeviceStatus(
            device_id="server",
            device_kind=DeviceKind.SERVER,
            state=DeviceState.ONLINE,
            at=started + at,
            started_at=started,
        )

    rig.sender.start()
    rig.sender.link_changed(True)
    try:
        rig.sender.server_status(server(timedelta(minutes=1)))
        ids = [r.event_id for r in rig.sightings(2)]
        wait_until(lambda: rig.wire.sent_ids() == ids)
        with rig.held():
            rig.sender.link_changed(False)
            rig.sender.link_changed(True)
        wait_until(lambda: rig.wire.sent_ids() == ids * 2)
        # ...and the server's next status after our reconnect counts as its birth (it may have lost
        # what was queued for it, e.g. when the broker restarted).
        rig.sender.server_status(server(timedelta(minutes=2)))
        wait_until(lambda: rig.wire.sent_ids() == ids * 3)
        assert rig.counters.get("server_births") == 1
    finally:
        rig.close()


def test_wake_ups_with_nothing_new_do_not_query_the_outbox(rig: Rig) -> None:
    records = rig.sightings(3)
    wait_until(lambda: len(rig.wire.sent_ids()) == 3)
    rig.settle()
    reads = rig.outbox.reads
    rig.sender.acks(Acks(committed=[r.event_id for r in records]))
    wait_until(lambda: rig.outbox.pending == 0)
    for _ in range(5):
        rig.advance(0.5)
    rig.sender.replied(new_event_id())
    rig.settle()
    assert rig.outbox.reads == reads
    rig.sightings(1)
    wait_until(lambda: len(rig.wire.sent_ids()) == 4)
    assert rig.outbox.reads == reads + 1


def record(seq: int) -> OutboxRecord:
    return OutboxRecord(seq, new_event_id(), CheckinRequested.KIND, True, b"{}")


def test_the_handoff_puts_back_what_a_step_left_ahead_of_what_came_since() -> None:
    handoff = Handoff()
    first, second, third = record(1), record(2), record(3)
    handoff.urgent(first)
    handoff.urgent(second)
    handoff.link_changed(True)
    taken = handoff.take(0)
    assert taken is not None
    assert taken.urgent == [first, second]
    assert (taken.connected, taken.connects) == (True, 1)
    taken.urgent.pop(0)  # the step sent the first, then failed
    handoff.urgent(third)
    handoff.put_back(taken)
    again = handoff.take(0)
    assert again is not None
    assert again.urgent == [second, third]
    assert (again.connected, again.connects) == (True, 1)


def test_the_handoff_counts_connects_that_come_and_go() -> None:
    handoff = Handoff()
    handoff.link_changed(True)
    handoff.link_changed(False)
    handoff.link_changed(True)
    handoff.link_changed(False)
    taken = handoff.take(0)
    assert taken is not None
    assert (taken.connected, taken.connects) == (False, 2)
    handoff.stop()
    assert handoff.take(0) is None
    assert handoff.pause(0)
