"""Weeding rounds (đợt thanh lọc) in the console: the rounds with their counts, cap and when the next is
due; a round opened from the weeding list's current filters; a round's page — its copies with the reasons
and evidence they were proposed on and the decision controls, counts and the cap meter, approval, and the
documents kept.

Every change is an audited staff action through the services (server/services/weeding_round*.py), as the
REST API's are: server/console/pages/weeding_round_actions.py. Nothing here decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import Form, Query, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.pages import weeding
from server.console.pages import weeding_round_words as words
from server.console.pages.events import list_url
from server.console.pages.weeding import FiltersDep, _query, _today, weeding_settings
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.domain.weeding.evidence import WeedReason
from server.domain.weeding.rounds import Refused, RoundStatus
from server.services import stocktake_live, weeding_round_proposal, weeding_round_reads
from server.services import weeding_round_documents as documents
from server.services.permissions import Permission, allows
from server.services.weeding_round_reads import EntryFilters
from web import N_, translate
from web.language_names import LANGUAGE_TAGS

pages = ConsoleRouter()
ROUNDS_URL = render.console_url("/weeding/rounds")
PAGE_SIZE = 100  # copies on a round's page: each row carries its decision form
NAV_PATH = weeding.NAV.path  # the rounds are part of weeding in the header (no NAV here: one entry)


def round_url(round_id: int, rest: str = "") -> str:
    return f"{ROUNDS_URL}/{round_id}{rest}"


def may(viewer: Viewer, permission: Permission) -> bool:
    return allows(viewer.staff.role, permission)


def _due(state: ConsoleState, db: Session, now: Any) -> dict[str, Any]:
    rules = weeding_settings(state).rounds
    due = weeding_round_reads.next_due(db, rules, _today(state, now))
    return {"due": due, "threshold": rules.threshold_units, "short": rules.years_up_to_threshold,
            "long": rules.years_above_threshold, "percent": rules.max_share_percent}  # fmt: skip


@pages.page("/weeding/rounds", Permission.WEEDING_VIEW)
def rounds_list(
    request: Request, *, state: StateDep, db: DbDep, viewer: ViewerDep, now: NowDep, filters: FiltersDep
) -> Response:
    """The rounds, newest first; a reviewer also gets the form to open one from the list's filters."""
    query = _query(filters)
    context = {
        "rounds": weeding_round_reads.list_rounds(db),
        "statuses": words.STATUSES,
        "status_tones": words.STATUS_TONES,
        "may_review": may(viewer, Permission.WEEDING_REVIEW),
        "query": query,
        "filtered": any(query.values()),
        "weeding_url": render.console_url("/weeding"),
        "action_key": actions.new_key,
        "today": _today(state, now),
        **_due(state, db, now),
    }
    return render.page(request, state, viewer, "console/weeding/rounds.html", context, nav=NAV_PATH)


@pages.action("/weeding/rounds", Permission.WEEDING_REVIEW)
def open_round(
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    filters: FiltersDep,
    title: Annotated[str, Form(max_length=200)] = "",
    reviewers: Annotated[str, Form(max_length=500)] = "",
    action_key: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Open a round from the candidate list as the filters (the address's) choose it."""
    named = [name.strip() for name in reviewers.split(",") if name.strip()]

    def apply() -> dict[str, Any]:
        row = weeding_round_proposal.open_round(
            db,
            weeding_settings(state),
            _today(state, now),
            filters,
            title=title,
            reviewers=named,
            at=now,
            staff=viewer.staff.username,
        )
        return {"id": row.id, "number": row.number}

    asked = {"title": title, "reviewers": named, **_query(filters)}
    done = actions.perform(db, viewer, now, "weeding.round.open", asked, apply=apply, key=action_key)
    return RedirectResponse(round_url(int(done.reply["id"])), status_code=303)


def _decision_filters(
    decision: Annotated[str | None, Query(max_length=16)] = None,
    reason: Annotated[str | None, Query(max_length=32)] = None,
) -> EntryFilters:
    return EntryFilters(
        decision=decision if decision in words.DECISION_FILTERS else None,
        reason=reason if reason in WeedReason.__members__.values() else None,
    )


def _labelled(lang: Any, labels: Mapping[str, str], anything: str) -> list[tuple[str, str]]:
    return [("", translate(lang, anything))] + [(k, translate(lang, v)) for k, v in labels.items()]


def show(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    round_id: int,
    *,
    filters: EntryFilters | None = None,
    refusals: Sequence[Refused] = (),
    problem: str | None = None,
    told: str | None = None,
    page: int = 1,
    status: int = 200,
) -> Response:
    """The round's page, `PAGE_SIZE` copies a page; `refusals` (from an approval refused) said in words
    above its button, `problem` (copies not added) with them."""
    filters = filters or EntryFilters()
    summary = weeding_round_reads.summary(db, round_id)
    matching = weeding_round_reads.entries(db, round_id, filters)
    pages = max(1, -(-len(matching) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    entries = matching[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    everything = matching if filters == EntryFilters() else weeding_round_reads.entries(db, round_id)
    barcodes = {e.item_id: str(e.snapshot.get("barcode", e.item_id)) for e in everything}
    lang = viewer.lang
    context = {
        "summary": summary,
        "row": summary.row,
        "entries": entries,
        "filters": _filter_query(filters),
        "filtered": filters != EntryFilters(),
        "decision_choices": _labelled(lang, words.DECISION_FILTERS, N_("Any decision")),
        "reason_choices": _labelled(lang, words.REASONS, N_("Any reason")),
        "refusals": [words.refusal_words(lang, r, barcodes) for r in refusals]
        + ([problem] if problem else []),
        "told": told,
        "documents": documents.list_documents(db, round_id),
        "document_names": words.DOCUMENTS,
        "file_name": documents.file_name,
        "places": _places(db),
        "page": page,
        "pages": pages,
        "matching": len(matching),
        "page_url": lambda n: list_url(round_url(round_id), _filter_query(filters), page=str(n)),
        **_round_words(viewer),
    }
    return render.page(
        request, state, viewer, "console/weeding/round.html", context, nav=NAV_PATH, status_code=status
    )


def _filter_query(filters: EntryFilters) -> dict[str, str]:
    return {"decision": filters.decision or "", "reason": filters.reason or ""}


def _round_words(viewer: Viewer) -> dict[str, Any]:
    return {
        "statuses": words.STATUSES,
        "status_tones": words.STATUS_TONES,
        "verdicts": words.VERDICTS,
        "reason_labels": words.REASONS,
        "may_review": may(viewer, Permission.WEEDING_REVIEW),
        "may_approve": may(viewer, Permission.WEEDING_APPROVE),
        "action_key": actions.new_key,
        "round_url": round_url,
        "open_statuses": (RoundStatus.PROPOSED, RoundStatus.UNDER_REVIEW),
        "language_tags": LANGUAGE_TAGS,
    }


def _places(db: Session) -> list[tuple[str, str]]:
    return [
        (p["code"], "\u2003" * p["depth"] + f"{p['name']} ({p['code']})")
        for p in stocktake_live.location_choices(db)
    ]


@pages.page("/weeding/rounds/{round_id}", Permission.WEEDING_VIEW)
def round_page(
    request: Request,
    round_id: int,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    decision: Annotated[str | None, Query(max_length=16)] = None,
    reason: Annotated[str | None, Query(max_length=32)] = None,
    told: Annotated[str | None, Query(max_length=32)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    filters = _decision_filters(decision, reason)
    return show(request, state, db, viewer, round_id, filters=filters, told=told, page=page)
