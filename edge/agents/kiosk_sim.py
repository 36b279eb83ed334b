"""A simulated self-check kiosk, composed from the edge runtime: patrons sign in with card and PIN, borrow
one to three books, sometimes renew one, sign out — and come back later to return what they borrowed.

Every answer is a decision with a reason code; the simulated patron reacts as a real one would (types the
PIN again, puts back a book that is held for someone else, stops at the loan limit, leaves when blocked)
and the kiosk logs each decision with its code and English message. A request that times out stays queued
in the outbox; its answer, when it comes, is logged and believed then — it is never asked a second time.

The benchmark drives many of these in one process: `run_session()` is one patron's visit, and
`on_round_trip` sees every request's round-trip time.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from contract.common import ContractModel, ItemRef
from contract.events import (
    CheckinRequested,
    CheckoutRequested,
    EventEnvelope,
    ItemForSession,
    ItemOnly,
    PatronLogin,
    PatronLoginRequested,
    PatronLogoutRequested,
    RenewRequested,
    SessionPayload,
)
from contract.replies import PatronLoginResult, ReasonCode, ReplyBase, SecurityAction
from edge.agents.kiosk_beliefs import LENT, ODD, STOP_BORROWING, Asked, believe
from edge.agents.kiosk_report import KioskSummary, RoundTrip, SessionReport
from edge.agents.manifest import ManifestItem, ManifestPatron
from edge.agents.pad import ItemPad, ScannedPad
from edge.agents.world import SimulatedWorld
from edge.errors import RequestTimeoutError

log = logging.getLogger(__name__)


class Answer(Protocol):
    """A request on its way (`edge.runtime.RequestHandle` is one)."""

    @property
    def request_id(self) -> UUID: ...

    def result(self, timeout: float | None = None) -> ReplyBase: ...


class Requester(Protocol):
    """What the kiosk needs from the runtime (`EdgeRuntime` is one)."""

    @property
    def device_id(self) -> str: ...

    def request_async(self, model: type[EventEnvelope], payload: ContractModel) -> Answer: ...


@dataclass(frozen=True)
class KioskBehaviour:
    """How the simulated patrons behave; rates are probabilities per visit or per book."""

    think_s: float = 0.8  # mean pause between a patron's actions (each pause is 0.5×–1.5× this)
    max_checkouts: int = 3
    return_rate: float = 0.4  # a patron with loans comes to return rather than borrow
    renew_rate: float = 0.25
    wrong_pin_rate: float = 0.05
    odd_item_rate: float = 0.05  # brings a book not on the open shelves (on hold, missing…)
    rfid_rate: float = 0.7  # the book is read from its RFID tag rather than its barcode
    request_timeout_s: float | None = None  # None: the runtime's request_timeout_s


class KioskSimulator:
    def __init__(
        self,
        requester: Requester,
        world: SimulatedWorld,
        behaviour: KioskBehaviour | None = None,
        *,
        seed: int | None = None,
        on_round_trip: Callable[[RoundTrip], None] | None = None,
        stop: threading.Event | None = None,
        pad: ItemPad | None = None,
    ) -> None:
        self.requester = requester
        self.world = world
        self.behaviour = behaviour or KioskBehaviour()
        self.rng = random.Random(seed)
        self.on_round_trip = on_round_trip
        self.stop_event = stop or threading.Event()
        self.pad: ItemPad = pad or ScannedPad(self.rng, self.behaviour.rfid_rate)
        self.device_id = requester.device_id
        # Every request asked and not yet answered, by request id: an answer that comes late — even just as
        # the kiosk stops waiting — is matched to what was asked.
        self._asked: dict[UUID, Asked] = {}
        self._lock = threading.Lock()

    # ---- runs -----------------------------------------------------------------------------------------

    def run(self, *, sessions: int | None = None, duration_s: float | None = None) -> KioskSummary:
        """Serve patrons until `sessions` visits, `duration_s` seconds, or `stop_event`."""
        summary = KioskSummary(self.device_id)
        deadline = None if duration_s is None else time.monotonic() + duration_s
        while not self.stop_event.is_set():
            if sessions is not None and summary.sessions >= sessions:
                break
            if deadline is not None and time.monotonic() >= deadline:
                break
            summary.add(self.run_session())
            self._pause()
        return summary

    def run_session(self) -> SessionReport:
        """One patron's visit: a return, or sign in → borrow → maybe renew → sign out."""
        patron = self.world.arrive(self.rng)
        if patron is None:
            return SessionReport("", "none")
        try:
            loans = self.world.loans_of(patron.card_number)
            if loans and self.rng.random() < self.behaviour.return_rate:
                return self._return_visit(patron, loans)
            return self._borrow_visit(patron)
        finally:
            self.world.leave(patron)

    @property
    def unanswered(self) -> int:
        """Requests asked whose answer has not come yet (timed out and still queued, or being asked)."""
        with self._lock:
            return len(self._asked)

    def on_late_reply(self, reply: ReplyBase) -> None:
        """Give to `EdgeRuntime.set_late_reply_handler`: answers to requests that timed out."""
        with self._lock:
            asked = self._asked.pop(reply.request_id, None)
        if asked is None:
            self._log(reply.KIND, "(earlier run)", reply, late=True)
            return
        self._log(asked.kind, asked.subject, reply, late=True)
        believe(self.world, asked, reply)

    # ---- visits ---------------------------------------------------------------------------------------

    def _return_visit(self, patron: ManifestPatron, loans: list[ManifestItem]) -> SessionReport:
        report = SessionReport(patron.card_number, "return")
        count = self.rng.randint(1, min(3, len(loans)))
        for item in self.rng.sample(loans, count):
            self._pause()
            reply = self._about_book(report, CheckinRequested, _checkin_payload, patron, item)
            if reply is not None and reply.decision.ok:
                report.returned += 1
        return report

    def _borrow_visit(self, patron: ManifestPatron) -> SessionReport:
        report = SessionReport(patron.card_number, "borrow")
        login = self._login(report, patron)
        if login is None:
            return report
        session_id = login.session_id
        assert session_id is not None  # an accepted login always opens a session

        def for_session(ref: ItemRef) -> ItemForSession:
            return ItemForSession(session_id=session_id, item=ref)

        for _ in range(self.rng.randint(1, self.behaviour.max_checkouts)):
            item = self._choose_book()
            if item is None:
                break
            self._pause()
            reply = self._about_book(report, CheckoutRequested, for_session, patron, item)
            if reply is None:
                continue
            if reply.decision.code in LENT:
                report.borrowed += 1
            elif reply.decision.code in STOP_BORROWING:
                report.ended_by = reply.decision.code
                break
        loans = self.world.loans_of(patron.card_number)
        if loans and report.ended_by is None and self.rng.random() < self.behaviour.renew_rate:
            item = self.rng.choice(loans)
            self._pause()
            reply = self._about_book(report, RenewRequested, for_session, patron, item)
            report.renewed += int(reply is not None and reply.decision.ok)
        self._pause()
        self._ask(report, PatronLogoutRequested, SessionPayload(session_id=session_id), patron, None)
        return report

    def _login(self, report: SessionReport, patron: ManifestPatron) -> PatronLoginResult | None:
        pins = [patron.pin]
        if self.rng.random() < self.behaviour.wrong_pin_rate:
            pins.insert(0, _wrong_pin(patron.pin))  # a typo first, then the right PIN
        for pin in pins:
            self._pause()
            payload = PatronLogin.model_validate({"card_number": patron.card_number, "pin": pin})
            reply = self._ask(report, PatronLoginRequested, payload, patron, None)
            if reply is None:
                return None  # no answer: the patron walks away; the late answer is logged
            if isinstance(reply, PatronLoginResult) and reply.decision.ok and reply.session_id is not None:
                return reply
            if reply.decision.code != ReasonCode.WRONG_PIN:
                break
        report.ended_by = reply.decision.code if reply is not None else None
        return None

    def _choose_book(self) -> ManifestItem | None:
        if self.rng.random() < self.behaviour.odd_item_rate:
            return self.world.pick_any(self.rng)
        return self.world.pick_from_shelf(self.rng)

    def _about_book(
        self,
        report: SessionReport,
        model: type[EventEnvelope],
        payload_for: Callable[[ItemRef], ContractModel],
        patron: ManifestPatron,
        item: ManifestItem,
    ) -> ReplyBase | None:
        """The patron puts the book on the pad, the kiosk asks about it, sets its tag as the answer says
        (unsecured when lent, secured when returned), and the patron takes the book back."""
        ref = self.pad.identify(item)
        try:
            if ref is None:
                log.warning("%s: %s could not be read on the pad", self.device_id, item.barcode)
                self.world.put_back(item)
                return None
            reply = self._ask(report, model, payload_for(ref), patron, item)
            action: SecurityAction | None = getattr(reply, "security", None) if reply is not None else None
            if reply is not None and reply.decision.ok and action is not None:
                self.pad.apply_security(item, action)
            return reply
        finally:
            self.pad.take_away(item)

    # ---- requests -------------------------------------------------------------------------------------

    def _ask(
        self,
        report: SessionReport,
        model: type[EventEnvelope],
        payload: ContractModel,
        patron: ManifestPatron,
        item: ManifestItem | None,
    ) -> ReplyBase | None:
        asked = Asked(model.KIND, patron.card_number, item)
        started = time.perf_counter()
        answer = self.requester.request_async(model, payload)
        with self._lock:
            self._asked[answer.request_id] = asked
        try:
            reply = answer.result(self.behaviour.request_timeout_s)
        except RequestTimeoutError:
            # Its answer goes to on_late_reply (perhaps already has): it finds what was asked above.
            self._record(report, RoundTrip(self.device_id, model.KIND, time.perf_counter() - started, None))
            log.warning("%s %s %s: no answer yet; it stays queued", self.device_id, model.KIND, asked.subject)
            if item is not None and model is CheckoutRequested:
                self.world.put_back(item)
            return None
        with self._lock:
            self._asked.pop(answer.request_id, None)
        self._record(
            report, RoundTrip(self.device_id, model.KIND, time.perf_counter() - started, reply.decision.code)
        )
        self._log(model.KIND, asked.subject, reply, late=False)
        believe(self.world, asked, reply)
        return reply

    def _record(self, report: SessionReport, trip: RoundTrip) -> None:
        report.round_trips.append(trip)
        if self.on_round_trip is not None:
            self.on_round_trip(trip)

    def _log(self, kind: str, subject: str, reply: ReplyBase, *, late: bool) -> None:
        decision = reply.decision
        level = logging.WARNING if decision.code in ODD else logging.INFO
        log.log(
            level,
            "%s %s%s %s → %s: %s",
            self.device_id,
            "late answer to " if late else "",
            kind,
            subject,
            decision.code,
            decision.message.en,
        )

    def _pause(self) -> None:
        think = self.behaviour.think_s
        if think > 0:
            self.stop_event.wait(think * self.rng.uniform(0.5, 1.5))


def _checkin_payload(ref: ItemRef) -> ItemOnly:
    return ItemOnly(item=ref)


def _wrong_pin(pin: str) -> str:
    last = (int(pin[-1]) + 1) % 10
    return pin[:-1] + str(last)
