"""Reconciliation of whole sessions: every class and issue, with its evidence."""

from __future__ import annotations

import pytest

from server.domain.enums import ItemStatus
from server.domain.stocktake.facts import Security, Seen, Sweep
from server.domain.stocktake.results import Issue, ItemClass
from server.domain.stocktake.shelf_order import BookMove, Stray
from server.domain.stocktake.tags import TagEvent, TagVerdict
from tests.unit.domain.stocktake.library import A, B, C, D, Session, at, book, classes, result_of

AVAILABLE, ON_LOAN = ItemStatus.AVAILABLE, ItemStatus.ON_LOAN


def shelf_a() -> Session:
    """Shelf A holds 1..6 (110, 120, … 160); shelf B holds 21, 22."""
    session = Session().add(*(book(n, f"1{n}0 X") for n in range(1, 7)))
    return session.add(book(21, "210 Y"), book(22, "220 Y"))


def test_found_in_place_is_only_counted() -> None:
    result = shelf_a().sweep(A, 60, 70, 1, 2, 3, 4, 5, 6).sweep(B, 70, 75, 21, 22).reconcile()
    assert result.results == ()
    assert classes(result) == {"found": 8}
    assert result.class_counts == {(A, "book", ItemClass.FOUND): 6, (B, "book", ItemClass.FOUND): 2}


def test_missing_is_said_only_of_swept_shelves() -> None:
    result = shelf_a().sweep(A, 60, 70, 1, 2, 4, 5, 6).reconcile()
    missing = result_of(result, 3)
    assert missing is not None
    assert (missing.cls, missing.belongs, missing.sweep) == (
        ItemClass.MISSING,
        A,
        Sweep(A, "hh-1", at(60), at(70)),
    )
    assert classes(result) == {"found": 5, "missing": 1, "not_swept": 2}  # B was not swept
    assert result_of(result, 21) is None


def test_a_partial_stock_take_reports_nothing_outside_its_scope() -> None:
    # Only shelf A is in scope; B is swept too, but its unseen book 22 is none of this session's business.
    session = Session(scope_shelves=frozenset({A})).add(*(book(n, f"1{n}0 X") for n in range(1, 4)))
    session.add(book(21, "210 Y"), book(22, "220 Y"), outside=True)
    result = session.sweep(A, 60, 70, 1, 2, 3).sweep(B, 70, 75, 21).reconcile()
    assert classes(result) == {"found": 3}
    assert result.outside_counts == {(B, "book", ItemClass.FOUND): 1}
    assert result.results == ()
    assert [(c.shelf_id, c.in_scope, c.swept) for c in result.coverage] == [(A, True, True), (B, False, True)]


def test_coverage_lists_unswept_shelves() -> None:
    result = shelf_a().sweep(A, 60, 70, 1, 2, 3, 4, 5, 6).sweep(A, 200, 210, 1).reconcile()
    assert [(c.shelf_id, c.swept, len(c.sweeps)) for c in result.coverage] == [
        (A, True, 2),
        (B, False, 0),
        (C, False, 0),
    ]
    assert [s.started_at for s in result.coverage[0].sweeps] == [at(60), at(200)]


def test_wrong_place_says_where_it_was_seen_and_where_it_belongs() -> None:
    result = shelf_a().sweep(A, 60, 70, 1, 2, 3, 4, 5, 6).sweep(B, 70, 76, 21, 5, 22).reconcile()
    assert result_of(result, 5) is None  # also read on its own shelf: found (a wand reads across a boundary)
    result = shelf_a().sweep(A, 60, 70, 1, 2, 3, 4, 6).sweep(B, 70, 76, 21, 5, 22).reconcile()
    wrong = result_of(result, 5)
    assert wrong is not None
    assert (wrong.cls, wrong.belongs, wrong.seen) == (ItemClass.WRONG_PLACE, A, Seen(B, at(73), "hh-1", 7))
    check_b = next(c for c in result.orders if c.shelf_id == B)
    assert check_b.strays == (Stray(5, 1, A),)
    assert check_b.moves == ()


def test_a_span_holds_a_book_homed_on_the_next_shelf() -> None:
    session = Session().add(book(1, "110"), book(2, "199.9 Z", home=B), book(3, "150"))
    result = session.sweep(A, 60, 70, 1, 3, 2).reconcile()
    assert classes(result) == {"found": 3}


def test_out_of_order_blames_only_the_misplaced_book() -> None:
    session = Session().add(*(book(n, f"1{n}0") for n in range(1, 10)))
    result = session.sweep(A, 60, 70, 1, 2, 3, 9, 4, 5, 6, 7, 8).reconcile()
    moved = result_of(result, 9)
    assert moved is not None
    assert (moved.cls, moved.issues) == (ItemClass.FOUND, (Issue.OUT_OF_ORDER,))
    (check,) = result.orders
    assert check.moves == (BookMove(9, 3, 8, None, 5),)  # after 8, last on the shelf
    assert classes(result) == {"found": 9, "out_of_order": 1}


def test_reading_jitter_is_not_out_of_order() -> None:
    session = Session().add(*(book(n, f"1{n}0") for n in range(1, 10)))
    assert session.sweep(A, 60, 70, 2, 1, 3, 5, 4, 6, 8, 7, 9).reconcile().orders[0].moves == ()


def test_only_the_last_sweep_of_a_shelf_is_judged() -> None:
    session = Session().add(*(book(n, f"1{n}0") for n in range(1, 10)))
    session.sweep(A, 60, 70, 1, 2, 3, 9, 4, 5, 6, 7, 8)  # a shelver put 9 back, then A was swept again
    result = session.sweep(A, 100, 110, 1, 2, 3, 4, 5, 6, 7, 8, 9).reconcile()
    assert [(c.sweep.started_at, c.moves) for c in result.orders] == [(at(100), ())]


def test_order_is_judged_on_the_sweeping_device_only() -> None:
    session = Session().add(*(book(n, f"1{n}0") for n in range(1, 7)))
    session.read(62, 6, A, device="hh-2").read(63, 1, A, device="hh-2")  # a second handheld nearby
    result = session.sweep(A, 60, 70, 1, 2, 3, 4, 5, 6).reconcile()
    assert result.orders[0].moves == ()


def test_on_loan_but_on_the_shelf_ends_the_loan_at_the_first_sighting() -> None:
    session = shelf_a().add(book(7, "170 X", ON_LOAN, loan_id=55))
    result = session.read(20, 7, A).sweep(A, 60, 70, 1, 2, 3, 4, 5, 6, 7).reconcile()
    found = result_of(result, 7)
    assert found is not None
    assert (found.cls, found.issues, found.loan_id) == (ItemClass.FOUND, (Issue.ON_LOAN_ON_SHELF,), 55)
    assert found.loan_ends is not None
    assert found.loan_ends.at == at(20)
    assert found.seen is not None
    assert found.seen.at > at(60)


def test_lent_then_seen_on_the_shelf_ends_that_loan_at_the_sighting_after_it() -> None:
    session = shelf_a().read(20, 3, A).lend(30, 3, loan=77)
    found = result_of(session.sweep(A, 60, 70, 1, 2, 3, 4, 5, 6).reconcile(), 3)
    assert found is not None
    assert (found.issues, found.loan_id, found.status, found.now) == (
        (Issue.ON_LOAN_ON_SHELF,),
        77,
        ON_LOAN,
        ON_LOAN,
    )
    assert found.loan_ends is not None
    assert found.loan_ends.at > at(60)  # not the read at 08:20, before the loan


def test_a_book_checked_out_after_it_was_counted_was_found() -> None:
    result = shelf_a().sweep(A, 60, 70, 1, 2, 3, 4, 5, 6).lend(80, 3).reconcile()
    assert result_of(result, 3) is None
    assert classes(result)["found"] == 6


@pytest.mark.parametrize(
    ("lend_at", "back_at", "cls"),
    [
        (30, None, ItemClass.LENT_BEFORE_SWEEP),
        (80, None, ItemClass.LENT_AFTER_SWEEP),
        (30, 40, ItemClass.RETURNED_NOT_SEEN),
        (30, 90, ItemClass.RETURNED_AFTER_SWEEP),
    ],
)
def test_lent_during_the_session_and_not_seen(lend_at: float, back_at: float | None, cls: ItemClass) -> None:
    session = shelf_a().lend(lend_at, 3)
    if back_at is not None:
        session.give_back(back_at, 3)
    found = result_of(session.sweep(A, 60, 70, 1, 2, 4, 5, 6).reconcile(), 3)
    assert found is not None
    assert found.cls is cls
    assert found.change is not None


@pytest.mark.parametrize(
    ("status", "issue"),
    [
        (ItemStatus.MISSING, Issue.FOUND_MARKED_ABSENT),
        (ItemStatus.LOST, Issue.FOUND_MARKED_ABSENT),
        (ItemStatus.WITHDRAWN, Issue.FOUND_MARKED_ABSENT),
        (ItemStatus.ON_HOLD_SHELF, Issue.OTHER_STATUS),
    ],
)
def test_seen_with_a_status_that_says_it_is_not_here(status: ItemStatus, issue: Issue) -> None:
    result = shelf_a().add(book(7, "170 X", status)).sweep(A, 60, 70, 1, 2, 3, 4, 5, 6, 7).reconcile()
    found = result_of(result, 7)
    assert found is not None
    assert (found.cls, found.issues, found.status) == (ItemClass.FOUND, (issue,), status)


def test_not_expected_items_not_seen_are_only_counted() -> None:
    result = shelf_a().add(book(7, "170 X", ON_LOAN)).sweep(A, 60, 70, 1, 2, 3, 4, 5, 6).reconcile()
    assert result_of(result, 7) is None
    assert classes(result)["not_expected"] == 1


@pytest.mark.parametrize(
    ("security", "lend_at", "armed_later", "flagged"),
    [
        (Security.NOT_ARMED, None, False, True),
        (Security.NOT_ARMED, None, True, False),  # re-armed on a later read
        (Security.NOT_ARMED, 80, False, False),  # lent after the read: unarmed is right
        (Security.NOT_ARMED, 20, False, True),  # on loan when read: re-armed if it is checked in
        (Security.UNKNOWN, None, False, False),
    ],
)
def test_security_not_armed(
    security: Security, lend_at: float | None, armed_later: bool, flagged: bool
) -> None:
    session = shelf_a().sweep(A, 60, 70, 1, 2, 4, 5, 6).read(65, 3, A, security=security)
    if armed_later:
        session.read(66, 3, A, security=Security.ARMED)
    if lend_at is not None:
        session.lend(lend_at, 3)
    found = result_of(session.reconcile(), 3)
    assert (found is not None and Issue.NOT_ARMED in found.issues) is flagged


def test_damage_marked_at_the_shelf() -> None:
    result = shelf_a().mark_damaged(65, 3, A).sweep(A, 60, 70, 1, 2, 4, 5, 6).reconcile()
    damaged = result_of(result, 3)
    assert damaged is not None  # the mark was made with the book in hand: it is not missing
    assert (damaged.cls, damaged.issues) == (ItemClass.FOUND, (Issue.DAMAGED,))
    assert damaged.seen == Seen(A, at(65), "hh-1", -1)


def test_tags() -> None:
    session = shelf_a()
    stranger = TagEvent(TagVerdict.UNKNOWN_FOREIGN, at(66), "hh-1", 99, A, "E0040100AAAA0001", "VN-HCMULIB")
    blank = TagEvent(TagVerdict.UNKNOWN_BLANK, at(61), "hh-1", 98, A, "E0040100AAAA0002")
    disagree = TagEvent(TagVerdict.DISAGREES, at(62), "hh-1", 97, A, "E0040100AAAA0003", "VV000004", 4, 21)
    rewrite = TagEvent(TagVerdict.REWRITE, at(63), "hh-1", 96, A, "E0040100AAAA0004", None, 2)
    session.tags += [stranger, blank, disagree, rewrite]
    result = session.sweep(A, 60, 70, 1, 2, 3, 5, 6).sweep(B, 70, 75, 22).reconcile()
    assert result.tags == (blank, disagree, rewrite, stranger)  # in time order
    unresolved = {r.item_id: r.cls for r in result.results if r.cls is ItemClass.TAG_UNRESOLVED}
    assert unresolved == {4: ItemClass.TAG_UNRESOLVED, 21: ItemClass.TAG_UNRESOLVED}  # neither missing
    repaired = result_of(result, 2)
    assert repaired is not None
    assert repaired.issues == (Issue.TAG_REPAIR,)


def test_items_from_outside_the_scope_are_never_missing_but_may_be_misplaced() -> None:
    session = shelf_a().add(book(40, "410 Z", home=D), book(41, "150 W"), outside=True)
    result = session.sweep(A, 60, 70, 1, 2, 3, 40, 4, 5, 6).reconcile()
    stray = result_of(result, 40)
    assert stray is not None
    assert (stray.cls, stray.in_scope, stray.belongs) == (ItemClass.WRONG_PLACE, False, D)
    assert result.outside_counts == {(D, "book", ItemClass.WRONG_PLACE): 1}
    assert result_of(result, 41) is None


def test_classes_add_up_to_the_scope() -> None:
    session = shelf_a().add(book(7, "170", ON_LOAN), book(8, "180", ItemStatus.LOST), book(9, "310"))
    result = session.lend(30, 2).sweep(A, 60, 70, 1, 3, 8, 21).reconcile()
    counts = {k: v for k, v in classes(result).items() if k in set(ItemClass)}
    assert sum(counts.values()) == len(session.items)
    assert counts == {
        "found": 3,  # 1, 3, and 8 (lost, found)
        "wrong_place": 1,
        "lent_before_sweep": 1,
        "missing": 3,
        "not_expected": 1,
        "not_swept": 2,
    }


def test_reads_in_any_order_give_the_same_result() -> None:
    ordered = shelf_a().sweep(A, 60, 70, 1, 2, 4, 3, 5, 6).sweep(B, 70, 75, 5, 21).reconcile()
    shuffled = shelf_a()
    for minute, item, shelf in [(72, 5, B), (61, 1, A), (73, 21, B), (62, 2, A), (64, 3, A), (63, 4, A)]:
        shuffled.read(minute, item, shelf)
    shuffled.read(65, 5, A).read(66, 6, A)
    shuffled.sweeps += [Sweep(A, "hh-1", at(60), at(70)), Sweep(B, "hh-1", at(70), at(75))]
    again = shuffled.reconcile()
    assert [(r.item_id, r.cls, r.issues) for r in again.results] == [
        (r.item_id, r.cls, r.issues) for r in ordered.results
    ]
    assert again.class_counts == ordered.class_counts


def test_a_read_of_an_item_whose_facts_are_missing_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="item 99 was read"):
        shelf_a().read(61, 99, A).reconcile()


def test_a_read_before_the_handheld_knew_its_shelf_proves_presence_only() -> None:
    result = shelf_a().read(59, 3, None).sweep(A, 60, 70, 1, 2, 4, 5, 6).reconcile()
    found = result_of(result, 3)
    assert found is None  # found, not missing, and not said to be misplaced
    assert classes(result) == {"found": 6, "not_swept": 2}


def test_every_class_and_issue_has_a_case() -> None:
    session = Session().add(*(book(n, f"1{n:02d}") for n in range(1, 20)))
    session.add(book(21, "210"), book(22, "220"))
    session.add(
        book(7, "107", ON_LOAN), book(8, "108", ON_LOAN), book(9, "109", ON_LOAN), book(10, "110", ON_LOAN)
    )
    session.add(book(30, "130", ItemStatus.MISSING), book(31, "131", ItemStatus.ON_HOLD_SHELF))
    session.lend(30, 2).lend(80, 3).give_back(40, 7).give_back(90, 8)
    session.tags.append(
        TagEvent(TagVerdict.DISAGREES, at(61), "hh-1", 90, A, "E0040100AAAA0003", "VV4", 4, 6)
    )
    session.tags.append(TagEvent(TagVerdict.REWRITE, at(62), "hh-1", 91, A, "E0040100AAAA0004", None, 12))
    session.read(63, 1, A, security=Security.NOT_ARMED).mark_damaged(64, 11, A)
    session.sweep(A, 60, 70, 10, 21, 11, 12, 13, 19, 14, 15, 16, 17, 18, 30, 31)
    result = session.reconcile()
    assert {r.cls for r in result.results} | {
        ItemClass.FOUND,
        ItemClass.NOT_SWEPT,
        ItemClass.NOT_EXPECTED,
    } == set(ItemClass)
    assert {i for r in result.results for i in r.issues} == set(Issue)
    assert {name for (_, _, name) in result.class_counts} == set(ItemClass)
