"""A weeding round approved (quyết định thanh lọc) and carried out, in the approval's one transaction.

Approval is the domain's (`rounds.approve`): every copy decided, the cap kept over the whole round, and
no copy to withdraw on loan or on hold at that moment. Then each verdict takes effect, each copy's change
an audited staff action of its own (with the item before and after), under the approval's:

- withdraw: status WITHDRAWN from the approval moment (the annual statistics count withdrawals by
  `status_changed_at`); the accession register's withdrawal entry (`item_withdrawal`: when, which round,
  why); the RFID tag released — its UID no longer names the copy, so a read of it can never be taken for
  a live copy, and the final list names it to disarm or remove; an open repair ticket cancelled, a
  missing or lost trace ended (its history stays);
- repair: the copy goes to the repair queue (server/services/repairs.py), the note as the damage note;
- move: the copy's home location becomes the place named;
- keep: nothing changes.

The catalogue follows: a record whose last copy goes is named in the outcome with its open holds, for
staff to tell the readers waiting. Never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import Item, WeedingRound, WeedingRoundEntry
from server.domain.enums import HoldStatus, ItemStatus
from server.domain.lifecycle.condition import DamageKind
from server.domain.weeding import rounds
from server.domain.weeding.rounds import Verdict
from server.domain.weeding.settings import RoundRules
from server.services import item_withdrawals, repairs, staff_actions
from server.services import weeding_round_documents as documents
from server.services.columns import HOLD, ITEM, LOCATION, RECORD
from server.services.item_traces import LifecycleRefusedError, locked_item
from server.services.staff_actions import row_subject
from server.services.weeding_round_store import (
    RoundRefusedError,
    as_entry,
    as_round,
    entry_rows,
    locked_round,
    round_rules,
    standing,
)


@dataclass(frozen=True, slots=True)
class Approved:
    row: WeedingRound
    outcome: dict[str, Any]  # as stored on the round: counts, released tags, records left without copies


@dataclass(frozen=True, slots=True)
class _Carrying:
    """The approval being carried out: each verdict's effect on one copy, audited."""

    session: Session
    row: WeedingRound
    at: datetime
    staff: str

    def audited(
        self, kind: str, item: Item, request: Mapping[str, Any], change: Callable[[], dict[str, Any]]
    ) -> None:
        """One copy's change as its own staff action in the audit trail."""
        asked = {"barcode": item.barcode, "round_id": self.row.id, **request}
        action = staff_actions.action(kind, self.staff, asked)
        subject = row_subject(self.session, f"item:{item.barcode}", Item, id=item.id)
        staff_actions.perform(self.session, action, self.at, change, subject)

    def withdraw(self, entry: WeedingRoundEntry, item: Item) -> str | None:
        """Take the copy out of the collection; answers the tag UID released."""
        session, at, released = self.session, self.at, item.tag_uid
        note = f"weeding round {self.row.number}"

        def change() -> dict[str, Any]:
            item_withdrawals.withdraw(
                session,
                item,
                at=at,
                staff=self.staff,
                round_id=self.row.id,
                reasons=entry.reasons,
                note=entry.note or note,
            )
            return {"status": ItemStatus.WITHDRAWN.value, "released_tag_uid": released}

        self.audited("weeding.withdraw", item, {}, change)
        return released

    def repair(self, entry: WeedingRoundEntry, item: Item) -> bool:
        """To the repair queue; False when the lifecycle refuses (the copy is missing): it stays as it is."""
        queued = True

        def change() -> dict[str, Any]:
            nonlocal queued
            note = entry.note or f"weeding round {self.row.number}"
            by = f"staff:{self.staff}"
            try:
                repairs.report_damage(
                    self.session, entry.item_id, [DamageKind.OTHER], at=self.at, by=by, note=note
                )
            except LifecycleRefusedError as refused:
                queued = False
                return {"queued": False, "reason": refused.reason.value}
            return {"queued": True}

        self.audited("weeding.repair", item, {}, change)
        return queued

    def move(self, entry: WeedingRoundEntry, item: Item) -> None:
        found = sa.select(LOCATION.c.id).where(LOCATION.c.code == entry.move_to)
        place = self.session.execute(found).scalar_one()

        def change() -> dict[str, Any]:
            item.home_location_id = place
            self.session.add(item)
            self.session.flush()
            return {"home_location": entry.move_to}

        self.audited("weeding.move", item, {"to": entry.move_to}, change)


def _left_without_copies(session: Session, record_ids: set[int]) -> list[dict[str, Any]]:
    """Records whose every copy is now withdrawn, with the readers' holds still open on them."""
    if not record_ids:
        return []
    held = sa.select(ITEM.c.record_id).where(
        ITEM.c.record_id.in_(sorted(record_ids)), ITEM.c.status != ItemStatus.WITHDRAWN.value
    )
    empty = sorted(record_ids - set(session.execute(held).scalars()))
    if not empty:
        return []
    holds = dict(
        session.execute(
            sa.select(HOLD.c.record_id, sa.func.count())
            .where(
                HOLD.c.record_id.in_(empty),
                HOLD.c.status.in_([HoldStatus.WAITING.value, HoldStatus.READY.value]),
            )
            .group_by(HOLD.c.record_id)
        ).all()
    )
    titles = dict(session.execute(sa.select(RECORD.c.id, RECORD.c.title).where(RECORD.c.id.in_(empty))).all())
    return [{"record_id": r, "title": titles[r], "open_holds": int(holds.get(r, 0))} for r in empty]


def approve(
    session: Session,
    round_id: int,
    *,
    rules: RoundRules,
    at: datetime,
    staff: str,
    library: str | None = None,
) -> Approved:
    """Approve the round and carry out every verdict; refused (nothing written) with the domain's reasons."""
    row = locked_round(session, round_id)
    entries = entry_rows(session, round_id)
    # The copies are locked before their standing is read: a checkout of one waits for the approval, or
    # the approval sees its loan.
    items = {item_id: locked_item(session, item_id) for item_id in sorted(e.item_id for e in entries)}
    to_withdraw = [e.item_id for e in entries if e.verdict is Verdict.WITHDRAW]
    moved = rounds.approve(
        as_round(row),
        [as_entry(e) for e in entries],
        standing(session, to_withdraw),
        round_rules(row, rules),
        at,
    )
    if isinstance(moved, list):
        raise RoundRefusedError(round_id, moved)
    row.status, row.approved_at, row.approved_by = moved.status, moved.approved_at, staff
    counts = {verdict.value: 0 for verdict in Verdict}
    released: list[dict[str, str]] = []
    records: set[int] = set()
    not_queued: list[int] = []
    carrying = _Carrying(session, row, at, staff)
    for entry in entries:
        assert entry.verdict is not None
        counts[entry.verdict.value] += 1
        item = items[entry.item_id]
        if entry.verdict is Verdict.WITHDRAW:
            records.add(item.record_id)
            tag = carrying.withdraw(entry, item)
            if tag is not None:
                released.append({"barcode": item.barcode, "tag_uid": tag})
        elif entry.verdict is Verdict.REPAIR and not carrying.repair(entry, item):
            not_queued.append(entry.item_id)
        elif entry.verdict is Verdict.MOVE:
            carrying.move(entry, item)
    row.outcome = {
        "counts": counts,
        "released_tags": released,
        "records_without_copies": _left_without_copies(session, records),
        "repairs_not_queued": not_queued,
    }
    session.add(row)
    session.flush()
    documents.make(session, round_id, documents.AT_APPROVAL, at=at, staff=staff, library=library)
    return Approved(row, row.outcome)
