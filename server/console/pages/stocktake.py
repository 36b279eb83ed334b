"""Stock-take sessions: the list, a new session with its scope, a draft's scope changed, and the moves —
open, pause, resume, close — through the same services and audited staff actions as the REST API
(`/api/v1/stocktake`). A move the domain refuses (an empty scope, a scope overlapping a running session,
which it names with where they meet) comes back in words next to the form or the button.

A session's page shows what its state calls for: a draft its scope to change and open; an open or paused
session its live progress (stocktake_progress.py); a closed one its report (stocktake_results.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Form, Request
from pydantic_core import to_jsonable_python
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.nav import STOCKTAKE, NavEntry
from server.console.pages import stocktake_progress
from server.console.pages.items import item_type_names
from server.console.pages.stocktake_forms import STATUSES, ScopeForm, SentForm
from server.console.pages.stocktake_words import LABELS, refusal_words
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.db.tables import StocktakeSession
from server.domain.stocktake.session import SessionState
from server.errors import InvalidInputError
from server.services import stocktake_close, stocktake_live, stocktake_sessions
from server.services.permissions import Permission, allows
from server.services.staff_actions import created_subject, row_subject
from server.services.stocktake_sessions import SessionInfo, StocktakeRefusedError
from web import N_, translate

pages = ConsoleRouter()
NAV = NavEntry(STOCKTAKE, "/stocktake", N_("Stock-take"), Permission.STOCKTAKE_VIEW)
NAV_PATH = NAV.path  # the other stock-take pages' header entry (importing NAV would add a second one)


def session_url(session_id: int, tail: str = "") -> str:
    return render.console_url(f"/stocktake/{session_id}{tail}")


def may_manage(viewer: Viewer) -> bool:
    return allows(viewer.staff.role, Permission.STOCKTAKE_MANAGE)


def _form_values(state: ConsoleState, db: Session, viewer: Viewer, form: ScopeForm) -> dict[str, Any]:
    return {
        "form": form,
        "locations": stocktake_live.location_choices(db),
        "item_types": item_type_names(state, viewer.lang),
        "statuses": [s.value for s in STATUSES],
        "action_key": actions.new_key,
    }


@pages.page("/stocktake", Permission.STOCKTAKE_VIEW)
def sessions(request: Request, *, state: StateDep, db: DbDep, viewer: ViewerDep) -> Response:
    return _list(request, state, db, viewer, form=ScopeForm())


def _list(
    request: Request, state: ConsoleState, db: Session, viewer: Viewer, *, form: ScopeForm, status: int = 200
) -> Response:
    context = {
        "sessions": stocktake_sessions.list_sessions(db),
        "may_manage": may_manage(viewer),
        **LABELS,
        **(_form_values(state, db, viewer, form) if may_manage(viewer) else {}),
    }
    return render.page(
        request, state, viewer, "console/stocktake/sessions.html", context, nav=NAV.path, status_code=status
    )


@pages.action("/stocktake", Permission.STOCKTAKE_MANAGE)
def create(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    form: SentForm,
    action_key: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    scope = form.scope()
    if scope is None:
        return _list(request, state, db, viewer, form=form, status=422)

    def apply() -> dict[str, object]:
        made = stocktake_sessions.create(
            db, name=form.name, scope=scope, staff=viewer.staff.username, now=now
        )
        reply: dict[str, object] = to_jsonable_python(made)
        return reply

    try:
        done = actions.perform(
            db,
            viewer,
            now,
            "stocktake.create",
            {"name": form.name, "scope": scope},
            apply=apply,
            subject=created_subject(db, "stocktake_session", StocktakeSession),
            key=action_key,
        )
    except InvalidInputError:
        db.rollback()
        form.errors.append(N_("A location of the scope is not in the library any more: reload the page."))
        return _list(request, state, db, viewer, form=form, status=422)
    return RedirectResponse(session_url(int(done.reply["id"])), status_code=303)


@pages.page("/stocktake/{session_id}", Permission.STOCKTAKE_VIEW)
def session_page(
    request: Request, session_id: int, *, state: StateDep, db: DbDep, viewer: ViewerDep
) -> Response:
    found = stocktake_sessions.info(stocktake_sessions.get_row(db, session_id))
    if found.state is SessionState.CLOSED:
        return RedirectResponse(session_url(session_id, "/report"), status_code=303)
    return show(request, state, db, viewer, found)


def show(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    found: SessionInfo,
    *,
    form: ScopeForm | None = None,
    refused: list[str] | None = None,
    status: int = 200,
) -> Response:
    """A draft's scope to change and open, or an open (paused) session's live progress; `refused`: why the
    last move was not made."""
    context: dict[str, Any] = {
        "found": found,
        "may_manage": may_manage(viewer),
        "refused": refused or [],
        "saved": request.query_params.get("saved") == "1",
        "action_key": actions.new_key,
        **LABELS,
    }
    if found.state is SessionState.DRAFT:
        context |= _form_values(state, db, viewer, form or ScopeForm.of(found.name, found.scope))
        template = "console/stocktake/draft.html"
    else:
        context |= stocktake_progress.values(state, db, found.id)
        template = "console/stocktake/progress.html"
    return render.page(request, state, viewer, template, context, nav=NAV.path, status_code=status)


@pages.action("/stocktake/{session_id}/edit", Permission.STOCKTAKE_MANAGE)
def edit(
    request: Request,
    session_id: int,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    form: SentForm,
    action_key: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    scope = form.scope()
    found = stocktake_sessions.info(stocktake_sessions.get_row(db, session_id))
    if scope is None:
        return show(request, state, db, viewer, found, form=form, status=422)
    return _move(
        request,
        state=state,
        db=db,
        viewer=viewer,
        now=now,
        session_id=session_id,
        action=("stocktake.edit", {"name": form.name, "scope": scope}),
        move=lambda: stocktake_sessions.edit_draft(db, session_id, name=form.name, scope=scope),
        done="?saved=1",
        key=action_key,
    )


def _move(
    request: Request,
    *,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    now: datetime,
    session_id: int,
    action: tuple[str, dict[str, object]],
    move: Callable[[], SessionInfo],
    done: str = "",
    key: str = "",
) -> Response:
    """A move as an audited staff action; refused, the session's page again with the reason."""
    kind, asked = action
    subject = row_subject(db, f"stocktake_session:{session_id}", StocktakeSession, id=session_id)
    try:
        actions.perform(
            db,
            viewer,
            now,
            kind,
            {"session_id": session_id, **asked},
            apply=lambda: to_jsonable_python(move()),
            subject=subject,
            key=key,
        )
    except (StocktakeRefusedError, InvalidInputError) as exc:
        db.rollback()
        found = stocktake_sessions.info(stocktake_sessions.get_row(db, session_id))
        if isinstance(exc, StocktakeRefusedError):
            said = refusal_words(viewer.lang, exc)
        else:
            said = [translate(viewer.lang, N_("A location of the scope is not in the library any more."))]
        return show(request, state, db, viewer, found, refused=said, status=409)
    return RedirectResponse(session_url(session_id, done), status_code=303)


_MOVES: dict[str, Callable[[ConsoleState, Session, int, Viewer, datetime], SessionInfo]] = {
    "open": lambda state, db, i, v, now: stocktake_sessions.open_session(
        db, i, staff=v.staff.username, now=now, shelf_orders=state.circulation_context().shelf_orders
    ),
    "pause": lambda _state, db, i, _v, now: stocktake_sessions.pause(db, i, now=now),
    "resume": lambda _state, db, i, _v, _now: stocktake_sessions.resume(db, i),
    "close": lambda state, db, i, v, now: stocktake_close.close(
        db, i, staff=v.staff.username, now=now, shelf_orders=state.circulation_context().shelf_orders
    ),
}


@pages.action("/stocktake/{session_id}/move", Permission.STOCKTAKE_MANAGE)
def move(
    request: Request,
    session_id: int,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    to: Annotated[str, Form(max_length=16)],
    action_key: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Open, pause, resume or close (`to`)."""
    chosen = _MOVES.get(to)
    if chosen is None:
        raise InvalidInputError(f"no such move: {to}")
    return _move(
        request,
        state=state,
        db=db,
        viewer=viewer,
        now=now,
        session_id=session_id,
        action=(f"stocktake.{to}", {}),
        move=lambda: chosen(state, db, session_id, viewer, now),
        key=action_key,
    )
