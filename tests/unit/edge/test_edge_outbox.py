"""The durable outbox: sequence numbers, confirmation, limits and ownership, on real SQLite files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import orjson
import pytest

from contract.common import ItemRef, new_event_id
from contract.events import (
    CheckinRequested,
    ItemOnly,
    ItemSeen,
    ItemSighting,
    SeenContext,
)
from edge.errors import EventTooLargeError, OutboxError
from edge.outbox import Outbox

DEVICE = "handheld-01"


def sighting(n: int) -> ItemSighting:
    return ItemSighting(
        item=ItemRef(barcode=f"VV{n:06d}"), location_code="F2-R01-S1", context=SeenContext.STOCKTAKE
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "edge" / DEVICE / "outbox.db"


def test_append_assigns_consecutive_seqs_and_stores_the_wire_bytes(path: Path) -> None:
    with Outbox(path, DEVICE) as outbox:
        first = outbox.append(ItemSeen, sighting(1))
        second = outbox.append(ItemSeen, sighting(2))
        assert (first.record.seq, second.record.seq) == (1, 2)
        assert outbox.pending == 2
        assert outbox.last_seq == 2
        stored = outbox.read_after(0, 10)
    assert [r.seq for r in stored] == [1, 2]
    body = orjson.loads(stored[0].body)
    assert body["event_id"] == str(first.event.event_id)
    assert body["device_id"] == DEVICE
    assert body["seq"] == 1
    assert body["payload"]["item"]["barcode"] == "VV000001"
    assert stored[0].body == first.record.body
    assert not stored[0].is_request


def test_seq_continues_across_reopen_and_after_the_outbox_was_emptied(path: Path) -> None:
    with Outbox(path, DEVICE) as outbox:
        ids = [r.event_id for r in outbox.append_many(ItemSeen, [sighting(i) for i in range(3)])]
        assert outbox.confirm(ids) == 3
        assert outbox.pending == 0
    with Outbox(path, DEVICE) as outbox:
        assert outbox.last_seq == 3
        assert outbox.append(ItemSeen, sighting(9)).record.seq == 4
    with Outbox(path, DEVICE) as outbox:
        assert outbox.pending == 1
        assert [r.seq for r in outbox.read_after(0, 10)] == [4]


def test_append_many_numbers_one_transaction_in_order(path: Path) -> None:
    with Outbox(path, DEVICE) as outbox:
        outbox.append(ItemSeen, sighting(0))
        records = outbox.append_many(ItemSeen, [sighting(i) for i in range(1, 501)])
        assert [r.seq for r in records] == list(range(2, 502))
        assert outbox.pending == 501
        assert outbox.append_many(ItemSeen, []) == []
        assert outbox.last_seq == 501


def test_read_after_pages_through_a_backlog_without_confirmed_events(path: Path) -> None:
    with Outbox(path, DEVICE) as outbox:
        records = outbox.append_many(ItemSeen, [sighting(i) for i in range(10)])
        outbox.confirm([records[1].event_id, records[4].event_id])
        page = outbox.read_after(0, 3)
        assert [r.seq for r in page] == [1, 3, 4]
        assert [r.seq for r in outbox.read_after(page[-1].seq, 100)] == [6, 7, 8, 9, 10]
        assert outbox.read_after(10, 100) == []


def test_confirm_counts_only_events_still_stored(path: Path) -> None:
    with Outbox(path, DEVICE) as outbox:
        record = outbox.append(ItemSeen, sighting(1)).record
        assert outbox.confirm([record.event_id, new_event_id()]) == 1
        assert outbox.confirm([record.event_id]) == 0
        assert outbox.confirm([]) == 0
        assert outbox.pending == 0
        assert not outbox.contains(record.event_id)


def request(outbox: Outbox, n: int) -> UUID:
    return outbox.append(CheckinRequested, ItemOnly(item=ItemRef(barcode=f"VV{n:06d}"))).record.event_id


def test_an_ack_deletes_events_but_a_request_leaves_only_with_its_reply(path: Path) -> None:
    with Outbox(path, DEVICE) as outbox:
        event = outbox.append(ItemSeen, sighting(1)).record.event_id
        asked = request(outbox, 2)
        assert outbox.confirm([event, asked]) == 1  # the acks of both: the request waits for its reply
        assert outbox.contains(asked)
        assert not outbox.contains(event)
        assert outbox.confirm(settled=[asked]) == 1
        assert outbox.pending == 0


def test_a_rejected_request_is_deleted(path: Path) -> None:
    with Outbox(path, DEVICE) as outbox:
        asked = request(outbox, 1)
        event = outbox.append(ItemSeen, sighting(2)).record.event_id
        assert outbox.confirm(settled=[asked, event]) == 2
        assert outbox.pending == 0


def test_requests_after_finds_requests_behind_a_backlog(path: Path) -> None:
    with Outbox(path, DEVICE) as outbox:
        outbox.append_many(ItemSeen, [sighting(i) for i in range(5)])
        first = request(outbox, 5)
        outbox.append_many(ItemSeen, [sighting(i) for i in range(6, 9)])
        second = request(outbox, 9)
        assert [r.event_id for r in outbox.requests_after(0, 10)] == [first, second]
        assert [r.seq for r in outbox.requests_after(6, 10)] == [10]
        assert [r.event_id for r in outbox.requests_after(0, 1)] == [first]
        assert all(r.is_request for r in outbox.requests_after(0, 10))


def test_requests_are_marked_and_keep_the_given_ids_and_time(path: Path) -> None:
    event_id, correlation_id = new_event_id(), new_event_id()
    at = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    with Outbox(path, DEVICE) as outbox:
        appended = outbox.append(
            CheckinRequested,
            ItemOnly(item=ItemRef(barcode="VV000001")),
            correlation_id=correlation_id,
            event_id=event_id,
            occurred_at=at,
        )
    assert appended.record.is_request
    assert appended.record.event_id == event_id
    body = orjson.loads(appended.record.body)
    assert UUID(body["correlation_id"]) == correlation_id
    assert body["occurred_at"] == "2026-03-02T08:30:00Z"


def test_an_event_larger_than_a_message_is_refused_and_nothing_is_stored(path: Path) -> None:
    with Outbox(path, DEVICE, max_event_bytes=300) as outbox:
        outbox.append(ItemSeen, sighting(1))
        big = ItemSighting(
            item=ItemRef(barcode="B" * 32), location_code="L" * 64, context=SeenContext.STOCKTAKE
        )
        with pytest.raises(EventTooLargeError):
            outbox.append_many(ItemSeen, [sighting(2), big])
        assert outbox.pending == 1
        assert outbox.append(ItemSeen, sighting(3)).record.seq == 2


def test_first_seq_applies_only_to_an_outbox_that_never_numbered(path: Path) -> None:
    with Outbox(path, DEVICE, first_seq=1000) as outbox:
        assert outbox.last_seq == 999
        assert outbox.append(ItemSeen, sighting(1)).record.seq == 1000
    with Outbox(path, DEVICE, first_seq=5) as outbox:
        assert outbox.append(ItemSeen, sighting(2)).record.seq == 1001
    with Outbox(path, DEVICE, first_seq=5000) as outbox:  # no jump in a numbered outbox either
        assert outbox.append(ItemSeen, sighting(3)).record.seq == 1002
    with pytest.raises(ValueError, match="first_seq"):
        Outbox(path, DEVICE, first_seq=0)


def test_one_process_owns_an_outbox_and_it_belongs_to_one_device(path: Path) -> None:
    with Outbox(path, DEVICE), pytest.raises(OutboxError, match="in use"):
        Outbox(path, DEVICE)
    with pytest.raises(OutboxError, match="outbox of 'handheld-01'"):
        Outbox(path, "kiosk-01")


def test_a_refused_open_leaves_nothing_locked_or_open(path: Path) -> None:
    Outbox(path, DEVICE).close()
    for _ in range(3):
        with pytest.raises(OutboxError, match="outbox of 'handheld-01'"):
            Outbox(path, "kiosk-01")
    with Outbox(path, DEVICE) as outbox:  # the refused attempts released the lock they took
        assert outbox.append(ItemSeen, sighting(1)).record.seq == 1


def test_wait_empty_and_a_closed_outbox(path: Path) -> None:
    outbox = Outbox(path, DEVICE)
    record = outbox.append(ItemSeen, sighting(1)).record
    assert not outbox.wait_empty(0.01)
    outbox.confirm([record.event_id])
    assert outbox.wait_empty(0.01)
    outbox.close()
    outbox.close()
    with pytest.raises(OutboxError, match="closed"):
        outbox.append(ItemSeen, sighting(2))
