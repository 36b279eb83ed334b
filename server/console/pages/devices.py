"""Devices: every kiosk, gate and handheld — those config/devices.toml lists but the server never heard from
included — online, offline or never seen (in words and by icon), with the software it runs, its last status,
its outbox backlog, the agent's counters, its peripherals' link state and counters, and its open sequence
gaps (the missing tail included). Both the list and a device's own page are live: a kiosk whose agent dies
turns "offline" on every open page within a second (its last will reaches the server, the ingest commits,
the live feed sends the fragment again). A device's page lists its gaps.
"""

from __future__ import annotations

from functools import partial

from fastapi import Request
from sqlmodel import Session
from sse_starlette import EventSourceResponse
from starlette.responses import Response

from server.console import render
from server.console.access import ConsoleRouter
from server.console.live.stream import LiveFragment, live_response
from server.console.nav import DEVICES, NavEntry
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, StateDep
from server.errors import NotFoundError
from server.services import devices
from server.services.permissions import Permission, allows
from web import N_

pages = ConsoleRouter()
NAV = NavEntry(DEVICES, "/devices", N_("Devices"), Permission.DEVICES_VIEW)
LIST_STREAM = "/live/devices"
GAPS_SHOWN = 100

Values = dict[str, object]


def _list(state: ConsoleState, session: Session) -> Values:
    return {"devices": devices.list_devices(session, state.registered_devices())}


def _one(state: ConsoleState, session: Session, device_id: str) -> Values:
    """The device and its gaps; `device` None when there is no such device (any more)."""
    registered = state.registered_devices()
    try:
        found = devices.get_device(session, registered, device_id)
    except NotFoundError:
        return {"device": None, "gaps": None}
    return {"device": found, "gaps": devices.sequence_gaps(session, registered, device_id, limit=GAPS_SHOWN)}


def _draw_list(state: ConsoleState, session: Session, viewer: Viewer) -> str:
    return render.fragment(state, viewer, "console/devices/list.html", **_list(state, session))


def _draw_one(state: ConsoleState, device_id: str, session: Session, viewer: Viewer) -> str:
    values = _one(state, session, device_id)
    values["events_allowed"] = allows(viewer.staff.role, Permission.EVENTS_VIEW)
    return render.fragment(state, viewer, "console/devices/device.html", **values)


@pages.page("/devices", Permission.DEVICES_VIEW)
def show_all(request: Request, state: StateDep, db: DbDep, viewer: ViewerDep) -> Response:
    context = _list(state, db) | {"stream_url": render.console_url(LIST_STREAM)}
    return render.page(request, state, viewer, "console/devices/index.html", context, nav=NAV.path)


@pages.stream(LIST_STREAM, Permission.DEVICES_VIEW)
def live_list(state: StateDep, viewer: ViewerDep) -> EventSourceResponse:
    fragment = LiveFragment("devices", lambda change: bool(change.devices), partial(_draw_list, state))
    return live_response(state, viewer, [fragment])


@pages.page("/devices/{device_id}", Permission.DEVICES_VIEW)
def show_one(request: Request, device_id: str, state: StateDep, db: DbDep, viewer: ViewerDep) -> Response:
    values = _one(state, db, device_id)
    if values["device"] is None:
        raise NotFoundError(f"no device {device_id!r}")
    context = values | {
        "device_id": device_id,
        "stream_url": render.console_url(f"{LIST_STREAM}/{device_id}"),
        "events_allowed": allows(viewer.staff.role, Permission.EVENTS_VIEW),
    }
    return render.page(request, state, viewer, "console/devices/detail.html", context, nav=NAV.path)


@pages.stream(LIST_STREAM + "/{device_id}", Permission.DEVICES_VIEW)
def live_one(device_id: str, state: StateDep, viewer: ViewerDep) -> EventSourceResponse:
    fragment = LiveFragment(
        "device", lambda change: device_id in change.devices, partial(_draw_one, state, device_id)
    )
    return live_response(state, viewer, [fragment])
