"""What the kiosk's screen shows: where a sign-in leaves it (the same rule online and offline), a book's row
listed then decided, and what the next reader finds — each change told to the screen's feed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contract.common import ItemRef
from edge.kiosk.feed import Part, ScreenFeed
from edge.kiosk.shown import MAX_ROWS, ShownVisit
from edge.kiosk.visit import BookRow, LoanRow, Notice, Outcome, SignInStep

REFUSED = Notice("Card not recognised", "danger")
WRONG_PIN = Notice("Wrong PIN", "warning")
LOAN = LoanRow("VV000007", "Truyện Kiều", datetime(2026, 12, 16, tzinfo=UTC), 2, False)


def _shown() -> ShownVisit:
    shown = ShownVisit(ScreenFeed(), lambda: 1000.0)
    shown.rows["E004"] = BookRow("E004", False, Outcome.TO_RETURN_BIN)  # a return made before signing in
    return shown


# (step, notice) → (the card kept, sign-ins, refusals, rows left, loans listed)
SIGN_INS = [
    ((SignInStep.PIN, None), (True, 0, 0, 1, 0)),  # the card taken, its PIN asked
    ((SignInStep.PIN, WRONG_PIN), (True, 0, 1, 1, 0)),  # typed again, the card kept
    ((SignInStep.CARD, REFUSED), (False, 0, 1, 1, 0)),  # back to the card
    ((SignInStep.SIGNED_IN, None), (False, 1, 0, 0, 1)),  # the returns cleared, the loans listed
]


@pytest.mark.parametrize(("outcome", "expected"), SIGN_INS)
def test_where_a_sign_in_leaves_the_screen(
    outcome: tuple[SignInStep, Notice | None], expected: tuple[bool, int, int, int, int]
) -> None:
    shown = _shown()
    shown.signing_in("SV0001", *outcome, loans=[LOAN])
    assert (shown.step, shown.notice) == outcome
    card_kept, sign_ins, refusals, rows_left, loans = expected
    assert shown.card == ("SV0001" if card_kept else None)
    assert (shown.counts.sign_ins, shown.counts.sign_in_refusals) == (sign_ins, refusals)
    assert (len(shown.rows), len(shown.loans)) == (rows_left, loans)


def test_a_book_put_back_goes_to_the_end_and_the_list_is_bounded() -> None:
    shown = _shown()
    shown.signing_in("SV0001", SignInStep.CARD, REFUSED, loans=())  # the next person is returning books
    refs = [ItemRef(barcode=f"VV{n:06}") for n in range(MAX_ROWS + 5)]  # scanned, one by one
    shown.found(refs)
    shown.found([refs[-20]])
    keys = list(shown.rows)
    assert shown.notice is None
    assert len(keys) == MAX_ROWS
    assert keys[-1] == f"VV{MAX_ROWS - 15:06}"
    assert keys[0] == "VV000005"  # the oldest dropped, the return made before among them
    assert all(row.outcome is Outcome.CHECKING for row in shown.rows.values())


def test_a_decided_row_counts_and_tells_the_feed_its_parts() -> None:
    shown = _shown()
    shown.warned = True
    position = shown.feed.last
    shown.decided(BookRow("E004", True, Outcome.LENT), Part.SIGN_IN)
    parts, _ = shown.feed.after(position)
    assert set(parts) == {Part.WARNING, Part.BOOKS, Part.SIGN_IN}  # the warning gone: the reader is there
    assert shown.rows["E004"].outcome is Outcome.LENT
    assert shown.counts.books_decided == 1
    assert not shown.warned
