"""A week at the library's exit, for the console's gate pages: books that sounded the gate (on the shelf,
lent by a kiosk whose tag stayed armed, another library's, one of ours the catalogue does not know), some
alarms already resolved, and footfall every hour the library was open — applied through the same services
as the ingest, so the pages show what a working library would."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from contract.events import GateAlarmRaised
from contract.gate import TagDataStatus, TagPassages
from server.db.tables import Item
from server.domain.gate import AlarmResolution
from server.domain.lifecycle.settings import LifecycleSettings
from server.services import alarm_desk
from server.services.alarm_desk import AlarmRecord
from server.services.gate_alarms import GateAlarmReport, record_alarms
from server.services.gate_footfall import FootfallReport, record_footfall
from tests.support import factories as make
from tests.support import gate_events as gate

LIBRARY_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# Barcodes, chips and cards of their own: a seeded library (VV000001…) may share the database.
_NUMBERS = itertools.count(950_001)
TITLES = (
    ("Số đỏ", "895.9223 VU-P"),
    ("Nỗi buồn chiến tranh", "895.9223 BA-N"),
    ("Giáo trình Cấu trúc dữ liệu và giải thuật", "005.73 NG-H"),
    ("Lịch sử Việt Nam từ nguồn gốc đến thế kỷ XIX", "959.7 DA-A"),
    ("Truyện Kiều", "895.9221 NG-D"),
)


@dataclass
class GateDesk:
    alarms: list[AlarmRecord]  # oldest first
    armed_barcode: str  # the book a kiosk lent whose tag stayed armed: queued for a tag check


def _uid(item: Item) -> str:
    assert item.tag_uid is not None
    return item.tag_uid


def _alarm(session: Session, event: GateAlarmRaised) -> AlarmRecord:
    before = alarm_desk.alarm_summary(session).latest_alarm_id or 0
    report = GateAlarmReport(event.event_id, event.device_id, event.payload)
    record_alarms(session, [report], lifecycle=LifecycleSettings())
    (found,) = alarm_desk.alarms_after(session, before)
    return found


def arrange_gate_desk(session: Session, *, now: datetime, title: str | None = None) -> GateDesk:
    """The rows, committed. `title`: the first book's title (markup, to see it shown as text)."""
    books: list[Item] = []
    for n, (name, call) in enumerate(TITLES):
        record = make.record(session, title=title if n == 0 and title else name, call_number=call)
        number = next(_NUMBERS)
        books.append(make.item(session, record, barcode=f"VV{number}", tag_uid=f"E0040150{number:08X}"))
    reader = make.patron(session, full_name="Hoàng Thị Mượn", card_number=f"SV2{next(_NUMBERS)}")
    lent, lent_at_desk = books[2], books[4]
    for book, days_ago, lender in ((lent, 4, "device:kiosk-01"), (lent_at_desk, 2, "staff:thu.thu")):
        checked_out = now - timedelta(days=days_ago)
        make.loan(
            session,
            book,
            reader,
            due_at=checked_out + timedelta(days=14),
            checked_out_at=checked_out,
            checkout_by=lender,
        )
    session.commit()
    alarms = [
        _alarm(session, gate.alarm(_uid(books[3]), books[3].barcode, at=now - timedelta(days=2, hours=3))),
        _alarm(
            session,
            gate.alarm(
                "E0078A0012345678",
                None,
                status=TagDataStatus.FOREIGN_OWNER,
                owner_isil=gate.OTHER_ISIL,
                at=now - timedelta(days=1, hours=2),
            ),
        ),
        _alarm(session, gate.alarm(_uid(lent_at_desk), lent_at_desk.barcode, at=now - timedelta(days=1))),
        _alarm(session, gate.alarm(_uid(lent), lent.barcode, at=now - timedelta(hours=5), lane=2)),
        _alarm(session, gate.alarm("E00401500BADF00D", "VV999001", at=now - timedelta(hours=2))),
        _alarm(session, gate.alarm(_uid(books[1]), books[1].barcode, at=now - timedelta(minutes=40))),
        _alarm(session, gate.alarm(_uid(books[0]), books[0].barcode, at=now - timedelta(minutes=3))),
    ]
    for alarm, resolution, note in (
        (alarms[0], AlarmResolution.RETURNED, "Bạn đọc quên mượn, đã để lại sách."),
        (alarms[1], AlarmResolution.FALSE_ALARM, "Sách của thư viện khác."),
        (alarms[2], AlarmResolution.FALSE_ALARM, "Sách đã mượn, tem chưa tắt: chuyển kiểm tra tem."),
    ):
        alarm_desk.resolve_alarm(
            session,
            alarm.id,
            resolution,
            staff="thu.thu",
            now=alarm.alarmed_at + timedelta(minutes=4),
            note=note,
        )
    _footfall(session, now)
    session.commit()
    return GateDesk([alarm_desk.get_alarm(session, a.id) for a in alarms], lent.barcode)


def _footfall(session: Session, now: datetime) -> None:
    """An hourly period for each opening hour (7:00 to 21:00) of the last seven days, busiest at noon."""
    rng = random.Random(7)
    today = now.astimezone(LIBRARY_ZONE).date()
    reports = []
    for days_back in range(6, -1, -1):
        day = today - timedelta(days=days_back)
        for hour in range(7, 21):
            start = datetime.combine(day, time(hour), tzinfo=LIBRARY_ZONE).astimezone(UTC)
            if start + timedelta(hours=1) > now:
                break
            busy = 60 - 4 * abs(hour - 12) + rng.randint(0, 15)
            people_in = busy + rng.randint(0, 10)
            event = gate.footfall(
                start,
                period=timedelta(hours=1),
                lanes={1: (people_in, busy), 2: (busy // 2, people_in // 2)},
                tags=TagPassages(ours_unsecured=busy // 4, foreign=rng.randint(0, 2)),
            )
            reports.append(FootfallReport(event.event_id, event.device_id, event.payload))
    record_footfall(session, reports)
