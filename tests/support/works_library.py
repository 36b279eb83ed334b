"""A small library of works in several editions, multi-volume sets, donations and rare copies, for the
weeding rules that need the catalogue's editions, sets and provenance. Today is `TODAY` (2026-11-25), as in
tests/support/weeding_library.py: 10 years back is 2016-11-25.

- "Nguyên lý kinh tế học", three editions: the first two superseded by the third. The third is classed
  apart (330.1) with another title between them on the shelf, and shelved in another room.
- "Giáo trình Toán cao cấp", a textbook in two editions: three copies of the first, one kept.
- "Lịch sử Việt Nam", three old volumes nobody uses: proposed whole. "Bách khoa thư Hà Nội", two volumes,
  one still lent: neither proposed.
- Old, unused copies given on conditions (spared), given freely (proposed), signed (rare, spared).

Copies used lately are lent three times in the last five years, so nothing but their edition speaks
against them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlmodel import Session

from server.db.tables import BibRecord, Loan
from server.domain.weeding.evidence import ProtectionKind, WeedReason
from server.domain.weeding.settings import WeedingSettings
from tests.support import factories as make
from tests.support.weeding_library import at
from tests.support.weeding_library import settings as shipped_settings

TODAY = date(2026, 11, 25)
SHELF, UPSTAIRS = "CS2-T2-K1", "CS2-T3-K1"
LEARNERS = 20  # a textbook title keeps 1 copy (50 per 1,000 learners): the floor holds nothing back here


@dataclass(frozen=True)
class WorksLibrary:
    items: dict[str, int]  # by barcode
    records: dict[str, int]  # by name
    shelves: dict[str, int]  # by code
    library: int  # the root of its places: a library of its own beside any other in the database


def settings() -> WeedingSettings:
    shipped = shipped_settings()
    return replace(shipped, floors=replace(shipped.floors, learners=LEARNERS))


def build(session: Session) -> WorksLibrary:
    """Write the library and commit."""
    library = make.location(session, code="CS2", name="Thư viện cơ sở 2", kind="library")
    floor = make.location(session, code="CS2-T2", name="Tầng 2", kind="floor", parent_id=library.id)
    shelf = make.location(session, code=SHELF, name="Kệ 1", kind="shelf", parent_id=floor.id)
    upstairs = make.location(session, code=UPSTAIRS, name="Kệ tầng 3", kind="shelf", parent_id=library.id)
    items: dict[str, int] = {}
    records: dict[str, int] = {}
    lent: list[tuple[int, int]] = []  # (item, loans in the last five years)

    def record(name: str, **fields: object) -> BibRecord:
        row = make.record(session, **fields)
        records[name] = row.id or 0
        return row

    def copy(record_row: BibRecord, barcode: str, *, used: int = 3, **fields: object) -> None:
        values = {"home_location_id": shelf.id, "created_at": at(2012, 1, 4)} | fields
        items[barcode] = make.item(session, record_row, barcode=barcode, **values).id or 0
        if used:
            lent.append((items[barcode], used))

    economics = {"author": "Trần Văn Hòa", "language": "vie"}
    first = record("econ-1", title="Nguyên lý kinh tế học", year=2012, call_number="330 TR-H", **economics)
    second = record("econ-2", title="Nguyên lý Kinh tế học:", year=2018, call_number="330 TR-H", **economics)
    between = record("between", title="Kinh tế học đại cương", author="Lê Minh", call_number="330.01 LE-M")
    third = record("econ-3", title="Nguyên lý kinh tế học", year=2024, call_number="330.1 TR-H", **economics)
    for row, number, statement in (
        (first, 1, None),
        (second, 2, "Tái bản lần thứ 1"),
        (third, 3, "Tái bản lần thứ 2"),
    ):
        row.edition, row.edition_number = statement, number
    copy(first, "ECON-1")
    copy(second, "ECON-2")
    copy(between, "BETWEEN")
    copy(third, "ECON-3", home_location_id=upstairs.id, created_at=at(2024, 9, 1))

    maths = {"title": "Giáo trình Toán cao cấp", "author": "Nguyễn Đình Trí", "call_number": "515 NG-T"}
    old_text = record("text-1", year=2015, edition="In lần thứ 1", edition_number=1, **maths)
    new_text = record("text-2", year=2023, edition="Tái bản lần thứ 1", edition_number=2, **maths)
    copy(old_text, "TEXT-OLD-1", used=4, item_type="textbook")  # the most used: the one kept
    copy(old_text, "TEXT-OLD-2", item_type="textbook")
    copy(old_text, "TEXT-OLD-3", item_type="textbook")
    copy(new_text, "TEXT-NEW", item_type="textbook", created_at=at(2023, 9, 1))

    for volume in (1, 2, 3):
        row = record(
            f"history-{volume}",
            title=f"Lịch sử Việt Nam. Tập {volume}",
            author="Viện Sử học",
            year=2005,
            call_number=f"959.7 LIC T.{volume}",
            set_title="Lịch sử Việt Nam",
            volume=f"Tập {volume}",
        )
        copy(row, f"SET-OLD-{volume}", used=0)
    for volume in (1, 2):
        row = record(
            f"hanoi-{volume}",
            title=f"Bách khoa thư Hà Nội. Tập {volume}",
            author="Nhiều tác giả",
            year=2008,
            call_number=f"915.97 BAC T.{volume}",
            set_title="Bách khoa thư Hà Nội",
            volume=f"Tập {volume}",
        )
        copy(row, f"SET-HALF-{volume}", used=0 if volume == 1 else 1)

    memoir = record(
        "memoir", title="Hồi ký một nhà giáo", author="Phạm Văn Đồng", year=2000, call_number="920 PH-D"
    )
    copy(
        memoir,
        "GIFT-KEPT",
        used=0,
        acquisition_source="donation",
        donor="Gia đình cố giáo sư Phạm Văn Đồng",
        donation_conditions="Giữ lâu dài trong kho, không thanh lý",
    )
    poems = record("poems", title="Thơ chọn lọc", author="Xuân Diệu", year=2001, call_number="895.9221 XU-D")
    copy(poems, "GIFT-FREE", used=0, acquisition_source="donation", donor="Cựu sinh viên K40")
    kieu = record("kieu", title="Truyện Kiều", author="Nguyễn Du", year=1995, call_number="895.9221 NG-D")
    copy(kieu, "KIEU-SIGNED", used=0, rare=True)

    for item_id, count in lent:
        for n in range(count):
            out = at(2022 + n, 3, 2)
            session.add(
                Loan(
                    item_id=item_id,
                    item_type="book",
                    checked_out_at=out,
                    due_at=out + timedelta(days=14),
                    returned_at=out + timedelta(days=10),
                    checkout_by="staff:seed",
                )
            )
    session.commit()
    return WorksLibrary(items, records, {SHELF: shelf.id or 0, UPSTAIRS: upstairs.id or 0}, library.id or 0)


# What the list says, by barcode, in the order of the list (the shelf order of works and sets).
CANDIDATES = {
    "ECON-1": (WeedReason.SUPERSEDED,),
    "ECON-2": (WeedReason.SUPERSEDED,),
    "TEXT-OLD-2": (WeedReason.SUPERSEDED,),
    "TEXT-OLD-3": (WeedReason.SUPERSEDED,),
    "GIFT-FREE": (WeedReason.AGE, WeedReason.UNUSED),
    "SET-OLD-1": (WeedReason.AGE, WeedReason.UNUSED),
    "SET-OLD-2": (WeedReason.AGE, WeedReason.UNUSED),
    "SET-OLD-3": (WeedReason.AGE, WeedReason.UNUSED),
}
SPARED = {
    "TEXT-OLD-1": (ProtectionKind.LAST_SUPERSEDED_TEXTBOOK,),
    "KIEU-SIGNED": (ProtectionKind.RARE,),
    "SET-HALF-1": (ProtectionKind.INCOMPLETE_SET,),
    "GIFT-KEPT": (ProtectionKind.DONATION_CONDITIONS,),
}
