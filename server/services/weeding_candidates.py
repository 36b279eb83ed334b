"""The weeding candidate list: the evidence the database holds (`weeding_evidence`) judged by the domain
(`server.domain.weeding.candidates`), filtered for staff and read in keyset pages or whole as CSV.

Filters (reason, Dewey class prefix, location with everything under it, item type) choose among the
outcomes; they also narrow what is read — only records with a copy of the type or at the place, in the
class — and each record read is read whole, so the copies it holds are judged together exactly as over
the whole library. (A record is its own work today: the catalogue has no work or edition link. Once it
has one, narrowing must read whole works.) Pages follow the shelf order of the records, each record's
copies in id order; a page's `next_after` is "record.item" of its last entry.

Protected locations name places in the library's tree: a copy anywhere under one is in it, so the
settings handed to the domain name every location under them.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import BibRecord
from server.domain.enums import ItemCondition, ItemStatus
from server.domain.weeding.evidence import (
    Candidate,
    ItemEvidence,
    Outcome,
    RecordEvidence,
    Spared,
    WeedReason,
)
from server.domain.weeding.settings import WeedingSettings
from server.errors import InvalidInputError
from server.services.columns import ITEM, LOCATION, RECORD
from server.services.listing import KeysetPage, check_page
from server.services.weeding_evidence import EvidenceScope, read_records
from server.services.weeding_groups import Earlier, groups_in_class, in_class, outcomes_in_order

_REMEMBERED = 256  # records kept to pair outcomes with their evidence: a work's, with room to spare


@dataclass(frozen=True)
class WeedingFilters:
    spared: bool = False  # the copies held back instead of the candidates
    reason: WeedReason | None = None
    class_prefix: str | None = None  # the start of the DDC class number: "3", "004", "895.9"
    location_id: int | None = None  # a place in the tree: every copy shelved under it
    item_type: str | None = None


@dataclass(frozen=True)
class WeedingEntry:
    """A copy on the list: the domain's outcome, the evidence it was judged on, and what staff read."""

    outcome: Outcome
    item: ItemEvidence
    record: RecordEvidence
    barcode: str
    title: str
    author: str | None
    language: str | None  # the record's, ISO 639-2 ("vie", "eng")
    location_name: str | None
    status: ItemStatus
    condition: ItemCondition

    @property
    def copies_held(self) -> int:
        return len(self.record.items)


def weeding_page(
    session: Session,
    settings: WeedingSettings,
    today: date,
    filters: WeedingFilters,
    *,
    after: str | None = None,
    limit: int = 50,
) -> KeysetPage[WeedingEntry]:
    check_page(limit, 0)
    start = _after(after)
    chosen: list[tuple[Outcome, ItemEvidence, RecordEvidence]] = []
    for found in _judged(session, settings, today, filters, start[0] if start else None):
        outcome = found[0]
        if start is not None and outcome.record_id == start[0] and outcome.item_id <= start[1]:
            continue  # the page before ended inside this record
        chosen.append(found)
        if len(chosen) > limit:
            break
    entries = _entries(session, chosen[:limit])
    last = chosen[limit - 1][0] if len(chosen) > limit else None
    return KeysetPage(entries, f"{last.record_id}.{last.item_id}" if last is not None else None)


def weeding_entries(
    session: Session, settings: WeedingSettings, today: date, filters: WeedingFilters, *, batch: int = 500
) -> Iterator[WeedingEntry]:
    """The whole filtered list, streamed: staff details are looked up a batch at a time."""
    pending: list[tuple[Outcome, ItemEvidence, RecordEvidence]] = []
    for found in _judged(session, settings, today, filters, None):
        pending.append(found)
        if len(pending) >= batch:
            yield from _entries(session, pending)
            pending = []
    yield from _entries(session, pending)


def _after(after: str | None) -> tuple[int, int] | None:
    if not after:
        return None
    record, _, item = after.partition(".")
    if not (record.isdigit() and item.isdigit()):
        raise InvalidInputError("after must be the record and item of the last entry, e.g. 12.340")
    return int(record), int(item)


def _judged(
    session: Session, settings: WeedingSettings, today: date, filters: WeedingFilters, from_record: int | None
) -> Iterator[tuple[Outcome, ItemEvidence, RecordEvidence]]:
    codes = _location_codes(session, filters.location_id)
    if from_record is not None and session.get(BibRecord, from_record) is None:
        from_record = None  # the record is gone since the page before: read from the start
    scope = EvidenceScope(
        location_ids=frozenset(codes) if codes is not None else None,
        item_types=frozenset({filters.item_type}) if filters.item_type else None,
        from_record=from_record,
    )
    read: deque[RecordEvidence] = deque(maxlen=_REMEMBERED)
    earlier = Earlier(from_record)
    in_scope = groups_in_class(read_records(session, today, scope), filters.class_prefix)
    records = _remembered(earlier.note(in_scope), read)
    wanted_codes = frozenset(codes.values()) if codes is not None else None
    outcomes = outcomes_in_order(records, _with_protected_places(session, settings), today)
    for outcome in _in_item_order(outcomes):
        if isinstance(outcome, Spared) != filters.spared or outcome.record_id in earlier.records:
            continue
        if filters.reason is not None and filters.reason not in outcome.reasons:
            continue
        record = next((r for r in reversed(read) if r.record_id == outcome.record_id), None)
        item = next((i for i in record.items if i.item_id == outcome.item_id), None) if record else None
        if record is None or item is None:
            raise RuntimeError(f"no evidence kept for item {outcome.item_id}")
        if filters.item_type and item.item_type != filters.item_type:
            continue
        if filters.class_prefix and not in_class(record, filters.class_prefix):
            continue
        if wanted_codes is not None and item.location not in wanted_codes:
            continue
        yield outcome, item, record


def _remembered(records: Iterable[RecordEvidence], kept: deque[RecordEvidence]) -> Iterator[RecordEvidence]:
    for record in records:
        kept.append(record)
        yield record


def _in_item_order(outcomes: Iterable[Outcome]) -> Iterator[Outcome]:
    """The outcomes of each record in item order (the domain answers a record's copies as it judges them)."""
    group: list[Outcome] = []
    for outcome in outcomes:
        if group and outcome.record_id != group[0].record_id:
            yield from sorted(group, key=lambda o: o.item_id)
            group = []
        group.append(outcome)
    yield from sorted(group, key=lambda o: o.item_id)


def _location_codes(session: Session, location_id: int | None) -> dict[int, str] | None:
    """The location and every place under it, by id; None for no location."""
    if location_id is None:
        return None
    rows = session.execute(sa.select(LOCATION.c.id, LOCATION.c.parent_id, LOCATION.c.code)).all()
    children: dict[int | None, list[int]] = {}
    for row_id, parent, _ in rows:
        children.setdefault(parent, []).append(row_id)
    codes = {row_id: code for row_id, _, code in rows}
    if location_id not in codes:
        return {}
    found, todo = {}, [location_id]
    while todo:
        place = todo.pop()
        found[place] = codes[place]
        todo.extend(children.get(place, ()))
    return found


def _with_protected_places(session: Session, settings: WeedingSettings) -> WeedingSettings:
    protected = settings.protections.locations
    if not protected:
        return settings
    ids = session.execute(sa.select(LOCATION.c.id).where(LOCATION.c.code.in_(sorted(protected)))).scalars()
    under = {code for place in ids for code in (_location_codes(session, place) or {}).values()}
    protections = replace(settings.protections, locations=frozenset(protected | under))
    return replace(settings, protections=protections)


def _entries(
    session: Session, found: list[tuple[Outcome, ItemEvidence, RecordEvidence]]
) -> list[WeedingEntry]:
    if not found:
        return []
    query = (
        sa.select(
            ITEM.c.id,
            ITEM.c.barcode,
            RECORD.c.title,
            RECORD.c.author,
            RECORD.c.language,
            LOCATION.c.name,
            ITEM.c.status,
            ITEM.c.condition,
        )
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(LOCATION, LOCATION.c.id == ITEM.c.home_location_id)
        .where(ITEM.c.id.in_([outcome.item_id for outcome, _, _ in found]))
    )
    details = {row[0]: row[1:] for row in session.execute(query)}
    return [WeedingEntry(outcome, item, record, *details[outcome.item_id]) for outcome, item, record in found]


CSV_COLUMNS = (
    "list", "barcode", "title", "call_number", "publication_year", "item_type", "location", "status",
    "condition", "copies_held", "last_loan", "loans_5y", "loans_10y", "last_in_house_use", "in_house_uses_5y",
    "last_found_at_stocktake", "reasons", "protections", "evidence",
)  # fmt: skip


def csv_lines(entries: Iterable[WeedingEntry]) -> Iterator[str]:
    """The list as CSV, a line at a time: the evidence of each copy, its reasons and protections by code,
    and every fact behind them as name=value (limit) pairs."""
    out = io.StringIO()
    writer = csv.writer(out)

    def line(cells: Iterable[object]) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(cells)
        return out.getvalue()

    yield line(CSV_COLUMNS)
    for e in entries:
        item, outcome = e.item, e.outcome
        protections = outcome.protections if isinstance(outcome, Spared) else ()
        facts = [
            f"{f.name}={f.value}" + (f" ({f.limit})" if f.limit is not None else "")
            for finding in outcome.findings
            for f in finding.facts
        ] + [f"{f.name}={f.value}" for p in protections for f in p.facts]
        yield line(
            (
                "candidate" if isinstance(outcome, Candidate) else "spared",
                e.barcode,
                e.title,
                e.record.call_number or "",
                e.record.publication_year or "",
                item.item_type,
                item.location or "",
                e.status.value,
                e.condition.value,
                e.copies_held,
                _iso(item.last_loan_day),
                item.loans_5y,
                item.loans_10y,
                _iso(item.last_in_house_day),
                item.in_house_uses_5y,
                _iso(item.last_inventory_day),
                " ".join(outcome.reasons),
                " ".join(p.kind.value for p in protections),
                "; ".join(facts),
            )
        )


def _iso(day: int | None) -> str:
    return date.fromordinal(day).isoformat() if day is not None else ""
