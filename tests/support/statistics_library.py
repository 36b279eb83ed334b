"""A small library with a known history for the annual plan's figures: the weeding library
(tests/support/weeding_library.py) with two copies of an English title bought in 2025 and 2026, the old
copy's withdrawal stamped in 2024, hold queues, and two closed stock-takes with the counts closing stored.

Today is 2026-11-25; the yearly table reaches back to 2017. What the figures are, by heart:

- held today: 10 copies (11 ever, one withdrawn on 2024-03-01); 6 were held before 2017, 3 came in 2017,
  1 in 2025 and 1 in 2026; loans 2018: 1, 2024: 1, 2025: 2 (the English title), 2026: 1;
- classes 000: 3 (the old copy and the English title's two), 300: 3, 900: 3 (one missing, one lost),
  other: the thesis; floors TV-T2: 9, TV-KHOQUY: 1; languages vie 8, eng 2; never used: 6;
- hold queues: "Lịch sử Việt Nam" 2 waiting for no usable copy, the English title 7 waiting for 2 copies;
- stock-takes: 2024 (10 counted, 9 seen, 1 missing), 2026 (9 counted, 6 seen, 2 missing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import BibRecord, Item, StocktakeCount, StocktakeSession
from server.domain.stocktake.session import SessionState
from server.services.collection_statistics import STOCKTAKE
from tests.support import factories as make
from tests.support import weeding_library
from tests.support.weeding_library import TODAY, WeedingLibrary, at

__all__ = ["TODAY", "StatisticsLibrary", "build"]

ENGLISH_TITLE = "Learning Python"
GONE_TITLE = "Lịch sử Việt Nam"


@dataclass(frozen=True)
class StatisticsLibrary:
    weeding: WeedingLibrary
    english_record: int
    gone_record: int


def build(session: Session) -> StatisticsLibrary:
    library = weeding_library.build(session)
    shelf = library.shelves["TV-T2-K1"]
    withdrawn = session.get(Item, library.items["OLD-WITHDRAWN"])
    assert withdrawn is not None
    withdrawn.status_changed_at = at(2024, 3, 1)
    session.add(withdrawn)
    english = make.record(session, title=ENGLISH_TITLE, year=2024, call_number="005.133 LUT", language="eng")
    first = make.item(session, english, barcode="PY-1", home_location_id=shelf, created_at=at(2025, 3, 10))
    make.item(session, english, barcode="PY-2", home_location_id=shelf, created_at=at(2026, 2, 1))
    for out in (at(2025, 4, 1), at(2025, 9, 15)):  # the factory lends 14 days before the day due
        back = out + timedelta(days=10)
        make.loan(
            session, first, make.patron(session, pin=None), due_at=out + timedelta(days=14), returned_at=back
        )
    # By its own copy, not its title: the server's seeded library, which this is added to, may hold a
    # record of the same title.
    gone_copy = session.get_one(Item, library.items["GONE-MISSING"])
    gone = session.get_one(BibRecord, gone_copy.record_id)
    assert gone.title == GONE_TITLE
    reader = make.patron(session, pin=None)
    for record, waiting in ((gone, 2), (english, 7)):
        for n in range(waiting):
            make.hold(session, record, reader, placed_at=at(2026, 11, 1) + timedelta(hours=n))
    make.hold(session, english, reader, placed_at=at(2026, 10, 1), status="cancelled")
    # Counts as closing stores them; the issue tally is on top of the classes and is not a copy counted.
    query = sa.select(STOCKTAKE.c.id).where(STOCKTAKE.c.state == SessionState.CLOSED)
    closed_2026 = int(session.execute(query).scalars().one())  # the weeding library's
    for session_id, counts in (
        (_closed_2024(session), {"found": 8, "wrong_place": 1, "missing": 1}),
        (closed_2026, {"found": 5, "wrong_place": 1, "missing": 2, "not_expected": 1}),
    ):
        for name, count in counts.items():
            session.add(_count(session_id, "class", name, count))
        session.add(_count(session_id, "issue", "out_of_order", 3))
    session.commit()
    return StatisticsLibrary(library, english.id or 0, gone.id or 0)


def _closed_2024(session: Session) -> int:
    closed = at(2024, 6, 3)
    row = StocktakeSession(
        name="Kiểm kê 2024", scope={}, state=SessionState.CLOSED, created_at=closed, created_by="thuthu",
        closed_at=closed,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row.id or 0


def _count(session_id: int, tally: str, name: str, count: int) -> StocktakeCount:
    return StocktakeCount(session_id=session_id, tally=tally, item_type="book", name=name, count=count)
