"""Dead letters: the messages and events the server could not apply, and why — filtered by device, reason
and time of arrival, newest first in keyset pages. A dead letter's page shows the reason, the ingest's
technical detail, its place in its batch and the raw message as it arrived, PINs and passwords overwritten:
the ingest scrubbed them before storing, and server/services/audit.py scrubs again on the way out with the
same helper (server/privacy.py), so an upstream slip still shows nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from contract.codec import RejectReason
from server.console import render
from server.console.access import ConsoleRouter
from server.console.pages.events import NAV as HOME_NAV
from server.console.pages.events import Text, device_choices, labelled, listing, moment
from server.console.session import ViewerDep
from server.console.state import DbDep, StateDep
from server.errors import NotFoundError
from server.services import audit
from server.services.permissions import Permission
from web import N_

pages = ConsoleRouter()
LIST_URL = render.console_url("/dead-letters")
PAGE_SIZE = 50
MAX_ID = 2**62  # larger numbers are no dead letter's, and no database's integer

REASON_LABELS: dict[str, str] = {
    RejectReason.TOO_LARGE: N_("Too large"),
    RejectReason.BAD_JSON: N_("Not valid JSON"),
    RejectReason.NOT_AN_EVENT: N_("Not an event"),
    RejectReason.UNKNOWN_KIND: N_("Unknown kind of event"),
    RejectReason.UNSUPPORTED_VERSION: N_("Version not supported"),
    RejectReason.SCHEMA_ERROR: N_("Fields not as the contract says"),
    RejectReason.DEVICE_MISMATCH: N_("Sent in another device's name"),
    RejectReason.APPLY_ERROR: N_("Could not be applied"),
}


@pages.page("/dead-letters", Permission.EVENTS_VIEW)
def list_dead_letters(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    device: Text = None,
    reason: Text = None,
    time_from: Annotated[str | None, Query(alias="from", max_length=32)] = None,
    time_to: Annotated[str | None, Query(alias="to", max_length=32)] = None,
    after: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    zone, lang = state.timezone, viewer.lang
    query = {"device": device or "", "reason": reason or "", "from": time_from or "", "to": time_to or ""}
    filters = audit.DeadLetterFilters(
        device_id=device or None,
        reason=reason or None,
        received_from=moment(time_from, zone),
        received_to=moment(time_to, zone),
    )
    found = audit.list_dead_letters(db, filters, after=after, limit=PAGE_SIZE)
    context = listing(LIST_URL, query, found.next_after, after) | {
        "letters": found.items,
        "device_choices": device_choices(state, db, lang),
        "reason_choices": labelled(lang, REASON_LABELS, N_("Any reason")),
        "reason_labels": REASON_LABELS,
    }
    return render.page(request, state, viewer, "console/events/dead_letters.html", context, nav=HOME_NAV.path)


@pages.page("/dead-letters/{letter_id}", Permission.EVENTS_VIEW)
def show_dead_letter(
    request: Request, letter_id: str, state: StateDep, db: DbDep, viewer: ViewerDep
) -> Response:
    number = int(letter_id) if letter_id.isdigit() and len(letter_id) < 18 else 0
    if number == 0:
        raise NotFoundError(f"no dead letter {letter_id}")
    entry, raw = audit.get_dead_letter(db, number)  # scrubbed once more by the service
    try:
        text: str | None = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    context = {
        "letter": entry,
        "raw_text": text,
        "raw_hex": raw.hex(" ", 1) if text is None else None,
        "reason_labels": REASON_LABELS,
    }
    return render.page(request, state, viewer, "console/events/dead_letter.html", context, nav=HOME_NAV.path)
