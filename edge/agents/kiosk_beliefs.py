"""How a simulated kiosk's patrons read the server's answers: which reason codes mean the book is theirs,
which send them away, which mean nobody can borrow that book — and what the world believes afterwards."""

from __future__ import annotations

from dataclasses import dataclass

from contract.events import CheckinRequested, CheckoutRequested, PatronLoginRequested, RenewRequested
from contract.replies import PatronLoginResult, ReasonCode, ReplyBase
from edge.agents.manifest import ManifestItem
from edge.agents.world import SimulatedWorld

LENT = frozenset({ReasonCode.OK, ReasonCode.OK_HOLD_READY_FOR_YOU, ReasonCode.ALREADY_ON_LOAN_TO_YOU})
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


@dataclass(frozen=True)
class Asked:
    """What a request was about, to make sense of its answer even when it comes late."""

    kind: str
    card_number: str
    item: ManifestItem | None

    @property
    def subject(self) -> str:
        return self.item.barcode if self.item is not None else self.card_number


def believe(world: SimulatedWorld, asked: Asked, reply: ReplyBase) -> None:
    """Update what the patrons believe from the server's answer (the server is the truth)."""
    code, item = reply.decision.code, asked.item
    if asked.kind == PatronLoginRequested.KIND and isinstance(reply, PatronLoginResult) and reply.patron:
        world.learn_loans(asked.card_number, [loan.item.barcode for loan in reply.patron.loans])
    if item is None:
        return
    if asked.kind == CheckoutRequested.KIND:
        if code in LENT:
            world.lent(item.barcode, asked.card_number)
        elif code in NOT_LENDABLE:
            world.set_aside(item)
        else:
            world.put_back(item)
    elif asked.kind == RenewRequested.KIND:
        if code in (ReasonCode.NOT_ON_LOAN, ReasonCode.NOT_YOUR_LOAN):
            world.forget_loan(item.barcode)
    elif asked.kind == CheckinRequested.KIND:
        if code == ReasonCode.OK_HOLD_WAITING:
            world.forget_loan(item.barcode)  # to the hold shelf, not the open shelves
            world.set_aside(item)
        elif reply.decision.ok or code == ReasonCode.NOT_ON_LOAN:
            world.returned(item.barcode)
        elif code == ReasonCode.UNKNOWN_ITEM:
            world.forget_loan(item.barcode)
