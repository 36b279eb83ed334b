"""A weeding round (đợt thanh lọc): its states, the reviewers' decisions, approval, and when the next is due.

    proposed ──start_review──▶ under_review ──approve──▶ approved ──close──▶ closed
        ▲                          │                     (the approval decision; withdrawals carried out)
        └────────reopen────────────┘
    proposed, under_review ──close──▶ closed (abandoned, nothing withdrawn)

Reviewers decide per item (keep, withdraw, repair, move) with a note, until approval; a decision may be
changed or undone until then. Each item's entry carries a version: a decision names the version it was
made on, a stale one is refused, so two reviewers working at once lose nothing — decisions on different
items both apply, and on the same item the second is refused and shown the first (last writer per item,
knowingly). Thông tư 02/2020/TT-BVHTTDL caps a round at 10 % of holdings: a withdrawal beyond the cap is
refused with the figures, and approval checks the cap again over the whole round.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from server.domain.weeding.evidence import Fact
from server.domain.weeding.settings import RoundRules


class RoundStatus(StrEnum):
    PROPOSED = "proposed"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    CLOSED = "closed"

    @property
    def open_to_decisions(self) -> bool:
        return self in (RoundStatus.PROPOSED, RoundStatus.UNDER_REVIEW)


class Verdict(StrEnum):
    KEEP = "keep"
    WITHDRAW = "withdraw"
    REPAIR = "repair"
    MOVE = "move"  # to another location (closed stacks, a branch) instead of withdrawing


class RoundRefusal(StrEnum):
    WRONG_STATUS = "wrong_status"  # the round is not in a state that allows this
    NOT_IN_ROUND = "not_in_round"
    STALE_VERSION = "stale_version"  # someone decided on this item since the decision was made
    CAP_REACHED = "cap_reached"  # the round may withdraw at most max_share_percent of holdings
    ON_LOAN = "on_loan"  # an item on loan cannot be withdrawn
    ON_HOLD = "on_hold"  # nor one trapped for a hold
    MOVE_WITHOUT_PLACE = "move_without_place"
    UNDECIDED = "undecided"  # approval needs a verdict on every item


@dataclass(frozen=True, slots=True)
class Round:
    status: RoundStatus
    holdings: int  # units held when the round opened: the base of the cap
    opened_on: date
    approved_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def abandoned(self) -> bool:
        return self.status is RoundStatus.CLOSED and self.approved_at is None


@dataclass(frozen=True, slots=True)
class Entry:
    """One proposed item in the round and the decision on it; version 0 is undecided."""

    item_id: int
    version: int = 0
    verdict: Verdict | None = None
    move_to: str | None = None
    note: str | None = None
    by: str | None = None
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    item_id: int
    version: int  # the entry version the reviewer saw
    verdict: Verdict | None  # None undoes the decision
    by: str
    at: datetime
    note: str | None = None
    move_to: str | None = None


@dataclass(frozen=True, slots=True)
class Standing:
    """What circulation says about an item right now."""

    on_loan: bool = False
    on_hold: bool = False


@dataclass(frozen=True, slots=True)
class Refused:
    item_id: int | None  # None: the round as a whole
    refusal: RoundRefusal
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True, slots=True)
class Decided:
    """Entries to store (only those that changed, each with its new version) and what was refused."""

    entries: dict[int, Entry]
    refused: tuple[Refused, ...]


def _cap_facts(round_: Round, rules: RoundRules, withdrawals: int) -> tuple[Fact, ...]:
    return (
        Fact("holdings", round_.holdings),
        Fact("max_share_percent", rules.max_share_percent),
        Fact("cap", rules.cap(round_.holdings)),
        Fact("withdrawals", withdrawals),
    )


def _standing_refusal(item_id: int, standing: Standing | None) -> Refused | None:
    if standing is not None and standing.on_loan:
        return Refused(item_id, RoundRefusal.ON_LOAN)
    if standing is not None and standing.on_hold:
        return Refused(item_id, RoundRefusal.ON_HOLD)
    return None


def decide(
    round_: Round,
    entries: Mapping[int, Entry],
    decisions: Sequence[Decision],
    *,
    withdrawals: int,
    standing: Mapping[int, Standing],
    rules: RoundRules,
) -> Decided:
    """Apply reviewers' decisions in order. `entries` holds at least the entries decided on, `withdrawals`
    the round's withdraw verdicts before these decisions."""
    changed: dict[int, Entry] = {}
    refused: list[Refused] = []
    cap = rules.cap(round_.holdings)
    for decision in decisions:
        entry = changed.get(decision.item_id) or entries.get(decision.item_id)
        problem = _decision_refusal(round_, entry, decision, standing.get(decision.item_id))
        was_withdraw = entry is not None and entry.verdict is Verdict.WITHDRAW
        adds = decision.verdict is Verdict.WITHDRAW and not was_withdraw
        if problem is None and adds and withdrawals + 1 > cap:
            problem = Refused(
                decision.item_id, RoundRefusal.CAP_REACHED, _cap_facts(round_, rules, withdrawals)
            )
        if problem is not None:
            refused.append(problem)
            continue
        assert entry is not None
        if adds:
            withdrawals += 1
        elif was_withdraw and decision.verdict is not Verdict.WITHDRAW:
            withdrawals -= 1
        changed[decision.item_id] = Entry(
            decision.item_id,
            entry.version + 1,
            decision.verdict,
            decision.move_to if decision.verdict is Verdict.MOVE else None,
            decision.note,
            decision.by,
            decision.at,
        )
    return Decided(changed, tuple(refused))


def _decision_refusal(
    round_: Round, entry: Entry | None, decision: Decision, standing: Standing | None
) -> Refused | None:
    item_id = decision.item_id
    if not round_.status.open_to_decisions:
        return Refused(item_id, RoundRefusal.WRONG_STATUS, (Fact("status", round_.status.value),))
    if entry is None:
        return Refused(item_id, RoundRefusal.NOT_IN_ROUND)
    if decision.version != entry.version:
        facts = (
            Fact("version", decision.version, entry.version),
            Fact("current_verdict", entry.verdict),
            Fact("by", entry.by),
        )
        return Refused(item_id, RoundRefusal.STALE_VERSION, facts)
    if decision.verdict is Verdict.MOVE and not decision.move_to:
        return Refused(item_id, RoundRefusal.MOVE_WITHOUT_PLACE)
    if decision.verdict is Verdict.WITHDRAW:
        return _standing_refusal(item_id, standing)
    return None


def start_review(round_: Round) -> Round | Refused:
    if round_.status is not RoundStatus.PROPOSED:
        return Refused(None, RoundRefusal.WRONG_STATUS, (Fact("status", round_.status.value),))
    return replace(round_, status=RoundStatus.UNDER_REVIEW)


def reopen(round_: Round) -> Round | Refused:
    """Back to proposed (to add or drop items) — only before approval."""
    if round_.status is not RoundStatus.UNDER_REVIEW:
        return Refused(None, RoundRefusal.WRONG_STATUS, (Fact("status", round_.status.value),))
    return replace(round_, status=RoundStatus.PROPOSED)


def approve(
    round_: Round, entries: Iterable[Entry], standing: Mapping[int, Standing], rules: RoundRules, at: datetime
) -> Round | list[Refused]:
    """The approval decision: every item decided, the cap kept, nothing to withdraw on loan or on hold."""
    if round_.status is not RoundStatus.UNDER_REVIEW:
        return [Refused(None, RoundRefusal.WRONG_STATUS, (Fact("status", round_.status.value),))]
    refused: list[Refused] = []
    withdrawals = 0
    for entry in entries:
        if entry.verdict is None:
            refused.append(Refused(entry.item_id, RoundRefusal.UNDECIDED))
        elif entry.verdict is Verdict.WITHDRAW:
            withdrawals += 1
            problem = _standing_refusal(entry.item_id, standing.get(entry.item_id))
            if problem is not None:
                refused.append(problem)
    if withdrawals > rules.cap(round_.holdings):
        refused.append(Refused(None, RoundRefusal.CAP_REACHED, _cap_facts(round_, rules, withdrawals)))
    return refused or replace(round_, status=RoundStatus.APPROVED, approved_at=at)


def close(round_: Round, at: datetime) -> Round | Refused:
    """After approval: the withdrawals are done, the file complete. Before it: the round is abandoned."""
    if round_.status is RoundStatus.CLOSED:
        return Refused(None, RoundRefusal.WRONG_STATUS, (Fact("status", round_.status.value),))
    return replace(round_, status=RoundStatus.CLOSED, closed_at=at)


@dataclass(frozen=True, slots=True)
class RoundDue:
    due_on: date
    interval_years: int
    holdings: int
    overdue: bool


def next_round_due(last_round_on: date | None, holdings: int, rules: RoundRules, today: date) -> RoundDue:
    """When the next round is due for the dashboard: every 3 years up to 300,000 units, every 5 above,
    counted from the last approved round; at once when there has never been one."""
    years = rules.interval_years(holdings)
    if last_round_on is None:
        due = today
    else:
        day = 28 if (last_round_on.month, last_round_on.day) == (2, 29) else last_round_on.day
        due = date(last_round_on.year + years, last_round_on.month, day)
    return RoundDue(due, years, holdings, overdue=due < today)
