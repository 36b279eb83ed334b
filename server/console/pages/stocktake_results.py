"""A closed stock-take's report: the counts by class and issue — in total, by location, by item type —
every exception list with its evidence (where, when and by which handheld an item was seen; the sweep that
should have seen it; the loan or return that explains it; where it belongs) and its closing action; the
closing actions applied by kind, undone item by item, and the report signed — the services of the REST API
(server/services/stocktake_actions.py, stocktake_sessions.py) as audited staff actions. The shelvers'
correction lists print on their own (print CSS); every result downloads as CSV. The annual inventory
report (PDF) is linked when the server has that route.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.pages.items import item_type_names
from server.console.pages.stocktake import NAV_PATH, may_manage, session_url
from server.console.pages.stocktake_words import ACTIONS, CLASSES, ISSUES, LABELS
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, StateDep
from server.domain.stocktake.results import ItemClass
from server.domain.stocktake.session import SessionState
from server.services import stocktake_actions, stocktake_live, stocktake_report, stocktake_sessions
from server.services.permissions import Permission
from web import N_

pages = ConsoleRouter()
SHOWN = 200  # items listed per exception list; the CSV has every one
LISTED_CLASSES = [c for c in CLASSES if c != ItemClass.FOUND]


def pdf_url(request: Request, session_id: int) -> str:
    """The annual inventory report's address (server/console/pages/stocktake_pdf.py), by its route's name:
    the routers are included lazily, so the app's route list does not show their paths."""
    return render.console_url(request.app.url_path_for("report_pdf", session_id=session_id))


CAUSES = {
    "checkout": N_("Checked out"),
    "checkin": N_("Returned"),
    "staff": N_("Status changed by staff"),
}


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 9 else 0


def _evidence(raw: dict[str, Any], codes: dict[int, str]) -> dict[str, Any]:
    def when(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    shown: dict[str, Any] = {"seen": None, "loan_ends": None, "sweep": None, "change": None}
    for key in ("seen", "loan_ends"):
        if key in raw:
            seen = raw[key]
            shown[key] = {
                "shelf": codes.get(seen["shelf_id"]),
                "at": when(seen["at"]),
                "device": seen["device"],
            }
    if "sweep" in raw:
        sweep = raw["sweep"]
        shown["sweep"] = {
            "shelf": codes.get(sweep["shelf_id"]),
            "device": sweep["device"],
            "started": when(sweep["started_at"]),
            "ended": when(sweep["ended_at"]),
        }
    if "change" in raw:
        change = raw["change"]
        shown["change"] = {"at": when(change["at"]), "status": change["status"], "cause": change["cause"]}
    return shown


def _lists(db: Session, session_id: int) -> list[dict[str, Any]]:
    """Every exception list that has something: each class but `found`, then each issue."""
    wanted = [("class", c) for c in LISTED_CLASSES] + [("issue", i) for i in ISSUES]
    lists: list[dict[str, Any]] = []
    for kind, name in wanted:
        rows = stocktake_report.exceptions(
            db,
            session_id,
            cls=name if kind == "class" else None,
            issue=name if kind == "issue" else None,
            limit=SHOWN,
            offset=0,
        )
        if rows:
            lists.append({"kind": kind, "name": name, "rows": rows})
    shelf_ids = {
        ev[key]["shelf_id"]
        for found in lists
        for row in found["rows"]
        for ev in [row["evidence"]]
        for key in ("seen", "loan_ends", "sweep")
        if key in ev and ev[key].get("shelf_id") is not None
    }
    codes = stocktake_live.codes_of(db, shelf_ids)
    for found in lists:
        for row in found["rows"]:
            row["shown"] = _evidence(row["evidence"], codes)
    return lists


def _actions(db: Session, session_id: int) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    rows = stocktake_actions.list_actions(db, session_id)
    named = stocktake_live.books(db, {a.item_id for a in rows})
    listed: list[dict[str, Any]] = [
        {
            "id": a.id,
            "kind": a.kind.value,
            "item_id": a.item_id,
            "barcode": named.get(a.item_id, ("", ""))[0],
            "title": named.get(a.item_id, ("", ""))[1],
            "before": a.before_status.value,
            "after": a.after_status.value,
            "applied_at": a.applied_at,
            "applied_by": a.applied_by,
            "undone_at": a.undone_at,
        }
        for a in rows
    ]
    by_kind: dict[str, dict[str, int]] = {k: {"proposed": 0, "applied": 0, "undone": 0} for k in ACTIONS}
    for a in listed:
        tally = by_kind[a["kind"]]
        tally["proposed"] += 1
        tally["applied"] += a["applied_at"] is not None and a["undone_at"] is None
        tally["undone"] += a["undone_at"] is not None
    return listed, by_kind


def _figures(state: ConsoleState, db: Session, viewer: Viewer, session_id: int) -> dict[str, Any]:
    found = stocktake_report.session_figures(db, session_id)
    places = [
        p
        for p in stocktake_live.location_choices(db)
        if p["kind"] != "shelf" and p["id"] in found.by_location
    ]
    return {
        "totals": found.totals,
        "by_place": [(p, found.by_location[p["id"]]) for p in places],
        "by_type": sorted(found.by_item_type.items()),
        "outside": found.outside_scope,
        "type_names": item_type_names(state, viewer.lang),
    }


@pages.page("/stocktake/{session_id}/report", Permission.STOCKTAKE_VIEW)
def report(request: Request, session_id: int, *, state: StateDep, db: DbDep, viewer: ViewerDep) -> Response:
    return show(request, state, db, viewer, session_id)


def show(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    session_id: int,
    *,
    told: list[str] | None = None,
    status: int = 200,
) -> Response:
    found = stocktake_sessions.info(stocktake_sessions.get_row(db, session_id))
    if found.state is not SessionState.CLOSED:
        return RedirectResponse(session_url(session_id), status_code=303)
    listed, by_kind = _actions(db, session_id)
    context = {
        "found": found,
        "may_manage": may_manage(viewer),
        "lists": _lists(db, session_id),
        "tag_events": stocktake_report.tag_events(db, session_id),
        "actions": listed,
        "actions_of": {a["item_id"]: a for a in listed},
        "by_kind": by_kind,
        "pdf_url": pdf_url(request, session_id),
        "csv_url": session_url(session_id, "/results.csv"),
        "told": told or [],
        "applied_now": "applied" in request.query_params,
        "undone_now": "undone" in request.query_params,
        "signed_now": "signed" in request.query_params,
        "done_count": _count(request.query_params.get("done")),
        "left_count": _count(request.query_params.get("left")),
        "cause_names": CAUSES,
        "shown_max": SHOWN,
        "action_key": actions.new_key,
        **_figures(state, db, viewer, session_id),
        **LABELS,
    }
    return render.page(
        request, state, viewer, "console/stocktake/report.html", context, nav=NAV_PATH, status_code=status
    )
