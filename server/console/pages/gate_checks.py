"""The tag-check queue: items whose tags still sounded a gate while they were on loan, for staff to check.

Every "borrowed, tag still armed" alarm queues its item here with the device or desk that lent it and when
(server/services/tag_checks.py); the check closes by itself at the item's next checkout or return, or when
staff mark it checked here — the same audited service as the REST API's `POST /gate/tag-checks/{id}/done`.
The open checks come first queued first (a work queue); "every check" lists the closed ones too, newest
first, with how each ended.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request
from pydantic_core import to_jsonable_python
from starlette.responses import Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.pages.gate import once_then_back
from server.console.session import ViewerDep
from server.console.state import DbDep, NowDep, StateDep
from server.db.tables.gate import TagCheck
from server.domain.gate import TagCheckOutcome
from server.services import tag_checks
from server.services.permissions import Permission
from server.services.staff_actions import row_subject
from web import N_

pages = ConsoleRouter()
PATH = "/gate/tag-checks"
URL = render.console_url(PATH)
SHOWN = 100

OUTCOME_LABELS: dict[str, str] = {
    TagCheckOutcome.UNSECURED_AT_CHECKOUT: N_("Lent again: unsecured at checkout"),
    TagCheckOutcome.SECURED_AT_CHECKIN: N_("Returned: secured at check-in"),
    TagCheckOutcome.CHECKED: N_("Checked by staff"),
}


@pages.page(PATH, Permission.GATE_VIEW)
def queue(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    every: Annotated[bool, Query()] = False,
    done: Annotated[int | None, Query(ge=1)] = None,
    already: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    context = {
        "checks": tag_checks.list_tag_checks(db, include_closed=every, limit=SHOWN),
        "every": every,
        "open_count": tag_checks.open_checks(db),
        "outcome_labels": OUTCOME_LABELS,
        "action_key": actions.new_key,
        "done": done,
        "already": already,
    }
    return render.page(request, state, viewer, "console/gate/checks.html", context, nav="/gate")


@pages.action(PATH + "/{check_id}/done", Permission.GATE_RESOLVE)
def mark_done(
    check_id: int,
    *,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    note: Annotated[str, Form(max_length=500)] = "",
    action_key: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    text = note.strip() or None

    def apply() -> dict[str, object]:
        closed = tag_checks.mark_done(db, check_id, staff=viewer.staff.username, now=now, note=text)
        reply: dict[str, object] = to_jsonable_python(closed)
        return reply

    return once_then_back(
        db,
        viewer,
        now,
        ("gate.tag_check.done", {"check_id": check_id, "note": text}),
        apply=apply,
        subject=row_subject(db, f"tag_check:{check_id}", TagCheck, id=check_id),
        key=action_key,
        back=(f"{URL}?done={check_id}", f"{URL}?already={check_id}"),
    )
