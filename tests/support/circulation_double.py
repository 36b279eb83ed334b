"""A small in-memory circulation desk that answers kiosk requests as the server does — sessions per kiosk,
PINs and their lock, account standing, loan limits, holds, renewals, returns — for testing kiosks without
a server. Used directly by unit tests (`tests.support.direct_requester`) and as the server double's
responder in integration tests.

It must answer as the real services do: the scenario table in `tests.support.circulation_scenarios` runs
against both (tests/unit/edge/test_circulation_double.py and tests/integration/services/
test_circulation_scenarios.py). Its policy is the central library's for an undergraduate borrowing a book
(config/policies.toml). Time does not pass: due dates are in days from now.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from contract.common import ItemRef, LocalizedText, utc_now
from contract.events import (
    CatalogueSearchRequested,
    CheckinRequested,
    CheckinRequestedV2,
    CheckoutRequested,
    EventEnvelope,
    PatronLoginRequested,
    PatronLogoutRequested,
    RenewRequested,
)
from contract.replies import (
    CatalogueSearchResult,
    CheckinResult,
    CheckoutResult,
    Decision,
    ItemSummary,
    LoanSummary,
    PatronLoginResult,
    PatronLogoutResult,
    PatronSummary,
    ReasonCode,
    RenewResult,
    ReplyBase,
)
from tests.support.circulation_scenarios import OK_CODES

LOAN_DAYS = 14
RENEW_DAYS = 14
RENEWALS = 2
FINE_LIMIT = 50_000  # owing more blocks borrowing and renewing
PIN_MAX_FAILURES = 5
NOT_FOR_LOAN = frozenset({"reference", "thesis"})
UNAVAILABLE = frozenset({"missing", "lost", "damaged", "withdrawn"})
# A loan the desk makes falls due at closing time, later in the day than any request: half a day stands for
# that, so that renewing a loan made today would not add a day (as the real calendar says).
CLOSING = 0.5


@dataclass
class DeskPatron:
    pin: str
    max_loans: int = 5
    blocked: bool = False
    expired: bool = False
    fines_due: int = 0
    pin_failures: int = 0


@dataclass
class DeskSession:
    card: str
    device_id: str
    closed: bool = False


@dataclass
class CirculationDouble:
    patrons: dict[str, DeskPatron]
    items: dict[str, str]  # barcode → status
    tags: dict[str, str] = field(default_factory=dict)  # tag UID → barcode
    item_types: dict[str, str] = field(default_factory=dict)  # barcode → item type (default "book")
    loans: dict[str, str] = field(default_factory=dict)  # barcode → card
    due: dict[str, float] = field(default_factory=dict)  # barcode → days from now (default: a new loan's)
    renewals: dict[str, int] = field(default_factory=dict)
    holds: dict[str, str] = field(default_factory=dict)  # barcode → card waiting for its title
    trapped: dict[str, str] = field(default_factory=dict)  # barcode on the hold shelf → card it waits for
    sessions: dict[uuid.UUID, DeskSession] = field(default_factory=dict)
    applied: list[tuple[str, str]] = field(default_factory=list)  # (kind, subject) in order
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, event: EventEnvelope) -> ReplyBase:
        with self._lock:
            if isinstance(event, CatalogueSearchRequested):  # no catalogue here: nothing is found
                reply, subject = _reply(CatalogueSearchResult, event, ReasonCode.OK), event.payload.query
            else:
                reply, subject = self._answer(event)
            self.applied.append((event.KIND, subject))
            return reply

    # ---- requests -----------------------------------------------------------------------------------

    def _answer(self, event: EventEnvelope) -> tuple[ReplyBase, str]:
        payload: Any = event.payload  # type: ignore[attr-defined]
        if isinstance(event, PatronLoginRequested):
            card = payload.card_number
            return self._login(event, card, payload.pin.get_secret_value()), card
        if isinstance(event, CheckinRequested | CheckinRequestedV2):
            barcode = self._barcode(payload.item)
            taking_back = payload.taking_back if isinstance(event, CheckinRequestedV2) else None
            return self._checkin(event, barcode, taking_back), barcode or "?"
        model: type[ReplyBase] = RenewResult
        if isinstance(event, PatronLogoutRequested):
            model = PatronLogoutResult
        elif isinstance(event, CheckoutRequested):
            model = CheckoutResult
        card, problem = self._session(payload.session_id, event.device_id)
        if isinstance(event, PatronLogoutRequested):
            if card is not None:
                self.sessions[payload.session_id].closed = True
            return _reply(model, event, problem or ReasonCode.OK), "logout"
        barcode = self._barcode(payload.item)
        if card is None:
            return _reply(model, event, problem or ReasonCode.UNKNOWN_SESSION), barcode or "?"
        if isinstance(event, RenewRequested):
            return self._renew(event, card, barcode), barcode or "?"
        return self._checkout(event, card, barcode), barcode or "?"

    def _login(self, event: EventEnvelope, card: str, pin: str) -> ReplyBase:
        patron = self.patrons.get(card)
        if patron is None:
            return _reply(PatronLoginResult, event, ReasonCode.UNKNOWN_PATRON)
        if patron.pin_failures >= PIN_MAX_FAILURES:
            return _reply(PatronLoginResult, event, ReasonCode.PIN_LOCKED)
        if pin != patron.pin:
            patron.pin_failures += 1
            locked = patron.pin_failures >= PIN_MAX_FAILURES
            return _reply(PatronLoginResult, event, ReasonCode.PIN_LOCKED if locked else ReasonCode.WRONG_PIN)
        patron.pin_failures = 0
        for open_session in self.sessions.values():  # one patron at a time per kiosk
            if open_session.device_id == event.device_id:
                open_session.closed = True
        session_id = uuid.uuid4()
        self.sessions[session_id] = DeskSession(card, event.device_id)
        return _reply(
            PatronLoginResult, event, ReasonCode.OK, session_id=session_id, patron=self._summary(card, patron)
        )

    def _checkout(self, event: EventEnvelope, card: str, barcode: str | None) -> ReplyBase:  # noqa: PLR0911
        if barcode is None:
            return _reply(CheckoutResult, event, ReasonCode.UNKNOWN_ITEM)
        problem = self._account_problem(card, overdue_matters=True)
        if problem is not None:
            return _reply(CheckoutResult, event, problem)
        if self.item_types.get(barcode, "book") in NOT_FOR_LOAN:
            return _reply(CheckoutResult, event, ReasonCode.NOT_FOR_LOAN)
        holder = self.loans.get(barcode)
        if holder is not None:
            code = ReasonCode.ALREADY_ON_LOAN_TO_YOU if holder == card else ReasonCode.ON_LOAN_TO_OTHER
            return _reply(CheckoutResult, event, code)
        if self.items[barcode] in UNAVAILABLE:
            return _reply(CheckoutResult, event, ReasonCode.ITEM_UNAVAILABLE)
        trapped_for = self.trapped.get(barcode)
        if self.items[barcode] == "on_hold_shelf" and trapped_for not in (None, card):
            return _reply(CheckoutResult, event, ReasonCode.ON_HOLD_FOR_OTHER)
        if sum(1 for h in self.loans.values() if h == card) >= self.patrons[card].max_loans:
            return _reply(CheckoutResult, event, ReasonCode.MAX_LOANS)
        own_hold = trapped_for == card or self.holds.get(barcode) == card
        if own_hold:
            self.trapped.pop(barcode, None)
            self.holds.pop(barcode, None)
        self.loans[barcode] = card
        self.due[barcode] = LOAN_DAYS + CLOSING
        self.renewals[barcode] = 0
        self.items[barcode] = "on_loan"
        code = ReasonCode.OK_HOLD_READY_FOR_YOU if own_hold else ReasonCode.OK
        due_at = utc_now() + timedelta(days=LOAN_DAYS)
        return _reply(CheckoutResult, event, code, item=_item(barcode), due_at=due_at, security="unsecure")

    def _renew(self, event: EventEnvelope, card: str, barcode: str | None) -> ReplyBase:  # noqa: PLR0911
        if barcode is None:
            return _reply(RenewResult, event, ReasonCode.UNKNOWN_ITEM)
        holder = self.loans.get(barcode)
        if holder is None:
            return _reply(RenewResult, event, ReasonCode.NOT_ON_LOAN)
        if holder != card:
            return _reply(RenewResult, event, ReasonCode.NOT_YOUR_LOAN)
        problem = self._account_problem(card, overdue_matters=False)
        if problem is not None:
            return _reply(RenewResult, event, problem)
        renewals = self.renewals.get(barcode, 0)
        if renewals >= RENEWALS:
            return _reply(RenewResult, event, ReasonCode.RENEWALS_EXHAUSTED, renewals_left=0)
        if self.holds.get(barcode, card) != card:
            return _reply(RenewResult, event, ReasonCode.RENEW_HOLD_WAITING)
        due = self._due(barcode)
        if due < 0:
            return _reply(RenewResult, event, ReasonCode.RENEW_TOO_LATE)
        if due >= RENEW_DAYS + CLOSING:
            return _reply(RenewResult, event, ReasonCode.RENEW_TOO_SOON, renewals_left=RENEWALS - renewals)
        self.renewals[barcode] = renewals + 1
        self.due[barcode] = RENEW_DAYS + CLOSING
        left = RENEWALS - renewals - 1
        due_at = utc_now() + timedelta(days=RENEW_DAYS)
        return _reply(
            RenewResult, event, ReasonCode.OK, item=_item(barcode), due_at=due_at, renewals_left=left
        )

    def _checkin(
        self, event: EventEnvelope, barcode: str | None, taking_back: uuid.UUID | None = None
    ) -> ReplyBase:
        if barcode is None:
            return _reply(CheckinResult, event, ReasonCode.UNKNOWN_ITEM)
        if taking_back is not None and not self._lent_in(taking_back, barcode):
            return _reply(CheckinResult, event, ReasonCode.NOT_ON_LOAN)
        on_loan = self.loans.pop(barcode, None) is not None
        self.due.pop(barcode, None)
        status = self.items[barcode]
        waiting = self.trapped.get(barcode) or self.holds.get(barcode)
        if waiting is not None and status not in ("damaged", "withdrawn"):
            self.holds.pop(barcode, None)
            self.trapped[barcode] = waiting
            self.items[barcode] = "on_hold_shelf"
            code = ReasonCode.OK_HOLD_WAITING
        else:
            if status in ("on_loan", "missing", "lost"):
                self.items[barcode] = "available"
            code = ReasonCode.OK if on_loan else ReasonCode.NOT_ON_LOAN
        return _reply(CheckinResult, event, code, item=_item(barcode), security="secure")

    # ---- facts --------------------------------------------------------------------------------------

    def _session(self, session_id: uuid.UUID, device_id: str) -> tuple[str | None, ReasonCode | None]:
        session = self.sessions.get(session_id)
        if session is None or session.device_id != device_id:
            return None, ReasonCode.UNKNOWN_SESSION
        if session.closed:
            return None, ReasonCode.SESSION_EXPIRED
        return session.card, None

    def _lent_in(self, session_id: uuid.UUID, barcode: str | None) -> bool:
        """A take-back closes only the loan made in its kiosk session (here: to that session's reader)."""
        session = self.sessions.get(session_id)
        return session is not None and barcode is not None and self.loans.get(barcode) == session.card

    def _barcode(self, item: ItemRef) -> str | None:
        barcode = item.barcode if item.barcode is not None else self.tags.get(item.tag_uid or "")
        return barcode if barcode in self.items else None

    def _due(self, barcode: str) -> float:
        return self.due.get(barcode, LOAN_DAYS + CLOSING)

    def _account_problem(self, card: str, *, overdue_matters: bool) -> ReasonCode | None:
        patron = self.patrons[card]
        if patron.expired:
            return ReasonCode.PATRON_EXPIRED
        if patron.blocked:
            return ReasonCode.PATRON_BLOCKED
        if patron.fines_due > FINE_LIMIT:
            return ReasonCode.FINES_OVER_LIMIT
        overdue = any(holder == card and self._due(b) < 0 for b, holder in self.loans.items())
        if overdue_matters and overdue:
            return ReasonCode.OVERDUE_ITEMS
        return None

    def _summary(self, card: str, patron: DeskPatron) -> PatronSummary:
        loans = [
            LoanSummary(
                item=_item(b),
                due_at=utc_now() + timedelta(days=self._due(b)),
                renewals_left=RENEWALS - self.renewals.get(b, 0),
                overdue=self._due(b) < 0,
            )
            for b, holder in self.loans.items()
            if holder == card
        ]
        return PatronSummary(
            display_name=f"Bạn đọc {card}",
            category="undergraduate",
            expires_on=date(2030, 1, 1),
            loans_count=len(loans),
            max_loans=patron.max_loans,
            loans=loans,
            holds_ready=sum(1 for waiting in self.trapped.values() if waiting == card),
            fines_due=patron.fines_due,
        )


def _item(barcode: str) -> ItemSummary:
    return ItemSummary(barcode=barcode, title=f"Sách {barcode}")


def _reply(model: type[ReplyBase], event: EventEnvelope, code: ReasonCode, **fields: Any) -> ReplyBase:
    assert event.correlation_id is not None
    return model(
        request_id=event.event_id,
        correlation_id=event.correlation_id,
        issued_at=utc_now(),
        decision=Decision(
            ok=code in OK_CODES, code=code, message=LocalizedText(vi=str(code), en=f"answer {code}")
        ),
        **fields,
    )
