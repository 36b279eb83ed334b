"""Staff overrides at the desk, as tables: which refusals staff may lift, what a checkout decides when they
lift them, and that nothing else is ever lifted."""

from __future__ import annotations

from datetime import date

import pytest

from server.domain.circulation import ItemState, PatronStanding, decide_checkout
from server.domain.enums import ItemStatus
from server.domain.overrides import CHECKOUT_OVERRIDABLE, OVERRIDABLE, liftable
from server.domain.reasons import GRANTED, Reason
from server.services.reasons import REASON_CODES, overridable_codes, reasons_of
from tests.unit.domain.conftest import make_policies
from tests.unit.domain.test_decisions import CHECKOUT_TABLE, ITEM, ME, NOW, OTHER, PATRON, item, patron

HELD_FOR_OTHER = item(status=ItemStatus.ON_HOLD_SHELF, trapped_for_patron_id=OTHER)

# (situation, standing, item, lifted, expected reason, expected overridden)
OVERRIDE_TABLE: list[tuple[str, PatronStanding, ItemState, set[Reason], Reason, tuple[Reason, ...]]] = [
    ("loan limit lifted", patron(loans_count=5), ITEM, {Reason.MAX_LOANS}, Reason.OK, (Reason.MAX_LOANS,)),
    (
        "type limit lifted",
        patron(loans_count=2, loans_of_type=2),
        item(item_type="textbook"),
        {Reason.MAX_LOANS_OF_TYPE},
        Reason.OK,
        (Reason.MAX_LOANS_OF_TYPE,),
    ),
    (
        "fines lifted",
        patron(fines_due=60000),
        ITEM,
        {Reason.FINES_OVER_LIMIT},
        Reason.OK,
        (Reason.FINES_OVER_LIMIT,),
    ),
    (
        "overdue lifted",
        patron(has_overdue=True),
        ITEM,
        {Reason.OVERDUE_ITEMS},
        Reason.OK,
        (Reason.OVERDUE_ITEMS,),
    ),
    (
        "held for another lifted",
        PATRON,
        HELD_FOR_OTHER,
        {Reason.ON_HOLD_FOR_OTHER},
        Reason.OK,
        (Reason.ON_HOLD_FOR_OTHER,),
    ),
    # One lifted, the next refusal is still told: staff confirm each one they saw.
    (
        "fines lifted, loan limit next",
        patron(fines_due=60000, loans_count=5),
        ITEM,
        {Reason.FINES_OVER_LIMIT},
        Reason.MAX_LOANS,
        (),
    ),
    (
        "both lifted",
        patron(fines_due=60000, loans_count=5),
        ITEM,
        {Reason.FINES_OVER_LIMIT, Reason.MAX_LOANS},
        Reason.OK,
        (Reason.FINES_OVER_LIMIT, Reason.MAX_LOANS),
    ),
    # Lifting what was not in the way lifts nothing, and says so.
    ("nothing to lift", PATRON, ITEM, {Reason.MAX_LOANS}, Reason.OK, ()),
    # What staff may not lift stays, whatever they ask.
    (
        "an expired card stays refused",
        patron(expires_on=date(2026, 1, 1)),
        ITEM,
        {Reason.PATRON_EXPIRED, Reason.MAX_LOANS},
        Reason.PATRON_EXPIRED,
        (),
    ),
    ("a block stays", patron(blocked=True), ITEM, {Reason.PATRON_BLOCKED}, Reason.PATRON_BLOCKED, ()),
    (
        "someone else's loan stays",
        PATRON,
        item(status=ItemStatus.ON_LOAN, loan_patron_id=OTHER),
        {Reason.ON_LOAN_TO_OTHER},
        Reason.ON_LOAN_TO_OTHER,
        (),
    ),
    (
        "reference stays",
        patron(loans_count=5),
        item(item_type="reference"),
        {Reason.NOT_FOR_LOAN, Reason.MAX_LOANS},
        Reason.NOT_FOR_LOAN,
        (),
    ),
    (
        "a lost item stays",
        PATRON,
        item(status=ItemStatus.LOST),
        {Reason.ITEM_UNAVAILABLE},
        Reason.ITEM_UNAVAILABLE,
        (),
    ),
    (
        "lifted limit, then the block",
        patron(blocked=True, loans_count=5),
        ITEM,
        {Reason.MAX_LOANS},
        Reason.PATRON_BLOCKED,
        (),
    ),
]


@pytest.mark.parametrize("row", OVERRIDE_TABLE, ids=[r[0] for r in OVERRIDE_TABLE])
def test_checkout_with_overrides(
    row: tuple[str, PatronStanding, ItemState, set[Reason], Reason, tuple[Reason, ...]],
) -> None:
    _, standing, state, lifted, reason, overridden = row
    decision = decide_checkout(standing, state, make_policies(), now=NOW, overrides=frozenset(lifted))
    assert (decision.reason, decision.overridden) == (reason, overridden)
    assert (decision.due_at is not None) is decision.ok


def test_held_for_me_is_not_an_override() -> None:
    mine = item(status=ItemStatus.ON_HOLD_SHELF, trapped_for_patron_id=ME)
    decision = decide_checkout(PATRON, mine, make_policies(), now=NOW, overrides=OVERRIDABLE)
    assert (decision.reason, decision.overridden) == (Reason.OK_HOLD_READY_FOR_YOU, ())


def test_every_checkout_refusal_is_classified() -> None:
    refusals = {row[-1] for row in CHECKOUT_TABLE} - GRANTED
    assert refusals <= set(CHECKOUT_OVERRIDABLE), sorted(refusals - set(CHECKOUT_OVERRIDABLE))


def test_only_the_table_is_liftable() -> None:
    assert liftable(set(Reason)) == OVERRIDABLE
    assert {
        Reason.MAX_LOANS,
        Reason.MAX_LOANS_OF_TYPE,
        Reason.FINES_OVER_LIMIT,
        Reason.OVERDUE_ITEMS,
        Reason.ON_HOLD_FOR_OTHER,
    } == OVERRIDABLE


def test_a_reason_code_is_overridable_for_all_its_reasons_or_none() -> None:
    """The desk names overrides by the contract's codes; a code must not mix liftable and fixed reasons."""
    for code in set(REASON_CODES.values()):
        reasons = reasons_of(code)
        liftable_ones = reasons & OVERRIDABLE
        assert liftable_ones in (frozenset(), reasons), code
    assert overridable_codes() == {REASON_CODES[r] for r in OVERRIDABLE}
