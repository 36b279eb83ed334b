"""What the kiosk's screen makes of each answer: a book's outcome (lent only once its tag is unsecured,
taken away when gone from the pad by then, where a return goes) and where a sign-in leaves the reader."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from contract.common import ItemRef, LocalizedText
from contract.events import CheckinRequested, CheckoutRequested, PatronLoginRequested
from contract.replies import (
    CheckinResult,
    CheckoutResult,
    Decision,
    HoldNotice,
    PatronLoginResult,
    ReasonCode,
    ReplyBase,
)
from edge.kiosk.answers import Answered, Asked
from edge.kiosk.visit import Outcome, SignInStep, decided, sign_in_answer

REF = ItemRef(barcode="VV000001", tag_uid="E004015000000001")
DUE = datetime(2026, 12, 16, 10, tzinfo=UTC)
OK_CODES = {ReasonCode.OK, ReasonCode.OK_HOLD_WAITING, ReasonCode.OK_HOLD_READY_FOR_YOU}


def reply(model: type[ReplyBase], code: ReasonCode, **fields: Any) -> ReplyBase:
    text = LocalizedText(vi=f"vi:{code}", en=f"en:{code}")
    decision = Decision(ok=code in OK_CODES, code=code, message=text)
    now = datetime.now(UTC)
    return model(request_id=uuid4(), correlation_id=uuid4(), issued_at=now, decision=decision, **fields)


def lending(code: ReasonCode | None, applied: bool | None) -> Answered:
    answer = None if code is None else reply(CheckoutResult, code, due_at=DUE)
    return Answered(Asked(CheckoutRequested.KIND, "SV1", REF), answer, 0.1, security_applied=applied)


def returning(code: ReasonCode | None, applied: bool | None, **fields: Any) -> Answered:
    answer = None if code is None else reply(CheckinResult, code, **fields)
    return Answered(Asked(CheckinRequested.KIND, None, REF), answer, 0.1, security_applied=applied)


HOLD = HoldNotice(pickup_location="Sảnh", message=LocalizedText(vi="giữ", en="held"))


@pytest.mark.parametrize(
    ("answered", "on_pad", "outcome"),
    [
        (lending(ReasonCode.OK, True), True, Outcome.LENT),
        (lending(ReasonCode.OK_HOLD_READY_FOR_YOU, True), True, Outcome.LENT),
        (lending(ReasonCode.OK, False), True, Outcome.NOT_UNSECURED),
        (lending(ReasonCode.OK, False), False, Outcome.TAKEN_AWAY),
        (lending(ReasonCode.ALREADY_ON_LOAN_TO_YOU, True), True, Outcome.ALREADY_YOURS),
        (lending(ReasonCode.ON_HOLD_FOR_OTHER, None), True, Outcome.NOT_LENT),
        (lending(ReasonCode.MAX_LOANS, None), True, Outcome.NOT_LENT),
        (lending(None, None), True, Outcome.NO_ANSWER),
        (returning(ReasonCode.OK, True), True, Outcome.TO_RETURN_BIN),
        (returning(ReasonCode.OK_HOLD_WAITING, True, hold=HOLD), True, Outcome.TO_HOLD_TRAY),
        (returning(ReasonCode.NOT_ON_LOAN, None), True, Outcome.NOT_RETURNED),
        (returning(None, None), True, Outcome.NO_ANSWER),
    ],
)
def test_each_answer_has_its_outcome(answered: Answered, on_pad: bool, outcome: Outcome) -> None:
    assert decided(answered, on_pad=on_pad).outcome is outcome


def test_a_lent_book_shows_its_due_date_and_a_refused_one_the_servers_words() -> None:
    lent = decided(lending(ReasonCode.OK, True), on_pad=True)
    assert (lent.due_at, lent.tone, lent.borrowing) == (DUE, "success", True)
    refused = decided(lending(ReasonCode.ON_HOLD_FOR_OTHER, None), on_pad=True)
    assert refused.message is not None
    assert refused.message.vi == "vi:on_hold_for_other"
    assert (refused.due_at, refused.tone) == (None, "danger")
    not_unsecured = decided(lending(ReasonCode.OK, False), on_pad=True)
    assert not_unsecured.due_at is None  # not counted as lent


def test_a_return_keeps_its_fine_and_a_tag_that_would_not_secure() -> None:
    row = decided(returning(ReasonCode.OK, False, fine_charged=5000), on_pad=True)
    assert (row.outcome, row.fine) == (Outcome.TO_RETURN_BIN, 5000)
    assert (row.tag_failed, row.borrowing) == (True, False)


def signing_in(code: ReasonCode | None) -> Answered:
    fields: dict[str, Any] = {"session_id": uuid4()} if code is ReasonCode.OK else {}
    answer = None if code is None else reply(PatronLoginResult, code, **fields)
    return Answered(Asked(PatronLoginRequested.KIND, "SV1"), answer, 0.1)


@pytest.mark.parametrize(
    ("code", "step", "title", "tone"),
    [
        (ReasonCode.OK, SignInStep.SIGNED_IN, None, None),
        (ReasonCode.WRONG_PIN, SignInStep.PIN, "Wrong PIN", "warning"),
        (ReasonCode.PIN_LOCKED, SignInStep.CARD, "PIN locked", "danger"),
        (ReasonCode.UNKNOWN_PATRON, SignInStep.CARD, "Card not recognised", "danger"),
        (ReasonCode.PATRON_BLOCKED, SignInStep.CARD, "Your account is blocked", "danger"),
        (ReasonCode.INVALID_REQUEST, SignInStep.CARD, "You cannot sign in now", "danger"),
        (None, SignInStep.PIN, "The library's system is not answering", "danger"),
    ],
)
def test_a_sign_in_leaves_the_reader_where_they_can_go_on(
    code: ReasonCode | None, step: SignInStep, title: str | None, tone: str | None
) -> None:
    got_step, notice = sign_in_answer(signing_in(code))
    assert got_step is step
    assert ((notice.title, notice.tone) if notice else (None, None)) == (title, tone)
    if code is ReasonCode.WRONG_PIN:
        assert notice is not None
        assert notice.next_step == "Type your PIN again."
        assert notice.message is not None
        assert notice.message.en == "en:wrong_pin"
