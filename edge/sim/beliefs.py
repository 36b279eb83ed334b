"""What the simulated patrons believe after each answer the kiosk gets: the server is the truth."""

from __future__ import annotations

from contract.events import CheckinRequested, CheckoutRequested, PatronLoginRequested, RenewRequested
from contract.replies import PatronLoginResult, ReasonCode, ReplyBase
from edge.kiosk.answers import LENT, NOT_LENDABLE, Asked
from edge.sim.world import SimulatedWorld


def believe(world: SimulatedWorld, asked: Asked, reply: ReplyBase) -> None:
    """Update what the patrons believe from the server's answer to what a kiosk asked."""
    code = reply.decision.code
    if asked.kind == PatronLoginRequested.KIND and isinstance(reply, PatronLoginResult) and reply.patron:
        assert asked.card_number is not None  # a sign-in names its card
        world.learn_loans(asked.card_number, [loan.item.barcode for loan in reply.patron.loans])
    item = world.find(asked.item) if asked.item is not None else None
    if item is None:
        return
    if asked.kind == CheckoutRequested.KIND:
        if code in LENT and asked.card_number is not None:
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
