"""Items and records: the search, and a record with its copies.

The search takes what is in front of the librarian — a barcode or a tag UID (their beginning will do),
words of the title or the author, with or without diacritics, or the beginning of a call number — and lists
the matching copies as they type (htmx asks for the results fragment; without script the form goes to the
page itself). A record's page lists every copy of it, each leading to the item's page (item_detail.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import HTMLResponse, Response

from server.console import render
from server.console.access import ConsoleRouter
from server.console.nav import ITEMS, NavEntry
from server.console.session import ViewerDep
from server.console.state import ConsoleState, DbDep, StateDep
from server.services import catalog, item_lookup
from server.services.permissions import Permission
from web import N_, Language
from web.language_names import language_names

pages = ConsoleRouter()
NAV = NavEntry(ITEMS, "/items", N_("Items"), Permission.CATALOGUE_VIEW)
RESULTS = "/items/results"
SHOWN = 30  # copies listed for one search; a longer list means the search should say more

SearchText = Annotated[str, Query(max_length=200)]


def item_type_names(state: ConsoleState, lang: Language) -> dict[str, str]:
    """The library's item types (config/policies.toml) in the staff member's language."""
    return state.circulation_context().policies.rules.item_type_names(lang)


def _results(db: DbDep, q: str) -> dict[str, object]:
    return {"q": q, "found": item_lookup.find_items(db, q, limit=SHOWN)}


@pages.page("/items", Permission.CATALOGUE_VIEW)
def search(request: Request, state: StateDep, db: DbDep, viewer: ViewerDep, q: SearchText = "") -> Response:
    context = _results(db, q) | {"results_url": render.console_url(RESULTS)}
    return render.page(request, state, viewer, "console/items/search.html", context, nav=NAV.path)


@pages.fragment(RESULTS, Permission.CATALOGUE_VIEW)
def results(state: StateDep, db: DbDep, viewer: ViewerDep, q: SearchText = "") -> Response:
    return HTMLResponse(render.fragment(state, viewer, "console/items/results.html", **_results(db, q)))


@pages.page("/records/{record_id}", Permission.CATALOGUE_VIEW)
def record(request: Request, record_id: str, state: StateDep, db: DbDep, viewer: ViewerDep) -> Response:
    number = int(record_id) if record_id.isdigit() and len(record_id) < 10 else 0
    found = catalog.get_record(db, number)  # NotFoundError for 0: the not-found page
    context = {
        "record": found,
        "copies": item_lookup.record_copies(db, found.id),
        "item_types": item_type_names(state, viewer.lang),
        "language_names": language_names(viewer.lang),
    }
    return render.page(request, state, viewer, "console/items/record.html", context, nav=NAV.path)
