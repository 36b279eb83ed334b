"""What the server answers to request events, on the requesting device's reply topic.

Every reply carries a `Decision`: `ok`, a machine reason code and a message in Vietnamese and English. A
retried request (same `event_id`) gets the very same stored reply again, never a second effect.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import Discriminator, Field, Tag

from contract.catalogue import MAX_HITS, CatalogueHit
from contract.common import Barcode, ContractModel, LocalizedText, LocationCode, UtcDatetime
from contract.stocktake import MAX_FIND_ITEMS, MAX_LISTED_ITEMS, FindItem, ListedItem


class ReasonCode(StrEnum):
    """Why a request was granted or refused. Kiosks choose screens by code, never by message text."""

    OK = "ok"
    OK_HOLD_WAITING = "ok_hold_waiting"  # checkin done; the item is wanted by another patron
    OK_HOLD_READY_FOR_YOU = "ok_hold_ready_for_you"  # checkout filled the patron's own hold
    UNKNOWN_PATRON = "unknown_patron"
    UNKNOWN_ITEM = "unknown_item"
    PATRON_EXPIRED = "patron_expired"
    PATRON_BLOCKED = "patron_blocked"
    WRONG_PIN = "wrong_pin"
    PIN_LOCKED = "pin_locked"
    UNKNOWN_SESSION = "unknown_session"
    SESSION_EXPIRED = "session_expired"
    MAX_LOANS = "max_loans"
    FINES_OVER_LIMIT = "fines_over_limit"
    OVERDUE_ITEMS = "overdue_items"
    NOT_FOR_LOAN = "not_for_loan"
    ITEM_UNAVAILABLE = "item_unavailable"  # missing, lost, damaged or withdrawn
    ON_HOLD_FOR_OTHER = "on_hold_for_other"
    ALREADY_ON_LOAN_TO_YOU = "already_on_loan_to_you"
    ON_LOAN_TO_OTHER = "on_loan_to_other"
    NOT_ON_LOAN = "not_on_loan"
    NOT_YOUR_LOAN = "not_your_loan"
    RENEWALS_EXHAUSTED = "renewals_exhausted"
    RENEW_HOLD_WAITING = "renew_hold_waiting"  # another patron is waiting for this item
    RENEW_TOO_LATE = "renew_too_late"  # overdue beyond what the policy lets a patron renew
    RENEW_TOO_SOON = "renew_too_soon"  # renewing now would not move the due date: no renewal is spent
    INVALID_REQUEST = "invalid_request"
    # The request reached the server too late to act on (e.g. queued while the server was down): the patron
    # has most likely left the kiosk, so it has no effect. Returns (checkin) are never refused for this.
    REQUEST_EXPIRED = "request_expired"
    # A stock-take request the session cannot take: no such session or shelf, not open, not joined.
    STOCKTAKE_REFUSED = "stocktake_refused"
    # Tagging: the tag's UID is already another item's; the order is unknown or already answered.
    TAG_IN_USE = "tag_in_use"
    TAGGING_REFUSED = "tagging_refused"
    # A hold the reader cannot place: they hold the record already, or the library lends none of its
    # copies to readers of their category on hold. (Blocked, expired, already borrowed: the codes above.)
    HOLD_ALREADY_PLACED = "hold_already_placed"
    HOLDS_NOT_ALLOWED = "holds_not_allowed"
    UNKNOWN_RECORD = "unknown_record"


class Decision(ContractModel):
    ok: bool
    code: ReasonCode
    message: LocalizedText


class ItemSummary(ContractModel):
    barcode: Barcode
    title: str
    call_number: str | None = None


class LoanSummary(ContractModel):
    item: ItemSummary
    due_at: UtcDatetime
    renewals_left: int
    overdue: bool


class PatronSummary(ContractModel):
    """What a kiosk shows the patron about their own account (never another patron's)."""

    display_name: str
    category: str
    expires_on: date
    loans_count: int
    max_loans: int
    loans: list[LoanSummary] = Field(description="Soonest due first; at most 50 (see loans_count).")
    holds_ready: int
    fines_due: int = Field(description="Outstanding fines in VND (đồng).")


class HoldNotice(ContractModel):
    """A checked-in item is wanted: it goes to the hold shelf, not back to its home shelf."""

    pickup_location: str
    message: LocalizedText


SecurityAction = Literal["secure", "unsecure"]


class ReplyBase(ContractModel):
    KIND: ClassVar[str]
    v: Literal[1] = 1
    request_id: UUID = Field(description="event_id of the request answered.")
    correlation_id: UUID
    issued_at: UtcDatetime
    decision: Decision


class PatronLoginResult(ReplyBase):
    KIND: ClassVar[str] = "patron.login.result"
    kind: Literal["patron.login.result"] = "patron.login.result"
    session_id: UUID | None = None
    session_expires_at: UtcDatetime | None = None
    patron: PatronSummary | None = None


class PatronLogoutResult(ReplyBase):
    KIND: ClassVar[str] = "patron.logout.result"
    kind: Literal["patron.logout.result"] = "patron.logout.result"


class CheckoutResult(ReplyBase):
    KIND: ClassVar[str] = "circ.checkout.result"
    kind: Literal["circ.checkout.result"] = "circ.checkout.result"
    item: ItemSummary | None = None
    due_at: UtcDatetime | None = None
    security: SecurityAction | None = Field(default=None, description="What the kiosk does to the tag.")


class RenewResult(ReplyBase):
    KIND: ClassVar[str] = "circ.renew.result"
    kind: Literal["circ.renew.result"] = "circ.renew.result"
    item: ItemSummary | None = None
    due_at: UtcDatetime | None = None
    renewals_left: int | None = None


class CheckinResult(ReplyBase):
    KIND: ClassVar[str] = "circ.checkin.result"
    kind: Literal["circ.checkin.result"] = "circ.checkin.result"
    item: ItemSummary | None = None
    hold: HoldNotice | None = None
    fine_charged: int = Field(default=0, description="Overdue fine charged by this return, VND.")
    security: SecurityAction | None = None


class StocktakeShelfList(ReplyBase):
    """What belongs on the shelf asked for, in shelf order, and its find list; a refusal names none."""

    KIND: ClassVar[str] = "stocktake.shelf_list.result"
    kind: Literal["stocktake.shelf_list.result"] = "stocktake.shelf_list.result"
    session_id: int | None = None
    shelf_code: LocationCode | None = None
    items: list[ListedItem] = Field(default_factory=list, max_length=MAX_LISTED_ITEMS)
    find: list[FindItem] = Field(default_factory=list, max_length=MAX_FIND_ITEMS)
    truncated: bool = Field(default=False, description="The shelf holds more items than the lists carry.")
    refusal: str | None = Field(default=None, max_length=200, description="Why there is no list (English).")


class TaggingCheckResult(ReplyBase):
    """May the tag take the item? Refused with `tag_in_use` (naming `holder`) or `tagging_refused`."""

    KIND: ClassVar[str] = "tagging.check.result"
    kind: Literal["tagging.check.result"] = "tagging.check.result"
    holder: Barcode | None = Field(default=None, description="The item the tag's UID already belongs to.")


class TaggingReportResult(ReplyBase):
    """The report recorded (a tag written: the item now has it), or refused (`tag_in_use`)."""

    KIND: ClassVar[str] = "tagging.report.result"
    kind: Literal["tagging.report.result"] = "tagging.report.result"
    holder: Barcode | None = None


class CatalogueSearchResult(ReplyBase):
    """The first records a kiosk's search finds, most relevant first, and how many it found in all."""

    KIND: ClassVar[str] = "catalogue.search.result"
    kind: Literal["catalogue.search.result"] = "catalogue.search.result"
    hits: list[CatalogueHit] = Field(default_factory=list, max_length=MAX_HITS)
    total: int = Field(default=0, ge=0, description="Records found (capped like the public search).")
    total_capped: bool = Field(default=False, description="More records than `total` were found.")


class HoldResult(ReplyBase):
    KIND: ClassVar[str] = "circ.hold.result"
    kind: Literal["circ.hold.result"] = "circ.hold.result"
    record_id: int | None = None
    pickup_location: str | None = None


class RequestRejected(ReplyBase):
    """The request could not be read (schema error, unknown version); it was dead-lettered."""

    KIND: ClassVar[str] = "request.rejected"
    kind: Literal["request.rejected"] = "request.rejected"


REPLY_CLASSES: tuple[type[ReplyBase], ...] = (
    PatronLoginResult,
    PatronLogoutResult,
    CheckoutResult,
    RenewResult,
    CheckinResult,
    StocktakeShelfList,
    TaggingCheckResult,
    TaggingReportResult,
    CatalogueSearchResult,
    HoldResult,
    RequestRejected,
)
REPLY_MODELS: dict[str, type[ReplyBase]] = {c.KIND: c for c in REPLY_CLASSES}


def _reply_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        kind = value.get("kind")
        return kind if isinstance(kind, str) else None
    if isinstance(value, ReplyBase):
        return value.KIND
    return None


Reply = Annotated[
    Annotated[PatronLoginResult, Tag("patron.login.result")]
    | Annotated[PatronLogoutResult, Tag("patron.logout.result")]
    | Annotated[CheckoutResult, Tag("circ.checkout.result")]
    | Annotated[RenewResult, Tag("circ.renew.result")]
    | Annotated[CheckinResult, Tag("circ.checkin.result")]
    | Annotated[StocktakeShelfList, Tag("stocktake.shelf_list.result")]
    | Annotated[TaggingCheckResult, Tag("tagging.check.result")]
    | Annotated[TaggingReportResult, Tag("tagging.report.result")]
    | Annotated[CatalogueSearchResult, Tag("catalogue.search.result")]
    | Annotated[HoldResult, Tag("circ.hold.result")]
    | Annotated[RequestRejected, Tag("request.rejected")],
    Discriminator(_reply_tag),
]
