"""Derived columns (server/db/derived.py) come out the same through the ORM — on insert and on every
update of their sources — and through a bulk insert of plain rows, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.derived import DERIVED_COLUMNS, with_derived
from server.db.tables import BibRecord, Location, Patron
from server.domain.enums import LocationKind
from server.services import catalog, patrons
from server.services.columns import ITEM, LOCATION, PATRON, RECORD
from server.services.context import CirculationContext

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def _stored(session: Session, table: sa.Table, row_id: int | None, *columns: str) -> tuple[Any, ...]:
    statement = sa.select(*(table.c[c] for c in columns)).where(table.c.id == row_id)
    return tuple(session.execute(statement).one())


def test_every_derived_column_and_source_is_a_column() -> None:
    for table in (RECORD, LOCATION, PATRON, ITEM):
        for derived in DERIVED_COLUMNS[table.name]:
            assert {derived.column, *derived.sources} <= set(table.columns.keys())


def test_a_record_keeps_its_search_text_and_shelf_key(session: Session) -> None:
    made = catalog.create_record(
        session, title="  Truyện Kiều ", author="Nguyễn Du", call_number="895.9221 NG-D", now=NOW
    )
    assert _stored(session, RECORD, made.id, "search_text", "call_number_key") == (
        "TRUYEN KIEU NGUYEN DU",
        "#D895.9221 NG D",
    )
    row = session.get(BibRecord, made.id)
    assert row is not None
    row.author, row.call_number = "Nguyễn Du và Đào Duy Anh", None
    session.flush()
    assert _stored(session, RECORD, made.id, "search_text", "call_number_key") == (
        "TRUYEN KIEU NGUYEN DU VA DAO DUY ANH",
        None,
    )


def test_editions_share_their_work_key_and_volumes_their_set_key(session: Session) -> None:
    """Title and author, folded to their words, key the work; a uniform title stands for the title; a set's
    title as entered keys the set."""
    first = BibRecord(title="Giáo trình Kinh tế vi mô", author="Nguyễn Văn Ánh", created_at=NOW)
    second = BibRecord(
        title="Giáo trình kinh tế vi mô:",
        author="Nguyễn Văn Ánh",
        edition="Tái bản lần thứ 2",
        created_at=NOW,
    )
    other_author = BibRecord(title="Giáo trình Kinh tế vi mô", author="Trần Thị Bình", created_at=NOW)
    volume = BibRecord(
        title="Từ cổ đại đến thế kỷ X",
        author="Viện Sử học",
        set_title="Lịch sử Việt Nam.",
        volume="Tập 1",
        created_at=NOW,
    )
    session.add_all([first, second, other_author, volume])
    session.flush()
    keys = {
        row.id: _stored(session, RECORD, row.id, "work_key", "set_key")
        for row in (first, second, other_author, volume)
    }
    assert keys == {
        first.id: ("NGUYEN VAN ANH / GIAO TRINH KINH TE VI MO", None),
        second.id: ("NGUYEN VAN ANH / GIAO TRINH KINH TE VI MO", None),
        other_author.id: ("TRAN THI BINH / GIAO TRINH KINH TE VI MO", None),
        volume.id: ("VIEN SU HOC / TU CO DAI DEN THE KY X", "LICH SU VIET NAM"),
    }
    renamed = BibRecord(title="Microeconomics", author="Nguyễn Văn Ánh", created_at=NOW)
    session.add(renamed)
    session.flush()
    assert _stored(session, RECORD, renamed.id, "work_key") == ("NGUYEN VAN ANH / MICROECONOMICS",)
    renamed.uniform_title = "Giáo trình kinh tế vi mô"  # the cataloguer says it is the same work
    session.flush()
    assert _stored(session, RECORD, renamed.id, "work_key") == (keys[first.id][0],)


def test_a_patron_is_found_by_the_name_it_now_has(session: Session, circulation: CirculationContext) -> None:
    made = patrons.create_patron(
        session,
        circulation,
        card_number="SV2100123",
        full_name="Trần Thị Bích Ngọc",
        category="undergraduate",
        expires_on=date(2027, 6, 30),
        now=NOW,
    )
    patrons.update_patron(session, circulation, made.id, full_name="Đỗ Thị Bích Ngọc")
    assert _stored(session, PATRON, made.id, "search_text") == ("DO THI BICH NGOC",)
    assert [p.id for p in patrons.search_patrons(session, circulation, q="do thi")] == [made.id]


def test_a_shelf_moved_to_another_span_is_found_by_it(session: Session) -> None:
    shelf = Location(
        code="T3-D2-K4", name="Kệ 4", kind=LocationKind.SHELF, span_start="800", span_end="895.9"
    )
    session.add(shelf)
    session.flush()
    assert catalog.shelf_for(session, "895.9221 NG-D") is not None
    shelf.span_start, shelf.span_end = "900", "959.7"
    session.flush()
    assert _stored(session, LOCATION, shelf.id, "span_start_key", "span_end_key") == ("#D900", "#D959.7")
    assert catalog.shelf_for(session, "895.9221 NG-D") is None
    assert catalog.shelf_for(session, "959.704 NG-T") is not None


def test_bulk_rows_get_what_the_orm_gives(session: Session) -> None:
    """The seed's path (plain dicts, Core executemany) and the services' path store the same values."""
    sources: dict[str, Any] = {"title": "Số đỏ", "author": "Vũ Trọng Phụng", "call_number": "895.92233 V-P"}
    by_orm = BibRecord(**sources, created_at=NOW)
    session.add(by_orm)
    session.flush()
    session.execute(sa.insert(RECORD), with_derived(RECORD, [{"id": 9001, **sources, "created_at": NOW}]))
    derived = [d.column for d in DERIVED_COLUMNS["bib_record"]]
    assert _stored(session, RECORD, 9001, *derived) == _stored(session, RECORD, by_orm.id, *derived)

    people: dict[str, Any] = {
        "card_number": "HV2300045",
        "full_name": "Lê Văn Đức",
        "category": "postgraduate",
    }
    person = Patron(**people, expires_on=date(2027, 6, 30), created_at=NOW)
    session.add(person)
    session.flush()
    bulk = {
        **people,
        "id": 9001,
        "card_number": "HV2300046",
        "expires_on": date(2027, 6, 30),
        "created_at": NOW,
    }
    session.execute(sa.insert(PATRON), with_derived(PATRON, [bulk]))
    assert _stored(session, PATRON, 9001, "search_text") == _stored(session, PATRON, person.id, "search_text")
