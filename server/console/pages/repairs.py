"""The repair queue (sửa chữa, đóng lại sách): every open ticket, oldest report first, with its copy, the
damage, who reported it and when, and the steps — start the repair, say how it ended (repaired, rebound,
or beyond repair: replace or withdraw), or cancel a report made by mistake.

Each step is an audited staff action through `server/services/repairs.py`, as the REST API's; what the
domain refuses (a repair not started cannot end "repaired") is said in words. The item's own page keeps
its whole condition history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Form, Query, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.actions import Acting, ActingDep
from server.console.nav import REPAIRS, NavEntry
from server.console.pages.losses import title_langs
from server.console.pages.repair_words import (
    DAMAGE_LABELS,
    OUTCOME_LABELS,
    STATE_LABELS,
    refusal_code,
    refusal_text,
    who,
)
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, StateDep
from server.db.tables import RepairTicket
from server.domain.lifecycle.condition import RepairOutcome
from server.services import repair_queue, repairs
from server.services.permissions import Permission, allows
from server.services.staff_actions import row_subject
from web import N_, translate

pages = ConsoleRouter()
NAV = NavEntry(REPAIRS, "/repairs", N_("Repairs"), Permission.REPAIRS_VIEW)
QUEUE_URL = render.console_url("/repairs")

DONE: dict[str, str] = {
    "started": N_("The repair has started."),
    "finished": N_("The repair is finished and recorded in the item's condition history."),
    "cancelled": N_("The report was cancelled: the item is back in circulation."),
}


def _queue_page(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    *,
    done: str = "",
    error: str | None = None,
) -> Response:
    queued = repair_queue.queued_copies(db)
    context: dict[str, Any] = {
        "queue": queued,
        "title_langs": title_langs(db, (q.item_id for q in queued)),
        "notice": translate(viewer.lang, DONE[done]) if done in DONE else None,
        "error": error,
        "may_manage": allows(viewer.staff.role, Permission.REPAIRS_MANAGE),
        "damage_labels": DAMAGE_LABELS,
        "state_labels": STATE_LABELS,
        "outcome_choices": [(code, translate(viewer.lang, label)) for code, label in OUTCOME_LABELS.items()],
        "who": who,
        "new_key": actions.new_key,
    }
    status = 409 if error else 200
    return render.page(
        request, state, viewer, "console/repairs/queue.html", context, nav=NAV.path, status_code=status
    )


@pages.page("/repairs", Permission.REPAIRS_VIEW)
def queue(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    return _queue_page(request, state, db, viewer, done=done)


def _step(
    acting: Acting,
    ticket_id: int,
    *,
    kind: str,
    asked: dict[str, Any],
    step: Callable[[str], RepairTicket],
    done: str,
    key: str | None,
) -> Response:
    db, viewer = acting.db, acting.viewer

    def apply() -> dict[str, Any]:
        row = step(f"staff:{viewer.staff.username}")
        return {"ticket_id": row.id, "state": row.state.value, "outcome": row.outcome}

    subject = row_subject(db, f"repair_ticket:{ticket_id}", RepairTicket, id=ticket_id)
    refusal = acting.attempt(kind, {"ticket_id": ticket_id, **asked}, apply=apply, subject=subject, key=key)
    if refusal is not None:
        error = refusal_text(viewer.lang, refusal_code(refusal))
        return _queue_page(acting.request, acting.state, db, viewer, error=error)
    return RedirectResponse(f"{QUEUE_URL}?done={done}", status_code=303)


Note = Annotated[str, Form(max_length=500)]
ActionKey = Annotated[str | None, Form(max_length=40)]
NotedStep = Callable[..., RepairTicket]


def _noted(name: str, service: NotedStep, done: str) -> None:
    """A step with nothing but a note: POST /repairs/{ticket_id}/<name>, the action `repair.<name>`."""

    @pages.action(f"/repairs/{{ticket_id}}/{name}", Permission.REPAIRS_MANAGE)
    def noted(ticket_id: int, acting: ActingDep, note: Note = "", action_key: ActionKey = None) -> Response:
        said = note.strip() or None

        def step(by: str) -> RepairTicket:
            return service(acting.db, ticket_id, at=acting.now, by=by, note=said)

        asked = {"note": said}
        return _step(
            acting, ticket_id, kind=f"repair.{name}", asked=asked, step=step, done=done, key=action_key
        )

    noted.__name__ = name


_noted("start", repairs.start_repair, "started")
_noted("cancel", repairs.cancel_report, "cancelled")


@pages.action("/repairs/{ticket_id}/finish", Permission.REPAIRS_MANAGE)
def finish(
    ticket_id: int,
    acting: ActingDep,
    outcome: Annotated[RepairOutcome, Form()],
    note: Note = "",
    action_key: ActionKey = None,
) -> Response:
    said = note.strip() or None

    def step(by: str) -> RepairTicket:
        return repairs.finish_repair(acting.db, ticket_id, outcome, at=acting.now, by=by, note=said)

    asked = {"outcome": outcome.value, "note": said}
    return _step(
        acting, ticket_id, kind="repair.finish", asked=asked, step=step, done="finished", key=action_key
    )
