"""The real kiosk services answer the scenario table on SQLite and PostgreSQL — the same table the edge
tests' circulation double is held to (tests/unit/edge/test_circulation_double.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col

from contract.common import ItemRef
from server.db.tables import Item, Loan, Patron
from server.services import kiosk
from server.services.context import CirculationContext
from server.services.outcomes import (
    CheckinOutcome,
    CheckoutOutcome,
    LoginOutcome,
    LogoutOutcome,
    RenewOutcome,
)
from tests.support import factories as make
from tests.support.circulation_scenarios import (
    SCENARIOS,
    Borrow,
    ItemAfter,
    Renew,
    Request,
    Return,
    Scenario,
    SignIn,
    SignOut,
)
from tests.support.circulation_scenarios import Patron as PatronFact
from tests.support.scenario_player import KIOSK, Answer, play

Outcome = LoginOutcome | LogoutOutcome | CheckoutOutcome | RenewOutcome | CheckinOutcome

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=HCM).astimezone(UTC)  # a Monday morning, the library open


class ServicesDesk:
    def __init__(self, session: Session, context: CirculationContext, scenario: Scenario) -> None:
        self.session = session
        self.context = context
        patrons = {p.card: self._patron(p) for p in scenario.patrons}
        records, items = {}, {}
        for fact in scenario.items:
            records[fact.barcode] = make.record(session)
            items[fact.barcode] = make.item(
                session,
                records[fact.barcode],
                barcode=fact.barcode,
                tag_uid=fact.tag_uid,
                status=fact.status,
                item_type=fact.item_type,
            )
        for loan in scenario.loans:
            due = NOW + timedelta(days=loan.due_in_days)
            make.loan(session, items[loan.barcode], patrons[loan.card], due_at=due, renewals=loan.renewals)
        for hold in scenario.holds:
            ready = {
                "status": "ready",
                "item_id": items[hold.barcode].id,
                "ready_at": NOW - timedelta(days=1),
            }
            make.hold(
                session,
                records[hold.barcode],
                patrons[hold.card],
                placed_at=NOW - timedelta(days=2),
                **(ready | {"expires_at": NOW + timedelta(days=2)} if hold.ready else {}),
            )
        session.commit()

    def _patron(self, fact: PatronFact) -> Patron:
        fields: dict[str, object] = {"card_number": fact.card, "pin_failures": fact.pin_failures}
        if fact.expired:
            fields["expires_on"] = NOW.astimezone(HCM).date() - timedelta(days=1)
        patron = make.patron(self.session, pin=fact.pin, **fields)
        if fact.blocked:
            make.block(self.session, patron)
        if fact.fines_due:
            make.fine(self.session, patron, fact.fines_due)
        return patron

    def ask(self, request: Request, session_id: UUID | None) -> Answer:
        outcome = self._apply(request, session_id)
        self.session.commit()  # as the ingest does, once per message
        return Answer(
            outcome.decision.code,
            outcome.decision.ok,
            getattr(outcome, "security", None),
            getattr(outcome, "session_id", None),
        )

    def _apply(self, request: Request, session_id: UUID | None) -> Outcome:
        db, context = self.session, self.context
        if isinstance(request, SignIn):
            return kiosk.login(
                db, context, device_id=KIOSK, card_number=request.card, pin=request.pin, now=NOW
            )
        if isinstance(request, Return):
            ref = ItemRef(barcode=request.barcode, tag_uid=request.tag_uid)
            return kiosk.checkin(db, context, device_id=KIOSK, item=ref, now=NOW)
        assert session_id is not None
        if isinstance(request, SignOut):
            return kiosk.logout(db, device_id=KIOSK, session_id=session_id, now=NOW)
        if isinstance(request, Renew):
            ref = ItemRef(barcode=request.barcode)
            return kiosk.renew(db, context, device_id=KIOSK, session_id=session_id, item=ref, now=NOW)
        assert isinstance(request, Borrow)
        ref = ItemRef(barcode=request.barcode, tag_uid=request.tag_uid)
        return kiosk.checkout(db, context, device_id=KIOSK, session_id=session_id, item=ref, now=NOW)

    def item_after(self, barcode: str) -> ItemAfter:
        item = self.session.execute(sa.select(Item).where(col(Item.barcode) == barcode)).scalar_one()
        holder = self.session.execute(
            sa.select(col(Patron.card_number))
            .join(Loan, col(Loan.patron_id) == col(Patron.id))
            .where(col(Loan.item_id) == item.id, col(Loan.returned_at).is_(None))
        ).scalar_one_or_none()
        return ItemAfter(item.status, holder)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_the_services_answer_the_scenario_table(
    session: Session, circulation: CirculationContext, scenario: Scenario
) -> None:
    play(scenario, ServicesDesk(session, circulation, scenario))
