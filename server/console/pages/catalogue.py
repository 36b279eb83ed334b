"""The catalogue search for staff: the public catalogue's search (server/opac), its records leading to the
console's record page, which shows the copies' barcodes and more."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import HTMLResponse, Response

from server.console import render
from server.console.access import ConsoleRouter
from server.console.nav import ITEMS, NavEntry
from server.console.pages.items import item_type_names
from server.console.session import ViewerDep
from server.console.state import DbDep, StateDep
from server.opac.app import SearchParams, search_context
from server.services.permissions import Permission
from web import N_

pages = ConsoleRouter()
NAV = NavEntry(ITEMS + 1, "/catalogue", N_("Catalogue"), Permission.CATALOGUE_VIEW)
RESULTS = "/catalogue/results"


def _context(state: StateDep, db: DbDep, viewer: ViewerDep, params: SearchParams) -> dict[str, object]:
    params.base = render.console_url("/catalogue")
    names = item_type_names(state, viewer.lang)
    return search_context(db, params, viewer.lang, names) | {"record_base": render.console_url("/records")}


@pages.page("/catalogue", Permission.CATALOGUE_VIEW)
def search(
    request: Request,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    params: Annotated[SearchParams, Depends()],
) -> Response:
    context = _context(state, db, viewer, params) | {"results_url": render.console_url(RESULTS)}
    return render.page(request, state, viewer, "console/catalogue/search.html", context, nav=NAV.path)


@pages.fragment(RESULTS, Permission.CATALOGUE_VIEW)
def results(
    state: StateDep, db: DbDep, viewer: ViewerDep, params: Annotated[SearchParams, Depends()]
) -> Response:
    return HTMLResponse(
        render.fragment(state, viewer, "opac/results.html", **_context(state, db, viewer, params))
    )
