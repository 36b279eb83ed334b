"""A live page's Server-Sent Events: its fragments, sent again whenever the database changes under them.

A page declares its live fragments — a name, which changes concern it, and how to render it from the
database — and serves them with `live_response` from a `ConsoleRouter.stream` route. In the page, an
element with `sse-connect` (the stream's URL) holds one element per fragment with `sse-swap="<name>"`:

    <div hx-ext="sse" sse-connect="/console/live/dashboard">
      <section sse-swap="devices">{% include "console/dashboard/devices.html" %}</section>
    </div>

On connecting, the stream sends every fragment (nothing is missed between the page's rendering and the
stream's start); then, for each change the hub reports, the fragments that want it; after a `RESYNC` or an
overflow, all of them. Before sending, it checks that the session is still valid (at most once every
`SESSION_CHECK_S` while changes flow): a session that ended (logged out, password changed, account
deactivated, expired) gets one `reload` event — console.js reloads the page, which goes to the log-in page —
and the stream ends. The session is checked again after `RECHECK_S` of quiet too. An open stream does not
keep a session alive. A fragment marked `shared` is rendered once per change for every open page of its
language (server/console/live/hub.py), not once per page.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import anyio
from sqlmodel import Session
from sse_starlette import EventSourceResponse, ServerSentEvent

from server.console import render
from server.console.live.hub import CLOSED, RESYNC, Subscription
from server.console.session import Viewer
from server.console.state import ConsoleState
from server.services import staff_sessions
from server.services.live_feed import Change

RECHECK_S = 30.0
SESSION_CHECK_S = 1.0  # while changes flow, the session is looked up at most this often
RETRY_MS = 1000  # how soon a browser reconnects after the stream drops
RELOAD = "reload"
SHUTDOWN_GRACE_S = 2.0


@dataclass(frozen=True)
class LiveFragment:
    name: str  # the event's name, and the `sse-swap` of the element it replaces
    wants: Callable[[Change], bool]  # whether a change can alter it
    render: Callable[[Session, Viewer], str]  # its HTML, read from the database
    # The same for everyone reading the page's language (no form, nothing of the person or their role):
    # rendered once per change for every open page (LiveHub.shared) instead of once per page.
    shared: bool = False
    # What tells this fragment's shared rendering from another page's of the same name (a session's grid
    # from another session's); empty when the name alone says it.
    scope: str = ""


def _render(
    state: ConsoleState, viewer: Viewer, fragments: Sequence[LiveFragment], *, check: bool
) -> dict[str, str] | None:
    """The fragments' HTML by name, or None when the session has ended — looked up when `check` — (runs on
    a worker thread)."""
    with Session(state.database(), expire_on_commit=False) as session:
        if check and not staff_sessions.still_valid(session, viewer.session, state.clock(), state.sessions):
            return None
        return {f.name: f.render(session, viewer) for f in fragments}


def _render_one(state: ConsoleState, viewer: Viewer, fragment: LiveFragment) -> str:
    with Session(state.database(), expire_on_commit=False) as session:
        return fragment.render(session, viewer)


class _SessionCheck:
    """Whether the stream's session still stands, looked up at most every `SESSION_CHECK_S`."""

    def __init__(self) -> None:
        self.checked_at = -SESSION_CHECK_S

    def due(self) -> bool:
        now = time.monotonic()
        if now - self.checked_at < SESSION_CHECK_S:
            return False
        self.checked_at = now
        return True


async def _events_of(
    state: ConsoleState,
    viewer: Viewer,
    chosen: Sequence[LiveFragment],
    subscription: Subscription,
    *,
    fresh: bool,
    session_check: _SessionCheck,
) -> list[ServerSentEvent] | None:
    """The chosen fragments' events — the shared ones from the rendering all pages share, as new as this
    page's latest notice (`fresh`: begun now) — or None when the session has ended."""
    own_fragments = [f for f in chosen if not f.shared]
    check = session_check.due()
    own: dict[str, str] | None = {}
    if own_fragments or check:
        own = await asyncio.to_thread(_render, state, viewer, own_fragments, check=check)
    if own is None:
        return None
    as_new_as = state.hub.generation_now() if fresh else subscription.generation
    for fragment in chosen:
        if fragment.shared:
            own[fragment.name] = await state.hub.shared(
                (f"{fragment.name}{fragment.scope}", viewer.lang),
                as_new_as,
                partial(_render_one, state, viewer, fragment),
            )
    return [ServerSentEvent(own[f.name], event=f.name, retry=RETRY_MS) for f in chosen]


async def _events(
    state: ConsoleState, viewer: Viewer, fragments: Sequence[LiveFragment], stopping: anyio.Event
) -> AsyncIterator[ServerSentEvent]:
    async with state.hub.subscribe() as subscription:

        async def on_stop() -> None:  # the server is stopping: end the stream properly, not cut
            await stopping.wait()
            subscription.offer(CLOSED)

        watcher = asyncio.create_task(on_stop())
        try:
            async for event in _updates(state, viewer, fragments, subscription):
                yield event
        finally:
            watcher.cancel()


async def _updates(
    state: ConsoleState, viewer: Viewer, fragments: Sequence[LiveFragment], subscription: Subscription
) -> AsyncIterator[ServerSentEvent]:
    chosen: Sequence[LiveFragment] = fragments
    fresh = True  # on connecting: nothing rendered before may be as new as the page it updates
    session_check = _SessionCheck()
    while True:
        if chosen:
            events = await _events_of(
                state, viewer, chosen, subscription, fresh=fresh, session_check=session_check
            )
            if events is None:
                yield ServerSentEvent("", event=RELOAD)
                return
            for event in events:
                yield event
        notice = await subscription.next(RECHECK_S)
        fresh = False
        if notice is CLOSED:
            return
        if notice is None:  # quiet: check the session, send nothing
            valid = await asyncio.to_thread(_render, state, viewer, (), check=True)
            if valid is None:
                yield ServerSentEvent("", event=RELOAD)
                return
            chosen = ()
        elif notice is RESYNC or (isinstance(notice, Change) and notice.overflow):
            chosen = fragments
        else:
            assert isinstance(notice, Change)
            chosen = [f for f in fragments if f.wants(notice)]


Values = dict[str, object]
Part = tuple[str, Callable[[Change], bool], Callable[[ConsoleState, Session], Values]]


def part_fragments(
    state: ConsoleState,
    directory: str,
    parts: Sequence[Part],
    *,
    same_for_everyone: bool = False,
    scope: str = "",
    context: Mapping[str, object] | None = None,
) -> list[LiveFragment]:
    """A page's fragments from its parts — (name, which changes concern it, its values) — each drawn from
    the template `<directory>/<name>.html` with its values and `context`. `same_for_everyone`: the parts
    show the library, not the person (no form, nothing of the viewer's role), so every open page of one
    language shares each rendering; `scope` tells apart pages with fragments of the same names (one
    stock-take session's from another's)."""

    def draw(
        name: str, values: Callable[[ConsoleState, Session], Values], session: Session, viewer: Viewer
    ) -> str:
        return render.fragment(
            state, viewer, f"{directory}/{name}.html", **(context or {}), **values(state, session)
        )

    return [
        LiveFragment(name, wants, partial(draw, name, values), shared=same_for_everyone, scope=scope)
        for name, wants, values in parts
    ]


def live_response(
    state: ConsoleState, viewer: Viewer, fragments: Sequence[LiveFragment]
) -> EventSourceResponse:
    """The page's stream. When the server stops, sse-starlette sets `stopping` and the stream ends with a
    proper last chunk within `SHUTDOWN_GRACE_S` (the browser reconnects to whichever server is there)."""
    stopping = anyio.Event()
    return EventSourceResponse(
        _events(state, viewer, fragments, stopping),
        ping=15,
        shutdown_event=stopping,
        shutdown_grace_period=SHUTDOWN_GRACE_S,
    )
