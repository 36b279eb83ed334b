"""The RFID conversion's dashboard: items tagged per day over the recent days, how many are tagged, and the
copies left to tag per floor and range of the library.

Every figure is read from an index and never from the item rows themselves, so it stays fast on a million
items: one range count per day on `ix_item_tagged_at`, the tagged total on the tag UID's unique index, and
the copies left per home shelf on the partial index `ix_item_untagged_home` (untagged copies only: it
shrinks as the conversion goes on). Withdrawn copies need no tag and are not counted as left. Reads only.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from server.domain.enums import ItemStatus, LocationKind
from server.services.columns import ITEM, LOCATION

RECENT_DAYS = 14


@dataclass(frozen=True)
class TaggedDay:
    day: date
    count: int


@dataclass(frozen=True)
class PlaceLeft:
    """Copies left to tag whose home is on this floor and range (None: a floor's copies on no range)."""

    floor: str
    range: str | None
    left: int


@dataclass(frozen=True)
class Progress:
    days: list[TaggedDay]  # oldest first, today last
    tagged: int  # copies with a tag
    left: int  # copies without one (withdrawn ones aside)
    places: list[PlaceLeft]  # most left first

    @property
    def recent(self) -> int:
        return sum(day.count for day in self.days)

    @property
    def busiest(self) -> int:
        return max((day.count for day in self.days), default=0)

    @property
    def share_done(self) -> float:
        total = self.tagged + self.left
        return self.tagged / total if total else 0.0


def progress(session: Session, *, today: date, timezone: ZoneInfo, days: int = RECENT_DAYS) -> Progress:
    places = left_per_place(session)
    return Progress(
        days=tagged_per_day(session, today=today, timezone=timezone, days=days),
        tagged=session.execute(
            sa.select(sa.func.count()).select_from(ITEM).where(ITEM.c.tag_uid.is_not(None))
        ).scalar_one(),
        left=sum(place.left for place in places),
        places=places,
    )


def tagged_per_day(session: Session, *, today: date, timezone: ZoneInfo, days: int) -> list[TaggedDay]:
    """Items tagged on each of the `days` days up to `today`, days as the library's clock has them."""
    starts = [_midnight(today - timedelta(days=n), timezone) for n in range(days - 1, -2, -1)]
    counts = [
        sa.select(sa.func.count())
        .select_from(ITEM)
        .where(ITEM.c.tagged_at >= start, ITEM.c.tagged_at < end)
        .scalar_subquery()
        for start, end in itertools.pairwise(starts)
    ]
    row = session.execute(sa.select(*counts)).one()
    return [TaggedDay(today - timedelta(days=days - 1 - n), int(count)) for n, count in enumerate(row)]


def left_per_place(session: Session) -> list[PlaceLeft]:
    """Copies left to tag by floor and range, the most first."""
    # SQLite's planner prefers the tag UID's unique index for `IS NULL` (and then reads every row): told to
    # read the partial index, which holds exactly these rows, it counts them from the index alone.
    hint = "INDEXED BY ix_item_untagged_home" if session.get_bind().dialect.name == "sqlite" else ""
    by_home = session.execute(
        sa.text(
            f"SELECT home_location_id, count(*) FROM item {hint} "  # noqa: S608 - a constant, no input
            "WHERE tag_uid IS NULL AND status != :withdrawn GROUP BY home_location_id"
        ),
        {"withdrawn": ItemStatus.WITHDRAWN.value},
    ).all()
    places = _floor_and_range(session)
    left: dict[tuple[str, str | None], int] = {}
    for home, count in by_home:
        key = places.get(home, ("—", None)) if home is not None else ("—", None)
        left[key] = left.get(key, 0) + int(count)
    ordered = sorted(left.items(), key=lambda entry: (-entry[1], entry[0][0], entry[0][1] or ""))
    return [PlaceLeft(floor, range_, count) for (floor, range_), count in ordered]


def _floor_and_range(session: Session) -> dict[int, tuple[str, str | None]]:
    """Each location's floor name and range name (None above a range), from the small location table."""
    rows = session.execute(sa.select(LOCATION.c.id, LOCATION.c.parent_id, LOCATION.c.kind, LOCATION.c.name))
    locations = {row.id: row for row in rows}
    named: dict[int, tuple[str, str | None]] = {}
    for location_id in locations:
        floor: str | None = None
        range_: str | None = None
        current = locations.get(location_id)
        while current is not None:
            kind = LocationKind(current.kind)
            if kind is LocationKind.RANGE:
                range_ = current.name
            elif kind is LocationKind.FLOOR:
                floor = current.name
            current = locations.get(current.parent_id) if current.parent_id is not None else None
        named[location_id] = (floor or "—", range_)
    return named


def _midnight(day: date, timezone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone).astimezone(UTC)
