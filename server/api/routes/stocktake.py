"""Stock-take sessions: create, open, pause, resume, close, sign; progress while they run; figures,
exception lists, tag events, shelf correction lists and CSV once closed; the closing actions.

Every write is a staff action logged with what it changed (`desk.stocktake.*`), applied once per
`Idempotency-Key` when one is sent (`server.api.idempotency`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse
from sqlmodel import Session

from server.api.deps import CirculationDep, SessionDep, SettingsDep, permit
from server.api.idempotency import KeyableWrite
from server.api.pagination import OffsetLimitQuery, OffsetQuery, offset_page
from server.api.schemas.base import OffsetPage
from server.api.schemas.stocktake import (
    ActionOut,
    ActionsApply,
    ActionsOutcomeOut,
    ActionsUndo,
    ExceptionOut,
    FiguresOut,
    HandheldOut,
    ProgressOut,
    SessionCreate,
    SessionOut,
    ShelfCorrectionsOut,
    ShelfProgressOut,
    TagEventOut,
)
from server.db.tables import StocktakeSession
from server.domain.stocktake.results import Issue, ItemClass
from server.reports import stocktake_pdf
from server.services import (
    stocktake_actions,
    stocktake_close,
    stocktake_minutes,
    stocktake_report,
    stocktake_sessions,
)
from server.services.columns import LOCATION
from server.services.permissions import Permission
from server.services.staff_actions import Subject, row_subject
from server.services.stocktake_sessions import SessionInfo
from web import DEFAULT_LANGUAGE, Language

router = APIRouter(prefix="/stocktake", tags=["stocktake"])
VIEW = [permit(Permission.STOCKTAKE_VIEW)]
MANAGE = [permit(Permission.STOCKTAKE_MANAGE)]


def _out(found: SessionInfo) -> SessionOut:
    return SessionOut.model_validate(found)


@router.get("/sessions", summary="Stock-take sessions, newest first", dependencies=VIEW)
def list_sessions(session: SessionDep) -> list[SessionOut]:
    return [_out(s) for s in stocktake_sessions.list_sessions(session)]


@router.post(
    "/sessions",
    summary="A new session (a draft) with its scope",
    response_model=SessionOut,
    status_code=201,
    dependencies=MANAGE,
)
def create_session(body: SessionCreate, write: KeyableWrite) -> Response:
    def apply() -> SessionOut:
        scope = body.scope.model_dump(mode="json")
        created = stocktake_sessions.create(
            write.session, name=body.name, scope=scope, staff=write.staff.username, now=write.now
        )
        return _out(created)

    return write.once("stocktake.create", apply, body=body, status_code=201)


def _session_subject(session: Session, session_id: int) -> Subject:
    return row_subject(session, f"stocktake_session:{session_id}", StocktakeSession, id=session_id)


def _move(
    name: str, move: Callable[[KeyableWrite, int], SessionInfo]
) -> Callable[[int, KeyableWrite], Response]:
    def route(session_id: int, write: KeyableWrite) -> Response:
        subject = _session_subject(write.session, session_id)
        return write.once(
            f"stocktake.{name}", lambda: _out(move(write, session_id)), subject=subject, session_id=session_id
        )

    return route


_MOVES: dict[str, tuple[str, Callable[[KeyableWrite, int], SessionInfo]]] = {
    "open": (
        "Open a draft: refuse an empty or overlapping scope, freeze the expected list",
        lambda w, i: stocktake_sessions.open_session(
            w.session, i, staff=w.staff.username, now=w.now, shelf_orders=w.circulation.shelf_orders
        ),
    ),
    "pause": (
        "Pause: reads are refused until resumed",
        lambda w, i: stocktake_sessions.pause(w.session, i, now=w.now),
    ),
    "resume": ("Resume a paused session", lambda w, i: stocktake_sessions.resume(w.session, i)),
    "close": (
        "Close: reconcile, store the results and propose the closing actions",
        lambda w, i: stocktake_close.close(
            w.session, i, staff=w.staff.username, now=w.now, shelf_orders=w.circulation.shelf_orders
        ),
    ),
    "sign": (
        "Sign the report: the closing actions become final",
        lambda w, i: stocktake_sessions.sign(w.session, i, staff=w.staff.username, now=w.now),
    ),
}
for _name, (_summary, _move_of) in _MOVES.items():
    router.add_api_route(
        f"/sessions/{{session_id}}/{_name}",
        _move(_name, _move_of),
        methods=["POST"],
        summary=_summary,
        response_model=SessionOut,
        dependencies=MANAGE,
    )


@router.get(
    "/sessions/{session_id}", summary="A session, its shelves' coverage and its handhelds", dependencies=VIEW
)
def read_session(session_id: int, session: SessionDep) -> ProgressOut:
    found = stocktake_sessions.info(stocktake_sessions.get_row(session, session_id))
    return ProgressOut(
        session=_out(found),
        shelves=[ShelfProgressOut.model_validate(p) for p in stocktake_report.progress(session, session_id)],
        handhelds=[HandheldOut.model_validate(h) for h in stocktake_report.handhelds(session, session_id)],
    )


@router.get(
    "/sessions/{session_id}/figures",
    summary="Counts by class and issue: totals, locations, types",
    dependencies=VIEW,
)
def read_figures(session_id: int, session: SessionDep) -> FiguresOut:
    stocktake_sessions.get_row(session, session_id)
    found = stocktake_report.session_figures(session, session_id)
    ids = [i for i in found.by_location if i is not None]
    rows = session.execute(sa.select(LOCATION.c.id, LOCATION.c.code).where(LOCATION.c.id.in_(ids)))
    codes: dict[int, str] = {row.id: row.code for row in rows}
    return FiguresOut(
        totals=found.totals,
        by_location={codes.get(i, "") if i is not None else "": t for i, t in found.by_location.items()},
        by_item_type=dict(found.by_item_type),
        outside_scope=found.outside_scope,
    )


@router.get(
    "/sessions/{session_id}/exceptions",
    summary="Results by class or issue, by call number",
    dependencies=VIEW,
)
def list_exceptions(
    *,
    session_id: int,
    session: SessionDep,
    cls: Annotated[ItemClass | None, Query(description="Only this class.")] = None,
    issue: Annotated[Issue | None, Query(description="Only items with this issue.")] = None,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[ExceptionOut]:
    stocktake_sessions.get_row(session, session_id)
    fetch = partial(
        stocktake_report.exceptions,
        session,
        session_id,
        cls=cls.value if cls is not None else None,
        issue=issue.value if issue is not None else None,
    )
    return offset_page(fetch, ExceptionOut, limit=limit, offset=offset)


@router.get(
    "/sessions/{session_id}/tag-events",
    summary="Unknown tags, disagreements, tags to repair",
    dependencies=VIEW,
)
def list_tag_events(session_id: int, session: SessionDep) -> list[TagEventOut]:
    stocktake_sessions.get_row(session, session_id)
    return [TagEventOut.model_validate(e) for e in stocktake_report.tag_events(session, session_id)]


@router.get(
    "/sessions/{session_id}/corrections",
    summary="Shelf correction lists: the books to move, shelf by shelf",
    dependencies=VIEW,
)
def list_corrections(session_id: int, session: SessionDep) -> list[ShelfCorrectionsOut]:
    stocktake_sessions.get_row(session, session_id)
    return [ShelfCorrectionsOut.model_validate(c) for c in stocktake_report.corrections(session, session_id)]


@router.get(
    "/sessions/{session_id}/results.csv",
    summary="Every result as CSV, in shelf order: by where it belongs, then by that location's shelf order",
    response_class=StreamingResponse,
    dependencies=VIEW,
)
def export_results(session_id: int, session: SessionDep, circulation: CirculationDep) -> StreamingResponse:
    stocktake_sessions.get_row(session, session_id)
    lines = list(
        stocktake_report.results_csv(session, session_id, circulation.shelf_orders)
    )  # read inside the request's session
    headers = {"Content-Disposition": f'attachment; filename="stocktake-{session_id}.csv"'}
    return StreamingResponse(iter(lines), media_type="text/csv; charset=utf-8", headers=headers)


@router.get(
    "/sessions/{session_id}/report.pdf",
    summary="The annual inventory report (biên bản kiểm kê) of a closed session, as PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, 409: {"description": "The session is not closed."}},
    dependencies=VIEW,
)
def export_report(
    session_id: int,
    session: SessionDep,
    circulation: CirculationDep,
    settings: SettingsDep,
    lang: Annotated[Language, Query(description="vi (default) or en.")] = DEFAULT_LANGUAGE,
) -> Response:
    minutes = stocktake_minutes.gather(
        session, session_id, circulation.shelf_orders, library_name=settings.library_name
    )
    document = stocktake_pdf.render(minutes, lang, circulation.timezone)
    headers = {"Content-Disposition": f'attachment; filename="{stocktake_pdf.filename(session_id, lang)}"'}
    return Response(document, media_type="application/pdf", headers=headers)


@router.get(
    "/sessions/{session_id}/actions",
    summary="The closing actions: proposed, applied, undone",
    dependencies=VIEW,
)
def list_actions(session_id: int, session: SessionDep) -> list[ActionOut]:
    stocktake_sessions.get_row(session, session_id)
    return [ActionOut.model_validate(a) for a in stocktake_actions.list_actions(session, session_id)]


@router.post(
    "/sessions/{session_id}/actions/apply",
    summary="Apply the chosen kinds of closing actions",
    response_model=ActionsOutcomeOut,
    dependencies=MANAGE,
)
def apply_actions(session_id: int, body: ActionsApply, write: KeyableWrite) -> Response:
    def apply() -> ActionsOutcomeOut:
        outcome = stocktake_actions.apply(
            write.session,
            write.circulation,
            session_id,
            kinds=set(body.kinds),
            staff=write.staff.username,
            now=write.now,
        )
        return ActionsOutcomeOut.model_validate(outcome)

    subject = stocktake_actions.actions_subject(write.session, session_id)
    return write.once("stocktake.actions.apply", apply, body=body, subject=subject, session_id=session_id)


@router.post(
    "/sessions/{session_id}/actions/undo",
    summary="Undo applied closing actions (of some items, or all), until the report is signed",
    response_model=ActionsOutcomeOut,
    dependencies=MANAGE,
)
def undo_actions(session_id: int, body: ActionsUndo, write: KeyableWrite) -> Response:
    def apply() -> ActionsOutcomeOut:
        outcome = stocktake_actions.undo(
            write.session,
            session_id,
            item_ids=body.item_ids,
            staff=write.staff.username,
            now=write.now,
            lifecycle=write.circulation.lifecycle,
        )
        return ActionsOutcomeOut.model_validate(outcome)

    subject = stocktake_actions.actions_subject(write.session, session_id)
    return write.once("stocktake.actions.undo", apply, body=body, subject=subject, session_id=session_id)
