"""The tagging services on SQLite and PostgreSQL: an order, the station's check and report, the tag bound to
the item (audited, once), a UID another item has refused at the check and at the report, an item that has
a tag refused unless re-tagging is asked for; and the conversion dashboard's figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from contract.replies import ReasonCode
from contract.tagging import TagClaim, TagRefusal, TagWriteReport
from server.db.tables import Device, EventLog, Item, TaggingRequest
from server.domain.tagging import TaggingState
from server.services import tagging, tagging_progress
from server.services.columns import table_of
from server.services.tagging import ItemAlreadyTaggedError
from tests.support import factories as make

NOW = datetime(2026, 3, 2, 9, 14, tzinfo=UTC)
STATION = "station-01"
UID, OTHER_UID = "E00401501A2B3C4D", "E0040150FFEE0011"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _written(request: TaggingRequest, barcode: str, uid: str) -> TagWriteReport:
    return TagWriteReport(
        command_id=request.id, barcode=barcode, written=True, uid=uid, secured=True, took_ms=420
    )


def _ordered(session: Session, barcode: str, *, retag: bool = False) -> TaggingRequest:
    request = tagging.order(session, barcode=barcode, device_id=STATION, staff="lan", now=NOW, retag=retag)
    session.commit()
    return request


def test_a_tag_written_at_a_station_is_recorded_once_and_refused_for_another_item(session: Session) -> None:
    session.add(Device(device_id=STATION, device_kind="station"))
    untagged = make.item(session, tag_uid=None)
    holder = make.item(session, tag_uid=OTHER_UID)
    session.commit()

    # The station asks about the tag on its pad, then reports it written: the item has it now.
    request = _ordered(session, untagged.barcode)
    assert request.expires_at == NOW + tagging.ORDER_TTL
    claim = TagClaim(command_id=request.id, barcode=untagged.barcode, uid=UID)
    assert tagging.check(session, claim) == (ReasonCode.OK, None)
    answer = tagging.record_report(session, _written(request, untagged.barcode, UID), now=NOW)
    session.commit()
    assert answer == (ReasonCode.OK, None)
    session.refresh(untagged)
    assert (untagged.tag_uid, untagged.tagged_at) == (UID, NOW)
    assert session.get(TaggingRequest, request.id).state is TaggingState.WRITTEN  # type: ignore[union-attr]
    log = table_of(EventLog)
    audit = session.execute(sa.select(EventLog).where(log.c.kind == "desk.tagging.record")).scalars().all()
    assert len(audit) == 1
    assert audit[0].payload["staff"] == "lan"
    assert audit[0].changes["before"]["tag_uid"] is None
    assert audit[0].changes["after"]["tag_uid"] == UID
    # The order is answered: a report sent again (a retried request) changes nothing.
    again = tagging.record_report(session, _written(request, untagged.barcode, UID), now=NOW)
    assert again == (ReasonCode.TAGGING_REFUSED, None)

    # Tagged now: a new order needs re-tagging asked for.
    with pytest.raises(ItemAlreadyTaggedError):
        tagging.order(session, barcode=untagged.barcode, device_id=STATION, staff="lan", now=NOW)
    retag = _ordered(session, untagged.barcode, retag=True)

    # A UID another item has is refused when the station asks, and when a report names it anyway.
    claim = TagClaim(command_id=retag.id, barcode=untagged.barcode, uid=OTHER_UID)
    assert tagging.check(session, claim) == (ReasonCode.TAG_IN_USE, holder.barcode)
    refused = tagging.record_report(session, _written(retag, untagged.barcode, OTHER_UID), now=NOW)
    session.commit()
    assert refused == (ReasonCode.TAG_IN_USE, holder.barcode)
    session.refresh(untagged)
    assert untagged.tag_uid == UID
    kept = session.get(TaggingRequest, retag.id)
    assert kept is not None
    assert (kept.state, kept.refusal, kept.holder) == (TaggingState.REFUSED, "tag_in_use", holder.barcode)

    # A refusal at the pad (another library's tag) ends the order with its reason; the item is untouched.
    foreign = _ordered(session, untagged.barcode, retag=True)
    report = TagWriteReport(
        command_id=foreign.id,
        barcode=untagged.barcode,
        written=False,
        uid="E0040150AAAA0001",
        refusal=TagRefusal.FOREIGN_TAG,
        holder="31234",
        owner_isil="DE-705",
        detail="tag holds item 31234 of DE-705",
        took_ms=35,
    )
    assert tagging.record_report(session, report, now=NOW) == (ReasonCode.OK, None)
    session.commit()
    ended = session.get(TaggingRequest, foreign.id)
    assert ended is not None
    assert (ended.state, ended.refusal, ended.took_ms) == (TaggingState.REFUSED, "foreign_tag", 35)

    # The REST route's way: the same binding, refused for a UID another item has.
    bound = tagging.bind_tag(session, barcode=untagged.barcode, uid=OTHER_UID, staff="lan", now=NOW, key=None)
    assert bound.reply["decision"]["code"] == "tag_in_use"


def test_the_conversion_dashboard_counts_per_day_and_what_is_left_per_floor_and_range(
    session: Session,
) -> None:
    library = make.location(session, kind="library", name="Thư viện")
    floor = make.location(session, kind="floor", name="Tầng 2", parent_id=library.id)
    ranges = [make.location(session, kind="range", name=f"Dãy {n}", parent_id=floor.id) for n in (1, 2)]
    shelves = [make.location(session, kind="shelf", name=f"Kệ {r.name}", parent_id=r.id) for r in ranges]
    today = date(2026, 3, 2)
    evening = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)  # 23:30 in Hà Nội: still today there
    after_midnight = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)  # 00:30 on the 3rd there: not today
    for at in (evening, evening - timedelta(hours=2), evening - timedelta(days=1)):
        make.item(session, tagged_at=at, home_location_id=shelves[0].id)
    make.item(session, tagged_at=after_midnight, home_location_id=shelves[0].id)
    for _ in range(3):
        make.item(session, tag_uid=None, home_location_id=shelves[1].id)
    make.item(session, tag_uid=None, home_location_id=shelves[0].id)
    make.item(session, tag_uid=None, home_location_id=shelves[0].id, status="withdrawn")
    session.commit()

    shown = tagging_progress.progress(session, today=today, timezone=ZONE, days=3)
    assert [(d.day, d.count) for d in shown.days] == [
        (date(2026, 2, 28), 0),
        (date(2026, 3, 1), 1),
        (date(2026, 3, 2), 2),
    ]
    assert (shown.tagged, shown.left, shown.recent) == (4, 4, 3)
    assert [(p.floor, p.range, p.left) for p in shown.places] == [
        ("Tầng 2", "Dãy 2", 3),
        ("Tầng 2", "Dãy 1", 1),
    ]
    assert shown.share_done == 0.5
    assert session.execute(sa.select(sa.func.count()).select_from(Item)).scalar_one() == 9
