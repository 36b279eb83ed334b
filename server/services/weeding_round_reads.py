"""Weeding rounds as staff read them: the rounds with their counts and cap, one round's entries (filtered
by decision and reason), and when the next round is due (the dashboard's line).

The next round is counted from the last approved round's approval (Thông tư 02/2020/TT-BVHTTDL: every 3
years up to 300,000 units, every 5 above, as config/weeding.toml [rounds] says); with none approved yet,
it is due at once: a library that has never weeded is due now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import WeedingRound, WeedingRoundEntry
from server.domain.weeding.rounds import RoundDue, RoundStatus, Verdict, next_round_due
from server.domain.weeding.settings import RoundRules
from server.services.weeding_round_store import ENTRY, ROUND, cap_of, entry_rows, get_round, holdings

UNDECIDED = "undecided"


@dataclass(frozen=True, slots=True)
class Counts:
    entries: int
    undecided: int
    by_verdict: dict[str, int]  # Verdict value → entries

    @property
    def withdrawals(self) -> int:
        return self.by_verdict.get(Verdict.WITHDRAW.value, 0)


@dataclass(frozen=True, slots=True)
class RoundSummary:
    row: WeedingRound
    counts: Counts

    @property
    def cap(self) -> int:
        return cap_of(self.row)

    @property
    def cap_used_percent(self) -> int:
        """The cap's share the withdraw verdicts take, in whole percent (0 for a cap of 0)."""
        return self.counts.withdrawals * 100 // self.cap if self.cap else 0


def _counts(session: Session, round_ids: list[int]) -> dict[int, Counts]:
    statement = (
        sa.select(ENTRY.c.round_id, ENTRY.c.verdict, sa.func.count())
        .where(ENTRY.c.round_id.in_(round_ids))
        .group_by(ENTRY.c.round_id, ENTRY.c.verdict)
    )
    found: dict[int, dict[str, int]] = {round_id: {} for round_id in round_ids}
    for round_id, verdict, count in session.execute(statement):
        found[round_id][verdict or UNDECIDED] = int(count)
    return {
        round_id: Counts(
            sum(by.values()), by.get(UNDECIDED, 0), {k: v for k, v in by.items() if k != UNDECIDED}
        )
        for round_id, by in found.items()
    }


def list_rounds(session: Session) -> list[RoundSummary]:
    """Every round, the newest first."""
    rows = list(session.execute(sa.select(WeedingRound).order_by(ROUND.c.number.desc())).scalars())
    counts = _counts(session, [row.id for row in rows if row.id is not None])
    return [RoundSummary(row, counts[row.id]) for row in rows if row.id is not None]


def summary(session: Session, round_id: int) -> RoundSummary:
    row = get_round(session, round_id)
    return RoundSummary(row, _counts(session, [round_id])[round_id])


@dataclass(frozen=True)
class EntryFilters:
    decision: str | None = None  # a Verdict value, or UNDECIDED
    reason: str | None = None  # a WeedReason value


def entries(session: Session, round_id: int, filters: EntryFilters | None = None) -> list[WeedingRoundEntry]:
    """The round's entries in list order, those the filters choose."""
    filters = filters or EntryFilters()
    found = entry_rows(session, round_id)
    if filters.decision == UNDECIDED:
        found = [e for e in found if e.verdict is None]
    elif filters.decision:
        found = [e for e in found if e.verdict is not None and e.verdict.value == filters.decision]
    if filters.reason:
        found = [e for e in found if filters.reason in e.reasons]
    return found


def last_approved_on(session: Session) -> date | None:
    statement = sa.select(sa.func.max(ROUND.c.approved_at)).where(ROUND.c.approved_at.is_not(None))
    last: datetime | None = session.execute(statement).scalar_one()
    return last.date() if last is not None else None


def next_due(session: Session, rules: RoundRules, today: date) -> RoundDue:
    """When the next round is due, from the last approved one and the holdings now."""
    return next_round_due(last_approved_on(session), holdings(session), rules, today)


def open_rounds(session: Session) -> int:
    statement = sa.select(sa.func.count()).where(
        ROUND.c.status.in_([RoundStatus.PROPOSED.value, RoundStatus.UNDER_REVIEW.value])
    )
    return int(session.execute(statement).scalar_one())
