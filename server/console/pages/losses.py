"""Missing and lost (mất, thất lạc): the search list — the missing items whose search has fallen due, with
what to do — and the lost list, the shelf's losses apart from the readers', with the withdrawal proposals.

Both lists are in walking order (home location, then shelf order), filtered by a place of the library (a
floor or a range takes in its shelves), each as CSV. They are the lifecycle's own lists
(server/services/lifecycle_lists.py), every item advanced to now, so they are right whether or not the
nightly tick has run. "Searched, not found", "found" and "keep on the lost list" are audited staff actions
through the same services as the REST API's (server/console/pages/losses_actions.py); a step the domain
refuses (the item was found meanwhile) is said in words.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Query, Request
from sqlmodel import Session
from starlette.responses import Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.nav import LOSSES, NavEntry
from server.console.pages.events import list_url
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.domain.lifecycle.lists import LostEntry, SearchEntry
from server.domain.lifecycle.trace import LossKind
from server.services import lifecycle_lists, stocktake_live
from server.services.columns import ITEM, RECORD
from server.services.permissions import Permission, allows
from web import N_, translate
from web.language_names import LANGUAGE_TAGS

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


def _list_page(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    template: str,
    *,
    path: str,
    query: dict[str, str],
    shown: Iterable[SearchEntry | LostEntry],
    done: str,
    error: str | None,
    values: dict[str, Any],
) -> Response:
    """One of the two lists (at `path`, its CSV at `path`.csv) with what both say; 409 with a refusal."""
    role = viewer.staff.role
    context = {
        "place_choices": _places(db, viewer.lang),
        "notice": translate(viewer.lang, DONE[done]) if done in DONE else None,
        "error": error,
        "may_search": allows(role, Permission.LOSSES_SEARCH),
        "may_review": allows(role, Permission.LOSSES_REVIEW),
        "new_key": actions.new_key,  # one key per form on the page
        "loss_labels": LOSS_LABELS,
        "title_langs": title_langs(db, (e.item_id for e in shown)),
        "query": query,
        "filtered": any(query.values()),
        "csv_url": list_url(render.console_url(f"{path}.csv"), query),
        "back": list_url(render.console_url(path), query),
    }
    status = 409 if error else 200
    return render.page(request, state, viewer, template, context | values, nav=NAV.path, status_code=status)


def search_page(
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
    entries = search_entries(state, db, now, place)
    return _list_page(
        request, state, db, viewer, "console/losses/search.html", path="/losses", query={"place": place},
        shown=entries, done=done, error=error, values={"entries": entries},
    )  # fmt: skip


def lost_page(
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
    entries = lost_entries(state, db, now, place, loss_kind(loss))
    loss_choices = [("", translate(viewer.lang, N_("Both")))]
    loss_choices += [(code, translate(viewer.lang, label)) for code, label in LOSS_LABELS.items()]
    values = {
        "shelf": [e for e in entries if e.loss is LossKind.SHELF],
        "loan": [e for e in entries if e.loss is LossKind.LOAN],
        "loss_choices": loss_choices,
    }
    return _list_page(
        request, state, db, viewer, "console/losses/lost.html", path="/losses/lost",
        query={"place": place, "loss": loss if loss_kind(loss) else ""},
        shown=entries, done=done, error=error, values=values,
    )  # fmt: skip


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
    return search_page(request, state, db, viewer, now=now, place=place, done=done)


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
    return lost_page(request, state, db, viewer, now=now, place=place, loss=loss, done=done)
