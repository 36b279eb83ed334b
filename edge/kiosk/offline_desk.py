"""The kiosk's offline desk: signing readers in with the offline list, lending and taking back books while
the server cannot be reached, and queueing what was done as observations (`offline.checkout`,
`offline.checkin`) in the outbox, stamped with the moment it happened.

    desk = OfflineDesk(kept_list, rules, library_day, runtime)
    signed = desk.sign_in("SV2100123", "2468", now)   # an OfflineVisit, or a Refusal
    row = desk.lend(visit, ref, pad)                   # unsecured, verified, then queued
    row = desk.take_return(ref, pad)                   # secured again, queued

The decisions are `edge.kiosk.offline`'s; a book counts as lent only once its tag was unsecured and read
back so, exactly as online — a tag that will not unsecure is not lent and nothing is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from contract.common import ContractModel, ItemRef
from contract.events import EventEnvelope, OfflineCheckin, OfflineCheckout
from contract.offline import OfflineLoan, OfflineReader, OfflineReturn
from contract.replies import SecurityAction
from edge.kiosk.answers import TagProblem
from edge.kiosk.offline import (
    LibraryDay,
    OfflineRules,
    Refusal,
    books_allowed,
    card_refusal,
    due_at,
    list_refusal,
    pin_outcome,
)
from edge.kiosk.offline_list import OfflineList
from edge.kiosk.visit import BookRow, Outcome, row_key

log = logging.getLogger(__name__)


class Emitter(Protocol):
    """Where observations are queued (`edge.runtime.EdgeRuntime` is one)."""

    def emit(self, model: type[EventEnvelope], payload: ContractModel) -> EventEnvelope: ...


class SecurityPad(Protocol):
    """What the desk needs of the pad (`edge.kiosk.pad.RfidPad` is one)."""

    def apply_security(self, ref: ItemRef, action: SecurityAction) -> bool: ...

    def tag_problem(self, tag_uid: str) -> TagProblem | None: ...


@dataclass
class OfflineVisit:
    """A reader signed in with the offline list: their card, what the list says, and the books lent."""

    card_number: str
    reader: OfflineReader
    pin_checked: bool
    allowed: int  # books they may take in this visit (what the outage left them)
    lent: list[str] = field(default_factory=list)  # row keys of the books lent in this visit


class OfflineDesk:
    def __init__(
        self,
        kept: OfflineList | None,
        rules: OfflineRules,
        day: LibraryDay,
        emitter: Emitter,
        *,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.clock = clock
        self.kept = kept
        self.rules = rules
        self.day = day
        self.emitter = emitter
        self._hasher = hasher or PasswordHasher()
        # Wrong PINs in a row per card at this kiosk, through this outage and the next: the server's count
        # is out of reach, so a card is locked here after as many as the server allows.
        self._failures: dict[str, int] = {}
        # Books lent offline per card since the kiosk last reached the server (one outage).
        self._lent_in_outage: dict[str, int] = {}

    def list_refusal(self) -> Refusal | None:
        """Whether borrowing offline is possible at all now (the card decides the rest)."""
        now = self.clock()
        generated_at = self.kept.generated_at() if self.kept is not None else None
        return list_refusal(self.rules, generated_at, now)

    def sign_in(self, card_number: str, pin: str | None) -> OfflineVisit | Refusal:
        """A card (and its PIN, unless the library lends on the card alone) checked against the list."""
        found = self._reader(card_number)
        if isinstance(found, Refusal):
            return found
        card, reader = found
        failures = self._failures.get(card, 0)
        checkable = not self.rules.card_only and not reader.pin_locked
        checkable = checkable and failures < self.rules.pin_max_failures and reader.pin_hash is not None
        correct = self._verify(reader.pin_hash, pin) if checkable and reader.pin_hash else None
        outcome = pin_outcome(self.rules, reader, correct=correct, failures=failures)
        self._failures[card] = outcome.failures
        if outcome.refusal is not None:
            return outcome.refusal
        allowed = self._allowed(card, reader)
        return OfflineVisit(card, reader, pin_checked=not self.rules.card_only, allowed=max(0, allowed))

    def carry_on(self, card_number: str, lent_online: int) -> OfflineVisit | Refusal:
        """The visit of a reader who signed in online (the server checked their PIN) carried on offline:
        the list's word on the card and the limits as for an offline sign-in, counting `lent_online` books
        lent in this visit before the network went (the list does not know of them)."""
        found = self._reader(card_number)
        if isinstance(found, Refusal):
            return found
        card, reader = found
        allowed = self._allowed(card, reader)
        if reader.max_loans is not None:
            allowed = min(allowed, reader.max_loans - reader.loans - lent_online)
        return OfflineVisit(card, reader, pin_checked=True, allowed=max(0, allowed))

    def lend(self, visit: OfflineVisit, ref: ItemRef, pad: SecurityPad | None) -> BookRow:
        """One book put on the pad (or scanned) by the reader signed in offline."""
        row = self._row(ref, pad, borrowing=True)
        if row.outcome is not Outcome.CHECKING:
            return row
        if row.key in visit.lent:
            return _with(row, Outcome.ALREADY_YOURS)
        if len(visit.lent) >= visit.allowed:  # the offline limit, or the reader's own
            return _with(row, Outcome.NOT_LENT, refusal=Refusal.LIMIT)
        if pad is not None and ref.tag_uid is not None and not pad.apply_security(ref, "unsecure"):
            return _with(row, Outcome.NOT_UNSECURED)  # not lent: nothing is sent
        now_due = due_at(self.clock(), self.rules.loan_days, self.day)
        loan = OfflineLoan(
            card_number=visit.card_number, item=ref, due_at=now_due, pin_checked=visit.pin_checked
        )
        self.emitter.emit(OfflineCheckout, loan)
        visit.lent.append(row.key)
        self._lent_in_outage[visit.card_number] = self._lent_in_outage.get(visit.card_number, 0) + 1
        return _with(row, Outcome.LENT, due_at=now_due)

    def take_return(self, ref: ItemRef, pad: SecurityPad | None) -> BookRow:
        """A book put on the pad (or scanned) with nobody signed in: secured again and queued. Offline the
        kiosk cannot know of holds, so every book goes to the return bin."""
        row = self._row(ref, pad, borrowing=False)
        if row.outcome is not Outcome.CHECKING:
            return row
        secured = True
        if pad is not None and ref.tag_uid is not None:
            secured = pad.apply_security(ref, "secure")
        self.emitter.emit(OfflineCheckin, OfflineReturn(item=ref))
        return _with(row, Outcome.TO_RETURN_BIN, tag_failed=not secured)

    def back_online(self) -> None:
        """The server answers again: the next outage's limits start afresh (its count of loans is the
        server's again once the list is republished). Wrong PINs stay counted."""
        self._lent_in_outage.clear()

    def _verify(self, pin_hash: str, pin: str | None) -> bool:
        if not pin:
            return False
        try:
            return bool(self._hasher.verify(pin_hash, pin))
        except (VerificationError, InvalidHashError):
            return False

    def _reader(self, card_number: str) -> tuple[str, OfflineReader] | Refusal:
        """The card as the list knows it, or why nobody (or this card) can borrow offline now."""
        refusal = self.list_refusal()
        if refusal is not None:
            return refusal
        card = card_number.strip().upper()
        reader = self.kept.find(card) if self.kept is not None else None
        refusal = card_refusal(self.rules, reader, self.clock().astimezone(self.day.zone).date())
        if refusal is not None or reader is None:
            return refusal or Refusal.UNKNOWN_CARD
        return card, reader

    def _allowed(self, card: str, reader: OfflineReader) -> int:
        """Books the reader may still take offline, by the list, less those lent to them in this outage."""
        return books_allowed(self.rules, reader) - self._lent_in_outage.get(card, 0)

    @staticmethod
    def _row(ref: ItemRef, pad: SecurityPad | None, *, borrowing: bool) -> BookRow:
        """The book's row, still being checked — or decided already when its tag cannot be used (another
        library's book, or data that cannot be read) or it has no barcode to queue."""
        row = BookRow(row_key(ref), borrowing, barcode=ref.barcode, offline=True)
        problem = pad.tag_problem(ref.tag_uid) if pad is not None and ref.tag_uid is not None else None
        if problem is TagProblem.FOREIGN:
            return _with(row, Outcome.OTHER_LIBRARY)
        if problem is TagProblem.UNREADABLE or ref.barcode is None:
            return _with(row, Outcome.UNREADABLE)
        return row


def _with(row: BookRow, outcome: Outcome, **changes: object) -> BookRow:
    return replace(row, outcome=outcome, **changes)  # type: ignore[arg-type]
