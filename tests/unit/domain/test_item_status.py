from __future__ import annotations

import pytest

from server.domain.enums import ItemStatus as S
from server.domain.items import StatusRefusal as R
from server.domain.items import explain, status_change_refusal, statuses_by_hand


@pytest.mark.parametrize(
    ("current", "new", "refused"),
    [
        (S.AVAILABLE, S.MISSING, None),
        (S.AVAILABLE, S.DAMAGED, None),
        (S.AVAILABLE, S.WITHDRAWN, None),
        (S.MISSING, S.AVAILABLE, None),
        (S.DAMAGED, S.AVAILABLE, None),
        (S.ON_LOAN, S.LOST, None),  # declared lost by the borrower
        (S.ON_LOAN, S.ON_LOAN, None),
        (S.AVAILABLE, S.ON_LOAN, R.BY_CIRCULATION),
        (S.AVAILABLE, S.ON_HOLD_SHELF, R.BY_CIRCULATION),
        (S.ON_LOAN, S.AVAILABLE, R.ON_LOAN),
        (S.ON_LOAN, S.WITHDRAWN, R.ON_LOAN),
        (S.ON_HOLD_SHELF, S.AVAILABLE, R.ON_HOLD_SHELF),
        (S.AVAILABLE, S.LOST, R.LOST_FROM_LOAN_ONLY),  # not on its shelf: missing, lost when searches run out
        (S.MISSING, S.LOST, R.LOST_FROM_LOAN_ONLY),
    ],
)
def test_status_changes_by_hand(current: S, new: S, refused: R | None) -> None:
    assert status_change_refusal(current, new) is refused


def test_a_refusal_in_english_names_the_status() -> None:
    assert explain(R.BY_CIRCULATION, S.ON_LOAN) == "'on_loan' is set by checkout and checkin, not by hand"
    assert "check it in first" in explain(R.ON_LOAN, S.AVAILABLE)


@pytest.mark.parametrize(
    ("current", "offered"),
    [
        (S.AVAILABLE, [S.AVAILABLE, S.MISSING, S.DAMAGED, S.WITHDRAWN]),
        (S.ON_LOAN, [S.ON_LOAN, S.LOST]),
        (S.ON_HOLD_SHELF, [S.ON_HOLD_SHELF]),
        (S.MISSING, [S.AVAILABLE, S.MISSING, S.DAMAGED, S.WITHDRAWN]),
        (S.LOST, [S.AVAILABLE, S.MISSING, S.LOST, S.DAMAGED, S.WITHDRAWN]),
    ],
)
def test_the_statuses_staff_may_choose(current: S, offered: list[S]) -> None:
    assert statuses_by_hand(current) == offered
