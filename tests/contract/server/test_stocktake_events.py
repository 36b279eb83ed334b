"""The stock-take events: a full batch of the longest reads and a full shelf list fit one message, bad reads
are refused with a reason, an oversized message is dead-lettered unread, and the contract's vocabularies
agree with the domain's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest

from contract.codec import (
    MAX_MESSAGE_BYTES,
    Rejected,
    RejectReason,
    decode_events,
    decode_reply,
    encode_batch,
    encode_event,
    encode_model,
)
from contract.common import new_event_id
from contract.events import StocktakeReads, make_event
from contract.replies import ReasonCode, StocktakeShelfList
from contract.stocktake import (
    MAX_BATCH_SPAN,
    MAX_FIND_ITEMS,
    MAX_LISTED_ITEMS,
    MAX_READS_PER_BATCH,
    FindItem,
    FindReason,
    ListedItem,
    MarkedCondition,
    ReadBatch,
    ShelfMethod,
    TagData,
    TagRead,
)
from server.domain.enums import ItemCondition
from server.domain.stocktake.inference import ShelfMethod as DomainShelfMethod
from server.domain.stocktake.tags import TagData as DomainTagData
from server.i18n.render import decision

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _longest_read(index: int) -> TagRead:
    return TagRead(
        uid=f"E004{index:012X}",
        barcode="B" * 32,
        ms=MAX_BATCH_SPAN // timedelta(milliseconds=1),
        data=TagData.OWN,
        armed=False,
    )


def _batch(reads: list[TagRead]) -> StocktakeReads:
    payload = ReadBatch(
        session_id=2**31 - 1,
        shelf_code="S" * 64,
        method="inferred",
        started_at=START,
        first_read=2**62,
        reads=reads,
    )
    return make_event(StocktakeReads, device_id="h" * 63, seq=2**62, payload=payload, occurred_at=START)


def test_a_full_batch_of_the_longest_reads_fits_one_message() -> None:
    event = _batch([_longest_read(i) for i in range(MAX_READS_PER_BATCH)])
    encoded = encode_batch([encode_event(event)])
    assert len(encoded) <= MAX_MESSAGE_BYTES
    (decoded,) = decode_events(encoded, topic_device=event.device_id)
    assert decoded == event


def test_a_foreign_read_with_its_isil_is_as_long_as_reads_get() -> None:
    foreign = TagRead(uid="E004000000000001", ms=3_600_000, data=TagData.FOREIGN, armed=True, isil="X" * 16)
    assert len(foreign.model_dump_json()) <= len(_longest_read(1).model_dump_json())


def test_one_read_more_than_a_batch_holds_is_refused() -> None:
    event = _batch([_longest_read(i) for i in range(MAX_READS_PER_BATCH)])
    document: dict[str, Any] = orjson.loads(encode_event(event))
    document["payload"]["reads"].append(document["payload"]["reads"][0])
    document["event_id"] = str(new_event_id())
    (decoded,) = decode_events(orjson.dumps(document))
    assert isinstance(decoded, Rejected)
    assert decoded.reason is RejectReason.SCHEMA_ERROR
    assert "reads" in decoded.detail


def test_a_message_over_64_kib_is_dead_lettered_unread() -> None:
    events = [encode_event(_batch([_longest_read(i) for i in range(MAX_READS_PER_BATCH)])) for _ in range(2)]
    (decoded,) = decode_events(encode_batch(events))
    assert isinstance(decoded, Rejected)
    assert decoded.reason is RejectReason.TOO_LARGE


@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"data": "own", "uid": "E004000000000001"}, "our tag data names a barcode"),
        ({"data": "no_tag", "uid": "E004000000000001", "barcode": "VV1"}, "names a barcode and no UID"),
        ({"data": "blank"}, "names the chip's UID"),
        ({"data": "own", "uid": "E004000000000001", "barcode": "VV1", "isil": "VN-1"}, "only a foreign tag"),
        ({"data": "own", "uid": "E004000000000001", "barcode": "VV1", "ms": -1}, "greater than or equal"),
    ],
)
def test_reads_that_contradict_themselves_are_refused(fields: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        TagRead.model_validate({"ms": 0, **fields})


def test_a_shelf_comes_with_how_it_is_known() -> None:
    read = _longest_read(1)
    with pytest.raises(ValueError, match="how it is known"):
        ReadBatch(session_id=1, shelf_code="A1", started_at=START, first_read=1, reads=[read])
    with pytest.raises(ValueError, match="how it is known"):
        ReadBatch(session_id=1, method="label", started_at=START, first_read=1, reads=[read])


def test_the_contracts_vocabularies_are_the_domains() -> None:
    assert {d.value for d in TagData} == {d.value for d in DomainTagData}
    assert {c.value for c in MarkedCondition} == {c.value for c in ItemCondition}
    assert {m.value for m in ShelfMethod} == {m.value for m in DomainShelfMethod} - {"undecided"}


def test_a_full_shelf_list_of_the_longest_values_fits_one_message() -> None:
    listed = ListedItem(barcode="B" * 32, tag_uid="E004000000000001", expected=False, on_loan=True)
    found = FindItem(barcode="B" * 32, tag_uid="E004000000000001", reason=FindReason.MISSING)
    reply = StocktakeShelfList(
        request_id=new_event_id(),
        correlation_id=new_event_id(),
        issued_at=START,
        decision=decision(ReasonCode.OK),
        session_id=2**62,
        shelf_code="S" * 64,
        items=[listed] * MAX_LISTED_ITEMS,
        find=[found] * MAX_FIND_ITEMS,
        truncated=True,
    )
    encoded = encode_model(reply)
    assert len(encoded) <= MAX_MESSAGE_BYTES
    assert decode_reply(encoded) == reply
