"""What the kiosk makes of input it cannot use: anything a scanner might send, a tag of another library,
a tag whose data cannot be read — a message for the reader, nothing asked that cannot be answered."""

from __future__ import annotations

import pytest

from contract.common import ItemRef
from edge.kiosk.answers import TagProblem
from edge.kiosk.visit import Outcome, SignInStep
from tests.unit.edge.kiosk.test_kiosk_agent import CARD, PIN, Kiosk


@pytest.mark.parametrize(
    "value",
    ["", "   ", "\x00\x1b[2J", "ÿþ\x13", "VV" + "0" * 400, "SV21\u200b00000", "VV000001; DROP TABLE"],
)
def test_whatever_a_scanner_sends_is_refused_in_words_or_ignored(value: str) -> None:
    kiosk = Kiosk()
    kiosk.agent.on_scan(value)
    view = kiosk.agent.view()
    assert view.step is SignInStep.CARD
    assert view.books == ()
    assert kiosk.requester.sent == []
    kiosk.agent.on_scan(CARD)  # the kiosk goes on
    kiosk.agent.sign_in(PIN)
    assert kiosk.agent.view().step is SignInStep.SIGNED_IN


def test_a_tag_of_another_library_is_not_asked_about_and_an_unreadable_one_is_asked_by_uid() -> None:
    kiosk = Kiosk()
    kiosk.sign_in()
    sent = len(kiosk.requester.sent)
    foreign, unreadable, known = (
        ItemRef(tag_uid="E0DD000000000001"),
        ItemRef(tag_uid="E0DD000000000002"),
        kiosk.book(3),
    )
    known_by_uid = ItemRef(tag_uid=known.tag_uid)
    kiosk.pad.problems = {
        "E0DD000000000001": TagProblem.FOREIGN,
        "E0DD000000000002": TagProblem.UNREADABLE,
        known.tag_uid or "": TagProblem.UNREADABLE,
    }
    kiosk.pad.books = [foreign, unreadable, known_by_uid]
    kiosk.agent.poll_pad()
    outcomes = {row.key: row.outcome for row in kiosk.agent.view().books}
    assert outcomes == {
        "E0DD000000000001": Outcome.OTHER_LIBRARY,
        "E0DD000000000002": Outcome.UNREADABLE,
        known.tag_uid: Outcome.LENT,  # its data unreadable, its UID known to the server
    }
    assert [event.payload.item for event in kiosk.requester.sent[sent:]] == [unreadable, known_by_uid]  # type: ignore[attr-defined]
    assert kiosk.pad.set == [(known.tag_uid, "unsecure")]
