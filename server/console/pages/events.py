"""The event log: every event the server applied — the devices' and the staff's — filtered by device, kind,
time (the device's clock, in the library's time zone) and result (a request's reason code), newest first in
keyset pages; an event's page shows its envelope, its payload and the reply it got.

Reads go through server/services/audit.py, which removes any secret once more on the way out (none is ever
stored): the console shows what the REST API's `GET /events` shows. Dead letters are the neighbouring page
(dead_letters.py); both share the filters' pieces here.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Query, Request
from sqlmodel import Session
from starlette.responses import Response

from contract.events import KNOWN_KINDS
from contract.replies import ReasonCode
from server.console import render
from server.console.access import ConsoleRouter
from server.console.nav import EVENTS, NavEntry
from server.console.pages.audit import ACTION_LABELS
from server.console.session import ViewerDep
from server.console.state import ConsoleState, DbDep, StateDep
from server.errors import NotFoundError
from server.services import audit, devices
from server.services.event_log import DESK_DEVICE
from server.services.permissions import Permission
from web import N_, Language, translate

pages = ConsoleRouter()
NAV = NavEntry(EVENTS, "/events", N_("Events"), Permission.EVENTS_VIEW)
NAV_URL = render.console_url(NAV.path)
PAGE_SIZE = 50

# The devices' events; the staff's (desk.*) are named by the audit trail's labels.
EVENT_LABELS: dict[str, str] = {
    "patron.login": N_("Patron signed in"),
    "patron.logout": N_("Patron signed out"),
    "circ.checkout": N_("Checkout"),
    "circ.renew": N_("Renewal"),
    "circ.checkin": N_("Return"),
    "item.seen": N_("Item seen"),
    "gate.alarm": N_("Gate alarm"),
    "gate.footfall": N_("People counted at the gate"),
} | {f"desk.{kind}": label for kind, label in ACTION_LABELS.items()}

RESULT_LABELS: dict[str, str] = {
    ReasonCode.OK: N_("Done"),
    ReasonCode.OK_HOLD_WAITING: N_("Done; another patron is waiting for it"),
    ReasonCode.OK_HOLD_READY_FOR_YOU: N_("Done; it was on hold for this patron"),
    ReasonCode.UNKNOWN_PATRON: N_("Unknown patron"),
    ReasonCode.UNKNOWN_ITEM: N_("Unknown item"),
    ReasonCode.PATRON_EXPIRED: N_("Card expired"),
    ReasonCode.PATRON_BLOCKED: N_("Patron blocked"),
    ReasonCode.WRONG_PIN: N_("Wrong PIN"),
    ReasonCode.PIN_LOCKED: N_("PIN locked"),
    ReasonCode.UNKNOWN_SESSION: N_("Unknown kiosk session"),
    ReasonCode.SESSION_EXPIRED: N_("Kiosk session expired"),
    ReasonCode.MAX_LOANS: N_("Loan limit reached"),
    ReasonCode.FINES_OVER_LIMIT: N_("Fines over the limit"),
    ReasonCode.OVERDUE_ITEMS: N_("Has overdue items"),
    ReasonCode.NOT_FOR_LOAN: N_("Not for loan"),
    ReasonCode.ITEM_UNAVAILABLE: N_("Item unavailable"),
    ReasonCode.ON_HOLD_FOR_OTHER: N_("On hold for another patron"),
    ReasonCode.ALREADY_ON_LOAN_TO_YOU: N_("Already on loan to this patron"),
    ReasonCode.ON_LOAN_TO_OTHER: N_("On loan to another patron"),
    ReasonCode.NOT_ON_LOAN: N_("Not on loan"),
    ReasonCode.NOT_YOUR_LOAN: N_("Not this patron's loan"),
    ReasonCode.RENEWALS_EXHAUSTED: N_("No renewals left"),
    ReasonCode.RENEW_HOLD_WAITING: N_("Renewal refused: another patron is waiting"),
    ReasonCode.RENEW_TOO_LATE: N_("Renewal refused: too late"),
    ReasonCode.RENEW_TOO_SOON: N_("Renewal refused: too soon"),
    ReasonCode.INVALID_REQUEST: N_("Invalid request"),
    ReasonCode.REQUEST_EXPIRED: N_("Request arrived too late"),
}

Text = Annotated[str | None, Query(max_length=64)]
Moment = Annotated[str | None, Query(max_length=32)]


def moment(value: str | None, zone: ZoneInfo) -> datetime | None:
    """A `datetime-local` field's value as a moment in the library's time zone; None when blank or wrong."""
    try:
        found = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if found is None:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=zone)


def device_choices(state: ConsoleState, db: Session, lang: Language) -> list[tuple[str, str]]:
    known = [d.device_id for d in devices.list_devices(db, state.registered_devices())]
    anything = ("", translate(lang, N_("Any device")))
    desk = (DESK_DEVICE, translate(lang, N_("Staff (desk, console, API)")))
    return [anything, desk] + [(d, d) for d in known if d != DESK_DEVICE]


def labelled(lang: Language, labels: dict[str, str], anything: str) -> list[tuple[str, str]]:
    return [("", translate(lang, anything))] + [(code, translate(lang, t)) for code, t in labels.items()]


def list_url(base: str, query: dict[str, str], **more: str) -> str:
    """The list's address with its filters (blank ones left out) and `more`."""
    kept = {k: v for k, v in query.items() if v} | more
    return f"{base}?{urlencode(kept)}" if kept else base


def listing(base: str, query: dict[str, str], next_after: object, after: object) -> dict[str, object]:
    """A filtered list's links: to older entries (keyset), back to the newest, and its filters."""
    return {
        "older_url": list_url(base, query, after=str(next_after)) if next_after else None,
        "newest_url": list_url(base, query) if after else None,
        "query": query,
        "filtered": any(query.values()),
    }


def pretty(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)


@pages.page("/events", Permission.EVENTS_VIEW)
def list_events(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    device: Text = None,
    kind: Text = None,
    result: Text = None,
    time_from: Annotated[str | None, Query(alias="from", max_length=32)] = None,
    time_to: Annotated[str | None, Query(alias="to", max_length=32)] = None,
    visit: Annotated[str | None, Query(max_length=40)] = None,
    after: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    zone, lang = state.timezone, viewer.lang
    query = {"device": device or "", "kind": kind or "", "result": result or ""}
    query |= {"from": time_from or "", "to": time_to or "", "visit": visit or ""}
    filters = audit.EventFilters(
        device_id=device or None,
        kind=kind or None,
        occurred_from=moment(time_from, zone),
        occurred_to=moment(time_to, zone),
        result_code=result or None,
        correlation_id=_event_id(visit),
    )
    found = audit.list_events(db, filters, after=_event_id(after), limit=PAGE_SIZE)
    context = listing(NAV_URL, query, found.next_after, after) | {
        "events": found.items,
        "device_choices": device_choices(state, db, lang),
        "kind_choices": labelled(lang, {k: EVENT_LABELS.get(k, k) for k in _kinds()}, N_("Any kind")),
        "result_choices": labelled(lang, RESULT_LABELS, N_("Any result")),
        "event_labels": EVENT_LABELS,
        "result_labels": RESULT_LABELS,
    }
    return render.page(request, state, viewer, "console/events/events.html", context, nav=NAV.path)


def _kinds() -> list[str]:
    return sorted(KNOWN_KINDS) + [f"desk.{kind}" for kind in ACTION_LABELS]


def _event_id(value: str | None) -> uuid.UUID | None:
    """An event id (or a kiosk visit's correlation id) from the address; None when blank or malformed."""
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@pages.page("/events/{event_id}", Permission.EVENTS_VIEW)
def show_event(request: Request, event_id: str, state: StateDep, db: DbDep, viewer: ViewerDep) -> Response:
    key = _event_id(event_id)
    if key is None:
        raise NotFoundError(f"no event {event_id}")
    event = audit.get_event(db, key)
    context = {
        "event": event,
        "payload": pretty(event.payload),
        "reply": pretty(event.reply) if event.reply is not None else None,
        "event_labels": EVENT_LABELS,
        "result_labels": RESULT_LABELS,
    }
    return render.page(request, state, viewer, "console/events/event.html", context, nav=NAV.path)
