"""What a kiosk asked and what it was answered, and what the answers' reason codes mean for the person at
the kiosk: which lend the book, which end the borrowing, which mean nobody can borrow that book."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from contract.common import ItemRef
from contract.events import CheckoutRequested
from contract.replies import ReasonCode, ReplyBase

LENT = frozenset({ReasonCode.OK, ReasonCode.OK_HOLD_READY_FOR_YOU, ReasonCode.ALREADY_ON_LOAN_TO_YOU})
# A checkout answered with one of these made a new loan (ALREADY_ON_LOAN_TO_YOU names an older one).
NEW_LOAN = frozenset({ReasonCode.OK, ReasonCode.OK_HOLD_READY_FOR_YOU})
# Refusals about the patron or the session: no point offering another book.
STOP_BORROWING = frozenset(
    {
        ReasonCode.MAX_LOANS,
        ReasonCode.FINES_OVER_LIMIT,
        ReasonCode.OVERDUE_ITEMS,
        ReasonCode.PATRON_BLOCKED,
        ReasonCode.PATRON_EXPIRED,
        ReasonCode.SESSION_EXPIRED,
        ReasonCode.UNKNOWN_SESSION,
    }
)
# Refusals about the book: nobody should pick it up again.
NOT_LENDABLE = frozenset(
    {
        ReasonCode.ON_HOLD_FOR_OTHER,
        ReasonCode.NOT_FOR_LOAN,
        ReasonCode.ITEM_UNAVAILABLE,
        ReasonCode.ON_LOAN_TO_OTHER,
        ReasonCode.UNKNOWN_ITEM,
    }
)
# Answers that point at a problem in the system rather than a patron's situation: logged as warnings.
ODD = frozenset({ReasonCode.INVALID_REQUEST, ReasonCode.REQUEST_EXPIRED, ReasonCode.UNKNOWN_SESSION})


class TagProblem(StrEnum):
    """What was wrong with a tag read from the pad."""

    FOREIGN = "foreign"  # another library's book (another ISIL): never asked about — its id is not ours
    UNREADABLE = "unreadable"  # its data could not be read or decoded: asked about by its UID alone


@dataclass(frozen=True, slots=True)
class Asked:
    """What a request was about, to make sense of its answer even when it comes late."""

    kind: str
    card_number: str | None  # the patron signing in or signed in; None for a return without signing in
    item: ItemRef | None = None
    # A return sent to take back a loan the reader was told did not happen (its tag would not unsecure,
    # or its answer came too late): its answer changes nothing on the screen.
    taking_back: bool = False
    session_id: UUID | None = None  # the kiosk session a loan was asked in: a take-back names it

    @property
    def subject(self) -> str:
        if self.item is not None:
            return self.item.barcode or self.item.tag_uid or "?"
        return self.card_number or "?"


@dataclass(frozen=True, slots=True)
class Answered:
    """One request and its answer. `reply` is None when none came in time: the request stays queued and
    its answer comes later, once, as an `Answered` with `late=True`."""

    asked: Asked
    reply: ReplyBase | None
    seconds: float  # from asking to the answer (or to giving up); 0 for a late answer
    late: bool = False
    security_applied: bool | None = None  # None: the answer asked for none, or there was no tag to set
    taken_back: bool = False  # a loan made, then returned at once because its tag was not unsecured
    tag_problem: TagProblem | None = None  # the pad could not use the book's tag data

    @property
    def made_loan(self) -> bool:
        """A checkout the server answered by lending the book now."""
        return self.asked.kind == CheckoutRequested.KIND and self.ok and self.code in NEW_LOAN

    @property
    def code(self) -> ReasonCode | None:
        return self.reply.decision.code if self.reply is not None else None

    @property
    def ok(self) -> bool:
        return self.reply is not None and self.reply.decision.ok
