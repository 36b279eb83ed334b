"""The one table from the domain's reasons to the contract's reason codes, applied at the service edge.

The domain decides in its own words (`server.domain.reasons.Reason`); kiosks and the desk are answered
with the contract's `ReasonCode`. A new domain reason gets a row here — an existing code when devices need
not tell it apart — and the contract changes only when a device must act differently.
"""

from __future__ import annotations

from types import MappingProxyType

from contract.replies import ReasonCode
from server.domain.overrides import OVERRIDABLE
from server.domain.reasons import Reason

REASON_CODES: MappingProxyType[Reason, ReasonCode] = MappingProxyType(
    {
        Reason.OK: ReasonCode.OK,
        Reason.OK_HOLD_WAITING: ReasonCode.OK_HOLD_WAITING,
        Reason.OK_HOLD_READY_FOR_YOU: ReasonCode.OK_HOLD_READY_FOR_YOU,
        Reason.UNKNOWN_PATRON: ReasonCode.UNKNOWN_PATRON,
        Reason.UNKNOWN_ITEM: ReasonCode.UNKNOWN_ITEM,
        Reason.ITEM_MISMATCH: ReasonCode.INVALID_REQUEST,
        Reason.PATRON_EXPIRED: ReasonCode.PATRON_EXPIRED,
        Reason.PATRON_BLOCKED: ReasonCode.PATRON_BLOCKED,
        Reason.WRONG_PIN: ReasonCode.WRONG_PIN,
        Reason.PIN_LOCKED: ReasonCode.PIN_LOCKED,
        Reason.UNKNOWN_SESSION: ReasonCode.UNKNOWN_SESSION,
        Reason.SESSION_EXPIRED: ReasonCode.SESSION_EXPIRED,
        Reason.MAX_LOANS: ReasonCode.MAX_LOANS,
        Reason.MAX_LOANS_OF_TYPE: ReasonCode.MAX_LOANS,
        Reason.FINES_OVER_LIMIT: ReasonCode.FINES_OVER_LIMIT,
        Reason.OVERDUE_ITEMS: ReasonCode.OVERDUE_ITEMS,
        Reason.NOT_FOR_LOAN: ReasonCode.NOT_FOR_LOAN,
        Reason.ITEM_UNAVAILABLE: ReasonCode.ITEM_UNAVAILABLE,
        Reason.ON_HOLD_FOR_OTHER: ReasonCode.ON_HOLD_FOR_OTHER,
        Reason.ALREADY_ON_LOAN_TO_YOU: ReasonCode.ALREADY_ON_LOAN_TO_YOU,
        Reason.ON_LOAN_TO_OTHER: ReasonCode.ON_LOAN_TO_OTHER,
        Reason.NOT_ON_LOAN: ReasonCode.NOT_ON_LOAN,
        Reason.NOT_YOUR_LOAN: ReasonCode.NOT_YOUR_LOAN,
        Reason.RENEWALS_EXHAUSTED: ReasonCode.RENEWALS_EXHAUSTED,
        Reason.RENEW_HOLD_WAITING: ReasonCode.RENEW_HOLD_WAITING,
        Reason.RENEW_TOO_LATE: ReasonCode.RENEW_TOO_LATE,
        Reason.RENEW_TOO_SOON: ReasonCode.RENEW_TOO_SOON,
        Reason.HOLD_ALREADY_PLACED: ReasonCode.HOLD_ALREADY_PLACED,
        Reason.HOLDS_NOT_ALLOWED: ReasonCode.HOLDS_NOT_ALLOWED,
        Reason.UNKNOWN_RECORD: ReasonCode.UNKNOWN_RECORD,
    }
)

# The codes of requests carried out: the `ok` of a decision on the wire follows from the domain's own.
OK_CODES = frozenset(code for reason, code in REASON_CODES.items() if reason.ok)


def reason_code(reason: Reason) -> ReasonCode:
    return REASON_CODES[reason]


def reasons_of(code: ReasonCode) -> frozenset[Reason]:
    """The domain's reasons a code stands for (one code may stand for several, e.g. both loan limits)."""
    return frozenset(reason for reason, mapped in REASON_CODES.items() if mapped is code)


def overridable_codes() -> frozenset[ReasonCode]:
    """The refusal codes staff may override at the desk (the domain decides: server.domain.overrides)."""
    return frozenset(REASON_CODES[reason] for reason in OVERRIDABLE)
