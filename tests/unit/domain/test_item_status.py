from __future__ import annotations

import pytest

from server.domain.enums import ItemStatus as S
from server.domain.items import status_change_refusal


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
        (S.AVAILABLE, S.ON_LOAN, "set by checkout"),
        (S.AVAILABLE, S.ON_HOLD_SHELF, "set by checkout"),
        (S.ON_LOAN, S.AVAILABLE, "check it in first"),
        (S.ON_LOAN, S.WITHDRAWN, "check it in first"),
        (S.ON_HOLD_SHELF, S.AVAILABLE, "cancel the hold"),
    ],
)
def test_status_changes_by_hand(current: S, new: S, refused: str | None) -> None:
    reason = status_change_refusal(current, new)
    if refused is None:
        assert reason is None
    else:
        assert reason is not None
        assert refused in reason
