"""What staff do to a weeding round from the console, each an audited staff action through the services:
decide on a copy (htmx answers the copy's row and the counts; a refusal — another reviewer decided first,
the cap, a loan or a hold — is said in the row, with the decision that stands), change the list while
proposed, start the review, reopen, approve (refusals explained above the button), abandon, close, make
the documents again; and download a kept document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any

from fastapi import Form
from starlette.responses import HTMLResponse, RedirectResponse, Response

from server.console import render
from server.console.access import ConsoleRouter
from server.console.actions import Acting, ActingDep
from server.console.pages import weeding_round_words as words
from server.console.pages.weeding import weeding_settings
from server.console.pages.weeding_rounds import _round_words, round_url, show
from server.console.session import Viewer
from server.console.state import ConsoleState, DbDep
from server.db.tables import WeedingRound, WeedingRoundEntry
from server.domain.weeding.rounds import Verdict
from server.errors import InvalidInputError, NotFoundError
from server.services import (
    weeding_round_approval,
    weeding_round_proposal,
    weeding_round_reads,
    weeding_rounds,
)
from server.services import weeding_round_documents as documents
from server.services.permissions import Permission
from server.services.staff_actions import Subject, row_subject
from server.services.weeding_round_store import RoundRefusedError, entry_rows, get_round
from web import N_, translate

pages = ConsoleRouter()
NOT_ADDED = N_("Not added — not held, withdrawn already or in another open round: %(detail)s")
KeyField = Annotated[str, Form(max_length=64)]


def _round_subject(db: Any, round_id: int) -> Subject:
    return row_subject(db, f"weeding_round:{round_id}", WeedingRound, id=round_id)


def _step(
    acting: Acting,
    round_id: int,
    *,
    kind: str,
    asked: Mapping[str, Any],
    apply: Callable[[], dict[str, Any]],
    key: str,
    told: str,
) -> Response:
    """An audited move of the round, then its page again (refused: the page says why, 409)."""
    request, state, db, viewer = acting.request, acting.state, acting.db, acting.viewer
    refusal = acting.attempt(
        kind, {"round_id": round_id, **asked}, apply=apply, subject=_round_subject(db, round_id), key=key,
        refused=(RoundRefusedError, InvalidInputError),
    )  # fmt: skip
    if isinstance(refusal, RoundRefusedError):
        return show(request, state, db, viewer, round_id, refusals=refusal.refused, status=409)
    if refusal is not None:  # copies to add that are not held, or in another open round
        said = translate(viewer.lang, NOT_ADDED) % {"detail": str(refusal).partition(": ")[2] or str(refusal)}
        return show(request, state, db, viewer, round_id, problem=said, status=422)
    return RedirectResponse(round_url(round_id, f"?told={told}"), status_code=303)


def _entry_reply(entry: WeedingRoundEntry) -> dict[str, Any]:
    return {"item_id": entry.item_id, "version": entry.version, "verdict": entry.verdict}


@pages.action("/weeding/rounds/{round_id}/entries/{item_id}", Permission.WEEDING_REVIEW)
def decide(
    round_id: int,
    item_id: int,
    *,
    acting: ActingDep,
    version: Annotated[int, Form(ge=0)],
    verdict: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
    move_to: Annotated[str, Form(max_length=64)] = "",
    action_key: KeyField = "",
) -> Response:
    """One reviewer's decision on one copy (an empty verdict undoes the decision)."""
    request, state, db, viewer, now = acting.request, acting.state, acting.db, acting.viewer, acting.now
    chosen = Verdict(verdict) if verdict in Verdict.__members__.values() else None
    asked = weeding_rounds.Asked(item_id, version, chosen, note or None, move_to or None)
    rules = weeding_settings(state).rounds

    def apply() -> dict[str, Any]:
        done = weeding_rounds.decide(db, round_id, [asked], rules=rules, at=now, staff=viewer.staff.username)
        return {"changed": [_entry_reply(e) for e in done.changed]}

    request_values = {"round_id": round_id, "item_id": item_id, "version": version, "verdict": chosen,
                      "note": note or None, "move_to": move_to or None}  # fmt: skip
    subject = row_subject(db, f"weeding_round:{round_id}:item:{item_id}", WeedingRoundEntry,
                          round_id=round_id, item_id=item_id)  # fmt: skip
    refusal = acting.attempt(
        "weeding.decide",
        request_values,
        apply=apply,
        subject=subject,
        key=action_key,
        refused=(RoundRefusedError,),
    )
    refusals: Sequence[Any] = refusal.refused if isinstance(refusal, RoundRefusedError) else ()
    if request.headers.get("hx-request") == "true":
        return _row(state, db, viewer, (round_id, item_id), refusals)
    if refusals:
        return show(request, state, db, viewer, round_id, refusals=refusals, status=409)
    return RedirectResponse(round_url(round_id, f"#entry-{item_id}"), status_code=303)


def _row(
    state: ConsoleState, db: Any, viewer: Viewer, entry_of: tuple[int, int], refusals: Sequence[Any]
) -> Response:
    """The copy's row afresh (with the refusal, if any, and the decision that stands) and the counts."""
    round_id, item_id = entry_of
    (entry,) = entry_rows(db, round_id, [item_id])
    summary = weeding_round_reads.summary(db, round_id)
    barcodes = {item_id: str(entry.snapshot.get("barcode", item_id))}
    html = render.fragment(
        state, viewer, "console/weeding/round_entry_answer.html",
        e=entry, row=summary.row, summary=summary,
        refusal=" ".join(words.refusal_words(viewer.lang, r, barcodes) for r in refusals),
        **_round_words(viewer),
    )  # fmt: skip
    return HTMLResponse(html)


def _move(name: str, kind: str, permission: Permission, move: Callable[..., Any], told: str) -> None:
    """A round move with no fields of its own: POST /weeding/rounds/{id}/<name>."""

    @pages.action(f"/weeding/rounds/{{round_id}}/{name}", permission)
    def step(round_id: int, acting: ActingDep, action_key: KeyField = "") -> Response:
        def apply() -> dict[str, Any]:
            move(acting.db, acting.state, round_id, acting.now, acting.viewer.staff.username)
            return {"status": get_round(acting.db, round_id).status}

        return _step(acting, round_id, kind=kind, asked={}, apply=apply, key=action_key, told=told)

    step.__name__ = f"round_{name.replace('-', '_')}"


def _review(db: Any, state: ConsoleState, round_id: int, now: Any, staff: str) -> object:
    library = state.settings.library_name
    return weeding_rounds.start_review(db, round_id, at=now, staff=staff, library=library)


def _reopen(db: Any, _state: ConsoleState, round_id: int, _now: Any, _staff: str) -> object:
    return weeding_rounds.reopen(db, round_id)


def _approve(db: Any, state: ConsoleState, round_id: int, now: Any, staff: str) -> object:
    rules, library = weeding_settings(state).rounds, state.settings.library_name
    return weeding_round_approval.approve(db, round_id, rules=rules, at=now, staff=staff, library=library)


def _abandon(db: Any, _state: ConsoleState, round_id: int, now: Any, staff: str) -> object:
    return weeding_rounds.abandon(db, round_id, at=now, staff=staff)


def _close(db: Any, _state: ConsoleState, round_id: int, now: Any, staff: str) -> object:
    return weeding_rounds.close(db, round_id, at=now, staff=staff)


def _documents(db: Any, state: ConsoleState, round_id: int, now: Any, staff: str) -> object:
    kinds = documents.kinds_for(get_round(db, round_id).status)
    return documents.make(db, round_id, kinds, at=now, staff=staff, library=state.settings.library_name)


for _name, _permission, _apply, _told in (
    ("review", Permission.WEEDING_REVIEW, _review, "review"),
    ("reopen", Permission.WEEDING_REVIEW, _reopen, "reopened"),
    ("approve", Permission.WEEDING_APPROVE, _approve, "approved"),
    ("abandon", Permission.WEEDING_APPROVE, _abandon, "abandoned"),
    ("close", Permission.WEEDING_APPROVE, _close, "closed"),
    ("documents", Permission.WEEDING_REVIEW, _documents, "documents"),
):
    _move(_name, f"weeding.round.{_name}", _permission, _apply, _told)


@pages.action("/weeding/rounds/{round_id}/items", Permission.WEEDING_REVIEW)
def add_items(
    round_id: int,
    acting: ActingDep,
    barcodes: Annotated[str, Form(max_length=2000)] = "",
    action_key: KeyField = "",
) -> Response:
    """Copies added by barcode (one a line, or separated by spaces or commas) while the round is proposed."""
    named = barcodes.replace(",", " ").split()

    def apply() -> dict[str, Any]:
        return {"added": [e.item_id for e in weeding_round_proposal.add_items(acting.db, round_id, named)]}

    asked = {"barcodes": named}
    return _step(
        acting, round_id, kind="weeding.round.add", asked=asked, apply=apply, key=action_key, told="added"
    )


@pages.action("/weeding/rounds/{round_id}/items/{item_id}/remove", Permission.WEEDING_REVIEW)
def remove_item(round_id: int, item_id: int, acting: ActingDep, action_key: KeyField = "") -> Response:
    def apply() -> dict[str, Any]:
        return {"removed": weeding_round_proposal.remove_items(acting.db, round_id, [item_id])}

    kind, asked = "weeding.round.remove", {"item_id": item_id}
    return _step(acting, round_id, kind=kind, asked=asked, apply=apply, key=action_key, told="removed")


def _download(db: Any, round_id: int, document_id: int, fmt: str) -> Response:
    document = documents.get_document(db, round_id, document_id)
    if document.format != fmt:
        raise NotFoundError(f"document {document_id} is not a {fmt}")
    name = documents.file_name(get_round(db, round_id), document)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(document.content, media_type=documents.MEDIA_TYPES[document.format], headers=headers)


@pages.page("/weeding/rounds/{round_id}/documents/{document_id}.csv", Permission.WEEDING_VIEW)
def download_csv(round_id: int, document_id: int, *, db: DbDep) -> Response:
    return _download(db, round_id, document_id, "csv")


@pages.page("/weeding/rounds/{round_id}/documents/{document_id}.pdf", Permission.WEEDING_VIEW)
def download_pdf(round_id: int, document_id: int, *, db: DbDep) -> Response:
    return _download(db, round_id, document_id, "pdf")
