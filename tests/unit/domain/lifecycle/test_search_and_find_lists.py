"""The search list for staff and the find list for handhelds, at a given time, in walking order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.domain.lifecycle.lists import TracedItem, find_list, lost_list, search_list
from server.domain.lifecycle.settings import MissingTimers
from server.domain.lifecycle.trace import LossKind, Trace, Whereabouts

T0 = datetime(2026, 3, 2, tzinfo=UTC)
NOW = T0 + timedelta(days=40)
TIMERS = MissingTimers()


def missing(days_ago: int, searched_days_ago: int | None = None) -> Trace:
    searched = None if searched_days_ago is None else NOW - timedelta(days=searched_days_ago)
    return Trace(
        Whereabouts.MISSING, LossKind.SHELF, since=NOW - timedelta(days=days_ago), searched_at=searched
    )


ITEMS = [
    TracedItem(1, "B1", "E0040000000001", "T2", "895.9223 NG-A", missing(40)),  # searches 1 and 2 due
    TracedItem(2, "B2", None, "T2", "004.6 HO-L", missing(10)),  # search 1 due
    TracedItem(3, "B3", None, "T1", "300 TR-B", missing(3)),  # nothing due yet
    TracedItem(4, "B4", None, "T1", "895.9 v.10", missing(35, searched_days_ago=1)),  # searched since
    TracedItem(5, "B5", "E0040000000005", "T1", "895.9 v.2", Trace()),  # present
    TracedItem(
        6, "B6", None, "T1", "895.9 v.3", Trace(Whereabouts.LOST, LossKind.LOAN, since=T0, lost_at=T0)
    ),
    TracedItem(7, "B7", None, "T3", None, missing(500)),  # lost by now (advanced here, job or no job)
]


def test_the_search_list_holds_items_whose_latest_search_is_due_and_not_made() -> None:
    entries = search_list(ITEMS, NOW, TIMERS)
    assert [(e.item_id, e.search_number) for e in entries] == [(2, 1), (1, 2)]  # 004.6 before 895.9223
    assert entries[1].search_due_at == entries[1].missing_since + timedelta(days=30)


def test_the_search_list_of_some_locations() -> None:
    assert [e.item_id for e in search_list(ITEMS, NOW, TIMERS, locations={"T1"})] == []
    assert [e.item_id for e in search_list(ITEMS, NOW, TIMERS, locations={"T2", "T9"})] == [2, 1]


def test_the_find_list_holds_every_missing_or_lost_item_in_shelf_order() -> None:
    entries = find_list(ITEMS, NOW, TIMERS)
    assert [e.item_id for e in entries] == [3, 6, 4, 2, 1, 7]  # T1: 300, 895.9 v.3, v.10 (v.3 < v.10)
    assert [e.item_id for e in entries if e.location == "T1"] == [3, 6, 4]
    by_id = {e.item_id: e for e in entries}
    assert (by_id[7].whereabouts, by_id[7].loss) == (Whereabouts.LOST, LossKind.SHELF)
    assert (by_id[6].whereabouts, by_id[6].loss) == (Whereabouts.LOST, LossKind.LOAN)
    assert by_id[1].tag_uid == "E0040000000001"


def test_the_find_list_of_one_location() -> None:
    assert [e.item_id for e in find_list(ITEMS, NOW, TIMERS, locations=["T1"])] == [3, 6, 4]


LOST = [
    *ITEMS,
    # Lost 45 days ago and kept on the list 10 days ago: no proposal until 30 days after the review.
    TracedItem(
        8,
        "B8",
        None,
        "T1",
        "100 A",
        Trace(
            Whereabouts.LOST,
            LossKind.SHELF,
            since=T0 - timedelta(days=400),
            lost_at=NOW - timedelta(days=45),
            reviewed_at=NOW - timedelta(days=10),
        ),
    ),
]


def test_the_lost_list_keeps_shelf_losses_and_readers_losses_apart() -> None:
    entries = lost_list(LOST, NOW, TIMERS)
    assert [(e.item_id, e.loss) for e in entries] == [
        (8, LossKind.SHELF),
        (6, LossKind.LOAN),
        (7, LossKind.SHELF),
    ]
    assert [e.item_id for e in lost_list(LOST, NOW, TIMERS, loss=LossKind.LOAN)] == [6]
    assert [e.item_id for e in lost_list(LOST, NOW, TIMERS, loss=LossKind.SHELF)] == [8, 7]
    assert [e.item_id for e in lost_list(LOST, NOW, TIMERS, locations={"T3"})] == [7]


def test_the_lost_list_says_which_withdrawals_are_proposed() -> None:
    by_id = {e.item_id: e for e in lost_list(LOST, NOW, TIMERS)}
    # Lost 40 days ago by its reader: proposed 30 days after.
    assert by_id[6].withdrawal_proposed_at == T0 + timedelta(days=30)
    # Missing 500 days: lost at 395, proposed at 425 (both stamped when they fell due).
    assert by_id[7].lost_at == NOW - timedelta(days=105)
    assert by_id[7].withdrawal_proposed_at == NOW - timedelta(days=75)
    assert by_id[8].withdrawal_proposed_at is None  # kept on the list: its clock restarted
