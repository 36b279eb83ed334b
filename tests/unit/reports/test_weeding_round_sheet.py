"""The figures a weeding round's documents print: items and value by verdict (every verdict listed, the
undecided last), items by reason (an item under each of its reasons), the value of the priced items with
the unpriced counted apart, and a share of holdings to two decimals."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from server.domain.weeding.evidence import WeedReason
from server.domain.weeding.rounds import RoundStatus, Verdict
from server.reports.weeding_round_sheet import (
    VERDICT_ORDER,
    WITHDRAW,
    RoundLine,
    RoundSheet,
    Tally,
    by_reason,
    by_verdict,
    share_percent,
    tally,
    withdrawn,
)
from server.reports.weeding_round_words import REASONS, STATUSES, VERDICTS


def _line(position: int, verdict: str | None, price: int | None, *reasons: str) -> RoundLine:
    return RoundLine(
        position, f"B{position}", None, f"Title {position}", None, None, None, None, price, reasons,
        verdict, None, None,
    )  # fmt: skip


LINES = (
    _line(1, "withdraw", 100_000, "age"),
    _line(2, "withdraw", None, "age", "unused"),
    _line(3, "keep", 50_000, "unused"),
    _line(4, "move", 70_000, "surplus"),
    _line(5, None, 30_000, "beyond_repair"),
)


def test_the_reasons_verdicts_and_states_are_the_domains_each_with_its_words() -> None:
    assert {v for v in VERDICT_ORDER if v is not None} == {v.value for v in Verdict}
    assert Verdict.WITHDRAW.value == WITHDRAW
    assert set(REASONS) == {r.value for r in WeedReason}  # every reason has its words
    assert set(VERDICTS) == {v.value for v in Verdict}
    assert set(STATUSES) == {s.value for s in RoundStatus}


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ((), Tally(0, 0, 0)),
        (LINES, Tally(5, 250_000, 1)),
        (LINES[:1], Tally(1, 100_000, 0)),
        (LINES[1:2], Tally(1, 0, 1)),
    ],
)
def test_a_tally_counts_items_and_the_value_of_those_with_a_price(
    lines: tuple[RoundLine, ...], expected: Tally
) -> None:
    assert tally(lines) == expected


def test_by_verdict_lists_every_verdict_in_order_with_its_items_and_value() -> None:
    assert by_verdict(LINES) == {
        "withdraw": Tally(2, 100_000, 1),
        "keep": Tally(1, 50_000, 0),
        "repair": Tally(),
        "move": Tally(1, 70_000, 0),
        None: Tally(1, 30_000, 0),
    }
    assert list(by_verdict(())) == list(VERDICT_ORDER)


def test_an_item_counts_under_each_of_its_reasons() -> None:
    assert by_reason(LINES) == Counter({"age": 2, "unused": 2, "surplus": 1, "beyond_repair": 1})
    assert by_reason(withdrawn(_sheet(LINES))) == Counter({"age": 2, "unused": 1})


def test_the_withdrawn_are_the_lines_with_the_withdraw_verdict_in_their_order() -> None:
    assert [line.position for line in withdrawn(_sheet(LINES))] == [1, 2]
    assert withdrawn(_sheet(())) == ()


@pytest.mark.parametrize(
    ("items", "holdings", "expected"),
    [(12, 120_000, 0.01), (1_200, 12_000, 10.0), (1, 3, 33.33), (2, 3, 66.67), (5, 0, 0.0), (0, 10, 0.0)],
)
def test_a_share_of_holdings_is_in_percent_to_two_decimals(
    items: int, holdings: int, expected: float
) -> None:
    assert share_percent(items, holdings) == expected


def _sheet(lines: tuple[RoundLine, ...]) -> RoundSheet:
    return RoundSheet("Library", "Round", 1, "approved", date(2026, 1, 5), 100, 10, (), None, None, lines)
