"""Why the rules granted or refused a request: the domain's own reasons, in the domain's own words.

The wire contract has its reason codes (`contract.replies.ReasonCode`), which kiosks choose screens by; the
services map each reason to one code (`server.services.reasons`). A rule may tell apart what a kiosk
shows alike — the loan limit of one item type from the overall limit, a tag written for another copy
from any other unreadable request — without a change to the contract.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    OK = "ok"
    OK_HOLD_WAITING = "ok_hold_waiting"  # checkin done; the item is wanted by another patron
    OK_HOLD_READY_FOR_YOU = "ok_hold_ready_for_you"  # checkout filled the patron's own hold
    UNKNOWN_PATRON = "unknown_patron"
    UNKNOWN_ITEM = "unknown_item"
    ITEM_MISMATCH = "item_mismatch"  # the barcode and the tag name two different copies
    PATRON_EXPIRED = "patron_expired"
    PATRON_BLOCKED = "patron_blocked"
    WRONG_PIN = "wrong_pin"
    PIN_LOCKED = "pin_locked"
    UNKNOWN_SESSION = "unknown_session"  # none such, or opened at another kiosk
    SESSION_EXPIRED = "session_expired"
    MAX_LOANS = "max_loans"  # the patron's overall loan limit
    MAX_LOANS_OF_TYPE = "max_loans_of_type"  # the limit on loans of this item type
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
    HOLD_ALREADY_PLACED = "hold_already_placed"  # the patron has an open hold on the record
    HOLDS_NOT_ALLOWED = "holds_not_allowed"  # the policy allows no holds on its items for this category
    UNKNOWN_RECORD = "unknown_record"

    @property
    def ok(self) -> bool:
        """The request was carried out (a checkin of an item not on loan is not: it only finds the item)."""
        return self in GRANTED


GRANTED = frozenset({Reason.OK, Reason.OK_HOLD_WAITING, Reason.OK_HOLD_READY_FOR_YOU})
