"""The server's handlers: each event kind mapped to the service that applies it.

The kiosk services are the same the REST desk uses; here they only get the event's fields, the server's
clock and the circulation context the handlers hold. Checkins are applied at the time the item came back
(`occurred_at`, never in the future), so a return queued during an outage is not fined for the outage.
Sightings and the gates' alarms and footfall are observations: applied in runs, never answered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

from sqlmodel import Session

from contract.events import (
    CatalogueSearchRequested,
    CheckinRequested,
    CheckinRequestedV2,
    CheckoutRequested,
    EventEnvelope,
    GateAlarmRaised,
    GateFootfallCounted,
    HoldRequested,
    ItemSeen,
    OfflineCheckin,
    OfflineCheckout,
    PatronLoginRequested,
    PatronLogoutRequested,
    RenewRequested,
    StocktakeDamage,
    StocktakeDamageV1,
    StocktakeJoined,
    StocktakeReads,
    StocktakeShelfListRequested,
    TaggingCheckRequested,
    TaggingReported,
)
from contract.replies import Decision, ReasonCode, ReplyBase
from server import i18n
from server.domain.lifecycle.settings import LifecycleSettings
from server.ingest.registry import HandlerRegistry, ObservationHandler, RequestHandler, reply_for
from server.services import kiosk, kiosk_catalogue, offline_transactions, stocktake_shelf_lists, tagging
from server.services.context import CirculationContext
from server.services.gate_alarms import GateAlarmReport, record_alarms
from server.services.gate_footfall import FootfallReport, record_footfall
from server.services.sightings import Sighting, record_sightings
from server.services.stocktake_reads import Sent, record_run
from server.settings import ServerSettings


def _answer(event: EventEnvelope, now: datetime, outcome: Any) -> ReplyBase:
    fields: dict[str, Any] = outcome.reply_fields()
    return reply_for(event, f"{event.KIND}.result", now, **fields)


SessionItemService = Callable[..., Any]


@dataclass(frozen=True)
class KioskHandlers:
    """The kiosk's requests, applied with the circulation context this server loaded at start-up."""

    context: CirculationContext

    def login(self, session: Session, event: EventEnvelope, now: datetime) -> ReplyBase:
        assert isinstance(event, PatronLoginRequested)
        payload = event.payload
        outcome = kiosk.login(
            session,
            self.context,
            device_id=event.device_id,
            card_number=payload.card_number,
            pin=payload.pin.get_secret_value(),
            now=now,
        )
        return _answer(event, now, outcome)

    def logout(self, session: Session, event: EventEnvelope, now: datetime) -> ReplyBase:
        assert isinstance(event, PatronLogoutRequested)
        outcome = kiosk.logout(
            session, device_id=event.device_id, session_id=event.payload.session_id, now=now
        )
        return _answer(event, now, outcome)

    def for_session_item(self, service: SessionItemService) -> RequestHandler:
        """A handler for the requests that name a kiosk session and an item (checkout, renew)."""

        def handle(session: Session, event: EventEnvelope, now: datetime) -> ReplyBase:
            assert isinstance(event, CheckoutRequested | RenewRequested)
            payload = event.payload
            outcome = service(
                session,
                self.context,
                device_id=event.device_id,
                session_id=payload.session_id,
                item=payload.item,
                now=now,
            )
            return _answer(event, now, outcome)

        return handle

    def checkin(self, session: Session, event: EventEnvelope, now: datetime) -> ReplyBase:
        assert isinstance(event, CheckinRequested | CheckinRequestedV2)
        returned_at = min(event.occurred_at, now)
        taking_back = event.payload.taking_back if isinstance(event, CheckinRequestedV2) else None
        outcome = kiosk.checkin(
            session,
            self.context,
            device_id=event.device_id,
            item=event.payload.item,
            now=returned_at,
            taking_back=taking_back,
        )
        return _answer(event, now, outcome)

    def search(self, session: Session, event: EventEnvelope, now: datetime) -> ReplyBase:
        assert isinstance(event, CatalogueSearchRequested)
        return _answer(event, now, kiosk_catalogue.search(session, event.payload.query))

    def hold(self, session: Session, event: EventEnvelope, now: datetime) -> ReplyBase:
        assert isinstance(event, HoldRequested)
        payload = event.payload
        outcome = kiosk_catalogue.place_hold(
            session,
            self.context,
            device_id=event.device_id,
            session_id=payload.session_id,
            record_id=payload.record_id,
            now=now,
        )
        return _answer(event, now, outcome)

    def requests(self) -> dict[str, RequestHandler]:
        return {
            CatalogueSearchRequested.KIND: self.search,
            HoldRequested.KIND: self.hold,
            PatronLoginRequested.KIND: self.login,
            PatronLogoutRequested.KIND: self.logout,
            CheckoutRequested.KIND: self.for_session_item(kiosk.checkout),
            RenewRequested.KIND: self.for_session_item(kiosk.renew),
            CheckinRequested.KIND: self.checkin,
        }


def _sightings(session: Session, events: Sequence[EventEnvelope], *, lifecycle: LifecycleSettings) -> None:
    sightings = []
    for event in events:
        assert isinstance(event, ItemSeen)
        payload = event.payload
        sightings.append(
            Sighting(
                device_id=event.device_id,
                occurred_at=event.occurred_at,
                item=payload.item,
                location_code=payload.location_code,
                context=payload.context,
            )
        )
    record_sightings(session, sightings, lifecycle=lifecycle)


Observed = TypeVar("Observed", bound=EventEnvelope)


def _all_of(kind: type[Observed], events: Sequence[EventEnvelope]) -> list[Observed]:
    """The run's events as the kind they are: a handler registered for one kind gets runs of that kind."""
    assert all(isinstance(event, kind) for event in events)
    return [event for event in events if isinstance(event, kind)]


def _gate_alarms(session: Session, events: Sequence[EventEnvelope], *, lifecycle: LifecycleSettings) -> None:
    alarms = _all_of(GateAlarmRaised, events)
    reports = [GateAlarmReport(e.event_id, e.device_id, e.payload) for e in alarms]
    record_alarms(session, reports, lifecycle=lifecycle)


def _gate_footfall(session: Session, events: Sequence[EventEnvelope]) -> None:
    periods = _all_of(GateFootfallCounted, events)
    record_footfall(session, [FootfallReport(e.event_id, e.device_id, e.payload) for e in periods])


_HANDHELD = StocktakeJoined | StocktakeReads | StocktakeDamage | StocktakeDamageV1


def _sent(events: Sequence[_HANDHELD]) -> list[Sent[Any]]:
    return [Sent(e.event_id, e.device_id, e.occurred_at, e.payload) for e in events]


@dataclass(frozen=True)
class StocktakeHandlers:
    """What handhelds send during a stock-take; read times are kept within the server's clock. `lifecycle`
    times the find lists' missing and lost items."""

    lifecycle: LifecycleSettings
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def events(self, session: Session, events: Sequence[EventEnvelope]) -> Mapping[UUID, str]:
        """Joins, read batches and damage marks in the order they came, as one run (a handheld joins each
        shelf before reading it: one run for a whole sweep, not one for each shelf)."""
        handheld = [e for e in events if isinstance(e, _HANDHELD)]
        assert len(handheld) == len(events)
        return record_run(session, _sent(handheld), now=self.clock())

    def shelf_list(self, session: Session, event: EventEnvelope, now: datetime) -> ReplyBase:
        assert isinstance(event, StocktakeShelfListRequested)
        payload = event.payload
        listed = stocktake_shelf_lists.shelf_list(
            session, payload.session_id, payload.shelf_code, timers=self.lifecycle.missing, now=now
        )
        code = ReasonCode.OK if listed.refusal is None else ReasonCode.STOCKTAKE_REFUSED
        return reply_for(
            event,
            f"{event.KIND}.result",
            now,
            decision=i18n.decision(code),
            session_id=listed.session_id,
            shelf_code=listed.shelf_code,
            items=[asdict(item) for item in listed.items],
            find=[asdict(item) for item in listed.find],
            truncated=listed.truncated,
            refusal=listed.refusal,
        )

    def requests(self) -> dict[str, RequestHandler]:
        return {StocktakeShelfListRequested.KIND: self.shelf_list}

    def observations(self) -> dict[str, ObservationHandler]:
        # One handler for the three kinds (a damage mark of either version): the ingest runs them together.
        handler = self.events
        return {StocktakeJoined.KIND: handler, StocktakeReads.KIND: handler, StocktakeDamage.KIND: handler}


@dataclass(frozen=True)
class OfflineHandlers:
    """What kiosks did offline: only stored here, as pending transactions. They are applied later, in time
    order across all kiosks, once arrivals settle (server/services/offline_apply.py): a transaction from
    another kiosk that happened earlier may still be on its way."""

    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def store(self, session: Session, events: Sequence[EventEnvelope]) -> None:
        offline_transactions.store(session, events, received_at=self.clock())

    def observations(self) -> dict[str, ObservationHandler]:
        return {OfflineCheckout.KIND: self.store, OfflineCheckin.KIND: self.store}


def _tagging_answer(event: EventEnvelope, now: datetime, code: ReasonCode, holder: str | None) -> ReplyBase:
    return reply_for(event, f"{event.KIND}.result", now, decision=i18n.decision(code), holder=holder)


def _tagging_check(session: Session, event: EventEnvelope, now: datetime) -> ReplyBase:
    """A tagging station asks whether the tag on its pad is free for the item it was ordered to write."""
    assert isinstance(event, TaggingCheckRequested)
    return _tagging_answer(event, now, *tagging.check(session, event.payload))


def _tagging_report(session: Session, event: EventEnvelope, now: datetime) -> ReplyBase:
    """A tagging station's report: the tag it wrote is bound to the item, or its refusal kept."""
    assert isinstance(event, TaggingReported)
    outcome = tagging.record_report(session, event.payload, now=now)
    return _tagging_answer(event, now, *outcome)


TAGGING_REQUESTS: dict[str, RequestHandler] = {
    TaggingCheckRequested.KIND: _tagging_check,
    TaggingReported.KIND: _tagging_report,
}


def _decide(code: ReasonCode) -> Decision:
    return i18n.decision(code)


def build_registry(
    settings: ServerSettings,
    context: CirculationContext,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> HandlerRegistry:
    """`clock`: the server's time where a handler keeps one (an offline transaction's arrival)."""
    stocktake = StocktakeHandlers(context.lifecycle)
    return HandlerRegistry(
        requests=KioskHandlers(context).requests() | stocktake.requests() | TAGGING_REQUESTS,
        observations={
            # An item seen is no longer missing or lost: these apply the library's lifecycle settings.
            ItemSeen.KIND: partial(_sightings, lifecycle=context.lifecycle),
            GateAlarmRaised.KIND: partial(_gate_alarms, lifecycle=context.lifecycle),
            GateFootfallCounted.KIND: _gate_footfall,
            **stocktake.observations(),
            **OfflineHandlers(clock).observations(),
        },
        decide=_decide,
        request_ttl=timedelta(seconds=settings.request_ttl_s),
        # A tag written is a tag written: its report is recorded however late it arrives.
        ttl_exempt=frozenset({CheckinRequested.KIND, TaggingReported.KIND}),
    )
