"""The RFID conversion: a librarian orders a tagging station to write an item's tag, the station checks the
tag on its pad with the server, writes it, and reports; the item then carries the tag.

    request = order(session, barcode=..., device_id="station-01", staff="lan", now=now)   # then commit,
    publish order_message(request, barcode) on the station's commands topic
    check(session, claim)                 # the station's tagging.check: is this UID free for the item?
    record_report(session, report, ...)   # the station's tagging.report: tag written, or why not
    bind_tag(session, barcode=..., uid=..., staff=..., now=..., key=...)   # the one place a tag is recorded

`bind_tag` is an audited staff action (the librarian who ordered it, the item before and after) and
refuses a UID already bound to another item; the REST API's `POST /items/{barcode}/tag` and the station's
report both go through it. Like every service these never commit; the caller commits once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session
from uuid_utils.compat import uuid7

from contract.replies import ReasonCode
from contract.tagging import TagClaim, TagRefusal, TagWriteOrder, TagWriteReport
from server import i18n
from server.db.tables import Device, Item, TaggingRequest
from server.domain.tagging import TagBinding, TaggingState, binding
from server.errors import ConflictError, InvalidInputError, NotFoundError
from server.services import staff_actions
from server.services.columns import COPY_CALL_NUMBER, ITEM, LOCATION, RECORD, table_of
from server.services.staff_actions import Applied, row_subject

ORDER_TTL = timedelta(seconds=30)  # a station receiving an order later refuses it
RECORD_TAG = "tagging.record"
STATION_KIND = "station"
NOT_SENT = "not_sent"  # the server could not publish the order (no broker): the order never left


class ItemAlreadyTaggedError(ConflictError):
    """The item has a tag; staff must ask for re-tagging explicitly."""

    def __init__(self, barcode: str, uid: str) -> None:
        super().__init__(f"item {barcode} already has tag {uid}; ask for re-tagging to replace it")
        self.barcode = barcode
        self.uid = uid


@dataclass(frozen=True)
class ItemToTag:
    """A copy as the station page shows it before writing."""

    barcode: str
    title: str
    author: str | None
    call_number: str | None
    home: str | None
    tag_uid: str | None
    tagged_at: datetime | None


def item_to_tag(session: Session, barcode: str | None = None, *, item_id: int | None = None) -> ItemToTag:
    """The copy with this barcode (or id)."""
    named = ITEM.c.barcode == barcode.strip() if barcode is not None else ITEM.c.id == item_id
    row = session.execute(
        sa.select(
            ITEM.c.barcode,
            RECORD.c.title,
            RECORD.c.author,
            COPY_CALL_NUMBER.label("call_number"),
            LOCATION.c.name,
            ITEM.c.tag_uid,
            ITEM.c.tagged_at,
        )
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(LOCATION, LOCATION.c.id == ITEM.c.home_location_id)
        .where(named)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no item with barcode {barcode!r}")
    return ItemToTag(*row)


def stations(session: Session, listed: Iterable[str] = ()) -> list[str]:
    """The tagging stations: those config/devices.toml lists (`listed`) and those the server has heard
    from, by id."""
    device = table_of(Device)
    found = session.execute(sa.select(device.c.device_id).where(device.c.device_kind == STATION_KIND))
    return sorted({str(device_id) for device_id in found.scalars()} | set(listed))


def order(
    session: Session,
    *,
    barcode: str,
    device_id: str,
    staff: str,
    now: datetime,
    retag: bool = False,
    ttl: timedelta = ORDER_TTL,
    listed: Iterable[str] = (),
) -> TaggingRequest:
    """A new order for `device_id` to write the item's tag. Refuses an item that has a tag unless `retag`."""
    item = _item(session, barcode)
    if item.tag_uid is not None and not retag:
        raise ItemAlreadyTaggedError(item.barcode, item.tag_uid)
    if device_id not in stations(session, listed):
        raise InvalidInputError(f"{device_id!r} is not a tagging station the server has heard from")
    assert item.id is not None
    request = TaggingRequest(
        id=uuid7(),
        item_id=item.id,
        device_id=device_id,
        requested_by=staff,
        requested_at=now,
        expires_at=now + ttl,
        retag=retag,
    )
    session.add(request)
    return request


def order_message(request: TaggingRequest, barcode: str) -> TagWriteOrder:
    return TagWriteOrder(
        command_id=request.id,
        issued_at=request.requested_at,
        expires_at=request.expires_at,
        barcode=barcode,
        retag=request.retag,
    )


def check(session: Session, claim: TagClaim) -> tuple[ReasonCode, str | None]:
    """May the station write the tag `claim.uid` for the item? OK, TAG_IN_USE with the item that has the
    UID, or TAGGING_REFUSED for an order that is not waiting (unknown, answered, another item)."""
    request = _waiting(session, claim.command_id, claim.barcode)
    if request is None:
        return ReasonCode.TAGGING_REFUSED, None
    holder = _holder(session, claim.uid, request.item_id)
    return (ReasonCode.TAG_IN_USE, holder) if holder is not None else (ReasonCode.OK, None)


def record_report(
    session: Session, report: TagWriteReport, *, now: datetime
) -> tuple[ReasonCode, str | None]:
    """The station's report ends its order: a tag written is bound to the item (audited, in the name of the
    librarian who ordered it); a refusal is kept with its reason."""
    request = _waiting(session, report.command_id, report.barcode)
    if request is None:
        return ReasonCode.TAGGING_REFUSED, None
    request.finished_at = now
    request.took_ms = report.took_ms
    request.uid = report.uid
    session.add(request)
    if not report.written or report.uid is None:
        _refused(request, report.refusal or TagRefusal.WRITE_FAILED, report.holder, report.detail)
        return ReasonCode.OK, None
    # A fresh key for the staff action: the report's own event id names the station's event in the log,
    # and the ingest already answers a retried report with its stored reply.
    applied = bind_tag(
        session, barcode=report.barcode, uid=report.uid, staff=request.requested_by, now=now, key=None
    )
    holder = applied.reply.get("holder")
    if holder is not None:
        _refused(request, TagRefusal.TAG_IN_USE, holder, f"tag {report.uid} belongs to item {holder}")
        return ReasonCode.TAG_IN_USE, holder
    request.state = TaggingState.WRITTEN
    return ReasonCode.OK, None


def bind_tag(
    session: Session, *, barcode: str, uid: str, staff: str, now: datetime, key: uuid.UUID | None
) -> Applied:
    """Record that the item's tag is `uid`, written now: an audited staff action, applied once per key.
    The reply's `decision` is ok (with `binding`: new, same or replaces) or tag_in_use (with `holder`)."""
    uid = uid.upper()
    item = _item(session, barcode)

    def apply() -> Mapping[str, Any]:
        assert item.id is not None
        holder = _holder(session, uid, item.id)
        verdict = binding(item.tag_uid, uid, holder is not None)
        if verdict is TagBinding.IN_USE:
            refused = i18n.decision(ReasonCode.TAG_IN_USE)
            return {"decision": refused.model_dump(mode="json"), "holder": holder}
        item.tag_uid = uid
        item.tagged_at = now
        session.add(item)
        done = i18n.decision(ReasonCode.OK)
        return {"decision": done.model_dump(mode="json"), "binding": str(verdict), "uid": uid}

    action = staff_actions.action(RECORD_TAG, staff, {"barcode": item.barcode, "uid": uid}, key)
    subject = row_subject(session, f"item:{item.barcode}", Item, barcode=item.barcode)
    return staff_actions.perform(session, action, now, apply, subject)


def request_of(session: Session, request_id: uuid.UUID) -> TaggingRequest:
    request = session.get(TaggingRequest, request_id)
    if request is None:
        raise NotFoundError(f"no tagging request {request_id}")
    return request


def not_sent(session: Session, request_id: uuid.UUID, now: datetime) -> None:
    """The order could not be published: it ends refused, so that nothing waits for it."""
    request = request_of(session, request_id)
    _refused(request, NOT_SENT, None, "the order could not be published to the station")
    request.finished_at = now
    session.add(request)


def _refused(request: TaggingRequest, refusal: str, holder: str | None, detail: str) -> None:
    request.state = TaggingState.REFUSED
    request.refusal = str(refusal)
    request.holder = holder
    request.detail = detail[:300] or None


def _item(session: Session, barcode: str) -> Item:
    item: Item | None = session.execute(
        sa.select(Item).where(ITEM.c.barcode == barcode.strip())
    ).scalar_one_or_none()
    if item is None:
        raise NotFoundError(f"no item with barcode {barcode!r}")
    return item


def _holder(session: Session, uid: str, item_id: int) -> str | None:
    """The barcode of another item whose tag is `uid`, if any."""
    found = session.execute(
        sa.select(ITEM.c.barcode).where(ITEM.c.tag_uid == uid.upper(), ITEM.c.id != item_id)
    ).scalar_one_or_none()
    return str(found) if found is not None else None


def _waiting(session: Session, request_id: uuid.UUID, barcode: str) -> TaggingRequest | None:
    request = session.get(TaggingRequest, request_id, with_for_update=True)
    if request is None or request.state is not TaggingState.WAITING:
        return None
    item = session.get(Item, request.item_id)
    return request if item is not None and item.barcode == barcode else None
