"""The alarm desk: the security gates' unresolved alarms, live, and what staff found.

Each alarm shows as a card — the item's title, call number and barcode, the gate and lane, when it sounded
and its class, never a person — newest first, and comes onto every open desk over the page's event stream
as soon as the ingest has classified it (server/services/gate_alarms.py). The page can sound a short tone
when one arrives (console.js; off until staff turn it on at that computer). Staff resolve each alarm with
what they found (borrowed at the desk, returned, false alarm, no one stopped) and an optional note: the
same audited service as the REST API's `POST /gate/alarms/{id}/resolve`, once per form. Resolved alarms
leave the cards for the list of recent resolutions, where the resolution stays.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Form, Query, Request
from pydantic_core import to_jsonable_python
from sqlmodel import Session
from sse_starlette import EventSourceResponse
from starlette.responses import RedirectResponse, Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.live.stream import LiveFragment, Part, live_response, part_fragments
from server.console.nav import GATE, NavEntry
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.db.tables.gate import GateAlarm
from server.domain.gate import AlarmClass, AlarmResolution
from server.errors import ConflictError, InvalidInputError, NotFoundError
from server.services import alarm_desk
from server.services.alarm_desk import AlarmFilters
from server.services.permissions import Permission
from server.services.staff_actions import Subject, row_subject
from web import N_

pages = ConsoleRouter()
NAV = NavEntry(GATE, "/gate", N_("Security gate"), Permission.GATE_VIEW)
DESK_URL = render.console_url(NAV.path)
STREAM = "/live/gate"
SHOWN = 20  # unresolved alarms shown as cards (a desk deals with a few at once); more say how many more
RECENT = 15  # recent resolutions listed
NOTE_MAX = 500

ALARM_KINDS = frozenset({"gate.alarm", "desk.gate.alarm.resolve"})
RESOLVE_KINDS = frozenset({"desk.gate.alarm.resolve"})

CLASS_LABELS: dict[str, tuple[str, str]] = {  # what each class is called, and the tone of its badge
    AlarmClass.NOT_BORROWED: (N_("Not borrowed"), "danger"),
    AlarmClass.BORROWED_ARMED: (N_("Borrowed, tag still armed"), "warning"),
    AlarmClass.UNKNOWN_OURS: (N_("Our tag, unknown item"), "info"),
    AlarmClass.FOREIGN: (N_("Another library's tag"), "neutral"),
}
RESOLUTION_LABELS: dict[str, str] = {
    AlarmResolution.BORROWED_AT_DESK: N_("Borrowed now at the desk"),
    AlarmResolution.RETURNED: N_("Returned"),
    AlarmResolution.FALSE_ALARM: N_("False alarm"),
    AlarmResolution.NO_ONE_STOPPED: N_("No one stopped"),
}
LABELS = {"class_labels": CLASS_LABELS, "resolution_labels": RESOLUTION_LABELS}
Values = dict[str, object]


def _unresolved(_state: ConsoleState, session: Session) -> Values:
    page = alarm_desk.list_alarms(session, AlarmFilters(unresolved_only=True), limit=SHOWN)
    summary = alarm_desk.alarm_summary(session)
    return {
        "alarms": page.items,
        "unresolved_total": summary.unresolved_total,
        "latest_alarm_id": summary.latest_alarm_id or 0,
    }


def _resolved(_state: ConsoleState, session: Session) -> Values:
    return {"resolved": alarm_desk.recently_resolved(session, limit=RECENT)}


# Each fragment: its name (template console/gate/<name>.html), the changes that redraw it, its values.
PARTS: list[Part] = [
    ("unresolved", lambda change: bool(change.kinds & ALARM_KINDS), _unresolved),
    ("resolved", lambda change: bool(change.kinds & RESOLVE_KINDS), _resolved),
]


def fragments(state: ConsoleState) -> list[LiveFragment]:
    return part_fragments(state, "console/gate", PARTS, context={"action_key": actions.new_key, **LABELS})


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@pages.page("/gate", Permission.GATE_VIEW)
def desk(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    resolved: Annotated[str | None, Query(max_length=12)] = None,
    already: Annotated[str | None, Query(max_length=12)] = None,
) -> Response:
    """The desk; after resolving, `resolved` (or `already`, when someone else was first) names the alarm
    to say so about."""
    told_id = _int(resolved) or _int(already)
    try:
        told = alarm_desk.get_alarm(db, told_id) if told_id is not None else None
    except NotFoundError:
        told = None
    context: Values = {
        "stream_url": render.console_url(STREAM),
        "action_key": actions.new_key,
        "told": told,
        "told_already": _int(already) is not None,
        **LABELS,
    }
    for _name, _wants, values in PARTS:
        context |= values(state, db)
    return render.page(request, state, viewer, "console/gate/desk.html", context, nav=NAV.path)


@pages.action("/gate/alarms/{alarm_id}/resolve", Permission.GATE_RESOLVE)
def resolve(
    alarm_id: int,
    *,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    resolution: Annotated[str, Form(max_length=32)],
    note: Annotated[str, Form(max_length=NOTE_MAX)] = "",
    action_key: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        chosen = AlarmResolution(resolution)
    except ValueError as exc:
        raise InvalidInputError(f"no such resolution: {resolution}") from exc
    text = note.strip() or None

    def apply() -> dict[str, object]:
        found = alarm_desk.resolve_alarm(
            db, alarm_id, chosen, staff=viewer.staff.username, now=now, note=text
        )
        reply: dict[str, object] = to_jsonable_python(found)
        return reply

    return once_then_back(
        db,
        viewer,
        now,
        ("gate.alarm.resolve", {"alarm_id": alarm_id, "resolution": chosen.value, "note": text}),
        apply=apply,
        subject=row_subject(db, f"gate_alarm:{alarm_id}", GateAlarm, id=alarm_id),
        key=action_key,
        back=(f"{DESK_URL}?resolved={alarm_id}#told", f"{DESK_URL}?already={alarm_id}#told"),
    )


def once_then_back(
    db: Session,
    viewer: Viewer,
    now: datetime,
    action: tuple[str, dict[str, object]],
    *,
    apply: Callable[[], dict[str, object]],
    subject: Subject,
    key: str,
    back: tuple[str, str],
) -> Response:
    """A gate page's audited action (once per form key), then back to the page: to `back[0]` when done,
    to `back[1]` when someone else was first (the service refused it as already done)."""
    kind, request = action
    try:
        actions.perform(db, viewer, now, kind, request, apply=apply, subject=subject, key=key)
    except ConflictError:
        db.rollback()
        return RedirectResponse(back[1], status_code=303)
    return RedirectResponse(back[0], status_code=303)


@pages.stream(STREAM, Permission.GATE_VIEW)
def live(state: StateDep, viewer: ViewerDep) -> EventSourceResponse:
    return live_response(state, viewer, fragments(state))
