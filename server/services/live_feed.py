"""What changed in the database since the last look: the reads behind the console's live feed.

Any server process may commit (several share one database), so the console follows the database itself,
not its own process: new event-log rows and dead letters by the time they were received (a keyset cursor on
`received_at`, indexed), and devices by comparing each device's row with the one seen before (the table is
small). A transaction that began earlier may commit after a later one, so a row can appear behind the
cursor; every `SWEEP_EVERY`-th look goes back over the last `LOOKBACK` for such rows, recognising those
already seen by their ids. More than `page` rows at once is an overflow: the cursor jumps to the present and
the change says so, and every live page reloads what it shows instead of hearing of each row.

`start` puts a cursor at the present; `look` answers what changed since, and the cursor to look from next.
Reads only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables.events import DeadLetter, Device
from server.services.columns import table_of
from server.services.event_log import EVENT_LOG

DEAD_LETTER = table_of(DeadLetter)
DEVICE = table_of(Device)
LOOKBACK = timedelta(seconds=5)
SWEEP_EVERY = 10
DEFAULT_PAGE = 5000
_DEVICE_COLUMNS = (
    "state",
    "status_at",
    "last_event_at",
    "high_seq",
    "seq_gaps",
    "seq_gap_fills",
    "reported_last_seq",
)


@dataclass(frozen=True)
class Change:
    """What a look found: the kinds of the new events, the devices whose row changed, how many new dead
    letters — or `overflow`: too much at once, reload everything."""

    kinds: frozenset[str] = frozenset()
    devices: frozenset[str] = frozenset()
    dead_letters: int = 0
    overflow: bool = False

    def __bool__(self) -> bool:
        return bool(self.kinds or self.devices or self.dead_letters or self.overflow)

    def merged(self, other: Change) -> Change:
        return Change(
            self.kinds | other.kinds,
            self.devices | other.devices,
            self.dead_letters + other.dead_letters,
            self.overflow or other.overflow,
        )


@dataclass
class _Follow:
    """A keyset cursor on one table's `received_at`, with the ids seen within the lookback."""

    table: sa.Table
    key: str
    high: datetime | None = None
    seen: dict[Any, datetime] = field(default_factory=dict)

    def select(self, since: datetime | None, extra: tuple[sa.ColumnElement[Any], ...] = ()) -> sa.Select[Any]:
        columns = (self.table.c[self.key], self.table.c.received_at, *extra)
        statement = sa.select(*columns).order_by(self.table.c.received_at)
        return statement if since is None else statement.where(self.table.c.received_at >= since)

    def newest(self, session: Session) -> datetime | None:
        found: datetime | None = session.execute(sa.select(sa.func.max(self.table.c.received_at))).scalar()
        return found

    def restart(self, session: Session) -> None:
        """At the present: the rows of the last lookback count as seen."""
        self.high = self.newest(session)
        self.seen = {}
        if self.high is not None:
            for row in session.execute(self.select(self.high - LOOKBACK)):
                self.seen[row[0]] = row[1]

    def read(self, session: Session, sweep: bool, page: int, extra: tuple[Any, ...] = ()) -> list[Any] | None:
        """The rows not seen yet, oldest first; None when more than `page` arrived (overflow)."""
        since = self.high
        if since is not None and sweep:
            since -= LOOKBACK
        rows = session.execute(self.select(since, extra).limit(page + 1)).all()
        if len(rows) > page:
            self.restart(session)
            return None
        new = [row for row in rows if row[0] not in self.seen]
        for row in new:
            self.seen[row[0]] = row[1]
            if self.high is None or row[1] > self.high:
                self.high = row[1]
        if self.high is not None:
            horizon = self.high - LOOKBACK
            self.seen = {k: at for k, at in self.seen.items() if at >= horizon}
        return new


@dataclass
class FeedCursor:
    events: _Follow = field(default_factory=lambda: _Follow(EVENT_LOG, "event_id"))
    dead_letters: _Follow = field(default_factory=lambda: _Follow(DEAD_LETTER, "id"))
    devices: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    looks: int = 0


def _device_rows(session: Session) -> dict[str, tuple[Any, ...]]:
    columns = [DEVICE.c.device_id, *(DEVICE.c[name] for name in _DEVICE_COLUMNS)]
    return {row[0]: tuple(row[1:]) for row in session.execute(sa.select(*columns))}


def start(session: Session) -> FeedCursor:
    """A cursor at the present: what is already there is not news."""
    cursor = FeedCursor()
    cursor.events.restart(session)
    cursor.dead_letters.restart(session)
    cursor.devices = _device_rows(session)
    return cursor


def _changed_devices(
    before: Mapping[str, tuple[Any, ...]], now: Mapping[str, tuple[Any, ...]]
) -> frozenset[str]:
    return frozenset(d for d in before.keys() | now.keys() if before.get(d) != now.get(d))


def look(session: Session, cursor: FeedCursor, *, page: int = DEFAULT_PAGE) -> Change:
    """What changed since the cursor's last look; moves the cursor."""
    cursor.looks += 1
    sweep = cursor.looks % SWEEP_EVERY == 0
    events = cursor.events.read(session, sweep, page, (EVENT_LOG.c.kind,))
    dead = cursor.dead_letters.read(session, sweep, page)
    devices = _device_rows(session)
    changed = _changed_devices(cursor.devices, devices)
    cursor.devices = devices
    return Change(
        kinds=frozenset(row[2] for row in events or ()),
        devices=changed,
        dead_letters=len(dead or ()),
        overflow=events is None or dead is None,
    )
