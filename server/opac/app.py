"""The public catalogue (OPAC), mounted by server/app.py at `/catalogue`: no sign-in and no reader's data.

`/catalogue/` searches (the results follow the typing through htmx; without script the form reloads the
page), `/catalogue/records/{id}` shows a record's copies and where they stand. Vietnamese by default,
English by `?lang=en` (remembered in a cookie) or the browser's wish (docs/opac.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, Query, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response

from server.domain.catalogue.opac import SearchFilters, SearchRequest, SortOrder
from server.domain.catalogue.search_words import parse_query
from server.domain.policies import PolicySet
from server.errors import NotFoundError
from server.services import catalogue_record, catalogue_search
from server.services.context import CirculationContext
from server.services.locations_tree import floors
from server.settings import ServerSettings
from web import (
    N_,
    WEB_STATIC,
    Language,
    SecurityHeadersMiddleware,
    StaticAssets,
    Templates,
    language_urls,
    pick_locale,
)
from web.language_names import language_names

PREFIX = "/catalogue"
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
LANGUAGE_COOKIE = "stacks_lang"
PAGE = 20
STATUS_WORDS = {
    "available": N_("On the shelf"),
    "on_loan": N_("On loan"),
    "on_hold_shelf": N_("Held for a reader"),
    "missing": N_("Missing"),
    "lost": N_("Lost"),
    "damaged": N_("Being repaired"),
}


class Opac:
    def __init__(self, app: FastAPI, templates: Templates) -> None:
        self.app = app
        self.templates = templates
        self.engine: Engine | None = None  # set by the server's start (server/app.py)
        self.policies: PolicySet | None = None  # the loan rules' item types name the facets

    def start(self, engine: Engine, circulation: CirculationContext) -> None:
        """What the server's start gives the catalogue: its database, and the policies it loaded."""
        self.engine = engine
        self.policies = circulation.policies.rules


def _language(request: Request) -> Language:
    return pick_locale(
        request.query_params.get("lang"),
        request.cookies.get(LANGUAGE_COOKIE),
        accept_language=request.headers.get("accept-language"),
    )


def build_opac(settings: ServerSettings) -> Opac:
    assets = StaticAssets(STATIC, WEB_STATIC, prefix=f"{PREFIX}/static")
    templates = Templates(
        assets.url,
        directories=[TEMPLATES],
        timezone=ZoneInfo(settings.timezone),
        shared={"library_name": settings.library_name, "status_words": STATUS_WORDS, "prefix": PREFIX},
    )
    app = FastAPI(title="Stacks catalogue", openapi_url=None, docs_url=None, redoc_url=None)
    opac = Opac(app, templates)
    app.state.opac = opac

    def respond(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
        lang = _language(request)
        values = {"language_links": language_urls(str(request.url)), **context}
        response = templates.response(template, lang, values, status_code=status)
        if request.query_params.get("lang") == lang:
            response.set_cookie(LANGUAGE_COOKIE, lang, samesite="lax", max_age=365 * 86400)
        return response

    def searched(request: Request, db: Db, params: SearchParams) -> dict[str, Any]:
        lang = _language(request)
        assert opac.policies is not None, "the catalogue is used before the server started"
        names = opac.policies.item_type_names(lang)
        return search_context(db, params, lang, names) | {"record_base": f"{PREFIX}/records"}

    @app.get("/", response_class=HTMLResponse)
    def search_page(request: Request, db: Db, params: Annotated[SearchParams, Depends()]) -> Response:
        return respond(request, "opac/search.html", searched(request, db, params))

    @app.get("/results", response_class=HTMLResponse)
    def results(request: Request, db: Db, params: Annotated[SearchParams, Depends()]) -> Response:
        lang = _language(request)
        return HTMLResponse(templates.render("opac/results.html", lang, **searched(request, db, params)))

    @app.get("/records/{record_id}", response_class=HTMLResponse)
    def record_page(request: Request, db: Db, record_id: str) -> Response:
        number = int(record_id) if record_id.isdigit() and len(record_id) < 10 else 0
        return respond(request, "opac/record.html", {"shown": catalogue_record.public_record(db, number)})

    async def not_found(request: Request, _exc: Exception) -> Response:
        return respond(request, "opac/not_found.html", {}, status=404)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return (
            await not_found(request, exc) if exc.status_code == 404 else Response(status_code=exc.status_code)
        )

    app.add_exception_handler(NotFoundError, not_found)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.mount("/static", assets, name="static")
    app.add_middleware(SecurityHeadersMiddleware)
    return opac


def search_context(
    db: Session, params: SearchParams, lang: Language, item_type_names: Mapping[str, str]
) -> dict[str, Any]:
    """What the results template (opac/results.html) shows of a search: the public page's and the
    console's; the facets' languages and item types by their names in `lang`."""
    request = SearchRequest(
        parse_query(params.q, typing=params.typing),
        SearchFilters(params.language, params.decade, params.item_type, params.floor, params.available),
        params.sort,
        limit=PAGE,
        offset=(params.page - 1) * PAGE,
    )
    found = catalogue_search.search(db, request)
    return {
        "params": params,
        "found": found,
        "floors": {f.id: f.name for f in floors(db)},
        "language_names": language_names(lang),
        "item_type_names": item_type_names,
    }


def _db(request: Request) -> Iterator[Session]:
    opac: Opac = request.app.state.opac
    assert opac.engine is not None, "the catalogue is used before the server started"
    with Session(opac.engine) as session:
        yield session


Db = Annotated[Session, Depends(_db)]


class SearchParams:
    """What the search form sends: the words, the facets picked, the order and the page."""

    def __init__(  # noqa: PLR0917  (FastAPI builds it from the query's parameters, by name)
        self,
        q: Annotated[str, Query(max_length=200)] = "",
        typing: bool = False,
        language: Annotated[str | None, Query(max_length=3)] = None,
        decade: Annotated[int | None, Query(ge=0, le=3000)] = None,
        item_type: Annotated[str | None, Query(max_length=32)] = None,
        floor: int | None = None,
        available: bool = False,
        sort: SortOrder = SortOrder.RELEVANCE,
        page: Annotated[int, Query(ge=1, le=500)] = 1,
    ) -> None:
        self.q, self.typing, self.sort, self.page = q, typing, sort, page
        self.language, self.decade, self.item_type = language or None, decade, item_type or None
        self.floor, self.available = floor, available
        self.base = f"{PREFIX}/"  # the page the facets' and pages' links go to (the console's has its own)

    def url(self, **changes: Any) -> str:
        """This search's address with some parameters changed (None drops one), back to page 1."""
        values = {
            "q": self.q,
            "language": self.language,
            "decade": self.decade,
            "item_type": self.item_type,
            "floor": self.floor,
            "available": "true" if self.available else None,
            "sort": self.sort.value if self.sort is not SortOrder.RELEVANCE else None,
        } | changes
        return f"{self.base}?" + urlencode({k: v for k, v in values.items() if v not in (None, "", False)})
