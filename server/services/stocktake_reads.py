"""What handhelds send during a stock-take, recorded: joins, batches of reads, damage marks.

Called by the ingest with a run of events of one kind inside its one transaction (never commits); answers
the events it refused, by event id, with why. A run of read batches costs a fixed handful of statements
whatever its size: the barcodes and UIDs of all its reads are resolved with one lookup each, reads and
tag events are appended in bulk (`server.db.bulk.insert_rows`, COPY on PostgreSQL), and the sweeps are
written at the end of the run (`RunState.finish`). Each read is judged by the domain (`tags.resolve_tag`):
a read naming one catalogue item is a read of it; an unknown tag, a disagreement or a tag to repair is a
tag event as well. Reads sent with no shelf are filed on the shelf their books' homes point to, once the
domain's rule names one (`stocktake_inference`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlmodel import Session

from contract.stocktake import DamageMarked, DamageMarkedV1, ReadBatch, ShelfJoin, ShelfMethod
from contract.stocktake import TagData as SentData
from server.db.bulk import insert_rows, insert_values
from server.db.tables import (
    Item,
    StocktakeDamage,
    StocktakeHandheld,
    StocktakeRead,
    StocktakeSession,
    StocktakeTagEvent,
)
from server.domain.enums import ItemCondition
from server.domain.stocktake.facts import Security, micros
from server.domain.stocktake.tags import TagData, TagVerdict, resolve_tag
from server.services.columns import ITEM, table_of
from server.services.queries import require_id
from server.services.sightings import resolve_column, resolve_items
from server.services.stocktake_handhelds import Refused, RunState, read_time
from server.services.stocktake_inference import ShelfInference

READ_TABLE = table_of(StocktakeRead)
# A read's row as a tuple: tens of thousands a second, each a dict first cost more than storing it.
READ_COLUMNS = ("session_id", "device_id", "read_seq", "at_us", "item_id", "shelf_id", "security")
TAG_EVENT_TABLE = table_of(StocktakeTagEvent)
_MS_US = 1000
_SECURITY = {None: Security.UNKNOWN, False: Security.NOT_ARMED, True: Security.ARMED}
# The contract's tag-data classes as the domain's, looked up (an enum call per read is a hot spot at tens
# of thousands of reads a second); only our data model or a printed label names one of our barcodes.
_DATA = {sent: TagData(sent.value) for sent in SentData}
_NAMES_OURS = frozenset({SentData.OWN, SentData.NO_TAG})
_OK = TagVerdict.OK


P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Sent(Generic[P]):
    """One event's payload, and who sent it when (its envelope's fields)."""

    event_id: uuid.UUID
    device_id: str
    occurred_at: datetime
    payload: P


Refusals = dict[uuid.UUID, str]


def record_run(session: Session, sent: Sequence[Sent[Any]], *, now: datetime) -> Refusals:
    """A handheld's events in the order they came - joins, read batches, damage marks mixed - over one
    state loaded once: a sweep of many shelves (a join before each shelf's reads) costs a few statements
    for the whole run, not for each shelf."""
    state = RunState.of(session, [event.payload for event in sent])
    rows = _Rows.resolving(session, [event.payload for event in sent if isinstance(event.payload, ReadBatch)])
    refused: Refusals = {}
    start = 0
    while start < len(sent):
        kind = type(sent[start].payload)
        end = start
        while end < len(sent) and type(sent[end].payload) is kind:
            end += 1
        part = sent[start:end]
        if kind is ShelfJoin:
            refused |= record_joins(part, state=state)
        elif kind is ReadBatch:
            refused |= record_reads(session, part, now=now, state=state, rows=rows)
        else:
            refused |= record_marks(session, part, now=now, state=state)
        start = end
    rows.insert(session)
    state.finish()
    return refused


@dataclass
class _Rows:
    """The items a run's reads name, looked up once; the rows of its reads and tag events, inserted once."""

    by_barcode: dict[str, int]
    by_uid: dict[str, int]
    inference: ShelfInference
    reads: list[tuple[Any, ...]] = field(default_factory=list)  # as READ_COLUMNS
    tag_events: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def resolving(cls, session: Session, batches: Sequence[ReadBatch]) -> _Rows:
        barcodes = {r.barcode for b in batches for r in b.reads if r.barcode is not None}
        uids = {r.uid for b in batches for r in b.reads if r.uid is not None}
        by_barcode, by_uid = resolve_items(session, barcodes, uids)
        return cls(by_barcode, by_uid, ShelfInference(session))

    def insert(self, session: Session) -> None:
        insert_values(session, READ_TABLE, READ_COLUMNS, self.reads)
        insert_rows(session, TAG_EVENT_TABLE, self.tag_events)


def record_joins(joins: Sequence[Sent[ShelfJoin]], *, state: RunState) -> Refusals:
    refused: Refusals = {}
    for join in joins:
        payload = join.payload
        try:
            state.recording(payload.session_id)
            shelf_id = state.shelf(payload.shelf_code)
        except Refused as why:
            refused[join.event_id] = str(why)
            continue
        handheld = state.join(
            payload.session_id, join.device_id, shelf_id, payload.method, at=join.occurred_at
        )
        if payload.operator is not None:
            handheld.operator = payload.operator
    return refused


def record_reads(
    session: Session,
    batches: Sequence[Sent[ReadBatch]],
    *,
    now: datetime,
    state: RunState,
    rows: _Rows,
) -> Refusals:
    """Read batches recorded: their rows are left in `rows` for the run to insert."""
    refused: Refusals = {}
    accepted: list[tuple[Sent[ReadBatch], tuple[StocktakeSession, StocktakeHandheld], int | None]] = []
    for batch in batches:
        try:
            row = state.recording(batch.payload.session_id)
            shelf_id = state.shelf(batch.payload.shelf_code)
            handheld = state.member(batch.payload.session_id, batch.device_id)
        except Refused as why:
            refused[batch.event_id] = str(why)
            continue
        accepted.append((batch, (row, handheld), shelf_id))
    by_barcode, by_uid, reads, tag_events = rows.by_barcode, rows.by_uid, rows.reads, rows.tag_events
    for batch, (row, handheld), shelf_id in accepted:
        payload = batch.payload
        # read_time's clamp in whole µs: one datetime conversion a batch, not one a read
        earliest = micros(row.opened_at) if row.opened_at is not None else None
        started, latest = micros(payload.started_at), micros(now)
        times = [min(started + r.ms * _MS_US, latest) for r in payload.reads]
        if earliest is not None:
            times = [max(at, earliest) for at in times]
        resolutions = [
            resolve_tag(
                _DATA[read.data],
                by_barcode.get(read.barcode)
                if read.barcode is not None and read.data in _NAMES_OURS
                else None,
                by_uid.get(read.uid) if read.uid is not None else None,
            )
            for read in payload.reads
        ]
        items = [r.item_id for r in resolutions]
        shelves: list[int | None] = (
            [shelf_id] * len(times)
            if shelf_id is not None
            else _inferred(rows.inference, payload.session_id, batch.device_id, times, items)
        )
        session_id, device_id, first_read = row.id, batch.device_id, payload.first_read
        for index, (read, at, resolution, on_shelf) in enumerate(
            zip(payload.reads, times, resolutions, shelves, strict=True)
        ):
            if resolution.item_id is not None:
                reads.append(
                    (
                        session_id,
                        device_id,
                        first_read + index,
                        at,
                        resolution.item_id,
                        on_shelf,
                        _SECURITY[read.armed],
                    )
                )
            if resolution.verdict is not _OK:
                tag_events.append(
                    {
                        "session_id": session_id,
                        "device_id": device_id,
                        "read_seq": first_read + index,
                        "at_us": at,
                        "verdict": resolution.verdict.value,
                        "shelf_id": on_shelf,
                        "uid": read.uid,
                        "detail": read.isil if read.data is SentData.FOREIGN else read.barcode,
                        "item_id": resolution.item_id or resolution.data_item_id,
                        "other_item_id": resolution.uid_item_id,
                    }
                )
        handheld.reads += len(payload.reads)
        handheld.last_read_at = max(handheld.last_read_at or batch.occurred_at, batch.occurred_at)
        if shelf_id is not None and payload.method is not None:
            state.sweep(
                handheld,
                shelf_id=shelf_id,
                method=payload.method,
                first_us=min(times),
                last_us=max(times),
                reads=len(times),
            )
        elif shelf_id is None:
            for inferred, first_us, last_us, count in _stretches(shelves, times):
                state.sweep(
                    handheld,
                    shelf_id=inferred,
                    method=ShelfMethod.INFERRED,
                    first_us=first_us,
                    last_us=last_us,
                    reads=count,
                )
        session.add(handheld)
    return refused


def _inferred(
    inference: ShelfInference, session_id: int, device_id: str, times: list[int], items: list[int | None]
) -> list[int | None]:
    """The shelf of each read of a batch sent with none: inferred read by read, None while undecided."""
    inference.know_homes(item for item in items if item is not None)
    return [
        inference.shelf_after(session_id, device_id, at, item) for at, item in zip(times, items, strict=True)
    ]


def _stretches(shelves: list[int | None], times: list[int]) -> list[tuple[int, int, int, int]]:
    """Consecutive reads filed on one inferred shelf: (shelf, first µs, last µs, reads) - each one a sweep
    of that shelf, or more of the sweep the handheld is on."""
    found: list[tuple[int, int, int, int]] = []
    for shelf, at in zip(shelves, times, strict=True):
        if shelf is None:
            continue
        if found and found[-1][0] == shelf:
            _, first, last, count = found[-1]
            found[-1] = (shelf, min(first, at), max(last, at), count + 1)
        else:
            found.append((shelf, at, at, 1))
    return found


def record_marks(
    session: Session, marks: Sequence[Sent[DamageMarkedV1]], *, now: datetime, state: RunState
) -> Refusals:
    """Damage marks of either version; a version 1 mark names no kind (closing reports it as "other")."""
    refused: Refusals = {}
    for mark in marks:
        payload = mark.payload
        try:
            row = state.recording(payload.session_id)
            shelf_id = state.shelf(payload.shelf_code)
            state.member(payload.session_id, mark.device_id)
            item = _item(session, payload)
        except Refused as why:
            refused[mark.event_id] = str(why)
            continue
        session.add(
            StocktakeDamage(
                session_id=payload.session_id,
                event_id=mark.event_id,
                item_id=require_id(item.id),
                at_us=read_time(mark.occurred_at, opened_at=row.opened_at, now=now),
                device_id=mark.device_id,
                shelf_id=shelf_id,
                condition=ItemCondition(payload.condition.value),
                previous_condition=item.condition,
                for_repair=payload.for_repair,
                note=payload.note,
                damage_kinds=_kinds(payload),
            )
        )
    return refused


def _kinds(payload: DamageMarkedV1) -> list[str] | None:
    return [kind.value for kind in payload.kinds] if isinstance(payload, DamageMarked) else None


def _item(session: Session, payload: DamageMarkedV1) -> Item:
    ref = payload.item
    by_barcode = resolve_column(session, ITEM.c.barcode, {ref.barcode}) if ref.barcode else {}
    by_uid = resolve_column(session, ITEM.c.tag_uid, {ref.tag_uid}) if ref.tag_uid else {}
    found = {*by_barcode.values(), *by_uid.values()}
    if len(found) != 1:
        named = ref.barcode or ref.tag_uid
        raise Refused(f"{named} names no item" if not found else f"{named}: barcode and tag name two items")
    item = session.get(Item, found.pop())
    assert item is not None
    return item
