"""Buying suggestions from demand, each ranked and with its reasons.

- Titles whose hold queues are long for their copies: more waiting holds per usable copy than the plan's
  hold ratio (the hold-ratio and "purchase alert" reports of Koha and Evergreen sites). The suggestion
  says how many copies would bring the ratio down to it.
- Classes lent out far more per copy than the library as a whole: their share of loans is larger than
  their share of holdings by the plan's turnover factor, so their shelves are thin for their use.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple

from server.domain.weeding.evidence import Fact
from server.domain.weeding.figures import OTHER, CollectionFigures
from server.domain.weeding.settings import PlanSettings


class TitleDemand(NamedTuple):
    record_id: int
    holds_waiting: int
    copies: int  # usable, loanable copies


class SuggestionKind(StrEnum):
    HOLD_QUEUE = "hold_queue"
    CLASS_DEMAND = "class_demand"


class BuyingSuggestion(NamedTuple):
    kind: SuggestionKind
    subject: str  # the record id, or the class ("330")
    score: float  # higher first
    facts: tuple[Fact, ...]


def title_suggestions(demand: Iterable[TitleDemand], plan: PlanSettings) -> list[BuyingSuggestion]:
    """Ranked by the copies they need, then by holds per copy (a title with no copy left comes first)."""
    ranked: list[tuple[int, float, int, BuyingSuggestion]] = []
    for title in demand:
        if title.holds_waiting <= 0:
            continue
        ratio = title.holds_waiting / title.copies if title.copies else math.inf
        if ratio < plan.hold_ratio:
            continue
        to_buy = max(1, math.ceil(title.holds_waiting / plan.hold_ratio) - title.copies)
        facts = (
            Fact("holds_waiting", title.holds_waiting),
            Fact("copies", title.copies),
            Fact("holds_per_copy", None if math.isinf(ratio) else round(ratio, 2), plan.hold_ratio),
            Fact("copies_to_buy", to_buy),
        )
        suggestion = BuyingSuggestion(SuggestionKind.HOLD_QUEUE, str(title.record_id), float(to_buy), facts)
        ranked.append((to_buy, ratio, -title.record_id, suggestion))
    ranked.sort(key=lambda entry: entry[:3], reverse=True)
    return [entry[3] for entry in ranked]


def class_suggestions(figures: CollectionFigures, plan: PlanSettings) -> list[BuyingSuggestion]:
    """Ranked by how many times the library's turnover the class reaches in the last complete year."""
    holdings = sum(c.holdings for c in figures.class_use)
    loans = sum(c.loans for c in figures.class_use)
    if not holdings or not loans:
        return []
    library_turnover = loans / holdings
    ranked = []
    for use in figures.class_use:
        if use.key == OTHER or use.loans < plan.min_class_loans or not use.holdings:
            continue
        turnover = use.loans / use.holdings
        factor = turnover / library_turnover
        if factor < plan.turnover_factor:
            continue
        facts = (
            Fact("holdings", use.holdings),
            Fact("loans_last_year", use.loans),
            Fact("turnover", round(turnover, 2)),
            Fact("library_turnover", round(library_turnover, 2)),
            Fact("share_of_loans", round(use.loans / loans, 4)),
            Fact("share_of_holdings", round(use.holdings / holdings, 4)),
            Fact("factor", round(factor, 2), plan.turnover_factor),
        )
        ranked.append(BuyingSuggestion(SuggestionKind.CLASS_DEMAND, use.key, round(factor, 4), facts))
    ranked.sort(key=lambda s: (-s.score, s.subject))
    return ranked
