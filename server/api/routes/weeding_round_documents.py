"""A weeding round's documents through the API — the kept versions, made again, one document's bytes — and
when the next round is due. Thin, as server/api/routes/weeding_rounds.py."""

from __future__ import annotations

from fastapi import APIRouter, Response

from server.api.deps import NowDep, SessionDep, SettingsDep
from server.api.idempotency import KeyableWrite
from server.api.routes.weeding_rounds import REVIEW, VIEW, step, weeding_settings
from server.api.schemas.weeding_rounds import DocumentOut, NextDueOut, RoundOut
from server.services import weeding_round_documents as documents
from server.services import weeding_round_reads

router = APIRouter(tags=["weeding"])


@router.get("/weeding/next-due", summary="When the next weeding round is due", dependencies=VIEW)
def next_due(*, session: SessionDep, settings: SettingsDep, now: NowDep) -> NextDueOut:
    due = weeding_round_reads.next_due(session, weeding_settings(settings).rounds, now.date())
    return NextDueOut(
        due_on=due.due_on, interval_years=due.interval_years, holdings=due.holdings, overdue=due.overdue
    )


@router.get(
    "/weeding/rounds/{round_id}/documents", summary="The round's documents, every version", dependencies=VIEW
)
def list_documents(round_id: int, *, session: SessionDep) -> list[DocumentOut]:
    weeding_round_reads.summary(session, round_id)
    return [DocumentOut.model_validate(d) for d in documents.list_documents(session, round_id)]


@router.post(
    "/weeding/rounds/{round_id}/documents",
    summary="Make the round's documents again, as new versions",
    response_model=RoundOut,
    dependencies=REVIEW,
)
def make_documents(round_id: int, write: KeyableWrite, settings: SettingsDep) -> Response:
    def make() -> object:
        kinds = documents.kinds_for(weeding_round_reads.summary(write.session, round_id).row.status)
        staff, library = write.staff.username, settings.library_name
        return documents.make(write.session, round_id, kinds, at=write.now, staff=staff, library=library)

    return step(write, round_id, "weeding.round.documents", make)


@router.get(
    "/weeding/rounds/{round_id}/documents/{document_id}",
    summary="One kept document's bytes",
    response_class=Response,
    dependencies=VIEW,
)
def get_document(round_id: int, document_id: int, *, session: SessionDep) -> Response:
    document = documents.get_document(session, round_id, document_id)
    name = documents.file_name(weeding_round_reads.summary(session, round_id).row, document)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(document.content, media_type=documents.MEDIA_TYPES[document.format], headers=headers)
