"""One batch of MQTT messages → one database transaction.

Inside the caller's transaction, `apply_batch` decodes every message, drops events already applied (by
event id, looked up in the same transaction), applies the rest in arrival order, writes the event log,
dead-letters what cannot be applied, tracks device sequences and statuses — and returns what to publish once
the caller has committed: replies to requests and end-to-end acknowledgements. It never commits.

A batch message (several events in one JSON array) is applied event by event: a refused element is
dead-lettered alone, with its position in the batch, and its device told; the others are applied.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

from contract import topics
from contract.codec import Decoded, Rejected, RejectReason, decode_events, redacted_payload
from contract.events import EVENT_MODELS, REPLY_KIND, EventEnvelope
from contract.replies import ReasonCode, RequestRejected
from contract.status import Acks
from server.db.bulk import insert_rows
from server.db.tables import EventLog
from server.ingest import device_state
from server.ingest.dead_letters import DEAD_LETTER_TABLE, dead_letter_row
from server.ingest.messages import BatchResult, Inbound, Outbound, batch_parts
from server.ingest.registry import HandlerRegistry, reply_for
from server.services.columns import table_of
from server.services.event_log import reply_bytes

log = logging.getLogger(__name__)

EVENT_LOG_TABLE = table_of(EventLog)
_REQUEST_KINDS = frozenset(kind for (kind, _v), model in EVENT_MODELS.items() if model.IS_REQUEST)
_LOOKUP_CHUNK = 500


@dataclass(frozen=True, slots=True)
class _Origin:
    """Where an event came from: its message, and its place among the message's events."""

    message: Inbound
    index: int


@dataclass
class _DeviceAcks:
    committed: list[UUID] = field(default_factory=list)
    rejected: list[UUID] = field(default_factory=list)


class _Batch:
    """Working state of one batch."""

    def __init__(self, session: Session, registry: HandlerRegistry, now: datetime) -> None:
        self.session = session
        self.registry = registry
        self.now = now
        self.result = BatchResult()
        self.log_rows: list[dict[str, Any]] = []
        self.dead_letters: list[dict[str, Any]] = []
        self.acks: dict[str, _DeviceAcks] = {}
        self.seqs: dict[str, list[int]] = {}
        self.last_event_at: dict[str, datetime] = {}
        self.replies_in_batch: dict[UUID, dict[str, Any]] = {}
        self.applied_ids: set[UUID] = set()
        # Consecutive observations of one kind, applied together; logged once the handler has taken them.
        self.run: list[tuple[_Origin, EventEnvelope]] = []
        self._parts: dict[int, list[Inbound] | None] = {}

    def device_acks(self, device_id: str) -> _DeviceAcks:
        return self.acks.setdefault(device_id, _DeviceAcks())

    def kept_as(self, origin: _Origin) -> Inbound:
        """What a refused event is dead-lettered as: for an element of a batch that element alone, with its
        position, never the good events applied from the same batch; otherwise its whole message. Batches
        are split only when something in them is refused, which is rare."""
        message = origin.message
        key = id(message)
        if key not in self._parts:
            self._parts[key] = batch_parts(message)
        parts = self._parts[key]
        return parts[origin.index] if parts is not None else message


def apply_batch(
    session: Session, messages: Sequence[Inbound], *, registry: HandlerRegistry, now: datetime
) -> BatchResult:
    batch = _Batch(session, registry, now)
    batch.result.stats.messages = len(messages)
    decoded: list[tuple[_Origin, str | None, Decoded]] = []
    statuses: list[tuple[str, Inbound]] = []
    for message in messages:
        device_id = topics.device_of(message.topic)
        if device_id is not None and message.topic == topics.status(device_id):
            statuses.append((device_id, message))
            continue
        items = _decode(message, device_id)
        decoded.extend((_Origin(message, index), device_id, item) for index, item in enumerate(items))

    stored_replies = _already_applied(
        session, [item.event_id for _m, _d, item in decoded if isinstance(item, EventEnvelope)]
    )
    for origin, device_id, item in decoded:
        if isinstance(item, Rejected):
            _reject(batch, origin, device_id, item)
        elif item.event_id in stored_replies:
            _duplicate(batch, item, stored_replies)
        elif item.event_id in batch.applied_ids:
            # A copy of an event of this batch, perhaps still pending in the run: settle the original first,
            # so the copy is acknowledged after it (and not at all as applied if it was refused).
            _flush_run(batch)
            if item.event_id in batch.applied_ids:
                _duplicate(batch, item, stored_replies)
            else:
                _apply(batch, origin, item)
        else:
            _apply(batch, origin, item)
    _flush_run(batch)

    insert_rows(session, EVENT_LOG_TABLE, batch.log_rows)
    if batch.dead_letters:
        session.execute(sa.insert(DEAD_LETTER_TABLE), batch.dead_letters)
    gaps, fills = device_state.record_events(session, batch.seqs, batch.last_event_at)
    batch.result.stats.seq_gaps, batch.result.stats.seq_gap_fills = gaps, fills
    batch.result.stats.statuses = device_state.record_statuses(session, statuses)
    _queue_acks(batch)
    return batch.result


def reject_message(
    session: Session,
    message: Inbound,
    *,
    registry: HandlerRegistry,
    now: datetime,
    reason: RejectReason,
    detail: str,
) -> BatchResult:
    """Dead-letter every event of a message that cannot be applied, and tell its device (rejected in its
    acks, `request.rejected` for a request) so that it stops sending it. Events that do not even decode keep
    their own reason."""
    batch = _Batch(session, registry, now)
    batch.result.stats.messages = 1
    device_id = topics.device_of(message.topic)
    for index, item in enumerate(_decode(message, device_id)):
        rejected = (
            Rejected(reason, detail, item.event_id, item.correlation_id, item.KIND)
            if isinstance(item, EventEnvelope)
            else item
        )
        _reject(batch, _Origin(message, index), device_id, rejected)
    session.execute(sa.insert(DEAD_LETTER_TABLE), batch.dead_letters)
    _queue_acks(batch)
    return batch.result


def _decode(message: Inbound, device_id: str | None) -> list[Decoded]:
    if message.position is not None and message.payload.startswith(b"["):
        # One element of a batch is one event: an array there is not a batch of its own.
        return [Rejected(RejectReason.NOT_AN_EVENT, "expected an object, got list")]
    return decode_events(message.payload, topic_device=device_id)


def _already_applied(session: Session, event_ids: list[UUID]) -> dict[UUID, dict[str, Any] | None]:
    """Event ids of this batch already in the event log, with the reply stored for requests."""
    found: dict[UUID, dict[str, Any] | None] = {}
    unique = list(dict.fromkeys(event_ids))
    for start in range(0, len(unique), _LOOKUP_CHUNK):
        chunk = unique[start : start + _LOOKUP_CHUNK]
        rows = session.execute(
            sa.select(EVENT_LOG_TABLE.c.event_id, EVENT_LOG_TABLE.c.reply).where(
                EVENT_LOG_TABLE.c.event_id.in_(chunk)
            )
        )
        found.update({row.event_id: row.reply for row in rows})
    return found


def _apply(batch: _Batch, origin: _Origin, event: EventEnvelope) -> None:
    registry = batch.registry
    kind = event.KIND
    observation = registry.observations.get(kind)
    if observation is not None:
        # One run while the handler stays the same: a handler may take several kinds together, in order.
        if batch.run and observation != registry.observations[batch.run[0][1].KIND]:
            _flush_run(batch)
        batch.run.append((origin, event))
        batch.applied_ids.add(event.event_id)
        return
    handler = registry.requests.get(kind)
    if handler is None:
        # A kind the contract knows but this server does not apply yet: keep it for later, visibly.
        rejected = Rejected(RejectReason.UNKNOWN_KIND, f"no handler for {kind}", event.event_id, None, kind)
        _reject(batch, origin, event.device_id, rejected)
        return
    _flush_run(batch)  # keep the order of effects: earlier sightings before this request
    if _expired(batch, event):
        reply = reply_for(
            event, REPLY_KIND[kind], batch.now, decision=registry.decide(ReasonCode.REQUEST_EXPIRED)
        )
    else:
        reply = handler(batch.session, event, batch.now)
    stored = reply.model_dump(mode="json")
    batch.replies_in_batch[event.event_id] = stored
    batch.result.outbound.append(Outbound(topics.replies(event.device_id), reply_bytes(stored)))
    _logged(batch, event, origin.message, str(reply.decision.code), stored)


def _expired(batch: _Batch, event: EventEnvelope) -> bool:
    if event.KIND in batch.registry.ttl_exempt:
        return False
    return batch.now - event.occurred_at > batch.registry.request_ttl


def _logged(
    batch: _Batch,
    event: EventEnvelope,
    message: Inbound,
    result_code: str | None,
    reply: dict[str, Any] | None,
) -> None:
    batch.applied_ids.add(event.event_id)
    batch.log_rows.append(
        {
            "event_id": event.event_id,
            "device_id": event.device_id,
            "seq": event.seq,
            "kind": event.KIND,
            "v": event.VERSION,
            "occurred_at": event.occurred_at,
            "received_at": message.received_at,
            "correlation_id": event.correlation_id,
            "payload": redacted_payload(event),
            "result_code": result_code,
            "reply": reply,
        }
    )
    batch.device_acks(event.device_id).committed.append(event.event_id)
    batch.seqs.setdefault(event.device_id, []).append(event.seq)
    last = batch.last_event_at.get(event.device_id)
    if last is None or event.occurred_at > last:
        batch.last_event_at[event.device_id] = event.occurred_at
    batch.result.stats.count_applied(event.KIND)


def _flush_run(batch: _Batch) -> None:
    if not batch.run:
        return
    run, batch.run = batch.run, []
    kind = run[0][1].KIND
    refused = batch.registry.observations[kind](batch.session, [event for _origin, event in run]) or {}
    for origin, event in run:
        why = refused.get(event.event_id)
        if why is None:
            _logged(batch, event, origin.message, None, None)
        else:
            batch.applied_ids.discard(event.event_id)
            rejected = Rejected(RejectReason.REFUSED, why, event.event_id, None, event.KIND)
            _reject(batch, origin, event.device_id, rejected)


def _duplicate(
    batch: _Batch, event: EventEnvelope, stored_replies: dict[UUID, dict[str, Any] | None]
) -> None:
    """Already applied: acknowledge again, and answer a retried request with the very same stored reply."""
    batch.result.stats.duplicates += 1
    batch.device_acks(event.device_id).committed.append(event.event_id)
    stored = batch.replies_in_batch.get(event.event_id) or stored_replies.get(event.event_id)
    if stored is not None:
        batch.result.outbound.append(Outbound(topics.replies(event.device_id), reply_bytes(stored)))


def _reject(batch: _Batch, origin: _Origin, device_id: str | None, rejected: Rejected) -> None:
    message = batch.kept_as(origin)
    batch.result.stats.count_rejected(str(rejected.reason))
    batch.dead_letters.append(
        dead_letter_row(
            topic=message.topic,
            device_id=device_id,
            rejected=rejected,
            raw=message.payload,
            received_at=message.received_at,
            position=message.position,
        )
    )
    where = (
        f" (element {message.position.index} of a batch of {message.position.size})"
        if message.position
        else ""
    )
    log.warning(
        "dead letter from %s%s: %s (%s)", device_id or message.topic, where, rejected.reason, rejected.detail
    )
    if device_id is None or rejected.event_id is None:
        return
    batch.device_acks(device_id).rejected.append(rejected.event_id)
    if rejected.correlation_id is not None and rejected.kind in _REQUEST_KINDS:
        answer = RequestRejected(
            request_id=rejected.event_id,
            correlation_id=rejected.correlation_id,
            issued_at=batch.now,
            decision=batch.registry.decide(ReasonCode.INVALID_REQUEST),
        )
        batch.result.outbound.append(Outbound(topics.replies(device_id), answer.model_dump_json().encode()))


def _queue_acks(batch: _Batch) -> None:
    for device_id, acks in batch.acks.items():
        for committed, rejected in _chunks(acks.committed, acks.rejected):
            payload = Acks(committed=committed, rejected=rejected).model_dump_json().encode()
            batch.result.outbound.append(Outbound(topics.acks(device_id), payload))


_ACK_IDS_PER_MESSAGE = 1000  # 1000 UUIDs ≈ 39 KiB: stays under the devices' own message limit


def _chunks(committed: list[UUID], rejected: list[UUID]) -> Iterable[tuple[list[UUID], list[UUID]]]:
    ids = [(i, True) for i in committed] + [(i, False) for i in rejected]
    for start in range(0, len(ids), _ACK_IDS_PER_MESSAGE):
        part = ids[start : start + _ACK_IDS_PER_MESSAGE]
        yield [i for i, ok in part if ok], [i for i, ok in part if not ok]
