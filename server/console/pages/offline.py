"""The offline exceptions queue: what kiosks did while they could not reach the server, that the record did
not allow as it stood — applied the way a librarian would want (server/services/offline_apply.py) and
listed here, in the order it happened, for staff to look at and settle with a note.

Each row says which kiosk and when, the reader (their page) and the book (its page), what happened in plain
words, and the loan the server made or closed for it. Settling is an audited staff action, the same as the
REST API's `POST /offline/exceptions/{id}/settle`, once per form. Settled exceptions stay on their own tab.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.actions import ActingDep
from server.console.nav import OFFLINE, NavEntry
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, StateDep
from server.db.tables.offline import OfflineException
from server.domain.offline import OfflineOutcome, OfflineProblem
from server.errors import ConflictError
from server.services import offline_transactions
from server.services.permissions import Permission, allows
from server.services.staff_actions import row_subject
from web import N_, translate

pages = ConsoleRouter()
NAV = NavEntry(OFFLINE, "/offline", N_("Offline"), Permission.OFFLINE_VIEW)
QUEUE_URL = render.console_url(NAV.path)

# What happened, in a librarian's words: the problem, and what the server did about it.
PROBLEM_LABELS: dict[str, str] = {
    OfflineProblem.UNKNOWN_CARD: N_("The card is not a reader's card: nothing was recorded."),
    OfflineProblem.UNKNOWN_ITEM: N_("The book is not in the catalogue: nothing was recorded."),
    OfflineProblem.READER_EXPIRED: N_("The reader's card had expired; the loan was recorded."),
    OfflineProblem.READER_BLOCKED: N_("The reader was blocked; the loan was recorded."),
    OfflineProblem.READER_FINES: N_("The reader owed fines over the limit; the loan was recorded."),
    OfflineProblem.READER_OVERDUE: N_("The reader had overdue loans; the loan was recorded."),
    OfflineProblem.OVER_LIMIT: N_("The reader was over their loan limit; the loan was recorded."),
    OfflineProblem.NOT_FOR_LOAN: N_("The copy is not for loan; the loan was recorded."),
    OfflineProblem.ITEM_UNAVAILABLE: N_(
        "The copy was missing, lost, damaged or withdrawn; it is found, and the loan was recorded."
    ),
    OfflineProblem.HELD_FOR_OTHER: N_(
        "The copy was on the hold shelf for another reader, whose hold waits for the next copy; the loan "
        "was recorded."
    ),
    OfflineProblem.RETURNED_UNRECORDED: N_(
        "The copy was on loan to another reader, whose return was never recorded: that loan was closed "
        "when this one began."
    ),
    OfflineProblem.LENT_MEANWHILE: N_(
        "The copy was lent to another reader afterwards: that loan stands; this one was recorded and "
        "closed when that one began."
    ),
}
KIND_LABELS = {"checkout": N_("Loan"), "checkin": N_("Return")}
OUTCOME_LABELS: dict[str, str] = {
    OfflineOutcome.LENT: N_("Lent"),
    OfflineOutcome.LENT_CLOSED: N_("Lent, then closed"),
    OfflineOutcome.LENT_RETURNED: N_("Lent, then returned"),
    OfflineOutcome.ALREADY_LENT: N_("Already on loan"),
    OfflineOutcome.RETURNED: N_("Returned"),
    OfflineOutcome.SEEN: N_("Seen only"),
    OfflineOutcome.NOT_APPLIED: N_("Not recorded"),
}
DONE = N_("The exception is settled.")
ALREADY = N_("Someone else settled this exception first.")
VIEWS = ("open", "settled")


def _queue_page(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    *,
    view: str = "open",
    notice: str | None = None,
    error: str | None = None,
) -> Response:
    settled = view == "settled"
    context: dict[str, Any] = {
        "rows": offline_transactions.list_exceptions(db, settled=settled),
        "open_count": offline_transactions.open_count(db),
        "view": view,
        "notice": translate(viewer.lang, notice) if notice else None,
        "error": translate(viewer.lang, error) if error else None,
        "may_settle": allows(viewer.staff.role, Permission.OFFLINE_SETTLE),
        "problem_labels": PROBLEM_LABELS,
        "kind_labels": KIND_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "new_key": actions.new_key,
    }
    status = 409 if error else 200
    return render.page(
        request, state, viewer, "console/offline/queue.html", context, nav=NAV.path, status_code=status
    )


@pages.page("/offline", Permission.OFFLINE_VIEW)
def queue(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    view: Annotated[str, Query(max_length=10)] = "open",
    done: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """Open exceptions (`view=settled`: the settled ones); `done` says the last settlement went through."""
    shown = view if view in VIEWS else "open"
    notice = {"settled": DONE, "already": ALREADY}.get(done)
    return _queue_page(request, state, db, viewer, view=shown, notice=notice)


@pages.action("/offline/exceptions/{exception_id}/settle", Permission.OFFLINE_SETTLE)
def settle(
    exception_id: int,
    acting: ActingDep,
    note: Annotated[str, Form(max_length=500)] = "",
    action_key: Annotated[str | None, Form(max_length=40)] = None,
) -> Response:
    db, viewer = acting.db, acting.viewer
    said = note.strip() or None

    def apply() -> dict[str, Any]:
        row = offline_transactions.settle(
            db, exception_id, note=said, staff=viewer.staff.username, now=acting.now
        )
        return {"id": row.id, "reason": row.reason.value, "note": row.note}

    subject = row_subject(db, f"offline_exception:{exception_id}", OfflineException, id=exception_id)
    refusal = acting.attempt(
        "offline.settle",
        {"exception_id": exception_id, "note": said},
        apply=apply,
        subject=subject,
        key=action_key,
        refused=(ConflictError,),
    )
    done = "settled" if refusal is None else "already"
    return RedirectResponse(f"{QUEUE_URL}?done={done}", status_code=303)
