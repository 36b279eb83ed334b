"""Factories for contract events and ingest messages."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from uuid import UUID

from contract import topics
from contract.codec import encode_batch, encode_event
from contract.common import ItemRef, utc_now
from contract.events import (
    CheckinRequested,
    CheckoutRequested,
    EventEnvelope,
    ItemForSession,
    ItemOnly,
    ItemSeen,
    ItemSighting,
    OfflineCheckin,
    OfflineCheckout,
    PatronLogin,
    PatronLoginRequested,
    SeenContext,
    make_event,
)
from contract.offline import OfflineLoan, OfflineReturn
from server.ingest.messages import Inbound

_SEQ = itertools.count(1)


def sighting(device: str = "handheld-01", barcode: str = "VV000001", *, seq: int | None = None) -> ItemSeen:
    payload = ItemSighting(
        item=ItemRef(barcode=barcode), location_code="F2-R01-S1", context=SeenContext.STOCKTAKE
    )
    return make_event(ItemSeen, device_id=device, seq=seq or next(_SEQ), payload=payload)


def checkout(
    device: str = "kiosk-01",
    barcode: str = "VV000001",
    *,
    session_id: UUID,
    seq: int | None = None,
    occurred_at: datetime | None = None,
) -> CheckoutRequested:
    payload = ItemForSession(session_id=session_id, item=ItemRef(barcode=barcode))
    return make_event(
        CheckoutRequested, device_id=device, seq=seq or next(_SEQ), payload=payload, occurred_at=occurred_at
    )


def checkin(
    device: str = "kiosk-01", barcode: str = "VV000001", *, occurred_at: datetime | None = None
) -> CheckinRequested:
    payload = ItemOnly(item=ItemRef(barcode=barcode))
    return make_event(
        CheckinRequested, device_id=device, seq=next(_SEQ), payload=payload, occurred_at=occurred_at
    )


def offline_checkout(
    device: str = "kiosk-01",
    card: str = "SV2100001",
    barcode: str = "VV000001",
    *,
    occurred_at: datetime | None = None,
    due_at: datetime | None = None,
) -> OfflineCheckout:
    """A loan a kiosk made while it could not reach the server (a fortnight's loan unless `due_at`)."""
    at = occurred_at or utc_now()
    payload = OfflineLoan(
        card_number=card,
        item=ItemRef(barcode=barcode),
        due_at=due_at or at + timedelta(days=14),
        pin_checked=True,
    )
    return make_event(OfflineCheckout, device_id=device, seq=next(_SEQ), payload=payload, occurred_at=at)


def offline_checkin(
    device: str = "kiosk-01", barcode: str = "VV000001", *, occurred_at: datetime | None = None
) -> OfflineCheckin:
    """A book a kiosk took back while it could not reach the server."""
    payload = OfflineReturn(item=ItemRef(barcode=barcode))
    return make_event(
        OfflineCheckin, device_id=device, seq=next(_SEQ), payload=payload, occurred_at=occurred_at
    )


def login(device: str = "kiosk-01", card: str = "SV2100001", pin: str = "1234") -> PatronLoginRequested:
    payload = PatronLogin.model_validate({"card_number": card, "pin": pin})
    return make_event(PatronLoginRequested, device_id=device, seq=next(_SEQ), payload=payload)


def inbound(*events: EventEnvelope, topic: str | None = None, received_at: datetime | None = None) -> Inbound:
    """One MQTT message carrying the events (a batch when there are several)."""
    device = events[0].device_id
    payload = encode_event(events[0]) if len(events) == 1 else encode_batch(encode_event(e) for e in events)
    return Inbound(topic or topics.events(device), payload, received_at or utc_now())


def raw(device: str, payload: bytes) -> Inbound:
    return Inbound(topics.events(device), payload, datetime.now(UTC))
