"""Loans, holds, fines and the desk's checkout, checkin and renew.

A desk action answers with the same decision a kiosk gets (`ok`, reason code, Vietnamese and English
message) and the same fields as the kiosk's reply; a refusal is a decision (HTTP 200, `ok: false`), not
an error.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from contract.common import CardNumber, ItemRef, LocationCode
from contract.replies import Decision, HoldNotice, ItemSummary, ReasonCode, SecurityAction
from server.api.schemas.base import ApiModel, RequestModel
from server.domain.enums import FineKind, FineStatus, HoldStatus


class LoanOut(ApiModel):
    id: int
    item_id: int
    barcode: str
    title: str
    patron_id: int | None = Field(description="null once returned and detached from the reader (privacy).")
    checked_out_at: datetime
    due_at: datetime
    renewals: int = Field(description="Renewals made so far.")
    returned_at: datetime | None


class HoldOut(ApiModel):
    id: int
    record_id: int
    patron_id: int | None = Field(description="null once closed and detached from the reader (privacy).")
    status: HoldStatus
    placed_at: datetime
    pickup_location: str
    item_id: int | None = Field(description="The copy trapped for this hold, once ready.")
    ready_at: datetime | None
    expires_at: datetime | None = Field(description="Pickup deadline of a ready hold.")


class HoldCreate(RequestModel):
    card_number: CardNumber
    record_id: int
    pickup_location: LocationCode | None = Field(default=None, description="Default: the library's desk.")


class FineOut(ApiModel):
    id: int
    patron_id: int
    kind: FineKind
    status: FineStatus
    amount: int = Field(description="Charged, in đồng.")
    outstanding: int = Field(description="Still owed, in đồng.")
    loan_id: int | None
    item_id: int | None
    created_at: datetime
    note: str | None


class FinePayment(RequestModel):
    amount: int | None = Field(default=None, gt=0, description="Đồng paid; default: all that is owed.")


class FineWaiver(RequestModel):
    note: str = Field(min_length=1, max_length=200, description="Why it is waived (required).")


class DeskCheckout(RequestModel):
    card_number: CardNumber
    item: ItemRef
    override: list[ReasonCode] = Field(
        default_factory=list,
        description="Refusals staff confirmed they lift for this loan, after a first try refused with them: "
        "max_loans, fines_over_limit, overdue_items, on_hold_for_other. Recorded with the staff member in "
        "the audit trail; any other code is refused (400).",
    )


class DeskRenew(RequestModel):
    card_number: CardNumber | None = Field(
        default=None, description="Default: the loan's own borrower (e.g. the patron phoned)."
    )
    item: ItemRef


class DeskRenewAll(RequestModel):
    card_number: CardNumber


class DeskCheckin(RequestModel):
    item: ItemRef


class CheckoutDecision(ApiModel):
    decision: Decision
    item: ItemSummary | None = None
    due_at: datetime | None = None
    security: SecurityAction | None = Field(default=None, description="What to do to the tag's security.")
    overridden: list[ReasonCode] = Field(
        default_factory=list, description="The refusals staff overrode to grant this loan."
    )


class RenewDecision(ApiModel):
    decision: Decision
    item: ItemSummary | None = None
    due_at: datetime | None = None
    renewals_left: int | None = None


class RenewAllDecisions(ApiModel):
    results: list[RenewDecision] = Field(description="One per open loan, soonest due first.")


class CheckinDecision(ApiModel):
    decision: Decision
    item: ItemSummary | None = None
    hold: HoldNotice | None = Field(default=None, description="Set when the item goes to the hold shelf.")
    fine_charged: int = Field(default=0, description="Overdue fine charged by this return, in đồng.")
    security: SecurityAction | None = None
