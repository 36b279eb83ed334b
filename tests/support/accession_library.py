"""A small accession register for the tests of its service, its pages and its documents: seven copies of
two titles with accession numbers that sort differently as text and as numbers, entered over two years,
bought or given, one without a price, one withdrawn by a weeding round and one by hand, and one copy
without an accession number."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from server.db.tables import Item, WeedingRound
from server.domain.enums import AcquisitionSource
from server.services import item_withdrawals
from tests.support import factories as make

WITHDRAWN_AT = datetime(2026, 3, 12, 2, 0, tzinfo=UTC)
# Entered in this order; the register's order is ORDER.
NUMBERS = ["ĐKCB 10", "VV.000123", "ĐKCB 2", "dkcb 1", "ĐKCB 100", "VV.99", "ĐKCB 2a"]
ORDER = ["dkcb 1", "ĐKCB 2", "ĐKCB 2a", "ĐKCB 10", "ĐKCB 100", "VV.99", "VV.000123"]
DONOR = "Nguyễn Văn An"


def accession_library(session: Session) -> dict[str, Item]:
    """The copies by accession number, committed."""
    kieu = make.record(
        session,
        title="Truyện Kiều",
        author="Nguyễn Du",
        call_number="895.9221 NG-D",
        publisher="Nxb. Văn học",
        publication_place="Hà Nội",
        year=2015,
    )
    economics = make.record(
        session, title="Giáo trình Kinh tế vi mô", author="Phạm Văn Minh", call_number="338.5 PH-M", year=2019
    )
    made = {}
    for n, number in enumerate(NUMBERS):
        donated = number.startswith("VV")
        made[number] = make.item(
            session,
            kieu if n % 3 else economics,
            accession_number=number,
            acquired_on=date(2024 + n % 2, 5, 1 + n),
            acquisition_source=AcquisitionSource.DONATION if donated else AcquisitionSource.PURCHASE,
            donor=DONOR if donated else None,
            price=None if number == "ĐKCB 100" else 50_000 + 1_000 * n,
        )
    make.item(session, kieu)  # no accession number: not registered yet
    weeding_round = WeedingRound(
        number=3,
        title="Thanh lọc 2026",
        holdings=8,
        max_share_percent=5,
        opened_at=WITHDRAWN_AT,
        opened_by="lan",
    )
    session.add(weeding_round)
    session.flush()
    item_withdrawals.withdraw(
        session, made["ĐKCB 10"], at=WITHDRAWN_AT, staff="lan", round_id=weeding_round.id, reasons=["age"]
    )
    item_withdrawals.withdraw(session, made["VV.99"], at=WITHDRAWN_AT, staff="lan", note="withdrawn by hand")
    session.commit()
    return made
