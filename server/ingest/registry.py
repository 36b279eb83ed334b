"""Which code applies which event kind.

Request kinds (kiosk requests) are applied one by one and answered; observation kinds (sightings, at
thousands per second) are applied in bulk. The pipeline owns ordering, deduplication and logging; handlers
only apply effects inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlmodel import Session

from contract.events import EventEnvelope
from contract.replies import REPLY_MODELS, Decision, ReasonCode, ReplyBase

RequestHandler = Callable[[Session, EventEnvelope, datetime], ReplyBase]
"""Applies one request at server time `now` and returns the complete reply."""

Refusals = Mapping[UUID, str]
"""Events of a run that were not applied, by event id, with why (the pipeline dead-letters them)."""

ObservationHandler = Callable[[Session, Sequence[EventEnvelope]], Refusals | None]
"""Applies a run of events of one observation kind, in order; answers the events it refused, if any."""

DecisionMaker = Callable[[ReasonCode], Decision]
"""The decision (with its Vietnamese and English message) for a reason code without parameters."""


@dataclass(frozen=True)
class HandlerRegistry:
    requests: Mapping[str, RequestHandler]
    observations: Mapping[str, ObservationHandler]
    decide: DecisionMaker
    request_ttl: timedelta = timedelta(minutes=2)
    # Returns are applied however late they arrive: the book is physically back.
    ttl_exempt: frozenset[str] = field(default_factory=lambda: frozenset({"circ.checkin"}))


def reply_for(event: EventEnvelope, reply_kind: str, now: datetime, **fields: Any) -> ReplyBase:
    """Build the reply of `reply_kind` answering `event`."""
    model = REPLY_MODELS[reply_kind]
    return model(request_id=event.event_id, correlation_id=event.correlation_id, issued_at=now, **fields)
