"""Shelf lists on the handheld: asked for on joining a shelf, kept on disk, and used to judge reads at once
with no server — wrong shelf (and where it belongs), on loan, out of order, find-list hits."""

from __future__ import annotations

from contract.common import LocalizedText, new_event_id
from contract.replies import Decision, ReasonCode, StocktakeShelfList
from contract.stocktake import FindItem, FindReason, ListedItem, ShelfListAsked
from edge.handheld.alerts import AlertKind
from edge.handheld.list_requests import REASK_S
from tests.unit.edge.handheld.rig import T0, Rig, own


def uid(n: int) -> str:
    return f"E0040100{n:08X}"


def book(n: int) -> str:
    return f"VV{n:06d}"


def shelf_list(
    shelf: str, numbers: list[int], *, on_loan: int | None = None, hold: int | None = None
) -> StocktakeShelfList:
    return StocktakeShelfList(
        request_id=new_event_id(),
        correlation_id=new_event_id(),
        issued_at=T0,
        decision=Decision(ok=True, code=ReasonCode.OK, message=LocalizedText(vi="Xong", en="Done")),
        session_id=7,
        shelf_code=shelf,
        items=[
            ListedItem(barcode=book(n), tag_uid=uid(n), expected=n != on_loan, on_loan=n == on_loan)
            for n in numbers
        ],
        find=[]
        if hold is None
        else [FindItem(barcode=book(hold), tag_uid=uid(hold), reason=FindReason.HOLD)],
    )


def refused(shelf: str) -> StocktakeShelfList:
    decision = Decision(
        ok=False, code=ReasonCode.STOCKTAKE_REFUSED, message=LocalizedText(vi="Không", en="No")
    )
    return StocktakeShelfList(
        request_id=new_event_id(),
        correlation_id=new_event_id(),
        issued_at=T0,
        decision=decision,
        session_id=7,
        shelf_code=shelf,
        refusal="session 7: paused",
    )


def test_joining_a_shelf_asks_for_its_list_once(handheld: Rig) -> None:
    handheld.agent.choose_shelf("A1")
    handheld.agent.flush()
    (asked,) = handheld.emitter.asked
    assert asked.payload == ShelfListAsked(session_id=7, shelf_code="A1")
    asked.future.set_result(shelf_list("A1", [1, 2]))
    assert handheld.lists.has(7, "A1")
    handheld.agent.choose_shelf("A1")  # the same shelf again: its list is kept
    assert len(handheld.emitter.asked) == 1
    assert (handheld.agent.counters().lists_asked, handheld.agent.counters().lists_kept) == (1, 1)


def test_a_list_that_does_not_come_is_asked_for_again_later(handheld: Rig) -> None:
    handheld.agent.choose_shelf("A1")
    handheld.emitter.asked[0].future.set_result(refused("A1"))
    assert not handheld.lists.has(7, "A1")
    handheld.agent.flush()
    assert len(handheld.emitter.asked) == 1
    handheld.mono.step(REASK_S + 1)
    handheld.agent.flush()
    assert len(handheld.emitter.asked) == 2


def test_a_list_from_an_earlier_run_is_kept_when_it_comes(handheld: Rig) -> None:
    handheld.agent.on_late_reply(shelf_list("A1", [1]))
    assert handheld.lists.has(7, "A1")


def test_reads_are_judged_against_the_kept_lists_after_a_restart(handheld: Rig) -> None:
    handheld.lists.keep(shelf_list("A1", list(range(1, 9)), on_loan=6, hold=3))
    handheld.lists.keep(shelf_list("A2", [10]))
    handheld.restart()  # the lists are on disk; no server from here on
    handheld.agent.choose_shelf("A1")
    assert handheld.emitter.asked == []
    for n in (2, 7, 1, 3, 6, 10, 99):
        handheld.field.tags = [own(uid(n), book(n))]
        handheld.agent.poll()
    alerts, _ = handheld.agent.alerts.after(0)
    assert [(a.barcode, a.kind, a.detail) for a in alerts] == [
        (book(1), AlertKind.OUT_OF_ORDER, None),  # read after the 7th book of the shelf
        (book(3), AlertKind.FIND_LIST, "hold"),
        (book(3), AlertKind.OUT_OF_ORDER, None),
        (book(6), AlertKind.ON_LOAN, None),  # within three places of the furthest: not out of order
        (book(10), AlertKind.WRONG_SHELF, "A2"),
        (book(99), AlertKind.WRONG_SHELF, None),  # on no list the handheld keeps
    ]


def test_a_new_visit_starts_shelf_order_again(handheld: Rig) -> None:
    handheld.lists.keep(shelf_list("A1", list(range(1, 9))))
    handheld.agent.choose_shelf("A1")
    handheld.field.tags = [own(uid(8), book(8))]
    handheld.agent.poll()
    handheld.agent.choose_shelf("A1")  # swept again from the start
    handheld.field.tags = [own(uid(1), book(1))]
    handheld.agent.poll()
    assert handheld.agent.alerts.after(0)[0] == []


def test_a_book_on_loan_may_be_disarmed(handheld: Rig) -> None:
    handheld.lists.keep(shelf_list("A1", [1, 2], on_loan=2))
    handheld.agent.choose_shelf("A1")
    handheld.field.tags = [own(uid(2), book(2), secured=False)]
    handheld.agent.poll()
    alerts, _ = handheld.agent.alerts.after(0)
    assert [a.kind for a in alerts] == [AlertKind.ON_LOAN]
