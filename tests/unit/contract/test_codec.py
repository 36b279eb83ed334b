"""The contract codec: every way a message can be bad is classified, never raised; secrets stay secret."""

from __future__ import annotations

import random
from uuid import uuid4

import orjson
import pytest

from contract import topics
from contract.codec import (
    MAX_MESSAGE_BYTES,
    Rejected,
    RejectReason,
    decode_events,
    encode_batch,
    encode_event,
    redacted_payload,
)
from contract.common import ItemRef
from contract.events import (
    EVENT_CLASSES,
    EVENT_MODELS,
    REPLY_KIND,
    CheckoutRequested,
    EventEnvelope,
    ItemForSession,
    PatronLogin,
    PatronLoginRequested,
    make_event,
)
from contract.replies import REPLY_MODELS
from tests.support import events as ev


def _login(pin: str = "2468") -> PatronLoginRequested:
    payload = PatronLogin.model_validate({"card_number": "SV2100123", "pin": pin})
    return make_event(PatronLoginRequested, device_id="kiosk-01", seq=7, payload=payload)


def test_single_event_and_batch_round_trip() -> None:
    events = [ev.sighting(), ev.checkout(session_id=uuid4()), _login()]
    for event in events:
        assert decode_events(encode_event(event)) == [event]
    assert decode_events(encode_batch(encode_event(e) for e in events)) == events


def test_pin_travels_on_the_wire_but_never_in_repr_or_the_stored_payload() -> None:
    login = _login("97531")
    assert b'"pin":"97531"' in encode_event(login)
    assert "97531" not in repr(login)
    assert redacted_payload(login) == {"card_number": "SV2100123"}


BAD = [
    (b"", RejectReason.BAD_JSON),
    (b"{", RejectReason.BAD_JSON),
    (b"\xff\xfe", RejectReason.BAD_JSON),
    (b"null", RejectReason.NOT_AN_EVENT),
    (b"42", RejectReason.NOT_AN_EVENT),
    (b"[]", RejectReason.NOT_AN_EVENT),
    (b"[1]", RejectReason.NOT_AN_EVENT),
    (b"{}", RejectReason.UNKNOWN_KIND),
    (b'{"kind": "circ.checkout"}', RejectReason.UNSUPPORTED_VERSION),
    (b'{"kind": "circ.checkout", "v": 2}', RejectReason.UNSUPPORTED_VERSION),
    (b'{"kind": "circ.checkout", "v": "1"}', RejectReason.UNSUPPORTED_VERSION),
    (b'{"kind": "circ.checkout", "v": 1}', RejectReason.SCHEMA_ERROR),
    (b"x" * (MAX_MESSAGE_BYTES + 1), RejectReason.TOO_LARGE),
]


@pytest.mark.parametrize(("data", "reason"), BAD)
def test_bad_messages_are_classified(data: bytes, reason: RejectReason) -> None:
    (result,) = decode_events(data)
    assert isinstance(result, Rejected)
    assert result.reason is reason


def _mutations(good: bytes, rng: random.Random) -> bytes:
    data = bytearray(good)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        position = rng.randrange(len(data))
        if choice < 0.4:
            data[position] = rng.randrange(256)
        elif choice < 0.7:
            del data[position : position + rng.randint(1, 8)]
        else:
            data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        if not data:
            break
    return bytes(data)


def test_fuzzed_messages_never_raise() -> None:
    rng = random.Random(28560)
    samples = [
        encode_event(e) for e in (ev.sighting(), ev.checkout(session_id=uuid4()), _login(), ev.checkin())
    ]
    for _ in range(5000):
        data = _mutations(rng.choice(samples), rng)
        for result in decode_events(data, topic_device="kiosk-01"):
            assert isinstance(result, EventEnvelope | Rejected)


def test_wrong_uuid_version_and_naive_time_are_schema_errors() -> None:
    document = orjson.loads(encode_event(ev.sighting()))
    for field, value in (("event_id", str(uuid4())), ("occurred_at", "2026-11-25T10:00:00")):
        (result,) = decode_events(orjson.dumps(document | {field: value}))
        assert isinstance(result, Rejected)
        assert result.reason is RejectReason.SCHEMA_ERROR


def test_requests_need_a_correlation_id() -> None:
    event = ev.checkout(session_id=uuid4())
    document = orjson.loads(encode_event(event)) | {"correlation_id": None}
    (result,) = decode_events(orjson.dumps(document))
    assert isinstance(result, Rejected)
    assert result.event_id == event.event_id


def test_registry_and_replies_agree() -> None:
    assert set(EVENT_MODELS.values()) == set(EVENT_CLASSES)
    assert len(EVENT_MODELS) == len(EVENT_CLASSES)  # no two classes claim one (kind, v)
    for event_class in EVENT_CLASSES:
        if event_class.IS_REQUEST:
            assert REPLY_KIND[event_class.KIND] in REPLY_MODELS


def test_make_event_gives_requests_a_correlation_id() -> None:
    payload = ItemForSession(session_id=uuid4(), item=ItemRef(tag_uid="e004015050a1b2c3"))
    event = make_event(CheckoutRequested, device_id="kiosk-01", seq=1, payload=payload)
    assert event.correlation_id is not None
    assert event.payload.item.tag_uid == "E004015050A1B2C3"


@pytest.mark.parametrize(
    ("topic", "device"),
    [
        (topics.events("kiosk-01"), "kiosk-01"),
        (topics.status("gate-01"), "gate-01"),
        ("stacks/v1/devices/", None),
        ("stacks/v1/devices/kiosk-01", None),
        ("stacks/v1/server/status", None),
        ("elsewhere/kiosk-01/events", None),
    ],
)
def test_device_of_topic(topic: str, device: str | None) -> None:
    assert topics.device_of(topic) == device
