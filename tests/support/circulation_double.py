"""A small in-memory circulation desk that answers kiosk requests like the server would (sessions, PINs, loan
limits, holds, renewals), for testing the simulated kiosk's reactions. Used directly by unit tests and as
the server double's responder in integration tests."""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from contract.common import ContractModel, ItemRef, LocalizedText, utc_now
from contract.events import (
    CheckinRequested,
    CheckoutRequested,
    EventEnvelope,
    PatronLoginRequested,
    PatronLogoutRequested,
    RenewRequested,
    make_event,
)
from contract.replies import (
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
from edge.errors import RequestTimeoutError


@dataclass
class DeskPatron:
    pin: str
    max_loans: int = 5
    blocked: bool = False


@dataclass
class CirculationDouble:
    patrons: dict[str, DeskPatron]
    items: dict[str, str]  # barcode → status
    tags: dict[str, str] = field(default_factory=dict)  # tag UID → barcode
    loans: dict[str, str] = field(default_factory=dict)  # barcode → card
    renewals: dict[str, int] = field(default_factory=dict)
    holds: set[str] = field(default_factory=set)  # barcodes another patron waits for
    sessions: dict[uuid.UUID, str] = field(default_factory=dict)
    applied: list[tuple[str, str]] = field(default_factory=list)  # (kind, subject) in order
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, event: EventEnvelope) -> ReplyBase:
        with self._lock:
            reply, subject = self._answer(event)
            self.applied.append((event.KIND, subject))
            return reply

    def _answer(self, event: EventEnvelope) -> tuple[ReplyBase, str]:
        payload: Any = event.payload  # type: ignore[attr-defined]
        if isinstance(event, PatronLoginRequested):
            return self._login(
                event, payload.card_number, payload.pin.get_secret_value()
            ), payload.card_number
        if isinstance(event, PatronLogoutRequested):
            self.sessions.pop(payload.session_id, None)
            return _reply(PatronLogoutResult, event, ReasonCode.OK), "logout"
        barcode = self._barcode(payload.item)
        if isinstance(event, CheckinRequested):
            return self._checkin(event, barcode), barcode
        card = self.sessions.get(payload.session_id)
        if card is None:
            model = CheckoutResult if isinstance(event, CheckoutRequested) else RenewResult
            return _reply(model, event, ReasonCode.UNKNOWN_SESSION), barcode
        if isinstance(event, RenewRequested):
            return self._renew(event, card, barcode), barcode
        return self._checkout(event, card, barcode), barcode

    def _barcode(self, item: ItemRef) -> str:
        if item.barcode is not None:
            return item.barcode
        return self.tags.get(item.tag_uid or "", "?")

    def _login(self, event: EventEnvelope, card: str, pin: str) -> ReplyBase:
        patron = self.patrons.get(card)
        if patron is None:
            return _reply(PatronLoginResult, event, ReasonCode.UNKNOWN_PATRON)
        if patron.blocked:
            return _reply(PatronLoginResult, event, ReasonCode.PATRON_BLOCKED)
        if pin != patron.pin:
            return _reply(PatronLoginResult, event, ReasonCode.WRONG_PIN)
        session_id = uuid.uuid4()
        self.sessions[session_id] = card
        loans = [
            LoanSummary(
                item=_summary(b), due_at=utc_now() + timedelta(days=14), renewals_left=2, overdue=False
            )
            for b, holder in self.loans.items()
            if holder == card
        ]
        summary = PatronSummary(
            display_name=f"Bạn đọc {card}",
            category="undergraduate",
            expires_on=date(2030, 1, 1),
            loans_count=len(loans),
            max_loans=patron.max_loans,
            loans=loans,
            holds_ready=0,
            fines_due=0,
        )
        return _reply(PatronLoginResult, event, ReasonCode.OK, session_id=session_id, patron=summary)

    def _checkout(self, event: EventEnvelope, card: str, barcode: str) -> ReplyBase:
        status = self.items.get(barcode)
        holder = self.loans.get(barcode)
        if status is None:
            code = ReasonCode.UNKNOWN_ITEM
        elif holder == card:
            code = ReasonCode.ALREADY_ON_LOAN_TO_YOU
        elif holder is not None:
            code = ReasonCode.ON_LOAN_TO_OTHER
        elif status == "on_hold_shelf":
            code = ReasonCode.ON_HOLD_FOR_OTHER
        elif status != "available":
            code = ReasonCode.ITEM_UNAVAILABLE
        elif sum(1 for h in self.loans.values() if h == card) >= self.patrons[card].max_loans:
            code = ReasonCode.MAX_LOANS
        else:
            self.loans[barcode] = card
            self.renewals[barcode] = 0
            due = utc_now() + timedelta(days=14)
            return _reply(
                CheckoutResult, event, ReasonCode.OK, item=_summary(barcode), due_at=due, security="unsecure"
            )
        return _reply(CheckoutResult, event, code)

    def _renew(self, event: EventEnvelope, card: str, barcode: str) -> ReplyBase:
        holder = self.loans.get(barcode)
        if holder is None:
            return _reply(RenewResult, event, ReasonCode.NOT_ON_LOAN)
        if holder != card:
            return _reply(RenewResult, event, ReasonCode.NOT_YOUR_LOAN)
        if self.renewals[barcode] >= 2:
            return _reply(RenewResult, event, ReasonCode.RENEWALS_EXHAUSTED)
        self.renewals[barcode] += 1
        return _reply(
            RenewResult,
            event,
            ReasonCode.OK,
            item=_summary(barcode),
            renewals_left=2 - self.renewals[barcode],
        )

    def _checkin(self, event: EventEnvelope, barcode: str) -> ReplyBase:
        if barcode not in self.items:
            return _reply(CheckinResult, event, ReasonCode.UNKNOWN_ITEM)
        if self.loans.pop(barcode, None) is None:
            return _reply(CheckinResult, event, ReasonCode.NOT_ON_LOAN)
        if barcode in self.holds:
            self.items[barcode] = "on_hold_shelf"
            return _reply(
                CheckinResult, event, ReasonCode.OK_HOLD_WAITING, item=_summary(barcode), security="secure"
            )
        return _reply(CheckinResult, event, ReasonCode.OK, item=_summary(barcode), security="secure")


def _summary(barcode: str) -> ItemSummary:
    return ItemSummary(barcode=barcode, title=f"Sách {barcode}")


def _reply(model: type[ReplyBase], event: EventEnvelope, code: ReasonCode, **fields: Any) -> ReplyBase:
    ok = code in (ReasonCode.OK, ReasonCode.OK_HOLD_WAITING, ReasonCode.ALREADY_ON_LOAN_TO_YOU)
    assert event.correlation_id is not None
    return model(
        request_id=event.event_id,
        correlation_id=event.correlation_id,
        issued_at=utc_now(),
        decision=Decision(ok=ok, code=code, message=LocalizedText(vi=str(code), en=f"answer {code}")),
        **fields,
    )


@dataclass
class DirectAnswer:
    """A request the desk has already answered; `result` gives the answer, or times out as told."""

    request_id: uuid.UUID
    kind: str
    reply: ReplyBase
    times_out: bool = False
    # Called with the answer just as the caller gives up: the answer that arrives in that very moment.
    arrives_at_timeout: Callable[[ReplyBase], None] | None = None

    def result(self, timeout: float | None = None) -> ReplyBase:
        if not self.times_out:
            return self.reply
        if self.arrives_at_timeout is not None:
            self.arrives_at_timeout(self.reply)
        raise RequestTimeoutError(self.request_id, self.kind, timeout or 0.0)


class DirectRequester:
    """Requests answered in-process by the circulation double (no broker, no outbox). Kinds listed in
    `time_out` time out once; their answers are kept in `late` for the test to deliver — or, when
    `late_at_timeout` is set, delivered to it in the moment the caller gives up."""

    def __init__(self, desk: CirculationDouble, device_id: str = "kiosk-01") -> None:
        self.desk = desk
        self._device_id = device_id
        self._seq = itertools.count(1)
        self.sent: list[EventEnvelope] = []
        self.time_out: set[str] = set()
        self.late: list[ReplyBase] = []
        self.late_at_timeout: Callable[[ReplyBase], None] | None = None

    @property
    def device_id(self) -> str:
        return self._device_id

    def request_async(self, model: type[EventEnvelope], payload: ContractModel) -> DirectAnswer:
        event = make_event(model, device_id=self._device_id, seq=next(self._seq), payload=payload)
        self.sent.append(event)
        answer = DirectAnswer(event.event_id, model.KIND, self.desk.answer(event))
        if model.KIND in self.time_out:
            self.time_out.discard(model.KIND)
            answer.times_out = True
            if self.late_at_timeout is None:
                self.late.append(answer.reply)
            else:
                answer.arrives_at_timeout = self.late_at_timeout
        return answer

    def request(
        self, model: type[EventEnvelope], payload: ContractModel, timeout: float | None = None
    ) -> ReplyBase:
        return self.request_async(model, payload).result(timeout)
