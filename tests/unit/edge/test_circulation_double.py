"""The edge tests' circulation double answers the scenario table exactly as the real services do (the same
table runs against them in tests/integration/services/test_circulation_scenarios.py)."""

from __future__ import annotations

import itertools
from uuid import UUID

import pytest

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
    make_event,
)
from contract.replies import ReasonCode
from tests.support.circulation_double import CirculationDouble, DeskPatron
from tests.support.circulation_scenarios import (
    SCENARIOS,
    ItemAfter,
    Renew,
    Request,
    Return,
    Scenario,
    SignIn,
    SignOut,
    Step,
)
from tests.support.scenario_player import KIOSK, Answer, play


class DoubleDesk:
    def __init__(self, scenario: Scenario) -> None:
        self.double = CirculationDouble(
            patrons={
                p.card: DeskPatron(
                    pin=p.pin,
                    blocked=p.blocked,
                    expired=p.expired,
                    fines_due=p.fines_due,
                    pin_failures=p.pin_failures,
                )
                for p in scenario.patrons
            },
            items={item.barcode: item.status for item in scenario.items},
            tags={item.tag_uid: item.barcode for item in scenario.items if item.tag_uid},
            item_types={item.barcode: item.item_type for item in scenario.items},
        )
        for loan in scenario.loans:
            self.double.loans[loan.barcode] = loan.card
            self.double.due[loan.barcode] = loan.due_in_days
            self.double.renewals[loan.barcode] = loan.renewals
            self.double.items[loan.barcode] = "on_loan"
        for hold in scenario.holds:
            (self.double.trapped if hold.ready else self.double.holds)[hold.barcode] = hold.card
        self._seq = itertools.count(1)

    def ask(self, request: Request, session_id: UUID | None) -> Answer:
        model, payload = _event_of(request, session_id)
        event: EventEnvelope = make_event(model, device_id=KIOSK, seq=next(self._seq), payload=payload)
        reply = self.double.answer(event)
        return Answer(
            reply.decision.code,
            reply.decision.ok,
            getattr(reply, "security", None),
            getattr(reply, "session_id", None),
        )

    def item_after(self, barcode: str) -> ItemAfter:
        return ItemAfter(self.double.items[barcode], self.double.loans.get(barcode))


def _event_of(request: Request, session_id: UUID | None) -> tuple[type[EventEnvelope], ContractModel]:
    if isinstance(request, SignIn):
        return PatronLoginRequested, PatronLogin.model_validate(
            {"card_number": request.card, "pin": request.pin}
        )
    assert session_id is not None or isinstance(request, Return)
    if isinstance(request, SignOut):
        return PatronLogoutRequested, SessionPayload(session_id=session_id)
    if isinstance(request, Return):
        return CheckinRequested, ItemOnly(item=ItemRef(barcode=request.barcode, tag_uid=request.tag_uid))
    if isinstance(request, Renew):
        return RenewRequested, ItemForSession(session_id=session_id, item=ItemRef(barcode=request.barcode))
    item = ItemRef(barcode=request.barcode, tag_uid=request.tag_uid)
    return CheckoutRequested, ItemForSession(session_id=session_id, item=item)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_the_double_answers_as_the_services_do(scenario: Scenario) -> None:
    play(scenario, DoubleDesk(scenario))


def test_the_player_notices_an_answer_the_table_does_not_expect() -> None:
    wrong = Scenario("a right PIN refused", (Step(SignIn("SV2100001"), ReasonCode.WRONG_PIN),))
    with pytest.raises(AssertionError, match="a right PIN refused"):
        play(wrong, DoubleDesk(wrong))
    wrong_effect = Scenario(
        "a loan nobody has",
        (Step(Return("VV000001"), ReasonCode.NOT_ON_LOAN, "secure", ItemAfter("available", "SV2100001")),),
    )
    with pytest.raises(AssertionError, match="a loan nobody has"):
        play(wrong_effect, DoubleDesk(wrong_effect))
