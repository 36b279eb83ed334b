"""What every weeding-round service shares: the stored round and entries as the domain's values, the
round's cap rules, circulation's standing of the copies, and the refusal raised when the domain says no.

A round keeps the share of holdings it may withdraw as it was when it opened, so a later change of
config/weeding.toml does not move the cap under reviewers who are already deciding.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import Hold, Item, Loan, WeedingRound, WeedingRoundEntry
from server.domain.enums import HoldStatus, ItemStatus
from server.domain.weeding.rounds import Entry, Refused, Round, RoundStatus, Standing, Verdict
from server.domain.weeding.settings import RoundRules
from server.errors import ConflictError, NotFoundError
from server.services.columns import table_of
from server.services.queries import lock_row

ROUND = table_of(WeedingRound)
ENTRY = table_of(WeedingRoundEntry)
_ITEM = table_of(Item)
_LOAN = table_of(Loan)
_HOLD = table_of(Hold)
OPEN_STATUSES = (RoundStatus.PROPOSED.value, RoundStatus.UNDER_REVIEW.value)


class RoundRefusedError(ConflictError):
    """The domain refused: `refused` says which rule for which copy (or the round as a whole, item None)
    with its facts, and nothing was written."""

    def __init__(self, round_id: int, refused: Sequence[Refused]) -> None:
        said = ", ".join(
            f"{r.refusal.value}" + (f" (item {r.item_id})" if r.item_id is not None else "") for r in refused
        )
        super().__init__(f"weeding round {round_id}: {said}")
        self.round_id = round_id
        self.refused = tuple(refused)


def round_rules(row: WeedingRound, rules: RoundRules) -> RoundRules:
    """The library's round rules with the cap the round opened with."""
    return replace(rules, max_share_percent=row.max_share_percent)


def cap_of(row: WeedingRound) -> int:
    return row.holdings * row.max_share_percent // 100


def get_round(session: Session, round_id: int) -> WeedingRound:
    row = session.get(WeedingRound, round_id)
    if row is None:
        raise NotFoundError(f"weeding round {round_id} not found")
    return row


def locked_round(session: Session, round_id: int) -> WeedingRound:
    """The round, locked: its decisions and moves are made one after another, so the cap is counted over
    what the others have committed."""
    row = lock_row(session, WeedingRound, round_id)
    if row is None:
        raise NotFoundError(f"weeding round {round_id} not found")
    return row


def as_round(row: WeedingRound) -> Round:
    return Round(row.status, row.holdings, row.opened_at.date(), row.approved_at, row.closed_at)


def as_entry(row: WeedingRoundEntry) -> Entry:
    return Entry(row.item_id, row.version, row.verdict, row.move_to, row.note, row.decided_by, row.decided_at)


def entry_rows(
    session: Session, round_id: int, item_ids: Collection[int] | None = None
) -> list[WeedingRoundEntry]:
    """The round's entries (or those of `item_ids`) in list order, read afresh."""
    statement = sa.select(WeedingRoundEntry).where(ENTRY.c.round_id == round_id)
    if item_ids is not None:
        statement = statement.where(ENTRY.c.item_id.in_(sorted(item_ids)))
    statement = statement.order_by(ENTRY.c.position, ENTRY.c.id).execution_options(populate_existing=True)
    return list(session.execute(statement).scalars())


def withdrawals(session: Session, round_id: int) -> int:
    """The round's withdraw verdicts as stored."""
    statement = sa.select(sa.func.count()).where(
        ENTRY.c.round_id == round_id, ENTRY.c.verdict == Verdict.WITHDRAW.value
    )
    return int(session.execute(statement).scalar_one())


def standing(session: Session, item_ids: Collection[int]) -> dict[int, Standing]:
    """Circulation's word on the copies right now: on loan (an open loan), on hold (an open hold has
    trapped it, or it waits on the hold shelf)."""
    if not item_ids:
        return {}
    wanted = sorted(item_ids)
    on_loan = set(
        session.execute(
            sa.select(_LOAN.c.item_id).where(_LOAN.c.item_id.in_(wanted), _LOAN.c.returned_at.is_(None))
        ).scalars()
    )
    open_holds = [HoldStatus.WAITING.value, HoldStatus.READY.value]
    on_hold = set(
        session.execute(
            sa.select(_HOLD.c.item_id).where(_HOLD.c.item_id.in_(wanted), _HOLD.c.status.in_(open_holds))
        ).scalars()
    )
    on_hold |= set(
        session.execute(
            sa.select(_ITEM.c.id).where(
                _ITEM.c.id.in_(wanted), _ITEM.c.status == ItemStatus.ON_HOLD_SHELF.value
            )
        ).scalars()
    )
    return {
        item_id: Standing(on_loan=item_id in on_loan, on_hold=item_id in on_hold)
        for item_id in wanted
        if item_id in on_loan or item_id in on_hold
    }


def in_open_rounds(session: Session) -> set[int]:
    """Copies already proposed in a round not yet approved or closed: a copy is in one open round at most."""
    statement = (
        sa.select(ENTRY.c.item_id)
        .join(ROUND, ROUND.c.id == ENTRY.c.round_id)
        .where(ROUND.c.status.in_(OPEN_STATUSES))
    )
    return set(session.execute(statement).scalars())


def holdings(session: Session) -> int:
    """Copies held: every copy not withdrawn."""
    statement = sa.select(sa.func.count()).where(_ITEM.c.status != ItemStatus.WITHDRAWN.value)
    return int(session.execute(statement).scalar_one())
