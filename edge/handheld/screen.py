"""The handheld's local screen, served by the agent itself: it works with the server down.

    app = screen_app(agent)       # a Starlette app: the page, the alert stream, the two forms
    with serving(app, port=8765):  # uvicorn on a thread of the agent's process
        ...

The page (`/`, Vietnamese by default, `?lang=en`) shows the shelf, how many books were found on it of those
expected (from the shelf's kept list), the alerts as they happen — each in its colour, with an icon and
words, and a tone (`static/js/handheld.js`) — and the forms to choose the shelf and to mark a book damaged.
The alerts come over Server-Sent Events from the agent's `AlertFeed`, from where the page was rendered.

Marking a book damaged takes a step of its own (`/damage?barcode=…`): the kinds of damage as large tiles to
tick (at least one; the same words as the console's, from the shared catalogs), the condition and whether
it goes for repair. Plain forms, no script: it works by touch and by keyboard alike.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import anyio
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route

from contract.stocktake import DamageKind, MarkedCondition
from edge import local_screen
from edge.handheld.agent import HandheldAgent
from edge.handheld.alerts import Alert, AlertKind
from web import WEB_STATIC, SecurityHeadersMiddleware, StaticAssets, Templates, language_urls, pick_locale
from web.catalogs import N_, translations
from web.components import Tone
from web.damage_words import DAMAGE_KIND_WORDS, NO_KIND
from web.locales import Language

HERE = Path(__file__).parent
STREAM_WAIT_S = 1.0  # the longest the stream waits for an alert before it looks whether the page is gone

# What each alert says on the screen, and its colour (with an icon and the words: never colour alone).
ALERT_TEXT: dict[AlertKind, tuple[str, Tone]] = {
    AlertKind.FIND_LIST: (N_("Take it off the shelf: on the find list"), "danger"),
    AlertKind.WRONG_SHELF: (N_("Wrong shelf"), "warning"),
    AlertKind.ON_LOAN: (N_("On loan, yet on the shelf"), "warning"),
    AlertKind.OUT_OF_ORDER: (N_("Out of shelf order"), "info"),
    AlertKind.NOT_ARMED: (N_("Security not armed: re-arm it"), "danger"),
    AlertKind.FOREIGN_TAG: (N_("Another library's book"), "warning"),
    AlertKind.BLANK_TAG: (N_("Blank tag"), "warning"),
    AlertKind.UNREADABLE_TAG: (N_("Unreadable tag"), "warning"),
}
FIND_REASONS = {"missing": N_("marked missing"), "hold": N_("a reader waits for it")}
CONDITIONS = {
    MarkedCondition.FAIR: N_("Fair"),
    MarkedCondition.WORN: N_("Worn"),
    MarkedCondition.POOR: N_("Poor"),
}
# The kinds of damage in the console's words (web/damage_words.py), in the console's order.
DAMAGE_KINDS: dict[DamageKind, str] = {DamageKind(kind): words for kind, words in DAMAGE_KIND_WORDS.items()}
SHOWN_ALERTS = 20


def _language(request: Request) -> Language:
    return pick_locale(
        request.query_params.get("lang"), accept_language=request.headers.get("accept-language")
    )


def screen_app(agent: HandheldAgent) -> Starlette:
    assets = StaticAssets(HERE / "static", WEB_STATIC)
    templates = Templates(assets.url, directories=[HERE / "templates"])
    templates_globals: dict[str, Any] = {"alert_text": ALERT_TEXT, "find_reasons": FIND_REASONS}
    for lang in ("vi", "en"):
        templates.environment(lang).globals.update(templates_globals)

    async def page(request: Request) -> Response:
        lang = _language(request)
        place = agent.place
        lists = agent.lists
        expected = (
            lists.expected_count(place.session_id, place.shelf_code)
            if lists is not None and place.shelf_code is not None
            else None
        )
        alerts, position = agent.alerts.after(0)
        context = {
            "place": place,
            "found": agent.journal.seen_in_visit(),
            "expected": expected,
            "alerts": list(reversed(alerts[-SHOWN_ALERTS:])),
            "stream_url": f"/alerts?lang={lang}&after={position}",
            "language_links": language_urls(str(request.url)),
        }
        return templates.response("handheld/screen.html", lang, context)

    def damage_step(
        request: Request, barcode: str, *, ticked: frozenset[str] = frozenset(), error: str | None = None
    ) -> Response:
        lang = _language(request)
        gettext = translations(lang).gettext
        context = {
            "place": agent.place,
            "barcode": barcode,
            "kinds": [(kind.value, gettext(label)) for kind, label in DAMAGE_KINDS.items()],
            "ticked": ticked,
            "conditions": [(value.value, gettext(label)) for value, label in CONDITIONS.items()],
            "error": gettext(error) if error else None,
            "language_links": language_urls(str(request.url)),
        }
        status = 422 if error else 200
        return templates.response("handheld/damage.html", lang, context, status_code=status)

    async def stream(request: Request) -> Response:
        lang = _language(request)
        position = int(request.query_params.get("after", "0") or 0)
        fragment = templates.environment(lang).get_template("handheld/alert.html")

        def next_alerts(after: int) -> tuple[Sequence[Alert], int]:
            return agent.alerts.after(after, timeout=STREAM_WAIT_S)

        async def alerts() -> AsyncIterator[ServerSentEvent]:
            nonlocal position
            while await local_screen.still_open(request):
                new, position = await anyio.to_thread.run_sync(next_alerts, position)
                for alert in new:
                    yield ServerSentEvent(fragment.render(alert=alert), event="alert", id=str(alert.position))

        return EventSourceResponse(alerts())

    async def shelf(request: Request) -> Response:
        form = await request.form()
        code = str(form.get("shelf_code", "")).strip()
        if code:
            await anyio.to_thread.run_sync(agent.choose_shelf, code)
        return RedirectResponse(f"/?lang={_language(request)}", status_code=303)

    async def damage_form(request: Request) -> Response:
        barcode = request.query_params.get("barcode", "").strip().upper()
        if not barcode:
            return RedirectResponse(f"/?lang={_language(request)}", status_code=303)
        return damage_step(request, barcode)

    async def damage(request: Request) -> Response:
        form = await request.form()
        barcode = str(form.get("barcode", "")).strip().upper()
        condition = MarkedCondition(str(form.get("condition", MarkedCondition.POOR.value)))
        ticked = frozenset(str(value) for value in form.getlist("kind"))
        kinds = [kind for kind in DAMAGE_KINDS if kind.value in ticked]
        if barcode and not kinds:
            return damage_step(request, barcode, ticked=ticked, error=NO_KIND)
        if barcode:
            for_repair = form.get("for_repair") is not None
            await anyio.to_thread.run_sync(
                lambda: agent.mark_damage(barcode, condition, kinds, for_repair=for_repair)
            )
        return RedirectResponse(f"/?lang={_language(request)}", status_code=303)

    return Starlette(
        routes=[
            Route("/", page),
            Route("/alerts", stream),
            Route("/shelf", shelf, methods=["POST"]),
            Route("/damage", damage_form, methods=["GET"]),
            Route("/damage", damage, methods=["POST"]),
            Mount("/static", app=assets),
        ],
        middleware=[Middleware(SecurityHeadersMiddleware)],
    )


def serving(app: Starlette, *, port: int, host: str = "127.0.0.1") -> AbstractContextManager[str]:
    """The handheld's screen served on a thread until the block ends (`edge.local_screen.serving`)."""
    return local_screen.serving(app, port=port, host=host, name="handheld-screen")
