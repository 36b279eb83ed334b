"""Patrons: find a reader as you type, and their page — standing, loans, holds, fines, blocks, PIN, expiry,
the choice to keep a history, and (for staff allowed to see it) the loan history.

The search matches a card number's beginning, every word of the name with or without diacritics ("nguyen
thi mai" finds "Nguyễn Thị Mai"), or part of the e-mail address (server/services/patrons.py), and answers
each keystroke with htmx; the arrow keys move through the results (static/js/patrons.js). The page's
changes are the forms of server/console/pages/patron_actions.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Query, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.nav import PATRONS, NavEntry
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.domain.enums import BlockKind
from server.services import patron_record, patrons
from server.services.permissions import Permission, allows
from web import N_

pages = ConsoleRouter()
NAV = NavEntry(PATRONS, "/patrons", N_("Patrons"), Permission.PATRONS_VIEW)
RESULTS = "/patrons/results"
SHOWN = 20  # results listed for a search; a longer list means the search should say more
HISTORY_SHOWN = 10  # returned loans on the patron's page; the history page lists them all
HISTORY_PAGE = 50

# What each finished action tells the page it leads back to (`?done=`): a fixed set, never text from the
# request.
DONE: dict[str, str] = {
    "paid": N_("Payment recorded."),
    "waived": N_("Fine waived."),
    "blocked": N_("Block added."),
    "lifted": N_("Block lifted."),
    "pin-set": N_("New PIN set. The patron can use the kiosks again."),
    "pin-unlocked": N_("PIN unlocked."),
    "expiry": N_("Expiry date changed."),
    "history-on": N_("The patron's loan history will be kept."),
    "history-off": N_("The patron's loan history will no longer be kept."),
    "hold-cancelled": N_("Hold cancelled."),
    "hold-closed": N_("This hold was already closed: collected, lapsed or cancelled."),
}

Query200 = Annotated[str, Query(max_length=200)]


def patron_url(card_number: str, section: str | None = None) -> str:
    path = render.console_url(f"/patrons/{card_number}")
    return f"{path}#{section}" if section else path


def _results(state: ConsoleState, db: DbDep, q: str) -> dict[str, Any]:
    text = q.strip()
    found = patrons.search_patrons(db, state.circulation_context(), q=text, limit=SHOWN + 1) if text else []
    return {"q": text, "results": found[:SHOWN], "more": len(found) > SHOWN}


@pages.page("/patrons", Permission.PATRONS_VIEW)
def search(request: Request, state: StateDep, db: DbDep, viewer: ViewerDep, q: Query200 = "") -> Response:
    """The search page; a card number sent whole (a card scanned into the field, then Enter) opens the
    patron's page at once."""
    context = _results(state, db, q) | {"results_url": render.console_url(RESULTS)}
    found = context["results"]
    if len(found) == 1 and found[0].card_number == context["q"].upper():
        return RedirectResponse(patron_url(found[0].card_number), status_code=303)
    return render.page(request, state, viewer, "console/patrons.html", context, nav=NAV.path)


@pages.fragment(RESULTS, Permission.PATRONS_VIEW)
def results(state: StateDep, db: DbDep, viewer: ViewerDep, q: Query200 = "") -> Response:
    html = render.fragment(state, viewer, "console/patrons/results.html", **_results(state, db, q))
    return Response(html, media_type="text/html; charset=utf-8")


def detail(
    request: Request,
    card_number: str,
    *,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    now: datetime,
    done: str | None = None,
    problem: tuple[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The patron's page; `problem` is (section, message) when a form of it was refused."""
    found = patron_record.patron_record(db, state.circulation_context(), card_number, now)
    role = viewer.staff.role
    history = (
        patron_record.loan_history(db, found.patron.id, limit=HISTORY_SHOWN + 1)
        if allows(role, Permission.LOAN_HISTORY)
        else None
    )
    policies = state.circulation_context().policies
    context = {
        "record": found,
        "patron": found.patron,
        "category": getattr(policies.rules.categories.get(found.patron.category), viewer.lang, None),
        "pickup_names": {policies.pickup_location: getattr(policies.pickup_name, viewer.lang)},
        "history": history[:HISTORY_SHOWN] if history is not None else None,
        "more_history": history is not None and len(history) > HISTORY_SHOWN,
        "retention_days": state.settings.loan_history_days,
        "may": {p.name.lower(): allows(role, p) for p in Permission},
        "block_kinds": list(BlockKind),
        "done": DONE.get(done or ""),
        "problem": problem,
        "new_key": actions.new_key,
        "base": patron_url(found.patron.card_number),
        "max_pin_failures": state.circulation_context().pin_max_failures,
    }
    return render.page(
        request, state, viewer, "console/patron.html", context, nav=NAV.path, status_code=status_code
    )


@pages.page("/patrons/{card_number}", Permission.PATRONS_VIEW)
def show(
    request: Request,
    card_number: str,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    return detail(request, card_number, state=state, db=db, viewer=viewer, now=now, done=done)


@pages.page("/patrons/{card_number}/history", Permission.LOAN_HISTORY)
def history(
    request: Request,
    card_number: str,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    patron = patrons.patron_by_card(db, state.circulation_context(), card_number)
    loans = patron_record.loan_history(db, patron.id, limit=HISTORY_PAGE + 1, offset=offset)
    base = render.console_url(f"/patrons/{patron.card_number}/history")
    context = {
        "patron": patron,
        "loans": loans[:HISTORY_PAGE],
        "offset": offset,
        "older_url": f"{base}?offset={offset + HISTORY_PAGE}" if len(loans) > HISTORY_PAGE else None,
        "newer_url": f"{base}?offset={max(0, offset - HISTORY_PAGE)}" if offset else None,
        "retention_days": state.settings.loan_history_days,
        "back": patron_url(patron.card_number),
    }
    return render.page(request, state, viewer, "console/patron_history.html", context, nav=NAV.path)
