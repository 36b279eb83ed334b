"""Rows become the domain's records by field name (server/services/mapping.py): every entity field is a
column of its table or passed in, every column is on the entity or withheld on purpose, enum fields are
typed enum columns of the same enum, and no secret reaches a record."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from server.db import tables as t
from server.domain import entities as e
from server.domain.enums import HoldStatus, ItemStatus
from server.services import mapping
from server.services.columns import table_of
from server.services.mapping import RowMapping

WHEN = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
PIN_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$ZmFrZWhhc2hmYWtlaGFzaA"


def mismatches(row_mapping: RowMapping[Any, Any]) -> list[str]:
    """What keeps a mapping from being exact, in words; empty when the table and the entity agree."""
    entity, table = row_mapping.entity, table_of(row_mapping.table)
    given, withheld = row_mapping.given, row_mapping.withheld
    name = entity.__name__
    columns = set(table.columns.keys())
    entity_fields = {field.name for field in dataclasses.fields(entity)}
    found = [
        f"{name}.{f}: no such column in {table.name}, and not given" for f in entity_fields - columns - given
    ]
    found += [
        f"{table.name}.{c}: not on {name}, and not withheld" for c in columns - entity_fields - withheld
    ]
    found += [f"{table.name}.{c}: withheld, but no such column" for c in withheld - columns]
    found += [f"{name}.{f}: given, but a column of {table.name}" for f in given & columns]
    found += [f"{name}.{f}: given, but no such field" for f in given - entity_fields]
    for field in entity_fields & columns - given:
        column_type = table.columns[field].type
        stored = column_type.enum_class if isinstance(column_type, sa.Enum) else None
        read = row_mapping.enums.get(field)
        if read is not stored:
            found.append(
                f"{name}.{field} is {_enum_name(read)}, {table.name}.{field} is {_enum_name(stored)}"
            )
    return sorted(found)


def _enum_name(enum: type[Any] | None) -> str:
    return "no enum" if enum is None else enum.__name__


@pytest.mark.parametrize(
    "row_mapping", mapping.MAPPINGS + mapping.LIFECYCLE_MAPPINGS, ids=lambda m: m.entity.__name__
)
def test_each_entity_and_its_table_agree(row_mapping: RowMapping[Any, Any]) -> None:
    assert mismatches(row_mapping) == []


def test_every_entity_has_its_mapping() -> None:
    records = {cls for cls in vars(e).values() if dataclasses.is_dataclass(cls) and isinstance(cls, type)}
    assert {m.entity for m in mapping.MAPPINGS} == records


# e.BibRecord with one field more than the table has; e.Location with its kind a plain string.
ShelvedRecord = dataclasses.make_dataclass(
    "ShelvedRecord", [("shelf_mark", str, dataclasses.field(default=""))], bases=(e.BibRecord,), frozen=True
)
LooseLocation = dataclasses.make_dataclass("LooseLocation", [("kind", str)], bases=(e.Location,), frozen=True)


def test_a_field_on_one_side_only_fails() -> None:
    """The check above can fail: a field the table lacks, a column the entity lacks (`created_at`, not
    declared withheld here), an enum column read into a plain string."""
    withheld = mapping.CATALOGUED_DESCRIPTION | {"search_text", "search_exact", "search_folded", "title_key"}
    assert mismatches(RowMapping(t.BibRecord, ShelvedRecord, withheld=withheld)) == [
        "ShelvedRecord.shelf_mark: no such column in bib_record, and not given",
        "bib_record.call_number_key: not on ShelvedRecord, and not withheld",
        "bib_record.created_at: not on ShelvedRecord, and not withheld",
        "bib_record.set_key: not on ShelvedRecord, and not withheld",
        "bib_record.work_key: not on ShelvedRecord, and not withheld",
    ]
    loose = mismatches(
        RowMapping(t.Location, LooseLocation, withheld=frozenset({"span_start_key", "span_end_key"}))
    )
    assert loose == ["LooseLocation.kind is no enum, location.kind is LocationKind"]


class Shelf(SQLModel):
    """Not a table: enough to show that a mapping copies whatever the two sides share, by name."""

    id: int | None = None
    code: str
    floor: int


@dataclass(frozen=True, slots=True)
class ShelfRecord:
    id: int
    code: str
    floor: int


def test_a_field_added_to_both_sides_needs_no_mapping_code() -> None:
    assert RowMapping(Shelf, ShelfRecord)(Shelf(id=4, code="T3-D2-K4", floor=3)) == ShelfRecord(
        4, "T3-D2-K4", 3
    )


def _patron_row(**fields: Any) -> t.Patron:
    values: dict[str, Any] = {
        "id": 7,
        "card_number": "SV2100123",
        "full_name": "Trần Thị Bích Ngọc",
        "category": "undergraduate",
        "expires_on": date(2027, 6, 30),
        "pin_hash": PIN_HASH,
        "pin_failures": 2,
        "created_at": WHEN,
    }
    return t.Patron(**(values | fields))


def test_no_pin_hash_reaches_a_patron_record() -> None:
    patron = mapping.patron(_patron_row(), max_failures=5)
    assert "pin_hash" not in {field.name for field in dataclasses.fields(patron)}
    assert PIN_HASH not in repr(patron)
    assert PIN_HASH not in repr(dataclasses.asdict(patron))
    assert (patron.has_pin, patron.pin_failures, patron.pin_locked) == (True, 2, False)
    assert mapping.patron(_patron_row(pin_hash=None, pin_failures=5), max_failures=5).has_pin is False
    assert mapping.patron(_patron_row(pin_failures=5), max_failures=5).pin_locked


def test_no_record_has_a_field_for_a_secret() -> None:
    for row_mapping in mapping.MAPPINGS:
        names = {field.name for field in dataclasses.fields(row_mapping.entity)}
        assert not {n for n in names if "hash" in n or "password" in n}, row_mapping.entity


def _item_row(**fields: Any) -> t.Item:
    values: dict[str, Any] = {
        "id": 3,
        "barcode": "VV000123",
        "record_id": 1,
        "item_type": "book",
        "created_at": WHEN,
    }
    return t.Item(**(values | fields))


def test_enum_fields_are_members_even_from_a_string_set_on_the_row() -> None:
    """SQLModel keeps a string assigned to a row as it is until the row is read back; records never do."""
    row = _item_row()
    row.status = "on_loan"  # type: ignore[assignment]
    item = mapping.item(row, title="Truyện Kiều", call_number="895.9221 NG-D")
    assert item.status is ItemStatus.ON_LOAN
    assert (item.title, item.call_number, item.barcode) == ("Truyện Kiều", "895.9221 NG-D", "VV000123")
    stored: dict[str, Any] = {"status": "ready"}
    hold = t.Hold(id=1, record_id=1, patron_id=7, placed_at=WHEN, pickup_location="Q", **stored)
    assert mapping.hold(hold).status is HoldStatus.READY


def test_given_fields_are_all_passed_and_nothing_else() -> None:
    with pytest.raises(TypeError, match="needs exactly"):
        mapping.record(t.BibRecord(id=1, title="Truyện Kiều", created_at=WHEN), title="another")
    items = next(m for m in mapping.MAPPINGS if m.entity is e.Item)
    with pytest.raises(TypeError, match="needs exactly"):
        items(_item_row(), title="Truyện Kiều")


def test_a_row_without_its_id_is_refused() -> None:
    with pytest.raises(RuntimeError, match="flush"):
        mapping.record(t.BibRecord(title="Truyện Kiều", created_at=WHEN))
