"""What the kiosk's screen shows of a visit, decided from the answers alone (no I/O): each book's outcome
(lent, refused, returned to the hold tray or the return bin…) and what a sign-in's refusal tells the
reader. The agent (`edge.kiosk.agent`) builds these; the screen (`edge.kiosk.screen`) words them.

A book counts as lent only once the server lent it *and* its tag was unsecured and read back so; a tag
that would not unsecure is shown as not borrowed, and one gone from the pad by then as taken away early.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from contract.common import ItemRef, LocalizedText
from contract.events import CheckinRequested, CheckoutRequested
from contract.replies import CheckinResult, CheckoutResult, PatronSummary, ReasonCode, RenewResult
from edge.kiosk.answers import LENT, Answered, TagProblem
from edge.kiosk.offline import Refusal
from web.catalogs import N_


class Outcome(StrEnum):
    CHECKING = "checking"  # read from the pad, its answer not come yet
    LENT = "lent"
    ALREADY_YOURS = "already_yours"  # on loan to this reader already: its tag unsecured again
    NOT_LENT = "not_lent"  # refused by the server: its message says why
    NOT_UNSECURED = "not_unsecured"  # lent by the server, but its tag would not unsecure
    TAKEN_AWAY = "taken_away"  # off the pad before its tag was set
    TO_HOLD_TRAY = "to_hold_tray"  # returned; another reader waits for it
    TO_RETURN_BIN = "to_return_bin"  # returned
    NOT_RETURNED = "not_returned"
    NO_ANSWER = "no_answer"  # the request stays queued; its answer comes later
    OTHER_LIBRARY = "other_library"  # its tag names another library as its owner: not asked about
    UNREADABLE = "unreadable"  # its tag's data could not be read, and the server knows no tag by its UID


# Outcomes the reader must act on (shown in the warning tone, with what to do).
NEEDS_ACTION = frozenset(
    {
        Outcome.NOT_LENT,
        Outcome.NOT_UNSECURED,
        Outcome.TAKEN_AWAY,
        Outcome.NOT_RETURNED,
        Outcome.NO_ANSWER,
        Outcome.OTHER_LIBRARY,
        Outcome.UNREADABLE,
    }
)


@dataclass(frozen=True, slots=True)
class BookRow:
    """One book of the visit as the screen lists it."""

    key: str  # the tag's UID, or the barcode of a scanned book
    borrowing: bool  # asked as a loan (else as a return)
    outcome: Outcome = Outcome.CHECKING
    barcode: str | None = None
    title: str | None = None
    due_at: datetime | None = None
    message: LocalizedText | None = None  # the server's words, for a refusal
    fine: int = 0  # VND charged by a late return
    tag_failed: bool = False  # a returned book whose tag could not be secured again: staff check it
    offline: bool = False  # decided by the kiosk alone (the server could not be reached): sent later
    refusal: Refusal | None = None  # why the kiosk, offline, did not lend it

    @property
    def tone(self) -> str:
        if self.outcome is Outcome.CHECKING:
            return "info"
        if self.outcome is Outcome.TO_HOLD_TRAY:
            return "warning"
        return "danger" if self.outcome in NEEDS_ACTION else "success"


def row_key(ref: ItemRef) -> str:
    return ref.tag_uid or ref.barcode or "?"


def checking(ref: ItemRef, *, borrowing: bool) -> BookRow:
    return BookRow(row_key(ref), borrowing, barcode=ref.barcode)


def decided(answered: Answered, *, on_pad: bool) -> BookRow:
    """The book's row once its answer came. `on_pad`: whether its tag was still on the pad after its
    security failed (only looked at then)."""
    ref = answered.asked.item or ItemRef(barcode="?")
    borrowing = answered.asked.kind == CheckoutRequested.KIND
    reply = answered.reply
    row = BookRow(row_key(ref), borrowing, barcode=ref.barcode)
    if answered.tag_problem is TagProblem.FOREIGN:
        return _with(row, Outcome.OTHER_LIBRARY)
    if reply is None:
        return _with(row, Outcome.NO_ANSWER)
    if answered.tag_problem is TagProblem.UNREADABLE and reply.decision.code is ReasonCode.UNKNOWN_ITEM:
        return _with(row, Outcome.UNREADABLE)
    item = getattr(reply, "item", None)
    if item is not None:
        row = _with(row, row.outcome, barcode=item.barcode, title=item.title)
    failed = answered.security_applied is False
    if borrowing:
        return _borrowed(row, answered, failed=failed, on_pad=on_pad)
    if answered.asked.kind != CheckinRequested.KIND or not answered.ok:
        return _with(row, Outcome.NOT_RETURNED, message=reply.decision.message)
    # Trapped for a hold: the answer's code says so, and its notice where the book is collected.
    hold = reply.decision.code is ReasonCode.OK_HOLD_WAITING or getattr(reply, "hold", None) is not None
    fine = reply.fine_charged if isinstance(reply, CheckinResult) else 0
    outcome = Outcome.TO_HOLD_TRAY if hold else Outcome.TO_RETURN_BIN
    return _with(row, outcome, fine=fine, tag_failed=failed)


def _borrowed(row: BookRow, answered: Answered, *, failed: bool, on_pad: bool) -> BookRow:
    reply = answered.reply
    assert reply is not None
    code = reply.decision.code
    if code is ReasonCode.ALREADY_ON_LOAN_TO_YOU:
        outcome = Outcome.ALREADY_YOURS
    elif code in LENT and answered.ok:
        outcome = Outcome.LENT
    else:
        return _with(row, Outcome.NOT_LENT, message=reply.decision.message)
    if failed:
        return _with(row, Outcome.NOT_UNSECURED if on_pad else Outcome.TAKEN_AWAY)
    due = reply.due_at if isinstance(reply, CheckoutResult) else None
    return _with(row, outcome, due_at=due)


def _with(row: BookRow, outcome: Outcome, **changes: object) -> BookRow:
    return replace(row, outcome=outcome, **changes)  # type: ignore[arg-type]


class SignInStep(StrEnum):
    CARD = "card"  # nobody signing in: the idle screen
    PIN = "pin"  # a card given, its PIN awaited
    SIGNED_IN = "signed_in"


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the reader is told at sign-in or sign-out: a title chosen by the kiosk (a gettext msgid),
    the server's own words when it answered, and what to do next (a msgid)."""

    title: str
    tone: str
    message: LocalizedText | None = None
    next_step: str | None = None


# The kiosk's titles for the sign-in refusals (msgids the console shares where it has them).
SIGN_IN_TITLES: dict[ReasonCode, str] = {
    ReasonCode.WRONG_PIN: N_("Wrong PIN"),
    ReasonCode.PIN_LOCKED: N_("PIN locked"),
    ReasonCode.UNKNOWN_PATRON: N_("Card not recognised"),
    ReasonCode.PATRON_EXPIRED: N_("Card expired"),
    ReasonCode.PATRON_BLOCKED: N_("Your account is blocked"),
}
SIGN_IN_REFUSED = N_("You cannot sign in now")
NO_ANSWER_TITLE = N_("The library's system is not answering")
NO_ANSWER_NEXT = N_("Please try again in a moment, or ask at the library desk.")
TYPE_PIN_AGAIN = N_("Type your PIN again.")
CARD_NEXT = N_("Scan your library card again, or type its number.")
NOT_OURS = N_("That barcode is neither a library card nor a book of this library")
SCAN_LABEL = N_("Scan the library's barcode label on the book, or your library card.")
PIN_NEXT = N_("Your PIN is 4 to 12 digits: type it again.")
TIMED_OUT_TITLE = N_("You were signed out because nothing happened for a while")
SIGNED_OUT_TITLE = N_("You are signed out. Thank you!")


def sign_in_answer(answered: Answered) -> tuple[SignInStep, Notice | None]:
    """Where a sign-in leaves the screen, and what it tells the reader. A wrong PIN keeps the card and
    asks for the PIN again; every other refusal (a locked PIN among them) goes back to the card."""
    reply = answered.reply
    if reply is None:
        return SignInStep.PIN, Notice(NO_ANSWER_TITLE, "danger", next_step=NO_ANSWER_NEXT)
    if answered.ok:
        return SignInStep.SIGNED_IN, None
    code = reply.decision.code
    title = SIGN_IN_TITLES.get(code, SIGN_IN_REFUSED)
    if code is ReasonCode.WRONG_PIN:
        return SignInStep.PIN, Notice(title, "warning", reply.decision.message, TYPE_PIN_AGAIN)
    return SignInStep.CARD, Notice(title, "danger", reply.decision.message)


@dataclass(frozen=True, slots=True)
class LoanRow:
    """One of the signed-in reader's loans, as the account lists it; `renewed` once a renewal was asked:
    True with the new due date, False with the server's words."""

    barcode: str
    title: str
    due_at: datetime
    renewals_left: int
    overdue: bool
    renewed: bool | None = None
    message: LocalizedText | None = None


def loan_rows(patron: PatronSummary | None) -> list[LoanRow]:
    if patron is None:
        return []
    return [
        LoanRow(loan.item.barcode, loan.item.title, loan.due_at, loan.renewals_left, loan.overdue)
        for loan in patron.loans
    ]


def renewed(row: LoanRow, answered: Answered) -> LoanRow:
    """The loan after its renewal's answer: a new due date, or the refusal (or no answer) in words."""
    reply = answered.reply
    if reply is None:
        return replace(row, renewed=False, message=None)
    if answered.ok and isinstance(reply, RenewResult) and reply.due_at is not None:
        left = reply.renewals_left if reply.renewals_left is not None else max(0, row.renewals_left - 1)
        return replace(
            row, due_at=reply.due_at, renewals_left=left, overdue=False, renewed=True, message=None
        )
    return replace(row, renewed=False, message=reply.decision.message)
