"""A weeding round's proposed list (danh mục tài liệu đề nghị thanh lọc): opened from the candidate list as
it stands (or a filtered part of it), copies added or dropped while the round is still proposed.

Each entry keeps a snapshot of the copy and of the evidence it was proposed on — the catalogue details the
documents print (accession number, title, author, call number, year, place, price) and each reason with
its facts — so the list the reviewers read and sign does not change when a copy is lent, moved or
recatalogued during the round. A copy is in one open round at most. Never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import WeedingRound, WeedingRoundEntry
from server.domain.enums import ItemStatus
from server.domain.weeding.evidence import Candidate, Fact
from server.domain.weeding.rounds import Refused, RoundRefusal, RoundStatus
from server.domain.weeding.settings import WeedingSettings
from server.errors import InvalidInputError
from server.services.columns import COPY_CALL_NUMBER, ITEM, LOCATION, RECORD
from server.services.weeding_candidates import WeedingEntry, WeedingFilters, weeding_entries
from server.services.weeding_round_store import (
    ENTRY,
    ROUND,
    RoundRefusedError,
    entry_rows,
    holdings,
    in_open_rounds,
    locked_round,
)


def _iso(day: int | None) -> str | None:
    return date.fromordinal(day).isoformat() if day is not None else None


def _catalogue(session: Session, item_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """What the documents print of each copy, from the catalogue as it is now."""
    query = (
        sa.select(
            ITEM.c.id,
            ITEM.c.barcode,
            ITEM.c.accession_number,
            ITEM.c.price,
            ITEM.c.item_type,
            ITEM.c.status,
            ITEM.c.condition,
            ITEM.c.tag_uid,
            RECORD.c.title,
            RECORD.c.author,
            COPY_CALL_NUMBER.label("call_number"),
            RECORD.c.year,
            RECORD.c.language,
            LOCATION.c.code,
            LOCATION.c.name,
        )
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(LOCATION, LOCATION.c.id == ITEM.c.home_location_id)
        .where(ITEM.c.id.in_(sorted(item_ids)))
    )
    names = (
        "barcode", "accession_number", "price", "item_type", "status", "condition", "tag_uid",
        "title", "author", "call_number", "year", "language", "location", "location_name",
    )  # fmt: skip
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in session.execute(query)}


def _evidence(entry: WeedingEntry) -> dict[str, Any]:
    item = entry.item
    return {
        "copies_held": entry.copies_held,
        "last_loan": _iso(item.last_loan_day),
        "loans_5y": item.loans_5y,
        "loans_10y": item.loans_10y,
        "last_in_house_use": _iso(item.last_in_house_day),
        "in_house_uses_5y": item.in_house_uses_5y,
        "last_found_at_stocktake": _iso(item.last_inventory_day),
        "findings": [
            {"reason": f.reason.value, "facts": [[x.name, x.value, x.limit] for x in f.facts]}
            for f in entry.outcome.findings
        ],
    }


def _next_position(session: Session, round_id: int) -> int:
    statement = sa.select(sa.func.max(ENTRY.c.position)).where(ENTRY.c.round_id == round_id)
    return int(session.execute(statement).scalar_one() or 0) + 1


def _add(
    session: Session, row: WeedingRound, found: Iterable[tuple[int, tuple[str, ...], dict[str, Any]]]
) -> list[WeedingRoundEntry]:
    """Entries for (item, reasons, evidence), in the order given, each with its catalogue snapshot."""
    assert row.id is not None
    found = list(found)
    catalogue = _catalogue(session, [item_id for item_id, _, _ in found])
    position = _next_position(session, row.id)
    added = []
    for offset, (item_id, reasons, evidence) in enumerate(found):
        entry = WeedingRoundEntry(
            round_id=row.id,
            item_id=item_id,
            position=position + offset,
            reasons=list(reasons),
            snapshot=catalogue[item_id] | evidence,
        )
        session.add(entry)
        added.append(entry)
    session.flush()
    return added


def open_round(
    session: Session,
    settings: WeedingSettings,
    today: date,
    filters: WeedingFilters,
    *,
    title: str,
    reviewers: Sequence[str],
    at: datetime,
    staff: str,
) -> WeedingRound:
    """A new round proposing every candidate the filters choose that no open round holds already."""
    taken = in_open_rounds(session)
    chosen = [
        (e.outcome.item_id, tuple(e.outcome.reasons), _evidence(e))
        for e in weeding_entries(session, settings, today, filters)
        if isinstance(e.outcome, Candidate) and e.outcome.item_id not in taken
    ]
    if not chosen:
        raise InvalidInputError("the candidate list, as filtered, proposes no copy outside an open round")
    number = int(session.execute(sa.select(sa.func.max(ROUND.c.number))).scalar_one() or 0) + 1
    row = WeedingRound(
        number=number,
        title=title.strip() or f"{number}/{today.year}",
        holdings=holdings(session),
        max_share_percent=settings.rounds.max_share_percent,
        scope=_scope(filters),
        reviewers=[name.strip() for name in reviewers if name.strip()],
        opened_at=at,
        opened_by=staff,
    )
    session.add(row)
    session.flush()
    _add(session, row, chosen)
    return row


def _scope(filters: WeedingFilters) -> dict[str, Any]:
    return {
        "reason": filters.reason.value if filters.reason else None,
        "class_prefix": filters.class_prefix,
        "location_id": filters.location_id,
        "item_type": filters.item_type,
    }


def _while_proposed(session: Session, round_id: int) -> WeedingRound:
    row = locked_round(session, round_id)
    if row.status is not RoundStatus.PROPOSED:
        status = row.status.value
        raise RoundRefusedError(
            round_id, [Refused(None, RoundRefusal.WRONG_STATUS, (Fact("status", status),))]
        )
    return row


def add_items(session: Session, round_id: int, barcodes: Sequence[str]) -> list[WeedingRoundEntry]:
    """Copies a reviewer adds by hand while the round is proposed: no reasons of the rules, the note says
    why. A copy withdrawn already, or in an open round, is refused by name."""
    row = _while_proposed(session, round_id)
    wanted = sorted({code.strip() for code in barcodes if code.strip()})
    found = dict(
        session.execute(
            sa.select(ITEM.c.barcode, ITEM.c.id).where(
                ITEM.c.barcode.in_(wanted), ITEM.c.status != ItemStatus.WITHDRAWN.value
            )
        ).all()
    )
    taken = in_open_rounds(session)
    refused = [code for code in wanted if code not in found or found[code] in taken]
    if refused:
        raise InvalidInputError("not held, withdrawn or already in an open round: " + ", ".join(refused))
    return _add(session, row, [(found[code], (), {"added_by_hand": True}) for code in wanted])


def remove_items(session: Session, round_id: int, item_ids: Sequence[int]) -> int:
    """Drop copies from the proposed list; the others keep their place."""
    _while_proposed(session, round_id)
    rows = entry_rows(session, round_id, item_ids)
    for entry in rows:
        session.delete(entry)
    session.flush()
    return len(rows)
