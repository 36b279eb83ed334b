"""What staff do from the missing and lost lists (server/console/pages/losses.py): "searched, not found",
"found" and "keep on the lost list", each an audited staff action on the item through the lifecycle
services, as the REST API's. A step the domain refuses (the item was found meanwhile) is said in words on
the list it came from, with 409; done, the list again with what was done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Form
from starlette.responses import RedirectResponse, Response

from server.console.access import ConsoleRouter
from server.console.actions import Acting, ActingDep
from server.console.pages.events import list_url
from server.console.pages.losses import LOST_URL, SEARCH_URL, loss_kind, lost_page, search_page
from server.db.tables import Item
from server.domain.lifecycle.trace import SeenSource, TraceRefusal
from server.services import item_lookup, lifecycle
from server.services.item_traces import LifecycleRefusedError
from server.services.permissions import Permission
from server.services.staff_actions import row_subject
from web import N_, translate

pages = ConsoleRouter()
REFUSED = N_("Nothing was changed: the item is no longer missing or lost as the list said.")
NOT_DONE = N_("Nothing was changed.")

ActionKey = Annotated[str | None, Form(max_length=40)]
FormPlace = Annotated[str, Form(max_length=64)]


def _step(
    acting: Acting, *, kind: str, barcode: str, key: str | None, step: Callable[[int, str], object]
) -> str | None:
    """Apply a staff step on the item as an audited action; the refusal in words, or None when done."""
    db, viewer = acting.db, acting.viewer
    item = item_lookup.item_by_barcode(db, barcode)  # an unknown barcode: the not-found page
    refusal = acting.attempt(
        kind,
        {"barcode": item.barcode},
        apply=lambda: {"ok": True, "done": str(step(item.id, f"staff:{viewer.staff.username}"))},
        subject=row_subject(db, f"item:{item.barcode}", Item, barcode=item.barcode),
        key=key,
    )
    if refusal is None:
        return None
    return translate(viewer.lang, REFUSED if isinstance(refusal, LifecycleRefusedError) else NOT_DONE)


def _again(acting: Acting, place: str, error: str, *, lost: bool = False, loss: str = "") -> Response:
    """The list the step came from, saying why nothing was done."""
    if lost:
        return lost_page(*_page_args(acting), now=acting.now, place=place, loss=loss, error=error)
    return search_page(*_page_args(acting), now=acting.now, place=place, error=error)


def _page_args(acting: Acting) -> tuple[Any, ...]:
    return acting.request, acting.state, acting.db, acting.viewer


@pages.action("/losses/{barcode}/searched", Permission.LOSSES_SEARCH)
def searched(
    barcode: str, acting: ActingDep, place: FormPlace = "", action_key: ActionKey = None
) -> Response:
    settings = acting.state.circulation_context().lifecycle

    def step(item_id: int, by: str) -> object:
        return lifecycle.record_search(acting.db, settings, item_id, at=acting.now, by=by).whereabouts

    error = _step(acting, kind="item.search", barcode=barcode, key=action_key, step=step)
    if error:
        return _again(acting, place, error)
    return RedirectResponse(list_url(SEARCH_URL, {"place": place}, done="searched"), status_code=303)


@pages.action("/losses/{barcode}/found", Permission.LOSSES_SEARCH)
def found(
    barcode: str,
    acting: ActingDep,
    place: FormPlace = "",
    back: Annotated[str, Form(max_length=8)] = "",
    action_key: ActionKey = None,
) -> Response:
    """Found on a search: the item is seen, in hand (a reader's lost item found is refunded as the
    charges say)."""
    settings = acting.state.circulation_context().lifecycle

    def step(item_id: int, by: str) -> object:
        at, source = acting.now, SeenSource.SHELF_CHECK
        seen = lifecycle.seen(acting.db, settings, item_id, at=at, source=source, by=by)
        if seen is None:
            raise LifecycleRefusedError(item_id, TraceRefusal.NOT_MISSING)
        return seen.was

    error = _step(acting, kind="item.found", barcode=barcode, key=action_key, step=step)
    lost = back == "lost"
    if error:
        return _again(acting, place, error, lost=lost)
    return RedirectResponse(
        list_url(LOST_URL if lost else SEARCH_URL, {"place": place}, done="found"), status_code=303
    )


@pages.action("/losses/{barcode}/keep", Permission.LOSSES_REVIEW)
def keep(
    barcode: str,
    acting: ActingDep,
    place: FormPlace = "",
    loss: Annotated[str, Form(max_length=8)] = "",
    action_key: ActionKey = None,
) -> Response:
    settings = acting.state.circulation_context().lifecycle

    def step(item_id: int, by: str) -> object:
        return lifecycle.keep_on_lost_list(acting.db, settings, item_id, at=acting.now, by=by).whereabouts

    error = _step(acting, kind="item.keep_lost", barcode=barcode, key=action_key, step=step)
    if error:
        return _again(acting, place, error, lost=True, loss=loss)
    query = {"place": place, "loss": loss if loss_kind(loss) else ""}
    return RedirectResponse(list_url(LOST_URL, query, done="kept"), status_code=303)
