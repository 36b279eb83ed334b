"""After a stock-take closes: the closing actions applied by the kinds staff choose, undone (one item's, or
all) until the report is signed, and the report signed — each an audited staff action through
server/services/stocktake_actions.py and stocktake_sessions.py, as the REST API's are; the shelvers'
correction lists as a page to print, in shelf order; every result as CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import Form, Request
from pydantic_core import to_jsonable_python
from starlette.responses import RedirectResponse, Response, StreamingResponse

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.pages import stocktake_results
from server.console.pages.stocktake import NAV_PATH, session_url
from server.console.pages.stocktake_words import ACTIONS, LABELS, refusal_words
from server.console.session import ViewerDep
from server.console.state import DbDep, NowDep, StateDep
from server.db.tables import StocktakeSession
from server.domain.stocktake.plan import ActionKind
from server.errors import InvalidInputError
from server.services import stocktake_actions, stocktake_report, stocktake_sessions
from server.services.permissions import Permission
from server.services.staff_actions import Subject, row_subject
from server.services.stocktake_sessions import StocktakeRefusedError

pages = ConsoleRouter()


def _outcome(outcome: stocktake_actions.ActionsOutcome) -> dict[str, Any]:
    reply: dict[str, Any] = to_jsonable_python(outcome)
    return reply


def _perform(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    session_id: int,
    action: tuple[str, Mapping[str, Any]],
    apply: Callable[[], dict[str, Any]],
    subject: Subject,
    key: str,
    told: Callable[[dict[str, Any]], str],
) -> Response:
    """An audited action on the closed session, then the report again saying what it did (or, refused,
    why not)."""
    kind, asked = action
    try:
        done = actions.perform(
            db, viewer, now, kind, {"session_id": session_id, **asked}, apply=apply, subject=subject, key=key
        )
    except StocktakeRefusedError as exc:
        db.rollback()
        said = refusal_words(viewer.lang, exc)
        return stocktake_results.show(request, state, db, viewer, session_id, told=said, status=409)
    return RedirectResponse(session_url(session_id, "/report" + told(done.reply)), status_code=303)


def _counts(reply: Mapping[str, Any]) -> str:
    return f"?done={len(reply.get('done', ()))}&left={len(reply.get('left', {}))}"


@pages.action("/stocktake/{session_id}/actions/apply", Permission.STOCKTAKE_MANAGE)
def apply_actions(
    request: Request,
    session_id: int,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    kind: Annotated[list[str] | None, Form()] = None,
    action_key: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    chosen = {ActionKind(k) for k in kind or () if k in ACTIONS}
    if not chosen:
        raise InvalidInputError("choose at least one kind of action")

    def apply() -> dict[str, Any]:
        context = state.circulation_context()
        return _outcome(
            stocktake_actions.apply(
                db, context, session_id, kinds=chosen, staff=viewer.staff.username, now=now
            )
        )

    return _perform(
        request,
        state=state,
        db=db,
        viewer=viewer,
        now=now,
        session_id=session_id,
        action=("stocktake.actions.apply", {"kinds": sorted(chosen)}),
        apply=apply,
        subject=stocktake_actions.actions_subject(db, session_id),
        key=action_key,
        told=lambda reply: _counts(reply) + "&applied=1#actions",
    )


@pages.action("/stocktake/{session_id}/actions/undo", Permission.STOCKTAKE_MANAGE)
def undo_actions(
    request: Request,
    session_id: int,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    item_id: Annotated[int | None, Form(ge=1)] = None,
    action_key: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Undo one item's applied actions (`item_id`), or every applied action."""
    items = [item_id] if item_id is not None else None

    def apply() -> dict[str, Any]:
        return _outcome(
            stocktake_actions.undo(
                db,
                session_id,
                item_ids=items,
                staff=viewer.staff.username,
                now=now,
                lifecycle=state.circulation_context().lifecycle,
            )
        )

    return _perform(
        request,
        state=state,
        db=db,
        viewer=viewer,
        now=now,
        session_id=session_id,
        action=("stocktake.actions.undo", {"item_ids": items}),
        apply=apply,
        subject=stocktake_actions.actions_subject(db, session_id),
        key=action_key,
        told=lambda reply: _counts(reply) + "&undone=1#actions",
    )


@pages.action("/stocktake/{session_id}/sign", Permission.STOCKTAKE_MANAGE)
def sign(
    request: Request,
    session_id: int,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    action_key: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    def apply() -> dict[str, Any]:
        signed = stocktake_sessions.sign(db, session_id, staff=viewer.staff.username, now=now)
        reply: dict[str, Any] = to_jsonable_python(signed)
        return reply

    return _perform(
        request,
        state=state,
        db=db,
        viewer=viewer,
        now=now,
        session_id=session_id,
        action=("stocktake.sign", {}),
        apply=apply,
        subject=row_subject(db, f"stocktake_session:{session_id}", StocktakeSession, id=session_id),
        key=action_key,
        told=lambda _reply: "?signed=1",
    )


@pages.page("/stocktake/{session_id}/corrections", Permission.STOCKTAKE_VIEW)
def corrections(
    request: Request, session_id: int, *, state: StateDep, db: DbDep, viewer: ViewerDep, now: NowDep
) -> Response:
    """The books to move, shelf by shelf in shelf order, each shelf's in the order they stand."""
    found = stocktake_sessions.info(stocktake_sessions.get_row(db, session_id))
    context = {
        "found": found,
        "shelves": stocktake_report.corrections(db, session_id),
        "now": now,
        **LABELS,
    }
    return render.page(request, state, viewer, "console/stocktake/corrections.html", context, nav=NAV_PATH)


@pages.page("/stocktake/{session_id}/results.csv", Permission.STOCKTAKE_VIEW)
def results_csv(session_id: int, *, state: StateDep, db: DbDep) -> StreamingResponse:
    stocktake_sessions.get_row(db, session_id)
    shelf_orders = state.circulation_context().shelf_orders
    lines = list(
        stocktake_report.results_csv(db, session_id, shelf_orders)
    )  # read inside the request's session
    headers = {"Content-Disposition": f'attachment; filename="stocktake-{session_id}.csv"'}
    return StreamingResponse(iter(lines), media_type="text/csv; charset=utf-8", headers=headers)
