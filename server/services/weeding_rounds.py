"""A weeding round's review, run by the server: review started, reopened to change the list, reviewers'
decisions (and their undoing), the round abandoned, and an approved round closed — each the domain's
move (server/domain/weeding/rounds.py) on the stored round, refused with the domain's reasons before
anything is written (`RoundRefusedError`).

Decisions lock the round's row: two reviewers deciding at once are served one after the other, so the cap
is counted over what the first committed, and a decision made on an entry another reviewer has changed
since is refused with that reviewer's decision (the entry's version). Decisions on different copies both
apply. Approval and its withdrawals are server/services/weeding_round_approval.py. Never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import WeedingRound, WeedingRoundEntry
from server.domain.weeding import rounds
from server.domain.weeding.evidence import Fact
from server.domain.weeding.rounds import Decision, Refused, Round, RoundRefusal, RoundStatus, Verdict
from server.domain.weeding.settings import RoundRules
from server.errors import InvalidInputError
from server.services import weeding_round_documents as documents
from server.services.columns import LOCATION
from server.services.weeding_round_store import (
    RoundRefusedError,
    as_entry,
    as_round,
    entry_rows,
    locked_round,
    round_rules,
    standing,
    withdrawals,
)


@dataclass(frozen=True, slots=True)
class Asked:
    """A reviewer's decision as sent: the copy, the entry version they saw, the verdict (None undoes)."""

    item_id: int
    version: int
    verdict: Verdict | None
    note: str | None = None
    move_to: str | None = None


@dataclass(frozen=True, slots=True)
class Decisions:
    """The entries changed (stored, with their new versions) and the decisions refused, with the entry
    as it stands for each refused copy (what the other reviewer decided)."""

    changed: list[WeedingRoundEntry]
    refused: tuple[Refused, ...]
    current: dict[int, WeedingRoundEntry]


def _moved(row: WeedingRound, moved: Round | Refused) -> WeedingRound:
    assert row.id is not None
    if isinstance(moved, Refused):
        raise RoundRefusedError(row.id, [moved])
    row.status, row.approved_at, row.closed_at = moved.status, moved.approved_at, moved.closed_at
    return row


def start_review(
    session: Session, round_id: int, *, at: datetime, staff: str, library: str | None = None
) -> WeedingRound:
    """The proposed list goes to the reviewers: made and kept as it stands now (each time review starts,
    a new version)."""
    row = locked_round(session, round_id)
    _moved(row, rounds.start_review(as_round(row)))
    row.review_started_at = row.review_started_at or at
    session.add(row)
    session.flush()
    documents.make(session, round_id, documents.AT_REVIEW, at=at, staff=staff, library=library)
    return row


def reopen(session: Session, round_id: int) -> WeedingRound:
    """Back to proposed, to add or drop copies; the decisions made so far stay."""
    row = locked_round(session, round_id)
    session.add(_moved(row, rounds.reopen(as_round(row))))
    session.flush()
    return row


def abandon(session: Session, round_id: int, *, at: datetime, staff: str) -> WeedingRound:
    """Close a round before approval: nothing is withdrawn; its list and decisions stay on file."""
    row = locked_round(session, round_id)
    if not row.status.open_to_decisions:
        refusal = Refused(None, RoundRefusal.WRONG_STATUS, (Fact("status", row.status.value),))
        raise RoundRefusedError(round_id, [refusal])
    _moved(row, rounds.close(as_round(row), at))
    row.closed_by = staff
    session.add(row)
    session.flush()
    return row


def close(session: Session, round_id: int, *, at: datetime, staff: str) -> WeedingRound:
    """Close an approved round: its withdrawals carried out, tags disarmed, the file complete."""
    row = locked_round(session, round_id)
    if row.status is not RoundStatus.APPROVED:
        refusal = Refused(None, RoundRefusal.WRONG_STATUS, (Fact("status", row.status.value),))
        raise RoundRefusedError(round_id, [refusal])
    _moved(row, rounds.close(as_round(row), at))
    row.closed_by = staff
    session.add(row)
    session.flush()
    return row


def _known_places(session: Session, asked: Sequence[Asked]) -> None:
    codes = {a.move_to for a in asked if a.verdict is Verdict.MOVE and a.move_to}
    if not codes:
        return
    known = set(session.execute(sa.select(LOCATION.c.code).where(LOCATION.c.code.in_(codes))).scalars())
    if codes - known:
        raise InvalidInputError("no location " + ", ".join(sorted(codes - known)))


def decide(
    session: Session,
    round_id: int,
    asked: Sequence[Asked],
    *,
    rules: RoundRules,
    at: datetime,
    staff: str,
) -> Decisions:
    """Apply reviewers' decisions in order; store those the domain accepts. Refused when none applies."""
    row = locked_round(session, round_id)
    _known_places(session, asked)
    item_ids = {a.item_id for a in asked}
    rows = {entry.item_id: entry for entry in entry_rows(session, round_id, item_ids)}
    decisions = [
        Decision(
            a.item_id,
            a.version,
            a.verdict,
            staff,
            at,
            (a.note or "").strip() or None,
            (a.move_to or "").strip() or None,
        )
        for a in asked
    ]
    decided = rounds.decide(
        as_round(row),
        {item_id: as_entry(entry) for item_id, entry in rows.items()},
        decisions,
        withdrawals=withdrawals(session, round_id),
        standing=standing(session, [a.item_id for a in asked if a.verdict is Verdict.WITHDRAW]),
        rules=round_rules(row, rules),
    )
    if decided.refused and not decided.entries:
        raise RoundRefusedError(round_id, decided.refused)
    changed = []
    for item_id, entry in decided.entries.items():
        stored = rows[item_id]
        stored.version, stored.verdict, stored.move_to = entry.version, entry.verdict, entry.move_to
        stored.note, stored.decided_by, stored.decided_at = entry.note, entry.by, entry.at
        session.add(stored)
        changed.append(stored)
    session.flush()
    refused_ids = {r.item_id for r in decided.refused if r.item_id is not None}
    return Decisions(changed, decided.refused, {i: rows[i] for i in refused_ids if i in rows})
