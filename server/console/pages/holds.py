"""Holds: the titles readers wait for, each title's queue (who, in order, since when, for whom a copy is on
the hold shelf), cancelling a hold, and the hold shelf's pull list — the copies whose pickup deadline has
passed, to take off the shelf, printable in the order to walk.

Reads write nothing: a hold past its pickup deadline reads as expired before the nightly `stacks holds
expire` stores it so (server/services/hold_queues.py, hold_shelf.py). Cancelling is an audited staff action
through the REST API's service (`hold.cancel`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import Form, Query, Request
from pydantic_core import to_jsonable_python
from starlette.responses import RedirectResponse, Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.nav import HOLDS, NavEntry
from server.console.session import ViewerDep
from server.console.state import DbDep, NowDep, StateDep
from server.db.tables import Hold, Patron
from server.errors import ConflictError, NotFoundError
from server.services import hold_queues, hold_shelf, holds
from server.services.permissions import Permission, allows
from server.services.staff_actions import row_subject
from web import N_

pages = ConsoleRouter()
NAV = NavEntry(HOLDS, "/holds", N_("Holds"), Permission.HOLDS_VIEW)
PAGE_SIZE = 50
HOLD_CLOSED = N_("This hold was already closed: collected, lapsed or cancelled.")


def queue_url(record_id: int) -> str:
    return render.console_url(f"/holds/records/{record_id}")


def _pickup_names(state: StateDep, lang: str) -> dict[str, str]:
    policies = state.circulation_context().policies
    return {policies.pickup_location: getattr(policies.pickup_name, lang)}


@pages.page("/holds", Permission.HOLDS_VIEW)
def waited_for(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    found = hold_queues.waited_for(db, now, q=q.strip() or None, limit=PAGE_SIZE + 1, offset=offset)
    base = render.console_url(NAV.path)
    query = f"q={q.strip()}&" if q.strip() else ""
    context = {
        "records": found[:PAGE_SIZE],
        "q": q.strip(),
        "next_url": f"{base}?{query}offset={offset + PAGE_SIZE}" if len(found) > PAGE_SIZE else None,
        "previous_url": f"{base}?{query}offset={max(0, offset - PAGE_SIZE)}" if offset else None,
    }
    return render.page(request, state, viewer, "console/holds.html", context, nav=NAV.path)


@pages.page("/holds/records/{record_id}", Permission.HOLDS_VIEW)
def queue(
    request: Request,
    record_id: int,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    context = {
        "queue": hold_queues.record_queue(db, record_id, now),
        "pickup_names": _pickup_names(state, viewer.lang),
        "may_cancel": allows(viewer.staff.role, Permission.HOLDS_MANAGE),
        "may_see_patrons": allows(viewer.staff.role, Permission.PATRONS_VIEW),
        "new_key": actions.new_key,
        "done": {"hold-cancelled": N_("Hold cancelled."), "hold-closed": HOLD_CLOSED}.get(done or ""),
    }
    return render.page(request, state, viewer, "console/hold_queue.html", context, nav=NAV.path)


def _since(value: str | None, now: datetime, state: StateDep) -> date:
    """The first day whose passed deadlines are listed: as asked, else yesterday (the library's day)."""
    try:
        return date.fromisoformat(value) if value else _today(now, state) - timedelta(days=1)
    except ValueError:
        return _today(now, state) - timedelta(days=1)


def _today(now: datetime, state: StateDep) -> date:
    return now.astimezone(state.timezone).date()


@pages.page("/holds/shelf", Permission.HOLDS_VIEW)
def pull_list(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    since: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    first_day = _since(since, now, state)
    start = datetime.combine(first_day, time(0), tzinfo=state.timezone)
    context = {
        "items": hold_shelf.pull_list(db, now, start),
        "since": first_day,
        "now": now,
        "pickup_names": _pickup_names(state, viewer.lang),
    }
    return render.page(request, state, viewer, "console/hold_shelf.html", context, nav=NAV.path)


@pages.action("/holds/{hold_id}/cancel", Permission.HOLDS_MANAGE)
def cancel(
    hold_id: int,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    action_key: Annotated[str, Form(max_length=64)] = "",
    back: Annotated[str, Form(max_length=10)] = "queue",
) -> Response:
    """Cancel a hold; a copy trapped for it passes to the next hold or back to its shelf. Leads back to the
    record's queue, or (`back=patron`) to the patron's page."""
    seen = db.get(Hold, hold_id)
    if seen is None:
        raise NotFoundError(f"hold {hold_id} not found")
    patron = db.get(Patron, seen.patron_id) if seen.patron_id is not None else None
    card_number = patron.card_number if patron is not None else None
    circulation = state.circulation_context()
    try:
        actions.perform(
            db,
            viewer,
            now,
            "hold.cancel",
            {"hold_id": hold_id},
            apply=lambda: to_jsonable_python(holds.cancel_hold(db, circulation, hold_id, now=now)),
            subject=row_subject(db, f"hold:{hold_id}", Hold, id=hold_id),
            key=action_key,
        )
        done = "hold-cancelled"
    except ConflictError:  # closed meanwhile (collected, lapsed, cancelled at another desk)
        db.rollback()
        done = "hold-closed"
    if back == "patron" and card_number is not None:
        target = render.console_url(f"/patrons/{card_number}?done={done}#holds")
    else:
        target = f"{queue_url(seen.record_id)}?done={done}"
    return RedirectResponse(target, status_code=303)
