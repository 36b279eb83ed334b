"""The circulation desk: a patron's card, their account, and item barcodes scanned one after another.

- Lend (`?mode=checkout`): the patron's card brings up the account — loans with due dates and overdue
  marks, holds, fines, blocks, expiry — then each item scanned is lent to them. A refusal staff may
  override asks for confirmation and, confirmed, lends with the override recorded under their name.
- Return (`?mode=return`): each item scanned is returned; the answer says where it goes (the hold shelf,
  at which pickup place — never for whom) and any fine the return charged.
- Renew one loan or all of them from the account.

Every scan is a desk action of server/services/desk_actions.py, the one the REST API's desk routes call:
applied once per key, in the audit trail. `static/js/desk.js` queues scans in the page (kept in
sessionStorage across a reload) and sends them one at a time, in order, each with the key it was queued
with, retrying while the server cannot be reached; it asks for the answer as a fragment (`HX-Request`).
Without JavaScript the same forms post one scan at a time and get the whole page back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import Form, Query, Request
from sqlmodel import Session
from starlette.responses import HTMLResponse, Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.desk_scans import (
    CHECKIN,
    CHECKOUT,
    NO_PATRON,
    NOT_A_BARCODE,
    RENEW,
    ScanResult,
    card_number,
    from_renew_all,
    item_ref,
    override_codes,
)
from server.console.nav import DESK, NavEntry
from server.console.pages.repair_words import DAMAGE_LABELS, refusal_text
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.services import desk_account, desk_actions
from server.services.permissions import Permission
from web import N_

pages = ConsoleRouter()
NAV = NavEntry(DESK, "/desk", N_("Circulation desk"), Permission.DESK)
Mode = Literal["checkout", "return"]
FieldText = Annotated[str, Form(max_length=200)]
ActionKey = Annotated[str | None, Form(max_length=40)]


def _labels(state: ConsoleState, viewer: Viewer) -> dict[str, Any]:
    """What the templates name in the staff member's language: categories, the pickup place."""
    policies = state.circulation_context().policies
    lang = viewer.lang

    def category(code: str) -> str:
        label = policies.rules.categories.get(code)
        return getattr(label, lang) if label is not None else code

    def pickup(code: str) -> str:
        return str(getattr(policies.pickup_name, lang)) if code == policies.pickup_location else code

    return {
        "category_label": category,
        "pickup_label": pickup,
        "new_key": actions.new_key,
        "damage_labels": DAMAGE_LABELS,  # a returned book reported damaged
    }


def _account_values(state: ConsoleState, db: Session, viewer: Viewer, card: str) -> dict[str, Any]:
    found = card_number(card)
    account = desk_account.account(db, state.circulation_context(), found, state.clock()) if found else None
    return {"card": card, "account": account} | _labels(state, viewer)


def _page(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    *,
    mode: Mode,
    card: str,
    results: Sequence[ScanResult] = (),
    damaged: str = "",
    refused: str = "",
) -> Response:
    context = {
        "mode": mode,
        "results": results,
        "scan_key": actions.new_key(),
        "damaged": damaged,
        "damage_refused": refusal_text(viewer.lang, refused) if refused else None,
    } | _account_values(state, db, viewer, card if mode == "checkout" else "")
    return render.page(request, state, viewer, "console/desk.html", context, nav=NAV.path)


def _answer(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    results: Sequence[ScanResult],
    *,
    mode: Mode,
    card: str = "",
) -> Response:
    """The results alone for the page's queue (a fragment), or the whole page for a plain form post."""
    if request.headers.get("hx-request") == "true":
        html = render.fragment(
            state, viewer, "console/desk/results.html", results=results, **_labels(state, viewer)
        )
        return HTMLResponse(html)
    return _page(request, state, db, viewer, mode=mode, card=card, results=results)


@pages.page("/desk", Permission.DESK)
def show(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    card: Annotated[str, Query(max_length=64)] = "",
    mode: Mode = "checkout",
    damaged: Annotated[str, Query(max_length=64)] = "",
    refused: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """The desk; `damaged` names the returned item whose damage report was just sent (`refused`: the
    domain's reason it was not taken)."""
    return _page(
        request, state, db, viewer, mode=mode, card=card.strip(), damaged=damaged.strip(), refused=refused
    )


@pages.fragment("/desk/account", Permission.DESK)
def account(
    state: StateDep, db: DbDep, viewer: ViewerDep, card: Annotated[str, Query(max_length=64)] = ""
) -> HTMLResponse:
    values = _account_values(state, db, viewer, card.strip())
    return HTMLResponse(render.fragment(state, viewer, "console/desk/account.html", **values))


@pages.action("/desk/checkout", Permission.DESK)
def checkout(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    barcode: FieldText = "",
    card: FieldText = "",
    override: Annotated[list[str], Form(max_length=4)] = [],  # noqa: B006 - FastAPI reads it, never mutated
    action_key: ActionKey = None,
) -> Response:
    scanned, patron_card = barcode.strip(), card_number(card)
    item = item_ref(scanned)
    if item is None or patron_card is None:
        result = ScanResult(CHECKOUT, scanned, patron_card, note=NOT_A_BARCODE if item is None else NO_PATRON)
        return _answer(request, state, db, viewer, [result], mode="checkout", card=card.strip())
    codes = override_codes(override)
    applied = desk_actions.checkout(
        db,
        state.circulation_context(),
        staff=viewer.staff.username,
        key=actions.parse_key(action_key),
        card_number=patron_card,
        item=item,
        now=now,
        override=codes,
    )
    actions.committed(db, applied)
    result = ScanResult(CHECKOUT, scanned, patron_card, applied.reply, asked_override=tuple(codes))
    return _answer(request, state, db, viewer, [result], mode="checkout", card=patron_card)


@pages.action("/desk/checkin", Permission.DESK)
def checkin(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    barcode: FieldText = "",
    action_key: ActionKey = None,
) -> Response:
    scanned = barcode.strip()
    item = item_ref(scanned)
    if item is None:
        return _answer(
            request, state, db, viewer, [ScanResult(CHECKIN, scanned, note=NOT_A_BARCODE)], mode="return"
        )
    applied = desk_actions.checkin(
        db,
        state.circulation_context(),
        staff=viewer.staff.username,
        key=actions.parse_key(action_key),
        item=item,
        now=now,
    )
    actions.committed(db, applied)
    return _answer(
        request, state, db, viewer, [ScanResult(CHECKIN, scanned, reply=applied.reply)], mode="return"
    )


@pages.action("/desk/renew", Permission.DESK)
def renew(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    barcode: FieldText = "",
    card: FieldText = "",
    action_key: ActionKey = None,
) -> Response:
    scanned, patron_card = barcode.strip(), card_number(card)
    item = item_ref(scanned)
    if item is None or patron_card is None:
        result = ScanResult(RENEW, scanned, patron_card, note=NOT_A_BARCODE if item is None else NO_PATRON)
        return _answer(request, state, db, viewer, [result], mode="checkout", card=card.strip())
    applied = desk_actions.renew(
        db,
        state.circulation_context(),
        staff=viewer.staff.username,
        key=actions.parse_key(action_key),
        card_number=patron_card,
        item=item,
        now=now,
    )
    actions.committed(db, applied)
    result = ScanResult(RENEW, scanned, patron_card, applied.reply)
    return _answer(request, state, db, viewer, [result], mode="checkout", card=patron_card)


@pages.action("/desk/renew-all", Permission.DESK)
def renew_all(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    card: FieldText = "",
    action_key: ActionKey = None,
) -> Response:
    patron_card = card_number(card)
    if patron_card is None:
        result = ScanResult(RENEW, "", None, note=NO_PATRON)
        return _answer(request, state, db, viewer, [result], mode="checkout", card=card.strip())
    applied = desk_actions.renew_all(
        db,
        state.circulation_context(),
        staff=viewer.staff.username,
        key=actions.parse_key(action_key),
        card_number=patron_card,
        now=now,
    )
    actions.committed(db, applied)
    results = from_renew_all(patron_card, applied.reply)
    return _answer(request, state, db, viewer, results, mode="checkout", card=patron_card)
