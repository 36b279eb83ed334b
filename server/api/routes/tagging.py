"""The RFID conversion over REST: record a tag written elsewhere (a programming tool, `stacks tags write`),
and the conversion's figures. The same services as the console's tagging pages (server/services/tagging.py,
tagging_progress.py): a tag is bound once per idempotency key, audited, and refused when another item has
its UID."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from pydantic import Field

from contract.common import TagUid
from server.api.deps import NowDep, SessionDep, SettingsDep, permit
from server.api.idempotency import KeyableWrite
from server.api.lookups import BarcodePath
from server.api.schemas.base import ApiModel, RequestModel
from server.errors import ConflictError
from server.services import tagging, tagging_progress
from server.services.permissions import Permission

router = APIRouter(tags=["tagging"])


class TagBound(RequestModel):
    uid: TagUid = Field(description="The UID of the tag written, verified and secured for the item.")


class TagRecorded(ApiModel):
    barcode: str
    uid: str
    binding: str = Field(description="new (the item had no tag), same (this tag again) or replaces.")


class DayCount(ApiModel):
    day: date
    count: int


class PlaceLeftOut(ApiModel):
    floor: str
    range: str | None
    left: int


class ProgressOut(ApiModel):
    tagged: int
    left: int
    days: list[DayCount] = Field(description="Items tagged per day, the library's days, oldest first.")
    places: list[PlaceLeftOut] = Field(description="Copies left to tag by floor and range, most first.")


@router.post(
    "/items/{barcode}/tag",
    summary="Record the item's RFID tag, written and verified (409 when another item has the UID)",
    response_model=TagRecorded,
    dependencies=[permit(Permission.TAGGING)],
)
def record_tag(barcode: BarcodePath, body: TagBound, write: KeyableWrite) -> TagRecorded:
    applied = tagging.bind_tag(
        write.session, barcode=barcode, uid=body.uid, staff=write.staff.username, now=write.now, key=write.key
    )
    reply = applied.reply
    if reply.get("holder") is not None:
        write.session.rollback()
        raise ConflictError(f"tag {body.uid} belongs to item {reply['holder']}")
    if not applied.replayed:
        write.session.commit()
    return TagRecorded(barcode=barcode, uid=reply["uid"], binding=reply["binding"])


@router.get(
    "/tagging/progress",
    summary="The RFID conversion: items tagged per day, tagged and left, left per floor and range",
    response_model=ProgressOut,
    dependencies=[permit(Permission.TAGGING)],
)
def progress(*, session: SessionDep, settings: SettingsDep, now: NowDep) -> ProgressOut:
    zone = ZoneInfo(settings.timezone)
    shown = tagging_progress.progress(session, today=now.astimezone(zone).date(), timezone=zone)
    return ProgressOut(
        tagged=shown.tagged,
        left=shown.left,
        days=[DayCount(day=d.day, count=d.count) for d in shown.days],
        places=[PlaceLeftOut(floor=p.floor, range=p.range, left=p.left) for p in shown.places],
    )
