"""Simulated patrons at a self-check kiosk, driving the kiosk's `KioskSession` as they would its touch
screen: sign in with card and PIN, borrow one to three books, sometimes renew one, sign out — and come back
later to return what they borrowed.

Every answer is a decision with a reason code; the simulated patron reacts as a real one would (types the
PIN again, puts back a book that is held for someone else, stops at the loan limit, leaves when blocked),
and believes what the server says — late answers included, when they come (`edge.sim.beliefs`).

The benchmark drives many of these in one process: `run_session()` is one patron's visit, and
`on_round_trip` sees every request's round-trip time.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from contract.common import ItemRef
from contract.events import CheckoutRequested
from contract.replies import ReasonCode
from edge.kiosk.answers import LENT, STOP_BORROWING, Answered
from edge.kiosk.session import KioskSession, SessionState
from edge.sim.beliefs import believe
from edge.sim.hands import Hands, ScanningHands
from edge.sim.manifest import ManifestItem, ManifestPatron
from edge.sim.report import KioskSummary, RoundTrip, SessionReport
from edge.sim.world import SimulatedWorld


@dataclass(frozen=True)
class KioskBehaviour:
    """How the simulated patrons behave; rates are probabilities per visit or per book."""

    think_s: float = 0.8  # mean pause between a patron's actions (each pause is 0.5×–1.5× this)
    max_checkouts: int = 3
    return_rate: float = 0.4  # a patron with loans comes to return rather than borrow
    renew_rate: float = 0.25
    wrong_pin_rate: float = 0.05
    odd_item_rate: float = 0.05  # brings a book not on the open shelves (on hold, missing…)
    rfid_rate: float = 0.7  # scanning: the book is read from its RFID tag rather than its barcode


class KioskSimulator:
    """Patrons, one after another, at the kiosk whose session is `session`. Late answers reach them
    through the session's requests (`session.requests.on_late_reply` is what the runtime's late-reply
    handler must call)."""

    def __init__(
        self,
        session: KioskSession,
        world: SimulatedWorld,
        behaviour: KioskBehaviour | None = None,
        *,
        seed: int | None = None,
        on_round_trip: Callable[[RoundTrip], None] | None = None,
        stop: threading.Event | None = None,
        hands: Hands | None = None,
    ) -> None:
        self.session = session
        self.world = world
        self.behaviour = behaviour or KioskBehaviour()
        self.rng = random.Random(seed)
        self.on_round_trip = on_round_trip
        self.stop_event = stop or threading.Event()
        self.hands: Hands = hands or ScanningHands(self.rng, self.behaviour.rfid_rate)
        self.device_id = session.device_id
        session.requests.on_late_answer = self._believe

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
        return self.session.requests.unanswered

    # ---- visits ---------------------------------------------------------------------------------------

    def _return_visit(self, patron: ManifestPatron, loans: list[ManifestItem]) -> SessionReport:
        report = SessionReport(patron.card_number, "return")
        count = self.rng.randint(1, min(3, len(loans)))
        for item in self.rng.sample(loans, count):
            self._pause()
            answered = self._present(report, item)
            if answered is not None and answered.ok:
                report.returned += 1
        return report

    def _borrow_visit(self, patron: ManifestPatron) -> SessionReport:
        report = SessionReport(patron.card_number, "borrow")
        if not self._sign_in(report, patron):
            return report
        for _ in range(self.rng.randint(1, self.behaviour.max_checkouts)):
            item = self._choose_book()
            if item is None:
                break
            self._pause()
            answered = self._present(report, item)
            if answered is None or answered.code is None:
                continue
            if answered.code in LENT:
                report.borrowed += 1
            elif answered.code in STOP_BORROWING:
                report.ended_by = answered.code
                break
        loans = self.world.loans_of(patron.card_number)
        if loans and report.ended_by is None and self.rng.random() < self.behaviour.renew_rate:
            item = self.rng.choice(loans)
            self._pause()
            renewed = self._record(report, self.session.renew(ItemRef(barcode=item.barcode)))
            report.renewed += int(renewed.ok)
        self._pause()
        self._record(report, self.session.sign_out())
        return report

    def _sign_in(self, report: SessionReport, patron: ManifestPatron) -> bool:
        pins = [patron.pin]
        if self.rng.random() < self.behaviour.wrong_pin_rate:
            pins.insert(0, _wrong_pin(patron.pin))  # a typo first, then the right PIN
        answered = None
        for pin in pins:
            self._pause()
            answered = self._record(report, self.session.sign_in(patron.card_number, pin))
            if self.session.state is SessionState.SIGNED_IN:
                return True
            if answered.code != ReasonCode.WRONG_PIN:
                break  # no answer (the patron walks away; the late answer is logged), or refused
        report.ended_by = answered.code if answered is not None else None
        return False

    def _choose_book(self) -> ManifestItem | None:
        if self.rng.random() < self.behaviour.odd_item_rate:
            return self.world.pick_any(self.rng)
        return self.world.pick_from_shelf(self.rng)

    def _present(self, report: SessionReport, item: ManifestItem) -> Answered | None:
        """The patron shows the kiosk the book; the kiosk asks about it and sets its tag."""
        answered = self.hands.present(self.session, item)
        if answered is None:
            self.world.put_back(item)  # the kiosk could not identify it: the patron takes it back
            return None
        self._record(report, answered)
        if answered.reply is None and answered.asked.kind == CheckoutRequested.KIND:
            self.world.put_back(item)  # no answer in time: the book goes back; a late "lent" corrects it
        return answered

    def _record(self, report: SessionReport, answered: Answered) -> Answered:
        trip = RoundTrip(self.device_id, answered.asked.kind, answered.seconds, answered.code)
        report.round_trips.append(trip)
        if self.on_round_trip is not None:
            self.on_round_trip(trip)
        self._believe(answered)
        return answered

    def _believe(self, answered: Answered) -> None:
        if answered.reply is not None:
            believe(self.world, answered.asked, answered.reply)
        item = self.world.find(answered.asked.item) if answered.asked.item is not None else None
        if answered.taken_back and item is not None:
            self.world.returned(item.barcode)  # lent, but its tag stayed secured: the kiosk took it back

    def _pause(self) -> None:
        think = self.behaviour.think_s
        if think > 0:
            self.stop_event.wait(think * self.rng.uniform(0.5, 1.5))


def _wrong_pin(pin: str) -> str:
    last = (int(pin[-1]) + 1) % 10
    return pin[:-1] + str(last)
