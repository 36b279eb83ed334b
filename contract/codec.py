"""Bytes ⇄ contract models, with every way a message can be bad classified instead of raised.

An event message is one JSON object (one event) or a JSON array of events (a batch an edge agent sends when
its outbox has a backlog). Decoding never raises on input: each event comes back either as a valid model or
as a `Rejected` with a reason, so the server can dead-letter it and keep going.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar
from uuid import UUID

import orjson
from pydantic import BaseModel, TypeAdapter, ValidationError

from contract.events import EVENT_MODELS, KNOWN_KINDS, EventEnvelope
from contract.replies import Reply, ReplyBase
from contract.status import Acks, DeviceStatus
from contract.tagging import TagWriteOrder

MAX_MESSAGE_BYTES = 64 * 1024
"""Largest event message the server accepts; larger ones are dead-lettered unread."""


class ContractError(ValueError):
    """Root of the contract layer's errors: a message or a configuration file that breaks its model."""


class RejectReason(StrEnum):
    TOO_LARGE = "too_large"
    BAD_JSON = "bad_json"
    NOT_AN_EVENT = "not_an_event"
    UNKNOWN_KIND = "unknown_kind"
    UNSUPPORTED_VERSION = "unsupported_version"
    SCHEMA_ERROR = "schema_error"
    DEVICE_MISMATCH = "device_mismatch"
    APPLY_ERROR = "apply_error"  # valid, but applying it failed even on its own (set by the server)
    REFUSED = "refused"  # valid, but what it is about refuses it (a stock-take session not open)


@dataclass(frozen=True, slots=True)
class Rejected:
    """An event (or a whole message) that cannot be applied, and why."""

    reason: RejectReason
    detail: str
    # Whatever could be read of the envelope, so the device can still be told (acks, request.rejected).
    event_id: UUID | None = None
    correlation_id: UUID | None = None
    kind: str | None = None


Decoded = EventEnvelope | Rejected


def decode_events(data: bytes, *, topic_device: str | None = None) -> list[Decoded]:
    """Decode an event message. `topic_device` is the device id of the topic it arrived on: an event
    claiming another device is rejected (a device may only speak for itself)."""
    if len(data) > MAX_MESSAGE_BYTES:
        return [Rejected(RejectReason.TOO_LARGE, f"{len(data)} bytes > {MAX_MESSAGE_BYTES}")]
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        return [Rejected(RejectReason.BAD_JSON, str(exc)[:200])]
    if isinstance(document, dict):
        items: list[Any] = [document]
    elif isinstance(document, list) and document:
        items = document
    else:
        return [Rejected(RejectReason.NOT_AN_EVENT, "expected an event object or a non-empty array")]
    return [_decode_one(item, topic_device) for item in items]


def _decode_one(item: Any, topic_device: str | None) -> Decoded:
    if not isinstance(item, dict):
        return Rejected(RejectReason.NOT_AN_EVENT, f"expected an object, got {type(item).__name__}")
    event_id = _uuid_or_none(item.get("event_id"))
    correlation_id = _uuid_or_none(item.get("correlation_id"))
    kind = item.get("kind")
    kind_text = kind if isinstance(kind, str) else None
    model = EVENT_MODELS.get((kind, item.get("v")))  # type: ignore[arg-type]
    if model is None:
        reason = RejectReason.UNSUPPORTED_VERSION if kind in KNOWN_KINDS else RejectReason.UNKNOWN_KIND
        return Rejected(reason, f"kind={kind!r} v={item.get('v')!r}", event_id, correlation_id, kind_text)
    if topic_device is not None and item.get("device_id") != topic_device:
        detail = f"event device_id {item.get('device_id')!r} on topic of {topic_device!r}"
        return Rejected(RejectReason.DEVICE_MISMATCH, detail, event_id, correlation_id, kind_text)
    try:
        return model.model_validate(item)
    except ValidationError as exc:
        return Rejected(RejectReason.SCHEMA_ERROR, _summarise(exc), event_id, correlation_id, kind_text)


def _uuid_or_none(value: Any) -> UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return UUID(value)
    except ValueError:
        return None


def _summarise(exc: ValidationError) -> str:
    # Never echo input values: a PIN could be among them.
    parts = [
        f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_input=False)
    ]
    return "; ".join(parts)[:500]


def encode_event(event: EventEnvelope) -> bytes:
    """The wire form of one event (secrets included: the wire is the device's own ACL'd topic)."""
    return event.model_dump_json().encode()


def encode_batch(encoded_events: Iterable[bytes]) -> bytes:
    """Join already-encoded events into one batch message."""
    return b"[" + b",".join(encoded_events) + b"]"


def redacted_payload(event: EventEnvelope) -> dict[str, Any]:
    """The payload as stored in the event log: JSON-ready, secrets removed."""
    payload: BaseModel = event.payload  # type: ignore[attr-defined]
    return payload.model_dump(mode="json", exclude=set(event.SENSITIVE) or None)


_REPLY_ADAPTER: TypeAdapter[ReplyBase] = TypeAdapter(Reply)

M = TypeVar("M", bound=BaseModel)


def encode_model(model: BaseModel) -> bytes:
    return model.model_dump_json().encode()


def decode_reply(data: bytes) -> ReplyBase:
    try:
        return _REPLY_ADAPTER.validate_json(data)
    except ValidationError as exc:
        raise ContractError(f"not a reply: {_summarise(exc)}") from exc


def _decode_as(model: type[M], data: bytes) -> M:
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        raise ContractError(f"not a {model.__name__}: {_summarise(exc)}") from exc


def decode_acks(data: bytes) -> Acks:
    return _decode_as(Acks, data)


def decode_status(data: bytes) -> DeviceStatus:
    return _decode_as(DeviceStatus, data)


def decode_command(data: bytes) -> TagWriteOrder:
    """A command on a device's `commands` topic (only the tagging station's order so far)."""
    try:
        return TagWriteOrder.model_validate_json(data)
    except ValidationError as exc:
        raise ContractError(f"not a command: {exc.error_count()} problem(s)") from exc
