"""What a weeding round's documents are made from, and the figures they print: the items proposed with the
council's verdicts, counted by verdict and by reason, the value withdrawn and its share of holdings.

The round's service fills a RoundSheet from storage; the documents (server/reports/weeding_round_pdf.py)
only lay it out, so the figures here are the ones every document prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

WITHDRAW = "withdraw"  # server.domain.weeding.rounds.Verdict.WITHDRAW
VERDICT_ORDER = ("withdraw", "keep", "repair", "move", None)  # None: not decided yet


@dataclass(frozen=True, slots=True)
class RoundLine:
    position: int
    barcode: str
    accession_number: str | None
    title: str
    author: str | None
    call_number: str | None
    year: int | None
    location: str | None
    price: int | None  # VND
    reasons: tuple[str, ...]  # server.domain.weeding.evidence.WeedReason values
    verdict: str | None  # server.domain.weeding.rounds.Verdict value, or None (undecided)
    note: str | None
    move_to: str | None  # location code for verdict "move"


@dataclass(frozen=True, slots=True)
class RoundSheet:
    library_name: str
    round_title: str
    round_number: int
    status: str  # server.domain.weeding.rounds.RoundStatus value
    opened_on: date
    holdings: int  # units held when the round opened: the base of the cap
    cap: int  # most withdrawals the round may approve
    reviewers: tuple[str, ...]
    approved_on: date | None
    approved_by: str | None
    lines: tuple[RoundLine, ...]


@dataclass(frozen=True, slots=True)
class Tally:
    items: int = 0
    value: int = 0  # VND, of the items with a price
    unpriced: int = 0  # items without a price, left out of the value


def tally(lines: Iterable[RoundLine]) -> Tally:
    items = value = unpriced = 0
    for line in lines:
        items += 1
        if line.price is None:
            unpriced += 1
        else:
            value += line.price
    return Tally(items, value, unpriced)


def withdrawn(sheet: RoundSheet) -> tuple[RoundLine, ...]:
    return tuple(line for line in sheet.lines if line.verdict == WITHDRAW)


def by_verdict(lines: Iterable[RoundLine]) -> dict[str | None, Tally]:
    """Every verdict, in the order the minutes list them, with its items and value (zero when none)."""
    grouped: dict[str | None, list[RoundLine]] = {verdict: [] for verdict in VERDICT_ORDER}
    for line in lines:
        grouped.setdefault(line.verdict, []).append(line)
    return {verdict: tally(group) for verdict, group in grouped.items()}


def by_reason(lines: Iterable[RoundLine]) -> Counter[str]:
    """How many items each reason was given for: an item with two reasons counts under both."""
    return Counter(reason for line in lines for reason in line.reasons)


def share_percent(items: int, holdings: int) -> float:
    """The items' share of holdings in percent, to two decimals (0 when nothing is held)."""
    return round(items * 100 / holdings, 2) if holdings > 0 else 0.0
