"""A copy taken out of the collection, and taken back: the one place that withdraws, for a weeding round's
approval and for staff withdrawing a copy by hand (a copy lost and paid for, one destroyed).

Withdrawing sets the status WITHDRAWN from that moment (the annual statistics count withdrawals by
`status_changed_at`), writes the accession register's withdrawal entry (`item_withdrawal`: when, which round
if any, why, by whom), releases the RFID tag (its UID no longer names the copy, so a read of it is never
taken for a live copy; the entry keeps it, to disarm or remove), cancels an open repair ticket and ends a
missing or lost trace (its history stays). Reinstating a copy withdrawn by mistake removes the entry; the
audit trail keeps both steps. Never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from server.db.tables import Item, ItemTrace, ItemWithdrawal
from server.domain.enums import ItemStatus
from server.services import repairs


def withdraw(
    session: Session,
    item: Item,
    *,
    at: datetime,
    staff: str,
    round_id: int | None = None,
    reasons: Sequence[str] = (),
    note: str | None = None,
) -> str | None:
    """Take the copy out of the collection, `staff` (a username) doing it; answers the tag UID released."""
    assert item.id is not None
    released = item.tag_uid
    repairs.cancel_open(session, item.id, at=at, by=f"staff:{staff}", note=note or "withdrawn")
    trace = session.get(ItemTrace, item.id)
    if trace is not None:
        session.delete(trace)
    item.status, item.status_changed_at, item.tag_uid = ItemStatus.WITHDRAWN, at, None
    session.add(item)
    stale = session.get(ItemWithdrawal, item.id)
    if stale is not None:  # withdrawn before, reinstated without its entry removed: the new one stands
        session.delete(stale)
        session.flush()
    entry = ItemWithdrawal(
        item_id=item.id,
        withdrawn_at=at,
        round_id=round_id,
        reasons=list(reasons),
        note=note,
        released_tag_uid=released,
        by=staff,
    )
    session.add(entry)
    session.flush()
    return released


def reinstate(session: Session, item: Item) -> None:
    """A copy withdrawn by mistake is back: its register entry goes (the caller sets its status)."""
    entry = session.get(ItemWithdrawal, item.id)
    if entry is not None:
        session.delete(entry)
        session.flush()
