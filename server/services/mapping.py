"""Table rows → the domain's frozen records, which carry no secrets (no PIN hash) and no session state.

One mechanism for every entity: a field of the entity is read from the row's column of the same name, and
the few fields that are not the row's own (an item's title from its record, a patron's `pin_locked`) are
passed in by name. So a column added to both the table and the entity needs no code here; a column added
to one side only fails `tests/unit/test_row_mapping.py` until it is added to the other or declared
withheld. Enum fields come out as members even from a row built in this session with a plain string.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from enum import StrEnum
from types import UnionType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Union, get_args, get_origin, get_type_hints

from sqlmodel import SQLModel

from server.db import tables as t
from server.domain import entities as e
from server.domain.lifecycle import condition, trace
from server.domain.pins import is_locked

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Row = TypeVar("Row", bound=SQLModel)
Entity = TypeVar("Entity", bound="DataclassInstance")


class RowMapping(Generic[Row, Entity]):
    """How rows of `table` become `entity` records.

    `given`: the entity's fields that are not columns of the table, passed to each call by name.
    `withheld`: the table's columns the entity does not carry — secrets, derived columns, bookkeeping.
    """

    def __init__(
        self,
        table: type[Row],
        entity: type[Entity],
        *,
        given: frozenset[str] = frozenset(),
        withheld: frozenset[str] = frozenset(),
    ) -> None:
        self.table = table
        self.entity = entity
        self.given = given
        self.withheld = withheld
        names = [field.name for field in fields(entity)]
        self.copied = tuple(name for name in names if name not in given)
        hints = get_type_hints(entity)
        self.enums = {name: enum for name in self.copied if (enum := _enum_of(hints[name])) is not None}

    def __call__(self, row: Row, **given: Any) -> Entity:
        if given.keys() != self.given:
            raise TypeError(f"{self.entity.__name__} needs exactly {sorted(self.given)}, not {sorted(given)}")
        values = {name: getattr(row, name) for name in self.copied}
        if "id" in values and values["id"] is None:
            raise RuntimeError("row has no id; flush before using it")
        for name, enum in self.enums.items():
            if values[name] is not None:  # an optional enum field (`SomeEnum | None`) may be empty
                values[name] = enum(values[name])
        return self.entity(**values, **given)


def _enum_of(hint: Any) -> type[StrEnum] | None:
    """The StrEnum of a field typed `SomeEnum` (or `SomeEnum | None`)."""
    candidates = get_args(hint) if get_origin(hint) in (Union, UnionType) else (hint,)
    found = [c for c in candidates if isinstance(c, type) and issubclass(c, StrEnum)]
    return found[0] if found else None


# The description as catalogued beyond what circulation and collection care judge on: read by the
# catalogue's own services (import, export, search, the record pages) straight from the table.
CATALOGUED_DESCRIPTION = frozenset(
    {
        "control_number",
        "issn",
        "statement_of_responsibility",
        "other_authors",
        "publisher",
        "publication_place",
        "physical_description",
        "subjects",
        "ddc",
        "summary",
        "updated_at",
    }
)
# Derived columns (server/db/derived.py): searching and ordering keys.
_RECORD_KEYS = frozenset(
    {"search_text", "search_exact", "search_folded", "title_key", "call_number_key", "work_key", "set_key"}
)
record = RowMapping(t.BibRecord, e.BibRecord, withheld=_RECORD_KEYS | CATALOGUED_DESCRIPTION | {"created_at"})
location = RowMapping(t.Location, e.Location, withheld=frozenset({"span_start_key", "span_end_key"}))
block = RowMapping(t.PatronBlock, e.PatronBlock, withheld=frozenset({"lifted_by"}))
hold = RowMapping(t.Hold, e.Hold, withheld=frozenset({"closed_at"}))
fine = RowMapping(t.Fine, e.Fine, withheld=frozenset({"settled_at", "settled_by"}))
_item = RowMapping(
    t.Item,
    e.Item,
    given=frozenset({"title", "call_number"}),
    withheld=frozenset(
        {
            "price",
            "status_changed_at",
            "created_at",
            "tagged_at",
            "accession_key",
            "own_call_number_key",
            "own_call_number",
        }
    ),
)
_patron = RowMapping(
    t.Patron,
    e.Patron,
    given=frozenset({"has_pin", "pin_locked", "blocks"}),
    # The PIN hash never leaves the database layer: `has_pin` and `pin_locked` say what anyone needs.
    withheld=frozenset({"pin_hash", "search_text", "pin_changed_at", "created_at"}),
)
_loan = RowMapping(
    t.Loan,
    e.Loan,
    given=frozenset({"barcode", "title"}),
    withheld=frozenset(
        {
            "item_type",
            "checkout_by",
            "checkin_by",
            "renewed_at",
            "renewed_by",
            # What statistics keep of the borrower; staff see the borrower.
            "patron_category",
            "patron_faculty",
        }
    ),
)

MAPPINGS: tuple[RowMapping[Any, Any], ...] = (record, location, block, hold, fine, _item, _patron, _loan)

# The lifecycle's values. Times and damage kinds kept as JSON lists are converted here, in one place.
_trace = RowMapping(
    t.ItemTrace,
    trace.Trace,
    given=frozenset({"searches"}),
    withheld=frozenset({"item_id", "search_stamps", "next_due_at", "loan_id", "fine_id"}),
)
_ticket = RowMapping(
    t.RepairTicket,
    condition.RepairTicket,
    given=frozenset({"damage"}),
    withheld=frozenset({"id", "item_id", "damage_kinds"}),
)
_condition_entry = RowMapping(
    t.ConditionEntry,
    condition.ConditionEntry,
    given=frozenset({"damage"}),
    withheld=frozenset({"id", "item_id", "ticket_id", "damage_kinds"}),
)
LIFECYCLE_MAPPINGS: tuple[RowMapping[Any, Any], ...] = (_trace, _ticket, _condition_entry)


def item(row: t.Item, title: str, call_number: str | None) -> e.Item:
    """`title` is the item's record's; `call_number` the copy's (`columns.COPY_CALL_NUMBER`: its own, else
    its record's)."""
    return _item(row, title=title, call_number=call_number)


def patron(row: t.Patron, max_failures: int, blocks: tuple[e.PatronBlock, ...] = ()) -> e.Patron:
    return _patron(
        row,
        has_pin=row.pin_hash is not None,
        pin_locked=is_locked(row.pin_failures, max_failures),
        blocks=blocks,
    )


def loan(row: t.Loan, barcode: str, title: str) -> e.Loan:
    """`barcode` and `title` are the lent item's and its record's."""
    return _loan(row, barcode=barcode, title=title)


def trace_of(row: t.ItemTrace | None) -> trace.Trace:
    """A missing or lost item's trace; no row is a present item."""
    if row is None:
        return trace.PRESENT
    return _trace(row, searches=tuple(datetime.fromisoformat(stamp) for stamp in row.search_stamps))


def stamps(times: tuple[datetime, ...]) -> list[str]:
    """The search stamps as `item_trace.search_stamps` keeps them: ISO times in UTC."""
    return [when.astimezone(UTC).isoformat() for when in times]


def ticket(row: t.RepairTicket) -> condition.RepairTicket:
    return _ticket(row, damage=_kinds(row.damage_kinds))


def condition_entry(row: t.ConditionEntry) -> condition.ConditionEntry:
    return _condition_entry(row, damage=_kinds(row.damage_kinds))


def _kinds(values: list[str]) -> tuple[condition.DamageKind, ...]:
    return tuple(condition.DamageKind(value) for value in values)
