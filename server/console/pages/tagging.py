"""The tagging station page (Gắn thẻ RFID): scan a book's barcode, the station's pad writes its tag, the
answer shows big; the barcode field is ready for the next book at once.

A scan looks the copy up (server/services/tagging.py). With "write as soon as scanned" on (the default), an
order goes straight to the chosen station on its commands topic; the station waits for exactly one tag on
its pad, checks it with the server, writes, verifies and secures it, and reports — and the page, which
follows the order over its event stream, shows the outcome the moment the report is committed. With it
off, the book is shown first and Enter (or "Write the tag") sends the order. A copy that already has a tag
is shown with its tag and a "Re-tag" button: nothing is overwritten unless asked. Keyboard only: the
barcode field has the focus after every scan, Enter sends; Tab reaches the buttons.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Form, Query, Request
from sqlmodel import Session
from sse_starlette import EventSourceResponse
from starlette.responses import RedirectResponse, Response

from server.console import render
from server.console.access import ConsoleRouter
from server.console.live.stream import LiveFragment, live_response
from server.console.nav import TAGGING, NavEntry
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.errors import InvalidInputError, NotFoundError
from server.services import tagging
from server.services.permissions import Permission
from web import N_, translate

pages = ConsoleRouter()
NAV = NavEntry(TAGGING, "/tagging", N_("RFID tagging"), Permission.TAGGING)
PAGE_URL = render.console_url(NAV.path)
REPORT_KINDS = frozenset({"tagging.report"})
# Past its expiry (and this grace for the report to travel) an order still waiting has had no answer.
GRACE = timedelta(seconds=3)

REFUSALS: dict[str, str] = {
    "no_tag": N_("No tag on the pad. Put the book with its tag on the pad, then scan it again."),
    "several_tags": N_("Several tags on the pad. Leave only this book on it, then scan it again."),
    "unreadable": N_("The tag could not be read. Move the book on the pad and try again, or use a new tag."),
    "foreign_tag": N_("This tag belongs to another library (its item %(holder)s). Use a new tag."),
    "unknown_data": N_("This tag holds another system's data. Use a new tag."),
    "other_item": N_("This tag is already written for our item %(holder)s. Use a new tag."),
    "tag_in_use": N_("This tag already belongs to our item %(holder)s. Use a new tag."),
    "write_failed": N_("Writing the tag failed. Keep the book still on the pad and try again."),
    "verify_failed": N_("The tag did not read back what was written. Try again, or use a new tag."),
    "security_failed": N_("The tag was written, but its security could not be set. Try again."),
    "expired": N_("The order reached the station too late. Scan the book again."),
    "pad_offline": N_("The station's pad does not answer. Check its cable, then scan again."),
    "no_answer": N_("The station could not reach the server in time. Scan the book again."),
    "order_closed": N_("The server no longer waited for this order. Scan the book again."),
    tagging.NOT_SENT: N_(
        "The order could not be sent: the server is not connected to the stations. Try again shortly."
    ),
}
NOT_SENT = REFUSALS[tagging.NOT_SENT]
NO_STATION = N_("Choose a tagging station.")
UNKNOWN_ITEM = N_("No copy has the barcode %(barcode)s.")


def _result(state: ConsoleState, session: Session, viewer: Viewer, request_id: uuid.UUID) -> str:
    request = tagging.request_of(session, request_id)
    silent = request.finished_at is None and state.clock() > request.expires_at + GRACE
    return render.fragment(
        state,
        viewer,
        "console/tagging/result.html",
        request=request,
        silent=silent,
        wait_s=max(1, int((request.expires_at + GRACE - state.clock()).total_seconds()) + 1),
        refusal_text=_refusal_text(viewer, request.refusal, request.holder),
        result_url=render.console_url(f"/tagging/requests/{request.id}/result"),
    )


def _refusal_text(viewer: Viewer, refusal: str | None, holder: str | None) -> str | None:
    if refusal is None:
        return None
    message = REFUSALS.get(refusal)
    if message is None:
        return refusal
    return translate(viewer.lang, message) % {"holder": holder or "—"}


def _page(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    *,
    station: str,
    auto: bool,
    book: tagging.ItemToTag | None = None,
    order_id: uuid.UUID | None = None,
    error: str | None = None,
) -> Response:
    known = tagging.stations(db, _listed_stations(state))
    order = tagging.request_of(db, order_id) if order_id is not None else None
    if order is not None and book is None:
        book = tagging.item_to_tag(db, item_id=order.item_id)
    context: dict[str, Any] = {
        "stations": known,
        "station_options": [(device_id, device_id) for device_id in known],
        "station": station if station in known else (known[0] if known else ""),
        "auto": auto,
        "book": book,
        "order": order,
        "result": _result(state, db, viewer, order.id) if order is not None else None,
        "stream_url": render.console_url(f"/live/tagging/{order.id}") if order is not None else None,
        "error": error,
    }
    status = 400 if error else 200
    return render.page(
        request, state, viewer, "console/tagging/station.html", context, nav=NAV.path, status_code=status
    )


def _listed_stations(state: ConsoleState) -> list[str]:
    return [d.id for d in state.registered_devices() if str(d.kind) == tagging.STATION_KIND]


@pages.page("/tagging", Permission.TAGGING)
def station_page(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    station: Annotated[str, Query(max_length=63)] = "",
    auto: Annotated[str, Query(max_length=3)] = "on",
    order: Annotated[uuid.UUID | None, Query()] = None,
    barcode: Annotated[str, Query(max_length=32)] = "",
) -> Response:
    """The station page; `order` names the order whose outcome it follows; `barcode` a copy picked from its
    record (a copy's page links here): shown, its tag written when staff say so."""
    try:
        book = tagging.item_to_tag(db, barcode) if barcode and order is None else None
        return _page(
            request,
            state,
            db,
            viewer,
            station=station,
            auto=auto == "on",
            book=book,
            order_id=order,
        )
    except NotFoundError:
        return _page(request, state, db, viewer, station=station, auto=auto == "on")


@pages.action("/tagging/scan", Permission.TAGGING)
def scan(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    barcode: Annotated[str, Form(max_length=32)] = "",
    station: Annotated[str, Form(max_length=63)] = "",
    auto: Annotated[str, Form(max_length=3)] = "",
    write: Annotated[str, Form(max_length=3)] = "",
    retag: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """A barcode scanned (or "Write the tag", "Re-tag" pressed): the book shown, or the order sent."""
    is_auto, code = auto == "on", barcode.strip()
    try:
        book = tagging.item_to_tag(db, code)
    except NotFoundError:
        error = translate(viewer.lang, UNKNOWN_ITEM) % {"barcode": code or "—"}
        return _page(request, state, db, viewer, station=station, auto=is_auto, error=error)
    asked = write == "on" or is_auto
    if not asked or (book.tag_uid is not None and retag != "on"):
        return _page(request, state, db, viewer, station=station, auto=is_auto, book=book)
    try:
        order = tagging.order(
            db,
            barcode=book.barcode,
            device_id=station,
            staff=viewer.staff.username,
            now=now,
            retag=retag == "on",
            listed=_listed_stations(state),
        )
    except InvalidInputError:
        return _page(
            request,
            state,
            db,
            viewer,
            station=station,
            auto=is_auto,
            book=book,
            error=translate(viewer.lang, NO_STATION),
        )
    db.commit()
    if not _send(state, order, book.barcode):
        tagging.not_sent(db, order.id, now)
        db.commit()
        return _page(
            request,
            state,
            db,
            viewer,
            station=station,
            auto=is_auto,
            book=book,
            error=translate(viewer.lang, NOT_SENT),
        )
    query = f"station={station}&auto={'on' if is_auto else 'off'}&order={order.id}"
    return RedirectResponse(f"{PAGE_URL}?{query}", status_code=303)


def _send(state: ConsoleState, order: Any, barcode: str) -> bool:
    if state.commands is None:
        return False
    message = tagging.order_message(order, barcode)
    return state.commands(order.device_id, message.model_dump_json().encode())


@pages.fragment("/tagging/requests/{request_id}/result", Permission.TAGGING)
def result(request_id: uuid.UUID, *, state: StateDep, db: DbDep, viewer: ViewerDep) -> Response:
    """The order's outcome as it stands (asked again when the order should have been answered)."""
    return Response(_result(state, db, viewer, request_id), media_type="text/html")


@pages.stream("/live/tagging/{request_id}", Permission.TAGGING)
def live(request_id: uuid.UUID, state: StateDep, db: DbDep, viewer: ViewerDep) -> EventSourceResponse:
    tagging.request_of(db, request_id)  # an order nobody placed: 404 now, not a stream that fails each turn

    def draw(session: Session, who: Viewer) -> str:
        return _result(state, session, who, request_id)

    wants = lambda change: bool(change.kinds & REPORT_KINDS)  # noqa: E731 - the fragment's one rule
    return live_response(state, viewer, [LiveFragment("result", wants, draw)])
