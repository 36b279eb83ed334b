"""The location tree (library → floor → range → shelf) read whole: it is small (hundreds of rows), so the
catalogue's facets and record pages walk it in memory."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from server.domain.enums import LocationKind
from server.services.columns import LOCATION


@dataclass(frozen=True, slots=True)
class Place:
    id: int
    code: str
    name: str
    kind: LocationKind
    parent_id: int | None


def places(session: Session) -> dict[int, Place]:
    rows = session.execute(
        sa.select(LOCATION.c.id, LOCATION.c.code, LOCATION.c.name, LOCATION.c.kind, LOCATION.c.parent_id)
    )
    return {row.id: Place(row.id, row.code, row.name, LocationKind(row.kind), row.parent_id) for row in rows}


def path(tree: dict[int, Place], location_id: int | None) -> dict[LocationKind, Place]:
    """The places above and at a location, by kind: its floor, range and shelf (those it has)."""
    found: dict[LocationKind, Place] = {}
    while location_id is not None and location_id in tree and len(found) < len(tree):
        place = tree[location_id]
        found[place.kind] = place
        location_id = place.parent_id
    return found


def floor_of_shelves(session: Session) -> dict[int, int]:
    """Every location's floor, for the locations under one."""
    tree = places(session)
    floors = {}
    for location_id in tree:
        floor = path(tree, location_id).get(LocationKind.FLOOR)
        if floor is not None:
            floors[location_id] = floor.id
    return floors


def shelves_of_floor(session: Session, floor_id: int) -> list[int]:
    return [location for location, floor in floor_of_shelves(session).items() if floor == floor_id]


def floors(session: Session) -> list[Place]:
    return sorted(
        (place for place in places(session).values() if place.kind is LocationKind.FLOOR),
        key=lambda p: p.code,
    )
