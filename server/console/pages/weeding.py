"""Weeding (thanh lọc): the copies the library's own evidence proposes for withdrawal, each with its reasons
and the facts behind them in words, and the copies the protections spare with what held them back.

Filters (list, reason, Dewey class, place, item type) are GET parameters, so a filtered list is a link;
pages are keyset pages in shelf order; the CSV is the whole filtered list. The rules are
config/weeding.toml, read when the page is asked for (a change applies at once, and a bad file is named
on the page). Judging is the domain's (server/services/weeding_candidates.py): nothing here decides.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlmodel import Session
from starlette.responses import Response, StreamingResponse

from server.collection_config import WEEDING_FILE, load_weeding
from server.console import render
from server.console.access import ConsoleRouter
from server.console.nav import WEEDING, NavEntry
from server.console.pages.events import labelled, list_url, listing
from server.console.pages.items import item_type_names
from server.console.session import ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.domain.weeding.evidence import Fact, Finding, Protection, Spared, WeedReason
from server.domain.weeding.settings import PREFIX, WeedingSettings
from server.services import stocktake_live
from server.services.permissions import Permission
from server.services.weeding_candidates import (
    WeedingEntry,
    WeedingFilters,
    csv_lines,
    weeding_entries,
    weeding_page,
)
from web import N_, translate
from web.language_names import LANGUAGE_TAGS

pages = ConsoleRouter()
NAV = NavEntry(WEEDING, "/weeding", N_("Weeding"), Permission.WEEDING_VIEW)
NAV_URL = render.console_url(NAV.path)
PAGE_SIZE = 50

REASON_LABELS: dict[str, str] = {
    WeedReason.AGE: N_("Old"),
    WeedReason.UNUSED: N_("Unused"),
    WeedReason.BEYOND_REPAIR: N_("Beyond repair"),
    WeedReason.MISSING_OR_LOST: N_("Missing or lost"),
    WeedReason.SURPLUS: N_("Surplus copies"),
    WeedReason.SUPERSEDED: N_("Superseded edition"),
}
LIST_LABELS: dict[str, str] = {"": N_("Proposed"), "spared": N_("Spared")}

Text = Annotated[str | None, Query(max_length=64)]


def weeding_settings(state: ConsoleState) -> WeedingSettings:
    return load_weeding(state.settings.config_dir / WEEDING_FILE)


def _filters(
    shown: Annotated[str | None, Query(alias="list", max_length=16)] = None,
    reason: Text = None,
    dewey: Annotated[str | None, Query(alias="class", max_length=16)] = None,
    place: Text = None,
    item_type: Annotated[str | None, Query(alias="type", max_length=32)] = None,
) -> WeedingFilters:
    """The filters the address names (the page's and the CSV's); a value that names nothing is left out,
    as a blank one is."""
    prefix = (dewey or "").strip()
    return WeedingFilters(
        spared=shown == "spared",
        reason=WeedReason(reason) if reason in REASON_LABELS else None,
        class_prefix=prefix if prefix and PREFIX.match(prefix) else None,
        location_id=int(place) if place and place.isdigit() and len(place) < 10 else None,
        item_type=item_type or None,
    )


FiltersDep = Annotated[WeedingFilters, Depends(_filters)]


def _query(filters: WeedingFilters) -> dict[str, str]:
    """The filters as the address writes them, blank where unset."""
    return {
        "list": "spared" if filters.spared else "",
        "reason": filters.reason or "",
        "class": filters.class_prefix or "",
        "place": str(filters.location_id or ""),
        "type": filters.item_type or "",
    }


def _today(state: ConsoleState, now: datetime) -> date:
    return now.astimezone(state.timezone).date()


@pages.page("/weeding", Permission.WEEDING_VIEW)
def weeding(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    filters: FiltersDep,
    after: Text = None,
) -> Response:
    lang, query = viewer.lang, _query(filters)
    today = _today(state, now)
    found = weeding_page(db, weeding_settings(state), today, filters, after=after, limit=PAGE_SIZE)
    types = item_type_names(state, lang)
    context = listing(NAV_URL, query, found.next_after, after) | {
        "entries": [_said(entry) for entry in found.items],
        "spared": filters.spared,
        "csv_url": list_url(render.console_url("/weeding.csv"), query),
        "rounds_url": list_url(render.console_url("/weeding/rounds"), query),
        "list_choices": [(code, translate(lang, label)) for code, label in LIST_LABELS.items()],
        "reason_choices": labelled(lang, REASON_LABELS, N_("Any reason")),
        "place_choices": _places(db, lang),
        "type_choices": labelled(lang, types, N_("Any item type")),
        "item_types": types,
        "reason_labels": REASON_LABELS,
    }
    return render.page(request, state, viewer, "console/weeding/list.html", context, nav=NAV.path)


@pages.page("/weeding.csv", Permission.WEEDING_VIEW)
def weeding_csv(
    *,
    state: StateDep,
    db: DbDep,
    now: NowDep,
    filters: FiltersDep,
) -> StreamingResponse:
    today = _today(state, now)
    # Read inside the request's database session, before the response streams.
    lines = list(csv_lines(weeding_entries(db, weeding_settings(state), today, filters)))
    name = f"weeding-{'spared' if filters.spared else 'candidates'}-{today.isoformat()}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(iter(lines), media_type="text/csv; charset=utf-8", headers=headers)


def _places(db: Session, lang: Any) -> list[tuple[str, str]]:
    anywhere = ("", translate(lang, N_("Anywhere")))
    return [anywhere] + [
        (str(p["id"]), "\u2003" * p["depth"] + f"{p['name']} ({p['code']})")
        for p in stocktake_live.location_choices(db)
    ]


def _facts(facts: tuple[Fact, ...]) -> dict[str, Fact]:
    """A finding's facts by name, ISO dates as dates (the template says them in the reader's language)."""
    return {f.name: Fact(f.name, _as_date(f.value), _as_date(f.limit)) for f in facts}


def _as_date(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return date.fromisoformat(value)
    return value


def _said(entry: WeedingEntry) -> dict[str, Any]:
    """An entry with its findings and protections ready for words."""
    outcome = entry.outcome
    protections: tuple[Protection, ...] = outcome.protections if isinstance(outcome, Spared) else ()
    findings: tuple[Finding, ...] = outcome.findings
    return {
        "entry": entry,
        "title_lang": LANGUAGE_TAGS.get(entry.language or ""),
        "findings": [(f.reason.value, _facts(f.facts)) for f in findings],
        "protections": [(p.kind.value, _facts(p.facts)) for p in protections],
        "last_loan": _day(entry.item.last_loan_day),
        "last_in_house": _day(entry.item.last_in_house_day),
        "last_found": _day(entry.item.last_inventory_day),
        "added": _day(entry.item.added_day),
    }


def _day(number: int | None) -> date | None:
    return date.fromordinal(number) if number is not None else None
