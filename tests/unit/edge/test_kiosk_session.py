"""The kiosk's session machine against the circulation double: states, what each action asks, the tag set
as the server says, and answers that come late."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from contract.common import ItemRef
from contract.events import CheckinRequested, CheckoutRequested, PatronLoginRequested, PatronLogoutRequested
from contract.replies import ReasonCode, SecurityAction
from devices.errors import DeviceTimeoutError
from edge.kiosk.answers import Answered, TagProblem
from edge.kiosk.session import KioskSession, PadError, SessionState, SessionStateError
from tests.support.circulation_double import CirculationDouble
from tests.support.direct_requester import DirectRequester
from tests.support.kiosk_library import library

CARD, PIN = "SV2100000", "1000"
TAGGED = ItemRef(barcode="VV000001", tag_uid="E0040150" + "00000001")


class ListPad:
    """A pad that holds what the test puts on it and records every tag it is asked to set."""

    def __init__(self) -> None:
        self.books: list[ItemRef] = []
        self.set: list[tuple[str | None, SecurityAction]] = []
        self.tags_refuse = False
        self.reader_silent = False
        self.problems: dict[str, TagProblem] = {}  # tag UID → what the pad found wrong with it
        self.cards: tuple[str, ...] = ()  # readers' RFID cards lying on it

    def read(self, each: Callable[[ItemRef], None] | None = None) -> list[ItemRef]:
        if self.reader_silent:
            raise DeviceTimeoutError("no valid reply")
        for book in list(self.books):
            if each is not None:
                each(book)
        return list(self.books)

    def apply_security(self, ref: ItemRef, action: SecurityAction) -> bool:
        self.set.append((ref.tag_uid, action))
        return not self.tags_refuse

    def tag_problem(self, tag_uid: str) -> TagProblem | None:
        return self.problems.get(tag_uid)


@pytest.fixture
def desk() -> CirculationDouble:
    return library(patrons=2, items=6)[1]


@pytest.fixture
def requester(desk: CirculationDouble) -> DirectRequester:
    return DirectRequester(desk)


@pytest.fixture
def pad() -> ListPad:
    return ListPad()


@pytest.fixture
def session(requester: DirectRequester, pad: ListPad) -> KioskSession:
    return KioskSession(requester, pad=pad)


def who(session: KioskSession) -> tuple[object, str | None, bool]:
    """The session id, the card signed in, and whether the patron's account is shown."""
    return session.session_id, session.card_number, session.patron is not None


def kinds(requester: DirectRequester) -> list[str]:
    return [event.KIND for event in requester.sent]


def test_signing_in_and_out_moves_between_idle_and_signed_in(session: KioskSession) -> None:
    states = [session.state]
    assert session.sign_in(CARD, PIN).code is ReasonCode.OK
    states.append(session.state)
    signed_in = who(session)
    assert session.sign_out().code is ReasonCode.OK
    states.append(session.state)
    assert states == [SessionState.IDLE, SessionState.SIGNED_IN, SessionState.IDLE]
    assert signed_in[0] is not None
    assert signed_in[1:] == (CARD, True)
    assert who(session) == (None, None, False)


def test_a_refused_sign_in_stays_idle(session: KioskSession) -> None:
    assert session.sign_in(CARD, "9999").code is ReasonCode.WRONG_PIN
    assert session.state is SessionState.IDLE


def test_what_the_state_does_not_allow_is_refused_without_asking(
    session: KioskSession, requester: DirectRequester
) -> None:
    refused: list[Callable[[], Answered]] = [
        lambda: session.borrow(TAGGED),
        lambda: session.renew(TAGGED),
        session.sign_out,
    ]
    for action in refused:
        with pytest.raises(SessionStateError):
            action()
    session.sign_in(CARD, PIN)
    with pytest.raises(SessionStateError):
        session.sign_in(CARD, PIN)
    assert kinds(requester) == [PatronLoginRequested.KIND]


def test_a_book_is_lent_when_signed_in_and_returned_when_not(
    session: KioskSession, requester: DirectRequester, pad: ListPad
) -> None:
    session.sign_in(CARD, PIN)
    lent = session.item_identified(TAGGED)
    assert (lent.code, lent.security_applied) == (ReasonCode.OK, True)
    session.sign_out()
    back = session.item_identified(TAGGED)
    assert (back.code, back.security_applied) == (ReasonCode.OK, True)
    assert back.asked.card_number is None  # a return needs nobody signed in
    assert kinds(requester) == [
        PatronLoginRequested.KIND,
        CheckoutRequested.KIND,
        PatronLogoutRequested.KIND,
        CheckinRequested.KIND,
    ]
    assert pad.set == [(TAGGED.tag_uid, "unsecure"), (TAGGED.tag_uid, "secure")]


def test_the_tag_is_set_only_when_the_server_says_so(
    session: KioskSession, desk: CirculationDouble, pad: ListPad
) -> None:
    session.sign_in(CARD, PIN)
    desk.items[TAGGED.barcode or ""] = "missing"
    refused = session.borrow(TAGGED)
    assert (refused.code, refused.security_applied) == (ReasonCode.ITEM_UNAVAILABLE, None)
    scanned = session.borrow(ItemRef(barcode="VV000002"))
    assert (scanned.code, scanned.security_applied) == (ReasonCode.OK, None)  # no tag named: none to set
    assert pad.set == []


def test_a_tag_that_cannot_be_set_is_reported(session: KioskSession, pad: ListPad) -> None:
    pad.tags_refuse = True
    session.sign_in(CARD, PIN)
    answered = session.borrow(TAGGED)
    assert (answered.code, answered.security_applied) == (ReasonCode.OK, False)


def test_placing_books_asks_about_each_new_one_once(
    session: KioskSession, requester: DirectRequester, pad: ListPad
) -> None:
    other = ItemRef(barcode="VV000002", tag_uid="E0040150" + "00000002")
    session.sign_in(CARD, PIN)
    pad.books = [TAGGED]
    assert [a.asked.item for a in session.place_item()] == [TAGGED]
    pad.books = [TAGGED, other]
    assert [a.asked.item for a in session.place_item()] == [other]  # the first still lies there
    session.pad_cleared()
    pad.books = [TAGGED]
    assert [a.code for a in session.place_item()] == [ReasonCode.ALREADY_ON_LOAN_TO_YOU]
    assert kinds(requester).count(CheckoutRequested.KIND) == 3


def test_a_silent_pad_or_none_at_all(requester: DirectRequester, pad: ListPad) -> None:
    pad.reader_silent = True
    with pytest.raises(PadError, match="did not answer"):
        KioskSession(requester, pad=pad).place_item()
    with pytest.raises(SessionStateError):
        KioskSession(requester).place_item()
    assert requester.sent == []


def test_a_timed_out_request_is_not_asked_again_and_its_late_answer_comes_once(
    requester: DirectRequester, pad: ListPad
) -> None:
    late: list[Answered] = []
    session = KioskSession(requester, pad=pad, on_late_answer=late.append)
    session.sign_in(CARD, PIN)
    requester.time_out = {CheckoutRequested.KIND}
    answered = session.borrow(TAGGED)
    assert (answered.reply, answered.security_applied) == (None, None)
    assert session.requests.unanswered == 1
    assert kinds(requester).count(CheckoutRequested.KIND) == 1
    (reply,) = requester.late
    session.requests.on_late_reply(reply)
    session.requests.on_late_reply(reply)  # a repeat is an answer to nothing asked now
    assert [(a.late, a.code, a.asked.item) for a in late] == [(True, ReasonCode.OK, TAGGED)]
    assert session.requests.unanswered == 0
    assert pad.set == []  # a late answer sets no tag: the book has left with the patron


def test_an_answer_arriving_as_the_kiosk_stops_waiting_is_handed_over(requester: DirectRequester) -> None:
    late: list[Answered] = []
    session = KioskSession(requester, on_late_answer=late.append)
    requester.time_out = {PatronLoginRequested.KIND}
    requester.late_at_timeout = session.requests.on_late_reply
    assert session.sign_in(CARD, PIN).reply is None
    assert [(a.asked.kind, a.code) for a in late] == [(PatronLoginRequested.KIND, ReasonCode.OK)]
    assert session.state is SessionState.IDLE  # the patron had walked away
    assert session.requests.unanswered == 0
