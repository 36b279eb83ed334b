"""A loan the reader was told did not happen is never left open: a tag that will not unsecure, a book
taken off the pad too soon, and a checkout whose answer came after the kiosk stopped waiting — shown lent
when the reader and the book are still there, else taken back through the same requests."""

from __future__ import annotations

from contract.events import CheckinRequested, CheckoutRequested
from edge.kiosk.visit import Outcome
from tests.unit.edge.kiosk.test_kiosk_agent import Kiosk, RefusingPad

CHECKOUT, CHECKIN = CheckoutRequested.KIND, CheckinRequested.KIND


def kinds(kiosk: Kiosk) -> list[str]:
    return [event.KIND for event in kiosk.requester.sent]


def lent_shown(kiosk: Kiosk) -> int:
    """The books the reader's count of loans goes up by (`sign_in.html`)."""
    return sum(row.outcome is Outcome.LENT for row in kiosk.agent.view().books)


def test_a_tag_that_will_not_unsecure_has_its_loan_taken_back_at_once() -> None:
    kiosk = Kiosk()
    kiosk.sign_in()
    kiosk.pad.books = [kiosk.book(0)]
    kiosk.pad.tags_refuse = True
    kiosk.agent.poll_pad()
    assert kiosk.outcomes() == {"VV000000": Outcome.NOT_UNSECURED}
    assert kinds(kiosk)[-2:] == [CHECKOUT, CHECKIN]
    assert "VV000000" not in kiosk.desk.loans
    assert kiosk.desk.items["VV000000"] == "available"
    assert kiosk.pad.set == [(kiosk.book(0).tag_uid, "unsecure")]  # the tag, never released, left alone
    assert lent_shown(kiosk) == 0
    assert kiosk.agent.counters()["loans_taken_back"] == 1


def test_a_book_lifted_before_its_tag_was_set_is_taken_back_and_lent_afresh_when_put_back() -> None:
    kiosk = Kiosk()
    pad = RefusingPad()
    kiosk.agent.session.pad = pad
    kiosk.sign_in()
    pad.books = [kiosk.book(1)]
    pad.lift_on_set = {kiosk.book(1).tag_uid or ""}
    kiosk.agent.poll_pad()
    assert kiosk.outcomes() == {"VV000001": Outcome.TAKEN_AWAY}
    assert "VV000001" not in kiosk.desk.loans
    pad.lift_on_set = set()
    kiosk.agent.poll_pad()  # the pad without it
    pad.books = [kiosk.book(1)]
    kiosk.agent.poll_pad()
    assert kiosk.outcomes() == {"VV000001": Outcome.LENT}
    assert kiosk.desk.loans["VV000001"] == "SV2100000"


def test_a_take_back_without_an_answer_stays_queued_and_its_answer_changes_nothing() -> None:
    kiosk = Kiosk()
    kiosk.sign_in()
    kiosk.requester.time_out.add(CHECKIN)
    kiosk.pad.books = [kiosk.book(0)]
    kiosk.pad.tags_refuse = True
    kiosk.agent.poll_pad()
    assert kiosk.agent.counters()["unanswered"] == 1
    sent = len(kiosk.requester.sent)
    kiosk.agent.on_late_reply(kiosk.requester.late.pop())
    assert kiosk.agent.settle_late() == 1
    assert kiosk.outcomes() == {"VV000000": Outcome.NOT_UNSECURED}
    assert len(kiosk.requester.sent) == sent  # asked once, never again
    assert kiosk.agent.counters()["unanswered"] == 0
    assert kiosk.desk.applied.count((CHECKIN, "VV000000")) == 1


def late_checkout(kiosk: Kiosk, n: int = 0) -> None:
    """A book on the pad whose checkout gets no answer in time: its answer is kept for the test."""
    kiosk.requester.time_out.add(CHECKOUT)
    kiosk.pad.books = [kiosk.book(n)]
    kiosk.agent.poll_pad()
    assert kiosk.outcomes() == {kiosk.book(n).barcode: Outcome.NO_ANSWER}
    assert kiosk.pad.set == []


def arrives(kiosk: Kiosk) -> None:
    kiosk.agent.on_late_reply(kiosk.requester.late.pop())  # the runtime's thread: nothing done there
    kiosk.agent.settle_late()  # the agent's loop


def test_a_late_loan_with_the_reader_and_the_book_still_there_is_unsecured_and_shown_lent() -> None:
    kiosk = Kiosk()
    kiosk.sign_in()
    late_checkout(kiosk)
    kiosk.agent.on_late_reply(kiosk.requester.late.pop())
    assert kiosk.outcomes() == {"VV000000": Outcome.NO_ANSWER}  # not on the delivering thread
    kiosk.agent.settle_late()
    assert kiosk.outcomes() == {"VV000000": Outcome.LENT}
    assert kiosk.agent.view().books[0].due_at is not None
    assert kiosk.pad.set == [(kiosk.book(0).tag_uid, "unsecure")]
    assert kiosk.desk.loans["VV000000"] == "SV2100000"
    assert lent_shown(kiosk) == 1


def test_a_late_loan_whose_book_left_the_pad_is_taken_back() -> None:
    kiosk = Kiosk()
    kiosk.sign_in()
    late_checkout(kiosk)
    kiosk.pad.books = []
    arrives(kiosk)
    assert kiosk.outcomes() == {"VV000000": Outcome.TAKEN_AWAY}
    assert kinds(kiosk)[-1] == CHECKIN
    assert "VV000000" not in kiosk.desk.loans
    assert kiosk.pad.set == []
    assert kiosk.agent.counters()["loans_taken_back"] == 1


def test_a_late_loan_whose_tag_will_not_unsecure_is_taken_back() -> None:
    kiosk = Kiosk()
    kiosk.sign_in()
    late_checkout(kiosk)
    kiosk.pad.tags_refuse = True
    arrives(kiosk)
    assert kiosk.outcomes() == {"VV000000": Outcome.NOT_UNSECURED}
    assert "VV000000" not in kiosk.desk.loans


def test_a_late_loan_after_the_reader_left_is_taken_back_without_a_trace_on_the_screen() -> None:
    kiosk = Kiosk()
    kiosk.sign_in()
    late_checkout(kiosk)
    kiosk.agent.sign_out()
    arrives(kiosk)
    assert kiosk.agent.view().books == ()
    assert "VV000000" not in kiosk.desk.loans
    assert kiosk.pad.set == []  # still secured: never released


def test_a_late_loan_after_another_reader_signed_in_is_not_theirs() -> None:
    kiosk = Kiosk()
    kiosk.sign_in()
    late_checkout(kiosk)
    kiosk.agent.sign_out()
    kiosk.sign_in(card="SV2100001", pin="1001")
    arrives(kiosk)
    assert "VV000000" not in kiosk.desk.loans
    assert kiosk.pad.set == []


def test_a_late_refusal_is_shown_and_nothing_is_taken_back() -> None:
    kiosk = Kiosk()
    kiosk.desk.holds["VV000000"] = "SV2100001"
    kiosk.desk.items["VV000000"] = "on_hold_shelf"
    kiosk.desk.trapped["VV000000"] = "SV2100001"
    kiosk.sign_in()
    late_checkout(kiosk)
    sent = len(kiosk.requester.sent)
    arrives(kiosk)
    assert kiosk.outcomes() == {"VV000000": Outcome.NOT_LENT}
    assert len(kiosk.requester.sent) == sent


def test_a_late_loan_of_a_book_scanned_by_barcode_is_shown_lent_to_the_reader_still_there() -> None:
    kiosk = Kiosk()
    kiosk.sign_in()
    kiosk.requester.time_out.add(CHECKOUT)
    kiosk.agent.on_scan("VV000003")
    arrives(kiosk)
    assert kiosk.outcomes() == {"VV000003": Outcome.LENT}
    assert kiosk.desk.loans["VV000003"] == "SV2100000"


def test_a_late_return_with_the_book_still_on_the_pad_has_its_tag_secured() -> None:
    kiosk = Kiosk()
    kiosk.desk.loans["VV000002"] = "SV2100000"
    kiosk.desk.items["VV000002"] = "on_loan"
    kiosk.requester.time_out.add(CHECKIN)
    kiosk.pad.books = [kiosk.book(2)]
    kiosk.agent.poll_pad()
    assert kiosk.outcomes() == {"VV000002": Outcome.NO_ANSWER}
    assert kiosk.pad.set == []
    arrives(kiosk)
    assert kiosk.outcomes() == {"VV000002": Outcome.TO_RETURN_BIN}
    assert kiosk.pad.set == [(kiosk.book(2).tag_uid, "secure")]
