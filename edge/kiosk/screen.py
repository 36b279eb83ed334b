"""The self-check kiosk's touch screen, served by its agent: it works with the server down, and loads
nothing from it.

    app = screen_app(agent)              # a Starlette app: the page, its live stream, the reader's taps
    with serving(app, port=8770):        # uvicorn on a thread of the agent's process
        ...

The page (`/`, Vietnamese by default, `?lang=en`) has its parts, each a view of `agent.view()`: the
sign-in (the idle screen with the card field; the PIN keypad; the signed-in reader with the sign-out), the
visit's books with their outcomes, the reader's account, "Find a book" (`edge.kiosk.catalogue_steps`), and
the idle warning. Each part comes again over Server-Sent Events
(`/events`) whenever the agent changes it (`agent.feed`); a tap answers with its part at once as well.
Without script, the forms post and the page reloads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
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

from edge import local_screen
from edge.kiosk import offline_words
from edge.kiosk.agent import KioskAgent
from edge.kiosk.feed import Part
from edge.kiosk.visit import Outcome
from web import WEB_STATIC, SecurityHeadersMiddleware, StaticAssets, Templates, language_urls, pick_locale
from web.catalogs import N_
from web.locales import Language

HERE = Path(__file__).parent
STREAM_WAIT_S = 1.0  # the longest the stream waits for a change before it looks whether the page is gone

# Each part's fragment, swapped into the element of the same id.
FRAGMENTS = {
    Part.SIGN_IN: "kiosk/sign_in.html",
    Part.BOOKS: "kiosk/books.html",
    Part.ACCOUNT: "kiosk/account.html",
    Part.WARNING: "kiosk/warning.html",
    Part.NETWORK: "kiosk/network.html",
    Part.CATALOGUE: "kiosk/catalogue_results.html",
}

# What each outcome says (the headline of a book's row), and what the reader does next when that is not
# obvious from the server's own words.
OUTCOME_TEXT: dict[Outcome, str] = {
    Outcome.CHECKING: N_("Checking…"),
    Outcome.LENT: N_("Borrowed by you"),
    Outcome.ALREADY_YOURS: N_("Already borrowed by you"),
    Outcome.NOT_LENT: N_("Not borrowed"),
    Outcome.NOT_UNSECURED: N_("Not borrowed: its security tag could not be released"),
    Outcome.TAKEN_AWAY: N_("Taken off the pad too soon"),
    Outcome.TO_HOLD_TRAY: N_("Returned: put it in the hold tray"),
    Outcome.TO_RETURN_BIN: N_("Returned: put it in the return bin"),
    Outcome.NOT_RETURNED: N_("Not returned"),
    Outcome.NO_ANSWER: N_("No answer from the library's system yet"),
    Outcome.OTHER_LIBRARY: N_("This book belongs to another library"),
    Outcome.UNREADABLE: N_("Its tag could not be read"),
}
NEXT_STEP: dict[Outcome, str] = {
    Outcome.NOT_UNSECURED: N_("Please take it to the library desk."),
    Outcome.TAKEN_AWAY: N_("Put it back on the pad to finish borrowing it."),
    Outcome.TO_HOLD_TRAY: N_("Another reader is waiting for this book."),
    Outcome.OTHER_LIBRARY: N_("Please take it to the library desk."),
    Outcome.UNREADABLE: N_("Take it off the pad and scan the barcode label on the book."),
}
# The offline banner's and rows' words (edge.kiosk.offline_words), by the names the templates use.
OFFLINE_WORDS = {
    "title": offline_words.OFFLINE_TITLE,
    "lending": offline_words.OFFLINE_LENDING,
    "card_only": offline_words.OFFLINE_LENDING_CARD_ONLY,
    "returns_only": offline_words.OFFLINE_RETURNS_ONLY,
    "account": offline_words.ACCOUNT_OFFLINE,
    "lent": offline_words.LENT_OFFLINE,
}
NO_ANSWER_NEXT = {
    True: N_("It is not lent yet. Please ask at the library desk."),
    False: N_("It will be recorded as soon as the system answers: put it in the return bin."),
}


def _language(request: Request) -> Language:
    return pick_locale(
        request.query_params.get("lang"), accept_language=request.headers.get("accept-language")
    )


def _hold(agent: KioskAgent, form: dict[str, str]) -> None:
    record = form.get("record", "")
    if record.isdigit() and int(record) > 0:
        agent.place_hold(int(record))


def screen_app(agent: KioskAgent) -> Starlette:
    assets = StaticAssets(HERE / "static", WEB_STATIC)
    templates = Templates(assets.url, directories=[HERE / "templates"])
    shared: dict[str, Any] = {
        "outcome_text": OUTCOME_TEXT,
        "next_step": NEXT_STEP,
        "no_answer_next": NO_ANSWER_NEXT,
        "idle_warning_s": round(agent.idle_warning_s),
        "offline_words": OFFLINE_WORDS,
        "refusal_titles": offline_words.REFUSAL_TITLES,
        "refusal_next": offline_words.REFUSAL_NEXT,
    }
    for lang in ("vi", "en"):
        templates.environment(lang).globals.update(shared)

    def context(lang: Language) -> dict[str, Any]:
        return {"view": agent.view(), "lang_query": f"lang={lang}"}

    def fragment(part: Part, lang: Language) -> str:
        return templates.render(FRAGMENTS[part], lang, **context(lang))

    async def page(request: Request) -> Response:
        lang = _language(request)
        position = agent.feed.last
        page_context = context(lang) | {
            "stream_url": f"/events?lang={lang}&after={position}",
            "language_links": language_urls(str(request.url)),
        }
        return templates.response("kiosk/screen.html", lang, page_context)

    async def stream(request: Request) -> Response:
        lang = _language(request)
        position = int(request.query_params.get("after", "0") or 0)

        def next_changes(after: int) -> tuple[list[Part], int]:
            return agent.feed.after(after, timeout=STREAM_WAIT_S)

        async def changes() -> AsyncIterator[ServerSentEvent]:
            nonlocal position
            while await local_screen.still_open(request):
                parts, position = await anyio.to_thread.run_sync(next_changes, position)
                for part in parts:
                    yield ServerSentEvent(fragment(part, lang), event=part.value, id=str(position))

        return EventSourceResponse(changes())

    def tap(part: Part, act: Callable[[dict[str, str], Language], object]) -> Callable[[Request], Any]:
        """A form the reader sent: done on a worker thread (it may wait for the server), then its part
        shown again — or, without script, the page."""

        async def endpoint(request: Request) -> Response:
            lang = _language(request)
            form = {key: str(value) for key, value in (await request.form()).items()}
            await anyio.to_thread.run_sync(lambda: act(form, lang))
            if request.headers.get("hx-request"):
                return templates.response(FRAGMENTS[part], lang, context(lang))
            return RedirectResponse(f"/?lang={lang}", status_code=303)

        return endpoint

    return Starlette(
        routes=[
            Route("/", page),
            Route("/events", stream),
            Route(
                "/card", tap(Part.SIGN_IN, lambda f, _: agent.give_card(f.get("card", ""))), methods=["POST"]
            ),
            Route("/pin", tap(Part.SIGN_IN, lambda f, _: agent.sign_in(f.get("pin", ""))), methods=["POST"]),
            Route("/cancel", tap(Part.SIGN_IN, lambda *_: agent.cancel()), methods=["POST"]),
            Route("/sign-out", tap(Part.SIGN_IN, lambda *_: agent.sign_out()), methods=["POST"]),
            Route(
                "/renew",
                tap(Part.ACCOUNT, lambda f, _: agent.renew([f.get("barcode", "")])),
                methods=["POST"],
            ),
            Route("/renew-all", tap(Part.ACCOUNT, lambda *_: agent.renew()), methods=["POST"]),
            Route("/receipt", tap(Part.SIGN_IN, lambda _, lang: agent.print_receipt(lang)), methods=["POST"]),
            Route("/receipt/qr", tap(Part.BOOKS, lambda _, lang: agent.show_receipt(lang)), methods=["POST"]),
            Route("/receipt/qr/hide", tap(Part.BOOKS, lambda *_: agent.hide_receipt()), methods=["POST"]),
            Route("/still-here", tap(Part.WARNING, lambda *_: agent.still_here()), methods=["POST"]),
            Route(
                "/search", tap(Part.CATALOGUE, lambda f, _: agent.search(f.get("q", ""))), methods=["POST"]
            ),
            Route("/search/close", tap(Part.CATALOGUE, lambda *_: agent.close_search()), methods=["POST"]),
            Route("/hold", tap(Part.CATALOGUE, lambda f, _: _hold(agent, f)), methods=["POST"]),
            Mount("/static", app=assets),
        ],
        middleware=[Middleware(SecurityHeadersMiddleware)],
    )


def serving(app: Starlette, *, port: int, host: str = "127.0.0.1") -> AbstractContextManager[str]:
    """The kiosk's screen served on a thread until the block ends (`edge.local_screen.serving`)."""
    return local_screen.serving(app, port=port, host=host, name="kiosk-screen")
