"""Table rows → the domain's frozen records, which carry no secrets (no PIN hash) and no session state."""

from __future__ import annotations

from server.db import tables as t
from server.domain import entities as e
from server.domain.enums import (
    BlockKind,
    FineKind,
    FineStatus,
    HoldStatus,
    ItemCondition,
    ItemStatus,
    LocationKind,
)
from server.domain.pins import is_locked
from server.services.queries import require_id


def record(row: t.BibRecord) -> e.BibRecord:
    return e.BibRecord(
        id=require_id(row.id),
        title=row.title,
        author=row.author,
        isbn=row.isbn,
        year=row.year,
        language=row.language,
        call_number=row.call_number,
    )


def location(row: t.Location) -> e.Location:
    return e.Location(
        id=require_id(row.id),
        code=row.code,
        name=row.name,
        kind=LocationKind(row.kind),
        parent_id=row.parent_id,
        span_start=row.span_start,
        span_end=row.span_end,
    )


def item(row: t.Item, title: str, call_number: str | None) -> e.Item:
    return e.Item(
        id=require_id(row.id),
        barcode=row.barcode,
        tag_uid=row.tag_uid,
        record_id=row.record_id,
        item_type=row.item_type,
        status=ItemStatus(row.status),
        condition=ItemCondition(row.condition),
        home_location_id=row.home_location_id,
        call_number=call_number,
        last_seen_at=row.last_seen_at,
        last_seen_location=row.last_seen_location,
        title=title,
    )


def block(row: t.PatronBlock) -> e.PatronBlock:
    return e.PatronBlock(
        id=require_id(row.id),
        patron_id=row.patron_id,
        kind=BlockKind(row.kind),
        note=row.note,
        created_at=row.created_at,
        created_by=row.created_by,
        lifted_at=row.lifted_at,
    )


def patron(row: t.Patron, max_failures: int, blocks: tuple[e.PatronBlock, ...] = ()) -> e.Patron:
    return e.Patron(
        id=require_id(row.id),
        card_number=row.card_number,
        full_name=row.full_name,
        category=row.category,
        email=row.email,
        expires_on=row.expires_on,
        has_pin=row.pin_hash is not None,
        pin_failures=row.pin_failures,
        pin_locked=is_locked(row.pin_failures, max_failures),
        blocks=blocks,
    )


def loan(row: t.Loan, barcode: str, title: str) -> e.Loan:
    return e.Loan(
        id=require_id(row.id),
        item_id=row.item_id,
        patron_id=row.patron_id,
        barcode=barcode,
        title=title,
        checked_out_at=row.checked_out_at,
        due_at=row.due_at,
        renewals=row.renewals,
        returned_at=row.returned_at,
    )


def hold(row: t.Hold) -> e.Hold:
    return e.Hold(
        id=require_id(row.id),
        record_id=row.record_id,
        patron_id=row.patron_id,
        status=HoldStatus(row.status),
        placed_at=row.placed_at,
        pickup_location=row.pickup_location,
        item_id=row.item_id,
        ready_at=row.ready_at,
        expires_at=row.expires_at,
    )


def fine(row: t.Fine) -> e.Fine:
    return e.Fine(
        id=require_id(row.id),
        patron_id=row.patron_id,
        kind=FineKind(row.kind),
        status=FineStatus(row.status),
        amount=row.amount,
        outstanding=row.outstanding,
        loan_id=row.loan_id,
        item_id=row.item_id,
        created_at=row.created_at,
        note=row.note,
    )
