"""`KioskSession`: the self-check kiosk's session as a state machine over the runtime and the pad.

    session = KioskSession(runtime, pad=RfidPad(tags), on_late_answer=screen.show_late)
    session.sign_in(card, pin)       # idle → signed in (when the server says ok)
    session.place_item()             # reads the pad: each new book is borrowed (signed in) or returned
    session.pad_cleared()            # the books were taken away
    session.item_identified(ref)     # the same for a book whose barcode was scanned
    session.renew(ref)               # one of the patron's loans
    session.sign_out()               # → idle
    session.return_item(ref)         # a return needs no signing in

Every call asks the server once and returns an `Answered`. After a lending or a return the server says
what to do to the book's tag (`security`: unsecure when lent, secure when returned); the session has the
pad do it and verify it by reading it back. The requests themselves, and their answers that come late, are
`session.requests` (`edge.kiosk.outstanding`). A touch screen and the simulated patrons (`edge.sim`) drive
the same calls.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from contract.common import ContractModel, ItemRef
from contract.events import (
    CheckinRequested,
    CheckinRequestedV2,
    CheckoutRequested,
    EventEnvelope,
    ItemForSession,
    ItemOnly,
    ItemReturned,
    PatronLogin,
    PatronLoginRequested,
    PatronLogoutRequested,
    RenewRequested,
    SessionPayload,
)
from contract.replies import PatronLoginResult, PatronSummary, ReasonCode, SecurityAction
from devices.errors import DeviceError
from edge.errors import EdgeError
from edge.kiosk.answers import Answered, Asked, TagProblem
from edge.kiosk.outstanding import LateAnswerHandler, OutstandingRequests, Requester, Sent

log = logging.getLogger(__name__)


class ItemPad(Protocol):
    """Where books are put down at the kiosk (`edge.kiosk.pad.RfidPad` is one)."""

    # The card numbers of readers' RFID cards lying on the pad at the last read (they are not books).
    cards: tuple[str, ...]

    def read(self, each: Callable[[ItemRef], None] | None = None) -> list[ItemRef]:
        """The books on the pad now, each also handed to `each` as soon as it is read; raises
        `DeviceError` when the reader does not answer."""
        ...

    def apply_security(self, ref: ItemRef, action: SecurityAction) -> bool:
        """Secure or unsecure the book's tag, verified; False (and logged for staff) when that failed."""
        ...

    def tag_problem(self, tag_uid: str) -> TagProblem | None:
        """What was wrong with this tag at the last read (another library's, unreadable), if anything."""
        ...


class SessionStateError(EdgeError):
    """The kiosk was asked for something its state does not allow (borrowing without signing in…)."""


class PadError(EdgeError):
    """The pad's reader did not answer: the book has to be scanned instead."""


class SessionState(StrEnum):
    IDLE = "idle"
    SIGNED_IN = "signed_in"


FoundHandler = Callable[[list[ItemRef]], None]


class KioskSession:
    def __init__(
        self,
        requester: Requester,
        *,
        pad: ItemPad | None = None,
        timeout_s: float | None = None,
        on_late_answer: LateAnswerHandler | None = None,
    ) -> None:
        self.requests = OutstandingRequests(requester, timeout_s=timeout_s, on_late_answer=on_late_answer)
        self.pad = pad
        self.device_id = requester.device_id
        self.state = SessionState.IDLE
        self.session_id: UUID | None = None
        self.card_number: str | None = None
        self.patron: PatronSummary | None = None  # the signed-in patron's account, for the screen
        # Tags already handled that still lie on the pad: a book left there is not asked about again.
        self._handled_on_pad: set[str] = set()

    # ---- the patron's actions -----------------------------------------------------------------------

    def sign_in(self, card_number: str, pin: str) -> Answered:
        if self.state is not SessionState.IDLE:
            raise SessionStateError(f"{self.card_number} is still signed in: sign out first")
        payload = PatronLogin.model_validate({"card_number": card_number, "pin": pin})
        asked = Asked(PatronLoginRequested.KIND, card_number)
        answered = self.requests.ask(PatronLoginRequested, payload, asked)
        reply = answered.reply
        if isinstance(reply, PatronLoginResult) and reply.decision.ok and reply.session_id is not None:
            self.state = SessionState.SIGNED_IN
            self.session_id, self.card_number, self.patron = reply.session_id, card_number, reply.patron
        return answered

    def sign_out(self, *, wait_s: float | None = None) -> Answered:
        """Ask the server to close the session, waiting `wait_s` for its answer (None: `timeout_s`; 0: not
        at all — offline, the request is queued and the reader need not wait for it)."""
        session_id = self._signed_in("sign out")
        asked = Asked(PatronLogoutRequested.KIND, self.card_number)
        try:
            payload = SessionPayload(session_id=session_id)
            return self.requests.ask(PatronLogoutRequested, payload, asked, timeout_s=wait_s)
        finally:
            # Whatever the answer: the patron has left (the server closes the session at the next sign-in
            # on this kiosk, or when it idles out).
            self.state = SessionState.IDLE
            self.session_id = self.card_number = self.patron = None

    def place_item(
        self, *, on_found: FoundHandler | None = None, on_answer: LateAnswerHandler | None = None
    ) -> list[Answered]:
        """A book was put on the pad: each book on it not yet handled is borrowed or returned.
        `on_found([ref])` hears of each new book as soon as the pad has read it, `on_answer` of each
        answer as it comes (a screen shows a stack being decided book by book)."""
        # Each new book is asked about as soon as its tag is read — the server answers while the pad
        # reads the next — then each answer is acted on in turn, the pad setting tags one by one: a stack
        # of ten waits for about one round trip to the server, not ten.
        asked: list[Answered | Sent] = []

        def each(ref: ItemRef) -> None:
            if ref.tag_uid in self._handled_on_pad:
                return
            if on_found is not None:
                on_found([ref])
            self.handled(ref)
            asked.append(self._ask_from_pad(ref))

        self._read_pad(each)
        answers = []
        for sent in asked:
            answered = sent if isinstance(sent, Answered) else self._settle_from_pad(sent)
            if on_answer is not None:
                on_answer(answered)
            answers.append(answered)
        return answers

    def new_on_pad(self) -> list[ItemRef]:
        """The books on the pad not handled yet (those taken away since are forgotten: put back, they are
        new again). Raises `PadError` when the pad's reader does not answer."""
        return [ref for ref in self._read_pad() if ref.tag_uid not in self._handled_on_pad]

    def _read_pad(self, each: Callable[[ItemRef], None] | None = None) -> list[ItemRef]:
        """The pad read (each book to `each` as it is read); the books handled that are no longer on it
        forgotten. Raises `PadError` when the pad's reader does not answer."""
        if self.pad is None:
            raise SessionStateError("this kiosk has no pad: books are scanned")
        try:
            refs = self.pad.read(each)
        except DeviceError as exc:
            raise PadError(f"the pad's reader did not answer: {exc}") from exc
        self._handled_on_pad &= {ref.tag_uid for ref in refs if ref.tag_uid is not None}
        return refs

    def handled(self, ref: ItemRef) -> None:
        """This book, left on the pad, is not asked about again (decided online or offline)."""
        if ref.tag_uid is not None:
            self._handled_on_pad.add(ref.tag_uid)

    def _ask_from_pad(self, ref: ItemRef) -> Answered | Sent:
        """A new book on the pad asked about; another library's book is not asked about (its item id is
        not one of ours: answered here), one whose tag data cannot be read is asked about by its UID."""
        problem = self.pad.tag_problem(ref.tag_uid) if self.pad is not None and ref.tag_uid else None
        if problem is TagProblem.FOREIGN:
            kind = CheckoutRequested.KIND if self.state is SessionState.SIGNED_IN else CheckinRequested.KIND
            return Answered(Asked(kind, self.card_number, ref), None, 0.0, tag_problem=problem)
        return dataclasses.replace(self.requests.send(*self._item_request(ref)), tag_problem=problem)

    def _settle_from_pad(self, sent: Sent) -> Answered:
        answered = self._secured(self.requests.wait(sent), sent.model)
        if sent.tag_problem is None:
            return answered
        return dataclasses.replace(answered, tag_problem=sent.tag_problem)

    def pad_cleared(self) -> None:
        """The pad is empty again (the patron took the books): a book put down later is a new one."""
        self._handled_on_pad.clear()

    def item_identified(self, ref: ItemRef) -> Answered:
        """A book read from the pad or scanned: borrowed when a patron is signed in, else returned."""
        return self.borrow(ref) if self.state is SessionState.SIGNED_IN else self.return_item(ref)

    def borrow(self, ref: ItemRef) -> Answered:
        return self._about_item(*self._borrowing(ref))

    def return_item(self, ref: ItemRef) -> Answered:
        return self._about_item(*self._returning(ref))

    def _item_request(self, ref: ItemRef) -> tuple[type[EventEnvelope], ContractModel, Asked]:
        return self._borrowing(ref) if self.state is SessionState.SIGNED_IN else self._returning(ref)

    def _borrowing(self, ref: ItemRef) -> tuple[type[EventEnvelope], ContractModel, Asked]:
        session_id = self._signed_in("borrow")
        payload = ItemForSession(session_id=session_id, item=ref)
        asked = Asked(CheckoutRequested.KIND, self.card_number, ref, session_id=session_id)
        return CheckoutRequested, payload, asked

    def _returning(self, ref: ItemRef) -> tuple[type[EventEnvelope], ContractModel, Asked]:
        return CheckinRequested, ItemOnly(item=ref), Asked(CheckinRequested.KIND, self.card_number, ref)

    def take_back(self, ref: ItemRef, session_id: UUID | None) -> Answered:
        """Return a book the server lent in kiosk session `session_id` but the reader was told they did
        not borrow (its tag would not unsecure, or the answer came after they left): that loan is closed
        at once — no fine, it is minutes old — and the tag, never unsecured, is left as it is. Sent like
        every request: queued in the outbox until answered, and applied once; naming the session, it
        closes nothing if the book has been lent again since (the outbox may hold it through an outage)."""
        asked = Asked(CheckinRequested.KIND, self.card_number, ref, taking_back=True, session_id=session_id)
        if session_id is None:  # not asked in a session (never so for a loan): a plain return
            return self.requests.ask(CheckinRequested, ItemOnly(item=ref), asked)
        payload = ItemReturned(item=ref, taking_back=session_id)
        return self.requests.ask(CheckinRequestedV2, payload, asked)

    def renew(self, ref: ItemRef) -> Answered:
        session_id = self._signed_in("renew")
        payload = ItemForSession(session_id=session_id, item=ref)
        return self.requests.ask(RenewRequested, payload, Asked(RenewRequested.KIND, self.card_number, ref))

    # ---- internals ----------------------------------------------------------------------------------

    def _signed_in(self, action: str) -> UUID:
        if self.state is not SessionState.SIGNED_IN or self.session_id is None:
            raise SessionStateError(f"cannot {action}: nobody is signed in")
        return self.session_id

    def _about_item(self, model: type[EventEnvelope], payload: ContractModel, asked: Asked) -> Answered:
        """Ask about a book, then set its tag as the answer says (unsecured when lent, secured when
        returned)."""
        return self._secured(self.requests.ask(model, payload, asked), model)

    def _secured(self, answered: Answered, model: type[EventEnvelope]) -> Answered:
        """The book's tag set as the answer says, verified; a loan whose tag stayed secured taken back."""
        asked = answered.asked
        action: SecurityAction | None = getattr(answered.reply, "security", None)
        if answered.code is ReasonCode.ALREADY_ON_LOAN_TO_YOU and model is CheckoutRequested:
            # The reader's own loan put back on the pad (taken away before its tag was set, or brought
            # again): the server refuses a second loan but the book is theirs, so its tag is unsecured.
            action = "unsecure"
        elif not answered.ok:
            action = None
        if action is None or self.pad is None or asked.item is None:
            return answered
        if asked.item.tag_uid is None:
            return answered  # identified by barcode alone: no tag to set
        applied = self.pad.apply_security(asked.item, action)
        # A loan whose tag stayed secured is one the reader is told did not happen: it is taken back.
        taken_back = not applied and answered.made_loan
        if taken_back:
            self.take_back(asked.item, asked.session_id)
        seconds = answered.seconds
        return Answered(asked, answered.reply, seconds, security_applied=applied, taken_back=taken_back)
