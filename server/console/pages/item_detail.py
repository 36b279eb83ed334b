"""One item: its status, condition and home (library → floor → range → shelf), where and by which device
it was last seen, its sightings in keyset pages, its loan history for staff allowed it, and — for staff who
may edit the catalogue — a form changing its status, condition and home.

The change is an audited staff action through the same service as the REST API's `PATCH /items/{barcode}`
(server/services/catalog.py); which statuses staff may set by hand is the domain's decision
(server/domain/items.py): the form offers only those, and a refusal (the item changed meanwhile) is said in
words. Desk assistants never see the loan history: the page leaves the section out, not only hides it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form, Query, Request
from pydantic_core import to_jsonable_python
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.actions import ActingDep
from server.console.pages.items import NAV as HOME_NAV
from server.console.pages.items import item_type_names
from server.console.pages.repair_words import (
    DAMAGE_LABELS,
    EVENT_LABELS,
    OUTCOME_LABELS,
    refusal_code,
    refusal_text,
    who,
)
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, StateDep
from server.db.tables import Item
from server.domain.enums import ItemCondition, ItemStatus, LocationKind
from server.domain.items import StatusRefusal, statuses_by_hand
from server.domain.lifecycle.condition import DamageKind
from server.errors import NotFoundError, StacksError
from server.services import catalog, item_lookup, repairs, sightings
from server.services.permissions import Permission, allows
from server.services.sightings import SightingFilters
from server.services.staff_actions import row_subject
from web import N_, Language, translate

pages = ConsoleRouter()
SIGHTINGS_SHOWN = 20
LOANS_SHOWN = 20

REFUSALS = {
    StatusRefusal.BY_CIRCULATION: N_("That status is set by checkout and return, not by hand."),
    StatusRefusal.ON_LOAN: N_("The item is on loan: return it first, or declare it lost."),
    StatusRefusal.ON_HOLD_SHELF: N_("The item waits on the hold shelf for a patron: cancel the hold first."),
    StatusRefusal.LOST_FROM_LOAN_ONLY: N_(
        "Only an item on loan can be declared lost. An item not found on its shelf is missing."
    ),
}
NO_SUCH_HOME = N_("There is no such home location.")
NOT_CHANGED = N_("The item could not be changed.")


def _error_text(lang: Language, exc: StacksError) -> str:
    if isinstance(exc, catalog.StatusChangeRefusedError):
        return translate(lang, REFUSALS[exc.refusal])
    return translate(lang, NO_SUCH_HOME if isinstance(exc, NotFoundError) else NOT_CHANGED)


def _item_url(barcode: str) -> str:
    return render.console_url(f"/items/{barcode}")


def item_page(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    barcode: str,
    *,
    seen_after: int | None = None,
    loans_from: int = 0,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    detail = item_lookup.item_detail(db, barcode)
    item = detail.item
    seen = sightings.list_sightings(
        db, SightingFilters(item_id=item.id), after=seen_after, limit=SIGHTINGS_SHOWN
    )
    last_code = detail.last_seen.location_code if detail.last_seen else None
    role = viewer.staff.role
    context: dict[str, Any] = {
        "detail": detail,
        "item_type": item_type_names(state, viewer.lang).get(item.item_type, item.item_type),
        "seen": seen,
        "seen_after": seen_after,
        "places": item_lookup.location_names(db, [last_code, *(s.location_code for s in seen.items)]),
        "item_url": _item_url(item.barcode),
        "notice": notice,
        "error": error,
        "history": None,
        "may_edit": allows(role, Permission.CATALOGUE_EDIT),
        "may_report": allows(role, Permission.DESK),
        "may_tag": allows(role, Permission.TAGGING),
        "conditions": repairs.condition_history(db, item.id),
        "damage_labels": DAMAGE_LABELS,
        "event_labels": EVENT_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "who": who,
        "new_key": actions.new_key,
    }
    if allows(role, Permission.LOAN_HISTORY):
        context["history"] = item_lookup.loan_history(db, item.id, limit=LOANS_SHOWN, offset=loans_from)
        context["loans_from"] = loans_from
        context["loans_shown"] = LOANS_SHOWN
    if context["may_edit"]:
        context["statuses"] = statuses_by_hand(item.status)
        shelves = catalog.list_locations(db, kind=LocationKind.SHELF)
        present = detail.home[-1:]
        if present and all(shelf.code != present[0].code for shelf in shelves):
            shelves = present + shelves  # a home that is no shelf (a floor, a range) stays unless changed
        context["homes"] = [(place.code, f"{place.name} ({place.code})") for place in shelves]
        context["action_key"] = actions.new_key()
    return render.page(
        request, state, viewer, "console/items/item.html", context, nav=HOME_NAV.path, status_code=status_code
    )


@pages.page("/items/{barcode}", Permission.CATALOGUE_VIEW)
def show(
    request: Request,
    barcode: str,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    seen_after: Annotated[int | None, Query(ge=0)] = None,
    loans_from: Annotated[int, Query(ge=0, le=100_000)] = 0,
    saved: bool = False,
    damaged: bool = False,
) -> Response:
    notice = translate(viewer.lang, N_("The item was changed.")) if saved else None
    if damaged:
        notice = translate(viewer.lang, N_("The damage was reported: the item waits in the repair queue."))
    return item_page(
        request, state, db, viewer, barcode, seen_after=seen_after, loans_from=loans_from, notice=notice
    )


def _reply(item: Any) -> dict[str, Any]:
    reply: dict[str, Any] = to_jsonable_python(asdict(item))
    return reply


@pages.action("/items/{barcode}", Permission.CATALOGUE_EDIT)
def edit(
    barcode: str,
    *,
    acting: ActingDep,
    status: Annotated[ItemStatus, Form()],
    condition: Annotated[ItemCondition, Form()],
    home: Annotated[str, Form(max_length=64)] = "",
    action_key: Annotated[str | None, Form(max_length=40)] = None,
) -> Response:
    state, db, viewer, now = acting.state, acting.db, acting.viewer, acting.now
    item = item_lookup.item_by_barcode(db, barcode)  # an unknown barcode: the not-found page
    home_code = home or None
    asked: dict[str, str | None] = {"barcode": item.barcode, "status": status, "condition": condition}
    asked["home_location_code"] = home_code

    def apply() -> dict[str, Any]:
        changed = catalog.update_item(
            db,
            item.id,
            now=now,
            lifecycle=state.circulation_context().lifecycle,
            by=f"staff:{viewer.staff.username}",
            status=status,
            condition=condition,
            home_location_code=home_code,
        )
        return _reply(changed)

    subject = row_subject(db, f"item:{item.barcode}", Item, barcode=item.barcode)
    request_values = to_jsonable_python(asked)
    refusal = acting.attempt("item.update", request_values, apply=apply, subject=subject, key=action_key)
    if refusal is not None:
        error = _error_text(viewer.lang, refusal)
        return item_page(acting.request, state, db, viewer, item.barcode, error=error, status_code=409)
    return RedirectResponse(f"{_item_url(item.barcode)}?saved=true", status_code=303)


@pages.action("/items/{barcode}/damage", Permission.DESK)
def report_damage(
    barcode: str,
    *,
    acting: ActingDep,
    damage: Annotated[list[DamageKind], Form(max_length=len(DamageKind))] = [],  # noqa: B006 - never mutated
    note: Annotated[str, Form(max_length=500)] = "",
    back: Annotated[str, Form(max_length=8)] = "",
    action_key: Annotated[str | None, Form(max_length=40)] = None,
) -> Response:
    """Damage seen on the item in hand, from this page or the desk (`back=desk`): the item's repair ticket
    opens (or the damage joins the open one) and the item leaves circulation — the same service and audit
    as the REST API's `POST /items/{barcode}/damage`."""
    db, viewer, now = acting.db, acting.viewer, acting.now
    item = item_lookup.item_by_barcode(db, barcode)  # an unknown barcode: the not-found page
    kinds, said = sorted(set(damage)), note.strip() or None
    asked = {"barcode": item.barcode, "damage": [k.value for k in kinds], "note": said}

    def apply() -> dict[str, Any]:
        by = f"staff:{viewer.staff.username}"
        row = repairs.report_damage(db, item.id, kinds, at=now, by=by, note=said)
        return {"ticket_id": row.id, "state": row.state.value, "damage": list(row.damage_kinds)}

    desk = back == "desk"
    subject = row_subject(db, f"item:{item.barcode}", Item, barcode=item.barcode)
    refusal = acting.attempt("item.damage", asked, apply=apply, subject=subject, key=action_key)
    if refusal is not None:
        code = refusal_code(refusal)
        if desk:
            return RedirectResponse(_desk_url(item.barcode, code or "failed"), status_code=303)
        error = refusal_text(viewer.lang, code)
        return item_page(acting.request, acting.state, db, viewer, item.barcode, error=error, status_code=409)
    if desk:
        return RedirectResponse(_desk_url(item.barcode), status_code=303)
    return RedirectResponse(f"{_item_url(item.barcode)}?damaged=true#condition", status_code=303)


def _desk_url(barcode: str, refused: str = "") -> str:
    """Back to the desk's returns, saying what became of the report (the desk words it)."""
    query = {"mode": "return", "damaged": barcode} | ({"refused": refused} if refused else {})
    return render.console_url("/desk?" + urlencode(query))
