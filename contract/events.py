"""The event envelope and every event kind a device sends to the server.

Every event carries the envelope fields (`event_id`, `device_id`, per-device `seq`, `occurred_at`, `kind`,
`v`) and a payload whose model is chosen by `(kind, v)`. A new payload version is a new class with the same
`kind` and a higher `v`; the server keeps accepting the versions it lists in `EVENT_MODELS`.

Request events (those a kiosk waits on) also carry a `correlation_id`; the server answers on the device's
reply topic with the reply kind named by `REPLY_KIND`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, ClassVar, Literal, TypeVar
from uuid import UUID

from pydantic import AfterValidator, Field, PlainSerializer, SecretStr, WithJsonSchema

from contract.catalogue import CatalogueQuery, HoldForSession
from contract.common import (
    CardNumber,
    ContractModel,
    DeviceId,
    EventId,
    ItemRef,
    LocationCode,
    UtcDatetime,
    new_event_id,
    utc_now,
)
from contract.gate import GateAlarm, GateFootfall
from contract.offline import OfflineLoan, OfflineReturn
from contract.stocktake import DamageMarked, DamageMarkedV1, ReadBatch, ShelfJoin, ShelfListAsked
from contract.tagging import TagClaim, TagWriteReport


def _reveal(secret: SecretStr) -> str:
    return secret.get_secret_value()


def is_valid_pin(value: str) -> bool:
    """The PIN rule, for events and for the server's desk alike: 4 to 12 ASCII digits."""
    return 4 <= len(value) <= 12 and value.isascii() and value.isdigit()


# On the wire the PIN travels as text (device → server only, on the device's own ACL'd topic); in Python it
# is a SecretStr so that repr() and logs never show it, and the event log stores events with it removed.
def _check_pin(secret: SecretStr) -> SecretStr:
    if not is_valid_pin(secret.get_secret_value()):
        raise ValueError("a PIN is 4 to 12 digits")
    return secret


Pin = Annotated[
    SecretStr,
    AfterValidator(_check_pin),
    PlainSerializer(_reveal, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": "^[0-9]{4,12}$", "writeOnly": True}),
]


class EventEnvelope(ContractModel):
    """Fields common to every event. Concrete kinds add `kind`, `v` and `payload`."""

    event_id: EventId = Field(description="UUIDv7, chosen by the device; the server applies each id once.")
    device_id: DeviceId
    seq: int = Field(ge=1, description="Per-device sequence number, monotonic across agent restarts.")
    occurred_at: UtcDatetime
    correlation_id: UUID | None = Field(
        default=None, description="Set on request events; echoed in the reply."
    )

    KIND: ClassVar[str]
    VERSION: ClassVar[int]
    IS_REQUEST: ClassVar[bool] = False
    # Payload fields that are secrets: never stored in the event log, never logged.
    SENSITIVE: ClassVar[frozenset[str]] = frozenset()


# ---- payloads -------------------------------------------------------------------------------------------


class PatronLogin(ContractModel):
    """A patron identifies at a kiosk with card and PIN; opens a kiosk session."""

    card_number: CardNumber
    pin: Pin


class SessionPayload(ContractModel):
    session_id: UUID = Field(description="Kiosk session returned by patron.login.")


class ItemForSession(ContractModel):
    session_id: UUID = Field(description="Kiosk session returned by patron.login.")
    item: ItemRef


class ItemOnly(ContractModel):
    item: ItemRef


class ItemReturned(ContractModel):
    """A book back at a kiosk; `taking_back` names the kiosk session whose loan of it is undone (the tag
    would not unsecure, or the answer came after the reader left): only a loan made in that session is
    closed — queued through an outage, it must not close a loan made since, at the desk or elsewhere."""

    item: ItemRef
    taking_back: UUID | None = Field(
        default=None, description="The kiosk session whose loan of the item is undone; None: a return."
    )


class SeenContext(StrEnum):
    STOCKTAKE = "stocktake"
    SHELF_CHECK = "shelf_check"
    GATE = "gate"
    KIOSK = "kiosk"
    RETURN = "return"


class ItemSighting(ContractModel):
    """A reader saw an item: on a shelf during a stock-take, at a gate, on a kiosk pad."""

    item: ItemRef
    location_code: LocationCode | None = None
    context: SeenContext


# ---- event kinds, version 1 -----------------------------------------------------------------------------


class PatronLoginRequested(EventEnvelope):
    KIND: ClassVar[str] = "patron.login"
    VERSION: ClassVar[int] = 1
    IS_REQUEST: ClassVar[bool] = True
    SENSITIVE: ClassVar[frozenset[str]] = frozenset({"pin"})
    kind: Literal["patron.login"] = "patron.login"
    v: Literal[1] = 1
    correlation_id: UUID
    payload: PatronLogin


class PatronLogoutRequested(EventEnvelope):
    KIND: ClassVar[str] = "patron.logout"
    VERSION: ClassVar[int] = 1
    IS_REQUEST: ClassVar[bool] = True
    kind: Literal["patron.logout"] = "patron.logout"
    v: Literal[1] = 1
    correlation_id: UUID
    payload: SessionPayload


class CheckoutRequested(EventEnvelope):
    KIND: ClassVar[str] = "circ.checkout"
    VERSION: ClassVar[int] = 1
    IS_REQUEST: ClassVar[bool] = True
    kind: Literal["circ.checkout"] = "circ.checkout"
    v: Literal[1] = 1
    correlation_id: UUID
    payload: ItemForSession


class RenewRequested(EventEnvelope):
    KIND: ClassVar[str] = "circ.renew"
    VERSION: ClassVar[int] = 1
    IS_REQUEST: ClassVar[bool] = True
    kind: Literal["circ.renew"] = "circ.renew"
    v: Literal[1] = 1
    correlation_id: UUID
    payload: ItemForSession


class CheckinRequested(EventEnvelope):
    KIND: ClassVar[str] = "circ.checkin"
    VERSION: ClassVar[int] = 1
    IS_REQUEST: ClassVar[bool] = True
    kind: Literal["circ.checkin"] = "circ.checkin"
    v: Literal[1] = 1
    correlation_id: UUID
    payload: ItemOnly


class ItemSeen(EventEnvelope):
    KIND: ClassVar[str] = "item.seen"
    VERSION: ClassVar[int] = 1
    kind: Literal["item.seen"] = "item.seen"
    v: Literal[1] = 1
    payload: ItemSighting


class GateAlarmRaised(EventEnvelope):
    """A security gate sounded for one of our secured items (decided and driven at the gate)."""

    KIND: ClassVar[str] = "gate.alarm"
    VERSION: ClassVar[int] = 1
    kind: Literal["gate.alarm"] = "gate.alarm"
    v: Literal[1] = 1
    payload: GateAlarm


class GateFootfallCounted(EventEnvelope):
    """People in and out per lane, and tag passages by class, over one period at a security gate."""

    KIND: ClassVar[str] = "gate.footfall"
    VERSION: ClassVar[int] = 1
    kind: Literal["gate.footfall"] = "gate.footfall"
    v: Literal[1] = 1
    payload: GateFootfall


class StocktakeJoined(EventEnvelope):
    """A handheld joined a stock-take session on a shelf (sent again on every change of shelf)."""

    KIND: ClassVar[str] = "stocktake.join"
    VERSION: ClassVar[int] = 1
    kind: Literal["stocktake.join"] = "stocktake.join"
    v: Literal[1] = 1
    payload: ShelfJoin


class StocktakeReads(EventEnvelope):
    """A batch of a handheld's deduplicated reads on one shelf of a stock-take session."""

    KIND: ClassVar[str] = "stocktake.reads"
    VERSION: ClassVar[int] = 1
    kind: Literal["stocktake.reads"] = "stocktake.reads"
    v: Literal[1] = 1
    payload: ReadBatch


class StocktakeShelfListRequested(EventEnvelope):
    """A handheld asks for a shelf's list: what belongs there, and what to take off it (the find list)."""

    KIND: ClassVar[str] = "stocktake.shelf_list"
    VERSION: ClassVar[int] = 1
    IS_REQUEST: ClassVar[bool] = True
    kind: Literal["stocktake.shelf_list"] = "stocktake.shelf_list"
    v: Literal[1] = 1
    correlation_id: UUID
    payload: ShelfListAsked


class StocktakeDamageV1(EventEnvelope):
    """Staff marked an item damaged at the shelf during a stock-take, without its kind (handhelds from
    before version 2, still in the field; their queues replay marks made before an update as version 1)."""

    KIND: ClassVar[str] = "stocktake.damage"
    VERSION: ClassVar[int] = 1
    kind: Literal["stocktake.damage"] = "stocktake.damage"
    v: Literal[1] = 1
    payload: DamageMarkedV1


class OfflineCheckout(EventEnvelope):
    """A kiosk lent a book while it could not reach the server (`occurred_at`: when the reader took it)."""

    KIND: ClassVar[str] = "offline.checkout"
    VERSION: ClassVar[int] = 1
    kind: Literal["offline.checkout"] = "offline.checkout"
    v: Literal[1] = 1
    payload: OfflineLoan


class OfflineCheckin(EventEnvelope):
    """A kiosk took a book back while it could not reach the server (`occurred_at`: when it was returned)."""

    KIND: ClassVar[str] = "offline.checkin"
    VERSION: ClassVar[int] = 1
    kind: Literal["offline.checkin"] = "offline.checkin"
    v: Literal[1] = 1
    payload: OfflineReturn


class TaggingCheckRequested(EventEnvelope):
    """A tagging station asks whether the tag on its pad may take the item it was told to write."""

    KIND: ClassVar[str] = "tagging.check"
    VERSION: ClassVar[int] = 1
    IS_REQUEST: ClassVar[bool] = True
    kind: Literal["tagging.check"] = "tagging.check"
    v: Literal[1] = 1
    correlation_id: UUID
    payload: TagClaim


class TaggingReported(EventEnvelope):
    """A tagging station wrote, verified and secured an item's tag, or says why it did not."""

    KIND: ClassVar[str] = "tagging.report"
    VERSION: ClassVar[int] = 1
    IS_REQUEST: ClassVar[bool] = True
    kind: Literal["tagging.report"] = "tagging.report"
    v: Literal[1] = 1
    correlation_id: UUID
    payload: TagWriteReport


class CatalogueSearchRequested(EventEnvelope):
    """A reader searches the catalogue at a kiosk (signed in or not: the answer names no reader)."""

    KIND: ClassVar[str] = "catalogue.search"
    VERSION: ClassVar[int] = 1
    IS_REQUEST: ClassVar[bool] = True
    kind: Literal["catalogue.search"] = "catalogue.search"
    v: Literal[1] = 1
    correlation_id: UUID
    payload: CatalogueQuery


class HoldRequested(EventEnvelope):
    """The reader signed in at a kiosk places a hold on a record."""

    KIND: ClassVar[str] = "circ.hold"
    VERSION: ClassVar[int] = 1
    IS_REQUEST: ClassVar[bool] = True
    kind: Literal["circ.hold"] = "circ.hold"
    v: Literal[1] = 1
    correlation_id: UUID
    payload: HoldForSession


# ---- event kinds, version 2 -----------------------------------------------------------------------------


class CheckinRequestedV2(EventEnvelope):
    """A return at a kiosk, or the take-back of a loan the kiosk could not complete (`taking_back`)."""

    KIND: ClassVar[str] = "circ.checkin"
    VERSION: ClassVar[int] = 2
    IS_REQUEST: ClassVar[bool] = True
    kind: Literal["circ.checkin"] = "circ.checkin"
    v: Literal[2] = 2
    correlation_id: UUID
    payload: ItemReturned


class StocktakeDamage(EventEnvelope):
    """Staff marked an item damaged at the shelf during a stock-take, with the kinds of damage."""

    KIND: ClassVar[str] = "stocktake.damage"
    VERSION: ClassVar[int] = 2
    kind: Literal["stocktake.damage"] = "stocktake.damage"
    v: Literal[2] = 2
    payload: DamageMarked


# ---- registry -------------------------------------------------------------------------------------------

EVENT_CLASSES: tuple[type[EventEnvelope], ...] = (
    PatronLoginRequested,
    PatronLogoutRequested,
    CheckoutRequested,
    RenewRequested,
    CheckinRequested,
    CheckinRequestedV2,
    ItemSeen,
    GateAlarmRaised,
    GateFootfallCounted,
    StocktakeJoined,
    StocktakeReads,
    StocktakeDamageV1,
    StocktakeDamage,
    StocktakeShelfListRequested,
    OfflineCheckout,
    OfflineCheckin,
    TaggingCheckRequested,
    TaggingReported,
    CatalogueSearchRequested,
    HoldRequested,
)

EVENT_MODELS: dict[tuple[str, int], type[EventEnvelope]] = {(c.KIND, c.VERSION): c for c in EVENT_CLASSES}
KNOWN_KINDS: frozenset[str] = frozenset(c.KIND for c in EVENT_CLASSES)

# The reply kind the server sends for each request kind.
REPLY_KIND: dict[str, str] = {c.KIND: f"{c.KIND}.result" for c in EVENT_CLASSES if c.IS_REQUEST}


E = TypeVar("E", bound=EventEnvelope)


def make_event(
    model: type[E],
    *,
    device_id: str,
    seq: int,
    payload: ContractModel,
    correlation_id: UUID | None = None,
    occurred_at: datetime | None = None,
    event_id: UUID | None = None,
) -> E:
    """Build and validate an event of the given kind with a fresh UUIDv7 id."""
    if model.IS_REQUEST and correlation_id is None:
        correlation_id = new_event_id()
    return model.model_validate(
        {
            "event_id": event_id or new_event_id(),
            "device_id": device_id,
            "seq": seq,
            "occurred_at": occurred_at or utc_now(),
            "correlation_id": correlation_id,
            "payload": payload,
        }
    )
