"""What every console request needs, built once per process: settings, templates, static files, the rules
of sessions and sign-in throttling, the live hub — and, once the server has started, the database and the
circulation context. Routes reach it through FastAPI dependencies (`StateDep`, `DbDep`, `NowDep`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.console.live.hub import LiveHub
from server.console.nav import NavEntry
from server.devices import RegisteredDevice, registered_devices
from server.services.context import CirculationContext
from server.services.login_throttle import Throttling
from server.services.staff_sessions import SessionRules
from server.settings import ServerSettings
from web import StaticAssets, Templates


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ConsoleState:
    settings: ServerSettings
    templates: Templates
    assets: StaticAssets
    timezone: ZoneInfo
    sessions: SessionRules
    throttling: Throttling
    hub: LiveHub
    nav: list[NavEntry] = field(default_factory=list)  # the pages registered, server/console/pages
    clock: Callable[[], datetime] = field(default=_utc_now)  # tests move it
    engine: Engine | None = None  # set when the server starts
    circulation: CirculationContext | None = None
    # Publishes a command to a device (device id, payload) -> sent; the ingest's MQTT session, when it runs.
    commands: Callable[[str, bytes], bool] | None = None

    def database(self) -> Engine:
        if self.engine is None:
            raise RuntimeError("the console is not started")
        return self.engine

    def circulation_context(self) -> CirculationContext:
        if self.circulation is None:
            raise RuntimeError("the console is not started")
        return self.circulation

    def registered_devices(self) -> tuple[RegisteredDevice, ...]:
        return registered_devices(self.settings.devices_path)


def get_state(request: Request) -> ConsoleState:
    state: ConsoleState = request.app.state.console
    return state


StateDep = Annotated[ConsoleState, Depends(get_state)]


def get_db(state: StateDep) -> Iterator[Session]:
    """One database session per request; a route commits once."""
    with Session(state.database(), expire_on_commit=False) as session:
        yield session


def get_now(state: StateDep) -> datetime:
    return state.clock()


DbDep = Annotated[Session, Depends(get_db)]
NowDep = Annotated[datetime, Depends(get_now)]
