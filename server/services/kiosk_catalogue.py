"""The catalogue at a self-check kiosk, as the MQTT ingest applies its requests: a reader's search — the
public catalogue's own (`catalogue_search.search`), its first records with where their copies stand — and
a hold placed by the reader signed in, through the holds service the desk uses."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from contract.catalogue import MAX_HITS, MAX_PLACES, CatalogueHit, ShelfPlace
from server.domain.catalogue.opac import COUNT_CAP, SearchRequest
from server.domain.catalogue.search_words import parse_query
from server.domain.enums import ItemStatus, LocationKind
from server.domain.reasons import Reason
from server.errors import NotFoundError
from server.i18n import Action, decision
from server.services import catalogue_search, holds, kiosk
from server.services.columns import ITEM
from server.services.context import CirculationContext
from server.services.locations_tree import path, places
from server.services.outcomes import HoldOutcome, SearchOutcome
from server.services.reasons import reason_code


def search(session: Session, query: str) -> SearchOutcome:
    """The first MAX_HITS records the query finds, most relevant first; the last word is a prefix (the
    reader may stop typing mid-word), as on the public page while typing."""
    found = catalogue_search.search(
        session, SearchRequest(parse_query(query, typing=True), limit=MAX_HITS), facets=False
    )
    where = _places(session, [hit.id for hit in found.hits])
    hits = [
        CatalogueHit(
            record_id=hit.id,
            title=hit.title,
            author=hit.author,
            year=hit.year,
            copies=hit.copies,
            available=hit.available,
            places=where.get(hit.id, []),
        )
        for hit in found.hits
    ]
    total = min(found.total, COUNT_CAP)
    return SearchOutcome(decision(reason_code(Reason.OK)), hits, total, found.total_capped)


def _places(session: Session, record_ids: list[int]) -> dict[int, list[ShelfPlace]]:
    """Where each record's copies stand (not withdrawn), each place once, in shelf-code order."""
    if not record_ids:
        return {}
    tree = places(session)
    rows = session.execute(
        sa.select(ITEM.c.record_id, ITEM.c.home_location_id)
        .where(ITEM.c.record_id.in_(record_ids), ITEM.c.status != ItemStatus.WITHDRAWN)
        .where(ITEM.c.home_location_id.is_not(None))
        .distinct()
    )
    found: dict[int, dict[str, ShelfPlace]] = defaultdict(dict)
    for record_id, home in rows:
        where = path(tree, home)
        if not where:
            continue
        code = tree[home].code
        floor, rng, shelf = (
            where.get(k) for k in (LocationKind.FLOOR, LocationKind.RANGE, LocationKind.SHELF)
        )
        found[record_id][code] = ShelfPlace(
            floor=floor.name if floor else None,
            range=rng.name if rng else None,
            shelf=shelf.name if shelf else None,
        )
    return {r: [by_code[c] for c in sorted(by_code)][:MAX_PLACES] for r, by_code in found.items()}


def place_hold(
    session: Session,
    context: CirculationContext,
    *,
    device_id: str,
    session_id: uuid.UUID,
    record_id: int,
    now: datetime,
) -> HoldOutcome:
    """A hold for the reader signed in on this kiosk; the holds service's refusals answered by code."""
    problem, patron = kiosk.signed_in_patron(session, context, device_id, session_id, now)
    if problem is not None or patron is None or patron.id is None:
        return HoldOutcome(decision(reason_code(problem or Reason.UNKNOWN_SESSION)), record_id)
    try:
        hold = holds.place_hold(session, context, patron_id=patron.id, record_id=record_id, now=now)
    except holds.HoldRefusedError as refused:
        return HoldOutcome(decision(reason_code(refused.reason)), record_id)
    except NotFoundError:
        return HoldOutcome(decision(reason_code(Reason.UNKNOWN_RECORD)), record_id)
    return HoldOutcome(
        decision(reason_code(Reason.OK), action=Action.HOLD, pickup=hold.pickup_location),
        record_id,
        hold.pickup_location,
    )
