"""The missing and lost lists as CSV (server/console/pages/losses.py): the same entries, filters and order
as the pages, every time in ISO 8601."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Query
from starlette.responses import StreamingResponse

from server.console.access import ConsoleRouter
from server.console.pages.losses import Place, loss_kind, lost_entries, search_entries
from server.console.state import DbDep, NowDep, StateDep
from server.domain.lifecycle.lists import LostEntry, SearchEntry
from server.services.permissions import Permission

pages = ConsoleRouter()


def _lines(header: Iterable[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    for cells in (header, *rows):
        out.seek(0)
        out.truncate()
        writer.writerow(cells)
        yield out.getvalue()


def _csv(lines: list[str], name: str) -> StreamingResponse:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(iter(lines), media_type="text/csv; charset=utf-8", headers=headers)


def _iso(when: datetime | None) -> str:
    return when.isoformat() if when is not None else ""


@pages.page("/losses.csv", Permission.LOSSES_VIEW)
def search_csv(*, state: StateDep, db: DbDep, now: NowDep, place: Place = "") -> StreamingResponse:
    header = (
        "barcode",
        "title",
        "location",
        "call_number",
        "search_number",
        "search_due_at",
        "missing_since",
    )
    rows = (_search_row(e) for e in search_entries(state, db, now, place))
    return _csv(list(_lines(header, rows)), f"search-list-{now.date().isoformat()}.csv")


@pages.page("/losses/lost.csv", Permission.LOSSES_VIEW)
def lost_csv(
    *,
    state: StateDep,
    db: DbDep,
    now: NowDep,
    place: Place = "",
    loss: Annotated[str, Query(max_length=8)] = "",
) -> StreamingResponse:
    header = ("barcode", "title", "location", "call_number", "loss", "since", "lost_at", "reviewed_at")
    rows = (_lost_row(e) for e in lost_entries(state, db, now, place, loss_kind(loss)))
    return _csv(
        list(_lines((*header, "withdrawal_proposed_at"), rows)), f"lost-list-{now.date().isoformat()}.csv"
    )


def _search_row(e: SearchEntry) -> tuple[object, ...]:
    where = (e.location or "", e.call_number or "")
    return (e.barcode, e.title, *where, e.search_number, _iso(e.search_due_at), _iso(e.missing_since))


def _lost_row(e: LostEntry) -> tuple[str, ...]:
    where = (e.location or "", e.call_number or "")
    times = (_iso(e.since), _iso(e.lost_at), _iso(e.reviewed_at), _iso(e.withdrawal_proposed_at))
    return (e.barcode, e.title, *where, e.loss.value, *times)
