"""Handhelds in a stock-take session: may this event be recorded, which shelf is it on, which sweep do its
reads extend.

Whatever a handheld sends is refused, with the reason in words, when its session does not exist or is not
open (the domain's `transition(state, RECORD)`: a draft, a pause, a closed session), when it names a shelf
the library does not have, or — for reads and marks — when the handheld has not joined the session. A
sweep is one handheld's pass over one shelf: it starts with the first read there and ends with the last;
joining another shelf (or the same one again, a new label scan) starts a new one with the next read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session, col, select

from contract.stocktake import ShelfMethod
from server.db.bulk import insert_rows
from server.db.tables import StocktakeHandheld, StocktakeSession, StocktakeSweep
from server.domain.stocktake.facts import micros
from server.domain.stocktake.session import SessionAction, SessionState, transition
from server.services import stocktake_library as library
from server.services.columns import table_of
from server.services.stocktake_sessions import StocktakeRefusedError

SWEEP_TABLE = table_of(StocktakeSweep)


class OnShelf(Protocol):
    """What every event a handheld sends names: its session, and the shelf (if known)."""

    @property
    def session_id(self) -> int: ...

    @property
    def shelf_code(self) -> str | None: ...


class Refused(Exception):  # noqa: N818 (a refusal of one event, not an error: the pipeline dead-letters it)
    """This event cannot be recorded; the message says why."""


@dataclass
class RunState:
    """What a run of events needs, loaded once for the run: sessions, handhelds, shelves by code; and each
    handheld's sweep as the run leaves it, written once when the run is done (`finish`)."""

    session: Session
    sessions: dict[int, StocktakeSession | None] = field(default_factory=dict)
    handhelds: dict[tuple[int, str], StocktakeHandheld | None] = field(default_factory=dict)
    shelves: dict[str, int] = field(default_factory=dict)
    # None: the handheld joined a shelf in this run and has read nothing there yet
    sweeps: dict[tuple[int, str], StocktakeSweep | None] = field(default_factory=dict)
    # the sweeps this run started, not yet in the session
    started: list[StocktakeSweep] = field(default_factory=list)

    @classmethod
    def of(cls, session: Session, payloads: Iterable[OnShelf]) -> RunState:
        """The state of a run of events, loaded for the sessions and shelves they name."""
        listed = list(payloads)
        state = cls(session)
        state.load((p.session_id for p in listed), {p.shelf_code for p in listed if p.shelf_code is not None})
        return state

    def load(self, session_ids: Iterable[int], shelf_codes: set[str]) -> None:
        ids = sorted(set(session_ids) - self.sessions.keys())
        if ids:
            rows = self.session.exec(select(StocktakeSession).where(col(StocktakeSession.id).in_(ids)))
            found = {row.id: row for row in rows}
            self.sessions.update({i: found.get(i) for i in ids})
            held = self.session.exec(
                select(StocktakeHandheld).where(col(StocktakeHandheld.session_id).in_(ids))
            )
            self.handhelds.update({(h.session_id, h.device_id): h for h in held})
        self.shelves.update(library.shelf_ids_by_code(self.session, shelf_codes - self.shelves.keys()))

    def recording(self, session_id: int) -> StocktakeSession:
        """The session, if it takes events now."""
        row = self.sessions.get(session_id)
        if row is None:
            raise Refused(f"no stock-take session {session_id}")
        moved = transition(SessionState(row.state), SessionAction.RECORD, signed=row.signed_at is not None)
        if moved.refusal is not None:
            raise Refused(f"session {session_id}: {StocktakeRefusedError(moved.refusal)}")
        return row

    def shelf(self, code: str | None) -> int | None:
        if code is None:
            return None
        shelf_id = self.shelves.get(code)
        if shelf_id is None:
            raise Refused(f"no shelf {code!r} in the library")
        return shelf_id

    def member(self, session_id: int, device_id: str) -> StocktakeHandheld:
        handheld = self.handhelds.get((session_id, device_id))
        if handheld is None:
            raise Refused(f"handheld {device_id} has not joined session {session_id}")
        return handheld

    def join(
        self,
        session_id: int,
        device_id: str,
        shelf_id: int | None,
        method: ShelfMethod | None,
        *,
        at: datetime,
    ) -> StocktakeHandheld:
        handheld = self.handhelds.get((session_id, device_id))
        if handheld is None:
            handheld = StocktakeHandheld(session_id=session_id, device_id=device_id, joined_at=at)
            self.handhelds[(session_id, device_id)] = handheld
        handheld.shelf_id, handheld.method, handheld.sweep_id = shelf_id, method, None
        self.sweeps[(session_id, device_id)] = None
        self.session.add(handheld)
        return handheld

    def sweep(
        self,
        handheld: StocktakeHandheld,
        *,
        shelf_id: int,
        method: ShelfMethod,
        first_us: int,
        last_us: int,
        reads: int,
    ) -> None:
        """Extend the handheld's sweep of this shelf with these reads, or start a new sweep: a new sweep is
        only listed here, and written in `finish`."""
        key = (handheld.session_id, handheld.device_id)
        if key in self.sweeps:
            current = self.sweeps[key]
        elif handheld.sweep_id is not None:
            current = self.session.get(StocktakeSweep, handheld.sweep_id)
        else:
            current = None
        if current is None or current.shelf_id != shelf_id:
            current = StocktakeSweep(
                session_id=handheld.session_id,
                shelf_id=shelf_id,
                device_id=handheld.device_id,
                method=method,
                started_us=first_us,
                ended_us=last_us,
            )
            self.started.append(current)
            handheld.shelf_id, handheld.method = shelf_id, method
        self.sweeps[key] = current
        current.started_us = min(current.started_us, first_us)
        current.ended_us = max(current.ended_us, last_us)
        current.reads += reads

    def finish(self) -> None:
        """The sweeps this run started written at its end. Only the sweep each handheld is on needs its id
        (its next reads extend it), so only those go through the ORM, a statement each; the sweeps
        already over — most of them, a handheld sweeping shelf after shelf — go in one bulk insert."""
        current = {id(sweep) for sweep in self.sweeps.values() if sweep is not None}
        over = [sweep for sweep in self.started if id(sweep) not in current]
        insert_rows(self.session, SWEEP_TABLE, [_row(sweep) for sweep in over])
        self.session.add_all(sweep for sweep in self.started if id(sweep) in current)
        self.session.flush()
        for (session_id, device_id), sweep in self.sweeps.items():
            handheld = self.handhelds[(session_id, device_id)]
            if handheld is not None and sweep is not None and handheld.sweep_id != sweep.id:
                handheld.sweep_id = sweep.id
        self.started.clear()


def _row(sweep: StocktakeSweep) -> dict[str, Any]:
    return {
        "session_id": sweep.session_id,
        "shelf_id": sweep.shelf_id,
        "device_id": sweep.device_id,
        "method": sweep.method.value,
        "started_us": sweep.started_us,
        "ended_us": sweep.ended_us,
        "exact_order": sweep.exact_order,
        "reads": sweep.reads,
    }


def read_time(at: datetime, *, opened_at: datetime | None, now: datetime) -> int:
    """A read's time in µs, with the handheld's clock kept within what can be true: never after the
    server's clock (a clock running ahead), never before the session opened (one running behind)."""
    moment = min(at, now)
    if opened_at is not None:
        moment = max(moment, opened_at)
    return micros(moment)
