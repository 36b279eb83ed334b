"""The offline list: every reader with a card, as a kiosk needs them to lend with no server
(`contract.offline`), split into retained shards.

Read in one statement whatever the number of readers (open loans, overdue, fines and blocks aggregated per
reader), and judged by the circulation rules themselves: blocked is what a kiosk's checkout would refuse
for the account (a staff block, fines over the limit, overdue loans), the PIN lock is the domain's
(`server.domain.pins`), the loan limit the category's. `ShardPublisher` republishes only the shards whose
readers changed since it last published them (all of them the first time).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from contract import topics
from contract.offline import SHARDS, OfflineReader, OfflineReaderShard, shard_of
from server.domain.circulation import PatronStanding, blocked_from_borrowing
from server.domain.enums import FineStatus
from server.domain.pins import is_locked
from server.services.columns import BLOCK, FINE, LOAN, PATRON
from server.services.context import CirculationContext

Publish = Callable[[str, bytes], None]
"""Sends one retained message (topic, payload) to the broker."""


def offline_readers(session: Session, context: CirculationContext, *, now: datetime) -> list[OfflineReader]:
    """Every reader with a card, in card order."""
    open_loans = LOAN.c.returned_at.is_(None)
    loans = (
        sa.select(
            LOAN.c.patron_id,
            sa.func.count().label("loans"),
            sa.func.max(sa.case((LOAN.c.due_at < now, 1), else_=0)).label("overdue"),
        )
        .where(open_loans, LOAN.c.patron_id.is_not(None))
        .group_by(LOAN.c.patron_id)
        .subquery()
    )
    fines = (
        sa.select(FINE.c.patron_id, sa.func.sum(FINE.c.outstanding).label("due"))
        .where(FINE.c.status == FineStatus.OUTSTANDING)
        .group_by(FINE.c.patron_id)
        .subquery()
    )
    blocked = sa.exists().where(BLOCK.c.patron_id == PATRON.c.id, BLOCK.c.lifted_at.is_(None))
    statement = (
        sa.select(
            PATRON.c.id,
            PATRON.c.card_number,
            PATRON.c.pin_hash,
            PATRON.c.category,
            PATRON.c.expires_on,
            PATRON.c.pin_failures,
            sa.func.coalesce(loans.c.loans, 0),
            sa.func.coalesce(loans.c.overdue, 0),
            sa.func.coalesce(fines.c.due, 0),
            blocked,
        )
        .outerjoin(loans, loans.c.patron_id == PATRON.c.id)
        .outerjoin(fines, fines.c.patron_id == PATRON.c.id)
        .order_by(PATRON.c.card_number)
    )
    rules = context.policies.rules
    readers = []
    for (
        patron_id,
        card,
        pin_hash,
        category,
        expires_on,
        failures,
        count,
        overdue,
        due,
        staff_block,
    ) in session.execute(statement).all():
        standing = PatronStanding(
            patron_id=patron_id,
            category=category,
            expires_on=expires_on,
            blocked=bool(staff_block),
            loans_count=int(count),
            loans_of_type=0,
            has_overdue=bool(overdue),
            fines_due=int(due),
        )
        readers.append(
            OfflineReader(
                card_number=card,
                pin_hash=pin_hash,
                category=category,
                blocked=blocked_from_borrowing(standing, rules, now),
                expires_on=expires_on,
                pin_locked=is_locked(failures, context.pin_max_failures),
                loans=int(count),
                max_loans=rules.patron_rule(category).max_loans,
            )
        )
    return readers


def sharded(readers: list[OfflineReader]) -> list[list[OfflineReader]]:
    """The readers of each shard, shard 0 first (an empty shard is published too: it may have emptied)."""
    shards: list[list[OfflineReader]] = [[] for _ in range(SHARDS)]
    for reader in readers:
        shards[shard_of(reader.card_number)].append(reader)
    return shards


class ShardPublisher:
    """Publishes the offline list's shards whose readers changed since it last published them."""

    def __init__(self) -> None:
        self._published: dict[int, bytes] = {}  # shard → digest of its readers as last published

    def forget(self) -> None:
        """Publish every shard next time (the broker may have lost its retained messages)."""
        self._published.clear()

    def publish(
        self, session: Session, context: CirculationContext, publish: Publish, *, now: datetime
    ) -> int:
        """Publish what changed; returns how many shards were published."""
        sent = 0
        for shard, readers in enumerate(sharded(offline_readers(session, context, now=now))):
            body = OfflineReaderShard(shard=shard, shards=SHARDS, generated_at=now, readers=readers)
            digest = hashlib.blake2b(
                b"".join(r.model_dump_json().encode() for r in readers), digest_size=16
            ).digest()
            if self._published.get(shard) == digest:
                continue
            publish(topics.offline_readers(shard), body.model_dump_json().encode())
            self._published[shard] = digest
            sent += 1
        return sent
