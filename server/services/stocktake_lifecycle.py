"""A stock-take's closing actions that belong to the collection lifecycle: an item marked missing, a
missing or lost item found, a damage mark for repair — applied and undone through the lifecycle's
services, so that the trace (or the repair ticket) and the item's status change together and the
missing → lost timers start from the sweep that did not find the item. Never commits."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from server.db.tables import Item, StocktakeAction, StocktakeDamage
from server.domain.enums import ItemStatus
from server.domain.lifecycle.condition import DamageKind
from server.domain.lifecycle.settings import LifecycleSettings
from server.domain.lifecycle.trace import SeenSource
from server.domain.stocktake.plan import ActionKind
from server.services import lifecycle, repairs
from server.services.item_traces import LifecycleRefusedError

_TRACED = (ItemStatus.MISSING, ItemStatus.LOST)


def apply(
    session: Session,
    settings: LifecycleSettings,
    action: StocktakeAction,
    item: Item,
    *,
    at: datetime,
    by: str,
) -> str | None:
    """Apply a `mark_missing`, `restore` or `record_damage` action; the reason it was left alone, if it
    was. What is not the lifecycle's (a withdrawn item found, damage noted but not for repair, the
    condition) is set here too."""
    assert item.id is not None
    if action.kind is ActionKind.MARK_MISSING:
        try:
            lifecycle.mark_missing(session, settings, item.id, at=at, now=at, by=by)
        except LifecycleRefusedError as refused:
            return f"not marked missing: {refused.reason.value}"
    elif action.kind is ActionKind.RESTORE and item.status in _TRACED:
        if lifecycle.seen(session, settings, item.id, at=at, source=SeenSource.STOCKTAKE, by=by) is None:
            return "not found: the sighting is older than the report that it is gone"
    elif action.kind is ActionKind.RECORD_DAMAGE and action.after_status is ItemStatus.DAMAGED:
        note = action.note or "marked damaged at the shelf during a stock-take"
        kinds = marked_kinds(session, action)
        repairs.report_damage(session, item.id, kinds, at=at, by=by, note=note)
    else:
        item.status, item.status_changed_at = action.after_status, at
    if action.kind is ActionKind.RECORD_DAMAGE and action.after_condition is not None:
        item.condition = action.after_condition
    session.add(item)
    return None


def marked_kinds(session: Session, action: StocktakeAction) -> list[DamageKind]:
    """The kinds of damage the mark behind a `record_damage` action named (the action is dated by its mark);
    "other" for a mark that named none — a handheld sending version 1 of `stocktake.damage` — so that the
    ticket still says damage, and staff name it when they take up the repair."""
    named = session.exec(
        select(StocktakeDamage.damage_kinds)
        .where(
            StocktakeDamage.session_id == action.session_id,
            StocktakeDamage.item_id == action.item_id,
            StocktakeDamage.at_us == action.at_us,
        )
        .order_by(col(StocktakeDamage.id).desc())
        .limit(1)
    ).first()
    return [DamageKind(kind) for kind in named] if named else [DamageKind.OTHER]


def undo(
    session: Session,
    settings: LifecycleSettings,
    action: StocktakeAction,
    item: Item,
    *,
    at: datetime,
    by: str,
) -> bool:
    """Take back what applying the action did through the lifecycle; True when that set the status too
    (the trace taken back), False when the caller still sets the status from before."""
    assert item.id is not None
    if action.kind is ActionKind.MARK_MISSING:
        return lifecycle.undo_missing(session, settings, item.id, at=at, by=by)
    if action.kind is ActionKind.RESTORE:
        return lifecycle.undo_found(session, settings, item.id, at=at, by=by)
    if action.kind is ActionKind.RECORD_DAMAGE:
        repairs.cancel_open(session, item.id, at=at, by=by, note="the stock-take's damage mark was undone")
    return False
