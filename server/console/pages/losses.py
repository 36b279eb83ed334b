"""Missing and lost (mất, thất lạc): the search list — the missing items whose search has fallen due, with
what to do — and the lost list, the shelf's losses apart from the readers', with the withdrawal proposals.

Both lists are in walking order (home location, then shelf order), filtered by a place of the library (a
floor or a range takes in its shelves), each as CSV. They are the lifecycle's own lists
(server/services/lifecycle_lists.py), every item advanced to now, so they are right whether or not the
nightly tick has run. "Searched, not found", "found" and "keep on the lost list" are audited staff actions
through the same services as the REST API's; a step the domain refuses (the item was found meanwhile) is
said in words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Form, Query, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.nav import LOSSES, NavEntry
from server.console.pages.events import list_url
from server.console.pages.weeding import LANGUAGE_TAGS
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.db.tables import Item
from server.domain.lifecycle.lists import LostEntry, SearchEntry
from server.domain.lifecycle.trace import LossKind, SeenSource, TraceRefusal
from server.errors import StacksError
from server.services import item_lookup, lifecycle, lifecycle_lists, stocktake_live
from server.services.columns import ITEM, RECORD
from server.services.item_traces import LifecycleRefusedError
from server.services.permissions import Permission, allows
from server.services.staff_actions import row_subject
from web import N_, translate

pages = ConsoleRouter()
NAV = NavEntry(LOSSES, "/losses", N_("Missing and lost"), Permission.LOSSES_VIEW)
SEARCH_URL = render.console_url("/losses")
LOST_URL = render.console_url("/losses/lost")

LOSS_LABELS: dict[str, str] = {
    LossKind.SHELF: N_("Lost from the shelf"),
    LossKind.LOAN: N_("Lost by a reader"),
}
DONE: dict[str, str] = {
    "searched": N_("The search was recorded: the item stays missing until its next search."),
    "found": N_("The item was found: it is back in the collection."),
    "kept": N_("The item stays on the lost list; its withdrawal will be proposed again later."),
}
REFUSED = N_("Nothing was changed: the item is no longer missing or lost as the list said.")
NOT_DONE = N_("Nothing was changed.")

Place = Annotated[str, Query(max_length=64)]


def _places(db: Session, lang: Any) -> list[tuple[str, str]]:
    anywhere = ("", translate(lang, N_("Anywhere")))
    return [anywhere] + [
        (p["code"], "\u2003" * p["depth"] + f"{p['name']} ({p['code']})")
        for p in stocktake_live.location_choices(db)
    ]


def within(db: Session, place: str) -> set[str] | None:
    """The codes of `place` and every location under it (a floor takes in its ranges and shelves); None for
    anywhere, or a code that names nothing."""
    if not place:
        return None
    listed = stocktake_live.location_choices(db)  # tree order: a place's descendants follow it
    codes: set[str] = set()
    depth: int | None = None
    for entry in listed:
        if depth is not None and entry["depth"] <= depth:
            break
        if depth is not None or entry["code"] == place:
            depth = entry["depth"] if depth is None else depth
            codes.add(entry["code"])
    return codes or None


def loss_kind(value: str | None) -> LossKind | None:
    return LossKind(value) if value in LOSS_LABELS else None


def search_entries(state: ConsoleState, db: Session, now: datetime, place: str) -> list[SearchEntry]:
    timers = state.circulation_context().lifecycle.missing
    return lifecycle_lists.search_list(db, timers, now, within(db, place))


def lost_entries(
    state: ConsoleState, db: Session, now: datetime, place: str, loss: LossKind | None
) -> list[LostEntry]:
    timers = state.circulation_context().lifecycle.missing
    return lifecycle_lists.lost_list(db, timers, now, locations=within(db, place), loss=loss)


def title_langs(db: Session, item_ids: Iterable[int]) -> dict[int, str]:
    """The `lang` attribute of each shown item's title (its record's language), so that a screen reader
    reads an English title in English on a Vietnamese page."""
    wanted = sorted(set(item_ids))
    if not wanted:
        return {}
    rows = db.execute(
        sa.select(ITEM.c.id, RECORD.c.language)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .where(ITEM.c.id.in_(wanted))
    )
    return {item_id: LANGUAGE_TAGS[code] for item_id, code in rows if code in LANGUAGE_TAGS}


def _common(db: Session, viewer: Viewer, done: str, error: str | None) -> dict[str, Any]:
    role = viewer.staff.role
    return {
        "place_choices": _places(db, viewer.lang),
        "notice": translate(viewer.lang, DONE[done]) if done in DONE else None,
        "error": error,
        "may_search": allows(role, Permission.LOSSES_SEARCH),
        "may_review": allows(role, Permission.LOSSES_REVIEW),
        "new_key": actions.new_key,  # one key per form on the page
        "loss_labels": LOSS_LABELS,
    }


def _search_page(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    *,
    now: datetime,
    place: str,
    done: str = "",
    error: str | None = None,
) -> Response:
    query = {"place": place}
    entries = search_entries(state, db, now, place)
    context = _common(db, viewer, done, error) | {
        "entries": entries,
        "title_langs": title_langs(db, (e.item_id for e in entries)),
        "query": query,
        "filtered": bool(place),
        "csv_url": list_url(render.console_url("/losses.csv"), query),
        "back": list_url(SEARCH_URL, query),
    }
    status = 409 if error else 200
    return render.page(
        request, state, viewer, "console/losses/search.html", context, nav=NAV.path, status_code=status
    )


def _lost_page(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    *,
    now: datetime,
    place: str,
    loss: str,
    done: str = "",
    error: str | None = None,
) -> Response:
    query = {"place": place, "loss": loss if loss_kind(loss) else ""}
    entries = lost_entries(state, db, now, place, loss_kind(loss))
    context = _common(db, viewer, done, error) | {
        "title_langs": title_langs(db, (e.item_id for e in entries)),
        "shelf": [e for e in entries if e.loss is LossKind.SHELF],
        "loan": [e for e in entries if e.loss is LossKind.LOAN],
        "query": query,
        "filtered": any(query.values()),
        "loss_choices": [("", translate(viewer.lang, N_("Both")))]
        + [(code, translate(viewer.lang, label)) for code, label in LOSS_LABELS.items()],
        "csv_url": list_url(render.console_url("/losses/lost.csv"), query),
        "back": list_url(LOST_URL, query),
    }
    status = 409 if error else 200
    return render.page(
        request, state, viewer, "console/losses/lost.html", context, nav=NAV.path, status_code=status
    )


@pages.page("/losses", Permission.LOSSES_VIEW)
def search_list(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    place: Place = "",
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    return _search_page(request, state, db, viewer, now=now, place=place, done=done)


@pages.page("/losses/lost", Permission.LOSSES_VIEW)
def lost_list(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    place: Place = "",
    loss: Annotated[str, Query(max_length=8)] = "",
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    return _lost_page(request, state, db, viewer, now=now, place=place, loss=loss, done=done)


def _step(
    db: Session,
    viewer: Viewer,
    now: datetime,
    *,
    kind: str,
    barcode: str,
    key: str | None,
    step: Callable[[int, str], object],
) -> str | None:
    """Apply a staff step on the item as an audited action; the refusal in words, or None when done."""
    item = item_lookup.item_by_barcode(db, barcode)  # an unknown barcode: the not-found page
    try:
        actions.perform(
            db,
            viewer,
            now,
            kind,
            {"barcode": item.barcode},
            apply=lambda: {"ok": True, "done": str(step(item.id, f"staff:{viewer.staff.username}"))},
            subject=row_subject(db, f"item:{item.barcode}", Item, barcode=item.barcode),
            key=key,
        )
    except StacksError as exc:
        db.rollback()  # nothing was applied, and the key may be used again
        return translate(viewer.lang, REFUSED if isinstance(exc, LifecycleRefusedError) else NOT_DONE)
    return None


ActionKey = Annotated[str | None, Form(max_length=40)]
FormPlace = Annotated[str, Form(max_length=64)]


@pages.action("/losses/{barcode}/searched", Permission.LOSSES_SEARCH)
def searched(
    request: Request,
    barcode: str,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    place: FormPlace = "",
    action_key: ActionKey = None,
) -> Response:
    settings = state.circulation_context().lifecycle

    def step(item_id: int, by: str) -> object:
        return lifecycle.record_search(db, settings, item_id, at=now, by=by).whereabouts

    error = _step(db, viewer, now, kind="item.search", barcode=barcode, key=action_key, step=step)
    if error:
        return _search_page(request, state, db, viewer, now=now, place=place, error=error)
    return RedirectResponse(list_url(SEARCH_URL, {"place": place}, done="searched"), status_code=303)


@pages.action("/losses/{barcode}/found", Permission.LOSSES_SEARCH)
def found(
    request: Request,
    barcode: str,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    place: FormPlace = "",
    back: Annotated[str, Form(max_length=8)] = "",
    action_key: ActionKey = None,
) -> Response:
    """Found on a search: the item is seen, in hand (a reader's lost item found is refunded as the
    charges say)."""
    settings = state.circulation_context().lifecycle

    def step(item_id: int, by: str) -> object:
        seen = lifecycle.seen(db, settings, item_id, at=now, source=SeenSource.SHELF_CHECK, by=by)
        if seen is None:
            raise LifecycleRefusedError(item_id, TraceRefusal.NOT_MISSING)
        return seen.was

    error = _step(db, viewer, now, kind="item.found", barcode=barcode, key=action_key, step=step)
    lost = back == "lost"
    if error:
        if lost:
            return _lost_page(request, state, db, viewer, now=now, place=place, loss="", error=error)
        return _search_page(request, state, db, viewer, now=now, place=place, error=error)
    return RedirectResponse(
        list_url(LOST_URL if lost else SEARCH_URL, {"place": place}, done="found"), status_code=303
    )


@pages.action("/losses/{barcode}/keep", Permission.LOSSES_REVIEW)
def keep(
    request: Request,
    barcode: str,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    place: FormPlace = "",
    loss: Annotated[str, Form(max_length=8)] = "",
    action_key: ActionKey = None,
) -> Response:
    settings = state.circulation_context().lifecycle

    def step(item_id: int, by: str) -> object:
        return lifecycle.keep_on_lost_list(db, settings, item_id, at=now, by=by).whereabouts

    error = _step(db, viewer, now, kind="item.keep_lost", barcode=barcode, key=action_key, step=step)
    if error:
        return _lost_page(request, state, db, viewer, now=now, place=place, loss=loss, error=error)
    query = {"place": place, "loss": loss if loss_kind(loss) else ""}
    return RedirectResponse(list_url(LOST_URL, query, done="kept"), status_code=303)
