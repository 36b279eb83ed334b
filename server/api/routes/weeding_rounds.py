"""Weeding rounds: open one from the candidate list, change its list, decide (with the entry's version: a
stale one is refused with the decision that stands), start the review, reopen, approve (its copies are
withdrawn), abandon, close; its documents; when the next round is due. Thin: the services
(server/services/weeding_round*.py) decide, every write is in the audit trail, and a refusal of the
domain answers 409 with its reasons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Response

from server.api.deps import SessionDep, SettingsDep, permit
from server.api.idempotency import KeyableWrite, StaffWrite
from server.api.schemas.weeding_rounds import (
    BarcodesIn,
    DecisionsIn,
    DecisionsOut,
    EntryOut,
    ItemIdsIn,
    RefusedOut,
    RoundOpen,
    RoundOut,
)
from server.collection_config import WEEDING_FILE, load_weeding
from server.db.tables import WeedingRound
from server.domain.weeding.settings import WeedingSettings
from server.services import (
    weeding_round_approval,
    weeding_round_proposal,
    weeding_round_reads,
    weeding_rounds,
)
from server.services.permissions import Permission
from server.services.staff_actions import Subject, row_subject
from server.services.weeding_candidates import WeedingFilters
from server.services.weeding_round_reads import EntryFilters, RoundSummary
from server.settings import ServerSettings

router = APIRouter(tags=["weeding"])

VIEW = [permit(Permission.WEEDING_VIEW)]
REVIEW = [permit(Permission.WEEDING_REVIEW)]
APPROVE = [permit(Permission.WEEDING_APPROVE)]


def weeding_settings(settings: ServerSettings) -> WeedingSettings:
    return load_weeding(settings.config_dir / WEEDING_FILE)


def round_out(found: RoundSummary) -> RoundOut:
    row, counts = found.row, found.counts
    return RoundOut.model_validate(
        row.model_dump()
        | {
            "cap": found.cap,
            "entries": counts.entries,
            "undecided": counts.undecided,
            "by_verdict": counts.by_verdict,
        }
    )


@router.get("/weeding/rounds", summary="Every weeding round, the newest first", dependencies=VIEW)
def list_rounds(*, session: SessionDep) -> list[RoundOut]:
    return [round_out(found) for found in weeding_round_reads.list_rounds(session)]


@router.post(
    "/weeding/rounds",
    summary="Open a round proposing the candidates the filters choose (none already in an open round)",
    response_model=RoundOut,
    status_code=201,
    dependencies=REVIEW,
)
def open_round(body: RoundOpen, write: KeyableWrite, settings: SettingsDep) -> Response:
    filters = WeedingFilters(
        reason=body.reason,
        class_prefix=body.class_prefix,
        location_id=body.location_id,
        item_type=body.item_type,
    )

    def apply() -> RoundOut:
        row = weeding_round_proposal.open_round(
            write.session,
            weeding_settings(settings),
            write.now.date(),
            filters,
            title=body.title,
            reviewers=body.reviewers,
            at=write.now,
            staff=write.staff.username,
        )
        assert row.id is not None
        return round_out(weeding_round_reads.summary(write.session, row.id))

    return write.once("weeding.round.open", apply, body=body, status_code=201)


@router.get("/weeding/rounds/{round_id}", summary="One round with its counts", dependencies=VIEW)
def get_round(round_id: int, *, session: SessionDep) -> RoundOut:
    return round_out(weeding_round_reads.summary(session, round_id))


@router.get(
    "/weeding/rounds/{round_id}/entries", summary="The round's copies in list order", dependencies=VIEW
)
def list_entries(
    round_id: int,
    *,
    session: SessionDep,
    decision: Annotated[str | None, Query(max_length=16, description="A verdict, or undecided.")] = None,
    reason: Annotated[str | None, Query(max_length=32)] = None,
) -> list[EntryOut]:
    weeding_round_reads.summary(session, round_id)  # 404 for no round
    found = weeding_round_reads.entries(session, round_id, EntryFilters(decision, reason))
    return [EntryOut.model_validate(entry) for entry in found]


@router.post(
    "/weeding/rounds/{round_id}/entries",
    summary="Decide on copies (keep, withdraw, repair, move; null undoes), each on the version read",
    response_model=DecisionsOut,
    dependencies=REVIEW,
)
def decide(round_id: int, body: DecisionsIn, write: KeyableWrite, settings: SettingsDep) -> Response:
    rules = weeding_settings(settings).rounds
    asked = [weeding_rounds.Asked(d.item_id, d.version, d.verdict, d.note, d.move_to) for d in body.decisions]

    def apply() -> DecisionsOut:
        done = weeding_rounds.decide(
            write.session, round_id, asked, rules=rules, at=write.now, staff=write.staff.username
        )
        refused = [
            RefusedOut(
                item_id=r.item_id,
                refusal=r.refusal,
                facts={f.name: f.value for f in r.facts},
                current=_current(done, r.item_id),
            )
            for r in done.refused
        ]
        return DecisionsOut(changed=[EntryOut.model_validate(e) for e in done.changed], refused=refused)

    return write.once(
        "weeding.decide", apply, body=body, subject=subject_of(write, round_id), round_id=round_id
    )


def _current(done: weeding_rounds.Decisions, item_id: int | None) -> EntryOut | None:
    found = done.current.get(item_id) if item_id is not None else None
    return EntryOut.model_validate(found) if found is not None else None


def subject_of(write: StaffWrite, round_id: int) -> Subject:
    return row_subject(write.session, f"weeding_round:{round_id}", WeedingRound, id=round_id)


def step(write: StaffWrite, round_id: int, kind: str, step: Callable[[], object]) -> Response:
    def apply() -> RoundOut:
        step()
        return round_out(weeding_round_reads.summary(write.session, round_id))

    return write.once(kind, apply, subject=subject_of(write, round_id), round_id=round_id)


@router.post(
    "/weeding/rounds/{round_id}/items",
    summary="Add copies by barcode while proposed",
    response_model=RoundOut,
    dependencies=REVIEW,
)
def add_items(round_id: int, body: BarcodesIn, write: KeyableWrite) -> Response:
    return step(
        write,
        round_id,
        "weeding.round.add",
        lambda: weeding_round_proposal.add_items(write.session, round_id, body.barcodes),
    )


@router.post(
    "/weeding/rounds/{round_id}/items/remove",
    summary="Drop copies while proposed",
    response_model=RoundOut,
    dependencies=REVIEW,
)
def remove_items(round_id: int, body: ItemIdsIn, write: KeyableWrite) -> Response:
    return step(
        write,
        round_id,
        "weeding.round.remove",
        lambda: weeding_round_proposal.remove_items(write.session, round_id, body.item_ids),
    )


@router.post(
    "/weeding/rounds/{round_id}/review",
    summary="Start the review: the proposed list is made and kept",
    response_model=RoundOut,
    dependencies=REVIEW,
)
def start_review(round_id: int, write: KeyableWrite, settings: SettingsDep) -> Response:
    return step(
        write,
        round_id,
        "weeding.round.review",
        lambda: weeding_rounds.start_review(
            write.session, round_id, at=write.now, staff=write.staff.username, library=settings.library_name
        ),
    )


@router.post(
    "/weeding/rounds/{round_id}/reopen",
    summary="Back to proposed, to change the list",
    response_model=RoundOut,
    dependencies=REVIEW,
)
def reopen(round_id: int, write: KeyableWrite) -> Response:
    return step(
        write, round_id, "weeding.round.reopen", lambda: weeding_rounds.reopen(write.session, round_id)
    )


@router.post(
    "/weeding/rounds/{round_id}/approve",
    summary="Approve: every copy decided, the cap kept, none to withdraw on loan or on hold; verdicts done",
    response_model=RoundOut,
    dependencies=APPROVE,
)
def approve(round_id: int, write: KeyableWrite, settings: SettingsDep) -> Response:
    rules, library = weeding_settings(settings).rounds, settings.library_name
    return step(
        write,
        round_id,
        "weeding.round.approve",
        lambda: weeding_round_approval.approve(
            write.session, round_id, rules=rules, at=write.now, staff=write.staff.username, library=library
        ),
    )


@router.post(
    "/weeding/rounds/{round_id}/abandon",
    summary="Abandon the round before approval: nothing withdrawn",
    response_model=RoundOut,
    dependencies=APPROVE,
)
def abandon(round_id: int, write: KeyableWrite) -> Response:
    return step(
        write,
        round_id,
        "weeding.round.abandon",
        lambda: weeding_rounds.abandon(write.session, round_id, at=write.now, staff=write.staff.username),
    )


@router.post(
    "/weeding/rounds/{round_id}/close",
    summary="Close an approved round",
    response_model=RoundOut,
    dependencies=APPROVE,
)
def close(round_id: int, write: KeyableWrite) -> Response:
    return step(
        write,
        round_id,
        "weeding.round.close",
        lambda: weeding_rounds.close(write.session, round_id, at=write.now, staff=write.staff.username),
    )
