"""An open stock-take's progress, live: every shelf of the scope as a tile of the shelf grid, grouped by
range and coloured by coverage (swept, not yet, exceptions seen) with found / expected; the handhelds
working now (their shelf, how they know it, their last read); the exceptions the reads show, newest first.

The page (drawn by stocktake.py's session page) listens to the session's event stream: the ingest's
commits of `stocktake.join`, `stocktake.reads` and `stocktake.damage` — and staff moving the session — redraw
the grid and the handhelds, whichever server process made them (server/console/live/).
"""

from __future__ import annotations

from sqlmodel import Session
from sse_starlette import EventSourceResponse

from server.console import render
from server.console.access import ConsoleRouter
from server.console.live.stream import LiveFragment, Part, live_response, part_fragments
from server.console.pages.stocktake_words import LABELS
from server.console.session import ViewerDep
from server.console.state import ConsoleState, DbDep, StateDep
from server.db.tables import StocktakeSession
from server.services import stocktake_live, stocktake_report
from server.services.live_feed import Change
from server.services.permissions import Permission

pages = ConsoleRouter()
STREAM = "/live/stocktake/{session_id}"
HANDHELD_KINDS = frozenset({"stocktake.join", "stocktake.reads", "stocktake.damage"})
READ_KINDS = frozenset({"stocktake.reads", "stocktake.damage"})
Values = dict[str, object]


def stream_url(session_id: int) -> str:
    return render.console_url(STREAM.format(session_id=session_id))


def _moved(change: Change) -> bool:
    return any(kind.startswith("desk.stocktake.") for kind in change.kinds)


def _progress(session_id: int) -> Part:
    def values(_state: ConsoleState, db: Session) -> Values:
        return {"progress": stocktake_live.live_progress(db, session_id)}

    return ("grid", lambda change: bool(change.kinds & READ_KINDS) or _moved(change), values)


def _handhelds(session_id: int) -> Part:
    def values(_state: ConsoleState, db: Session) -> Values:
        return {"handhelds": stocktake_report.handhelds(db, session_id)}

    return ("handhelds", lambda change: bool(change.kinds & HANDHELD_KINDS), values)


def _parts(session_id: int) -> list[Part]:
    return [_progress(session_id), _handhelds(session_id)]


def values(state: ConsoleState, db: Session, session_id: int) -> Values:
    """What the page shows when it is drawn (the stream sends the same again as it changes)."""
    shown: Values = {"stream_url": stream_url(session_id)}
    for _name, _wants, part_values in _parts(session_id):
        shown |= part_values(state, db)
    return shown


def fragments(state: ConsoleState, session_id: int) -> list[LiveFragment]:
    # The grid and the handhelds show the session, not the person: every open page of one language shares
    # each rendering (a grid of thousands of shelves is worth drawing once per change, not once per page).
    return part_fragments(
        state,
        "console/stocktake/live",
        _parts(session_id),
        same_for_everyone=True,
        scope=f"@{session_id}",
        context=LABELS,
    )


@pages.stream(STREAM, Permission.STOCKTAKE_VIEW)
def live(session_id: str, state: StateDep, db: DbDep, viewer: ViewerDep) -> EventSourceResponse:
    """The session's fragments; a session that does not exist has none (the stream only keeps watch over
    the staff member's sign-in), rather than a stream of errors."""
    number = int(session_id) if session_id.isdigit() and len(session_id) < 12 else None
    known = number is not None and db.get(StocktakeSession, number) is not None
    return live_response(state, viewer, fragments(state, number) if number is not None and known else [])
