"""The audit trail, for administrators: every staff action, who did it, when, and what it changed.

The list is filtered by staff member, kind of action and days (the library's calendar), newest first, in
keyset pages ("Older actions" goes on from the last one shown). An action's page shows its request, its
answer and its subject field by field, before and after, the changed fields marked in words.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query, Request
from starlette.responses import Response

from server.console import render
from server.console.access import ConsoleRouter
from server.console.nav import AUDIT, NavEntry
from server.console.session import ViewerDep
from server.console.state import DbDep, StateDep
from server.errors import NotFoundError
from server.services import staff_audit
from server.services.permissions import Permission
from server.services.staff import list_staff
from server.services.staff_audit import AuditFilters, StaffActionEntry
from web import N_, translate

pages = ConsoleRouter()
NAV = NavEntry(AUDIT, "/audit", N_("Audit"), Permission.AUDIT_VIEW)
NAV_URL = render.console_url(NAV.path)
PAGE_SIZE = 50

# What each kind of staff action is called; a page adding a kind of action adds its name here.
ACTION_LABELS: dict[str, str] = {
    "checkout": N_("Checkout at the desk"),
    "checkin": N_("Return at the desk"),
    "renew": N_("Renewal at the desk"),
    "hold.place": N_("Hold placed"),
    "hold.cancel": N_("Hold cancelled"),
    "fine.pay": N_("Fine paid"),
    "fine.waive": N_("Fine waived"),
    "record.create": N_("Record catalogued"),
    "item.create": N_("Item added"),
    "item.update": N_("Item changed"),
    "patron.create": N_("Patron registered"),
    "patron.update": N_("Patron changed"),
    "patron.pin.set": N_("PIN set"),
    "patron.pin.reset": N_("PIN reset"),
    "patron.pin.unlock": N_("PIN unlocked"),
    "patron.block.add": N_("Patron blocked"),
    "patron.block.lift": N_("Block lifted"),
    "staff.create": N_("Staff account created"),
    "staff.update": N_("Staff account changed"),
    "staff.password": N_("Staff password set"),
    "staff.password.own": N_("Own password changed"),
    "staff.unlock": N_("Sign-in unlocked"),
    "gate.alarm.resolve": N_("Gate alarm resolved"),
    "gate.tag_check.done": N_("Tag check closed"),
}


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _cursor(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def flatten(state: Any, prefix: str = "") -> dict[str, str]:
    """A subject's state as field → text: nested members as `item.status`, values as JSON."""
    if isinstance(state, dict):
        flat: dict[str, str] = {}
        for key, value in state.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                flat |= flatten(value, name)
            else:
                flat[name] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return flat
    return {prefix: json.dumps(state, ensure_ascii=False)} if prefix else {}


def comparison(entry: StaffActionEntry) -> list[tuple[str, str | None, str | None, bool]]:
    """Each field of the subject: its name, before, after, and whether the action changed it."""
    before, after = flatten(entry.before), flatten(entry.after)
    names = sorted(before.keys() | after.keys())
    return [(n, before.get(n), after.get(n), before.get(n) != after.get(n)) for n in names]


@pages.page("/audit", Permission.AUDIT_VIEW)
def list_actions(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    staff: Annotated[str | None, Query(max_length=64)] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    day_from: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    day_to: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    after: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    first, last = _day(day_from), _day(day_to)
    zone = state.timezone
    filters = AuditFilters(
        staff=staff or None,
        kind=kind or None,
        occurred_from=datetime.combine(first, time(0), tzinfo=zone) if first else None,
        occurred_to=datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone) if last else None,
    )
    found = staff_audit.list_actions(db, filters, after=_cursor(after), limit=PAGE_SIZE)
    query = {"staff": staff or "", "kind": kind or "", "from": day_from or "", "to": day_to or ""}
    kept = {k: v for k, v in query.items() if v}
    lang = viewer.lang
    context = {
        "actions": found.items,
        "next_after": found.next_after,
        "after": after,
        "older_url": f"{NAV_URL}?{urlencode(kept | {'after': str(found.next_after)})}",
        "newest_url": f"{NAV_URL}?{urlencode(kept)}" if kept else NAV_URL,
        "query": query,
        "filtered": bool(kept),
        "staff_choices": [("", translate(lang, N_("Anyone")))]
        + [(s.username, s.username) for s in list_staff(db)],
        "kind_choices": [("", translate(lang, N_("Any action")))]
        + [(k, translate(lang, label)) for k, label in ACTION_LABELS.items()],
        "action_labels": ACTION_LABELS,
    }
    return render.page(request, state, viewer, "console/audit.html", context, nav=NAV.path)


@pages.page("/audit/{event_id}", Permission.AUDIT_VIEW)
def show_action(request: Request, event_id: str, state: StateDep, db: DbDep, viewer: ViewerDep) -> Response:
    key = _cursor(event_id)
    if key is None:
        raise NotFoundError(f"no staff action {event_id}")
    entry = staff_audit.get_action(db, key)
    context = {
        "action": entry,
        "fields": comparison(entry),
        "request_fields": flatten(entry.request),
        "reply_fields": flatten(entry.reply or {}),
        "action_labels": ACTION_LABELS,
    }
    return render.page(request, state, viewer, "console/audit_action.html", context, nav=NAV.path)
