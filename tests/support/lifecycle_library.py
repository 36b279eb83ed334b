"""A small library with items at every step of the lifecycle, for the console's missing and lost lists,
the repair queue and damage reports: built through the services, with `now` the console's clock.

One floor (`floor`) with two shelves; every barcode starts with `prefix`, so that a server shared by
several test files keeps each file's items apart (filter the lists to the floor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from server.db.tables import Item
from server.domain.lifecycle.condition import DamageKind
from server.domain.lifecycle.settings import LifecycleSettings
from server.services import lifecycle, repairs
from tests.support import factories as make

STAFF = "staff:thuthu"
DAY = timedelta(days=1)


@dataclass(frozen=True)
class LifecycleLibrary:
    floor: str  # the floor's code: the place filter
    items: dict[str, int]  # by barcode
    tickets: dict[str, int]  # open repair tickets, by barcode

    def barcode(self, name: str) -> str:
        return next(b for b in self.items if b.endswith(name))


def build(session: Session, now: datetime, prefix: str = "LC") -> LifecycleLibrary:
    settings = LifecycleSettings()
    library = make.location(session, code=f"{prefix}-TV", name="Thư viện Khoa học", kind="library")
    floor = make.location(
        session, code=f"{prefix}-T2", name="Tầng 2 – Khoa học xã hội", kind="floor", parent_id=library.id
    )
    one = make.location(session, code=f"{prefix}-T2-K1", name="Kệ 1", kind="shelf", parent_id=floor.id)
    two = make.location(session, code=f"{prefix}-T2-K2", name="Kệ 2", kind="shelf", parent_id=floor.id)
    reader = make.patron(session, full_name="Trần Minh Khoa")
    items: dict[str, int] = {}

    def copy(name: str, title: str, call_number: str, shelf_id: int | None) -> int:
        record = make.record(session, title=title, call_number=call_number)
        item = make.item(session, record, barcode=f"{prefix}-{name}", home_location_id=shelf_id)
        assert item.id is not None
        items[item.barcode] = item.id
        return item.id

    def missing(name: str, title: str, call_number: str, shelf_id: int | None, days: int) -> None:
        item_id = copy(name, title, call_number, shelf_id)
        lifecycle.mark_missing(session, settings, item_id, at=now - days * DAY, now=now, by=STAFF)

    missing("SEARCH1", "Lịch sử Việt Nam", "959.7 LS-V", one.id, 10)  # the first search is due
    missing("SEARCH2", "Xã hội học đại cương", "301 XH-H", one.id, 40)  # the second is due
    missing("FRESH", "Kinh tế học vi mô", "338.5 KT-H", two.id, 3)  # nothing due yet
    missing("LOSTSHELF", "Tâm lý học", "150 TL-H", two.id, 430)  # lost and proposed for withdrawal
    missing("LOSTNEW", "Triết học Mác – Lênin", "335.4 TH-M", two.id, 400)  # lost, not proposed yet
    on_loan = copy("LOSTLOAN", "Ngôn ngữ học", "410 NN-H", one.id)
    loan_item = session.get(Item, on_loan)
    assert loan_item is not None
    make.loan(session, loan_item, reader, due_at=now + 7 * DAY, checked_out_at=now - 20 * DAY)
    session.flush()
    lifecycle.declare_lost_from_loan(session, settings, on_loan, at=now - 5 * DAY, by=STAFF)
    tickets: dict[str, int] = {}
    for name, kinds, started in [
        ("TORN", (DamageKind.TORN, DamageKind.WATER), False),
        ("BINDING", (DamageKind.BINDING,), True),
    ]:
        item_id = copy(name, f"Giáo trình {name.lower()}", "370 GT-D", two.id)
        ticket = repairs.report_damage(session, item_id, kinds, at=now - 2 * DAY, by=STAFF, note="Bìa bong")
        assert ticket.id is not None
        if started:
            repairs.start_repair(session, ticket.id, at=now - DAY, by=STAFF)
        tickets[f"{prefix}-{name}"] = ticket.id
    copy("SOUND", "Văn học dân gian", "398.2 VH-D", one.id)  # to report damage on
    session.commit()
    return LifecycleLibrary(floor.code, items, tickets)
