"""A weeding round's documents, made from its entries and kept: the proposed list when review starts, the
appraisal minutes and the final list on approval, in Vietnamese and English, as PDF
(server/reports/weeding_round_pdf.py) and the two lists also as CSV. Made again on request, each is a new
version beside the old ones: a document once handed out is never overwritten, and its SHA-256 says which
one a signed copy is.

The lines come from the entries' snapshots (the copy as proposed) and the decisions; the final list is
the copies withdrawn, with the tag each one carried, to disarm or remove. Never commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import ItemWithdrawal, WeedingRound, WeedingRoundDocument, WeedingRoundEntry
from server.domain.weeding.rounds import RoundStatus, Verdict
from server.errors import NotFoundError
from server.reports import weeding_round_pdf
from server.reports.weeding_round_csv import round_csv
from server.reports.weeding_round_sheet import RoundLine, RoundSheet
from server.services.columns import ITEM, LOCATION, table_of
from server.services.weeding_round_store import cap_of, entry_rows, get_round
from web import LANGUAGES, Language

DOCUMENT = table_of(WeedingRoundDocument)
_WITHDRAWAL = table_of(ItemWithdrawal)


class DocumentKind(StrEnum):
    PROPOSED_LIST = "proposed_list"  # danh mục tài liệu đề nghị thanh lọc
    APPRAISAL_MINUTES = "appraisal_minutes"  # biên bản thẩm định tài liệu thanh lọc
    FINAL_LIST = "final_list"  # danh mục tài liệu thanh lọc


AT_REVIEW = (DocumentKind.PROPOSED_LIST,)
AT_APPROVAL = (DocumentKind.APPRAISAL_MINUTES, DocumentKind.FINAL_LIST)
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


def sheet_lines(entries: Iterable[WeedingRoundEntry], *, final: bool = False) -> tuple[RoundLine, ...]:
    """The entries as lines, numbered from 1; the final list only the copies withdrawn."""
    chosen = [e for e in entries if not final or e.verdict is Verdict.WITHDRAW]
    return tuple(
        RoundLine(
            position,
            str(e.snapshot.get("barcode", "")),
            e.snapshot.get("accession_number"),
            str(e.snapshot.get("title", "")),
            e.snapshot.get("author"),
            e.snapshot.get("call_number"),
            e.snapshot.get("year"),
            e.snapshot.get("location_name") or e.snapshot.get("location"),
            e.snapshot.get("price"),
            tuple(e.reasons),
            e.verdict.value if e.verdict is not None else None,
            e.note,
            e.move_to,
        )
        for position, e in enumerate(chosen, start=1)
    )


def released_tags(session: Session, round_id: int) -> dict[str, str]:
    """Barcode → the tag UID each copy the round withdrew carried."""
    statement = (
        sa.select(ITEM.c.barcode, _WITHDRAWAL.c.released_tag_uid)
        .join(ITEM, ITEM.c.id == _WITHDRAWAL.c.item_id)
        .where(_WITHDRAWAL.c.round_id == round_id, _WITHDRAWAL.c.released_tag_uid.is_not(None))
    )
    return {str(barcode): str(tag) for barcode, tag in session.execute(statement).all()}


def library_called(session: Session, configured: str | None) -> str:
    """The library's name: the server's `library_name` setting when set, else the root location's."""
    if configured:
        return configured
    roots = sa.select(LOCATION.c.name).where(LOCATION.c.parent_id.is_(None)).order_by(LOCATION.c.id)
    return next(iter(session.execute(roots).scalars()), "")


def round_sheet(session: Session, row: WeedingRound, library: str) -> RoundSheet:
    """What the round's documents print, as it stands."""
    assert row.id is not None
    return RoundSheet(
        library_name=library,
        round_title=row.title,
        round_number=row.number,
        status=row.status.value,
        opened_on=row.opened_at.date(),
        holdings=row.holdings,
        cap=cap_of(row),
        reviewers=tuple(row.reviewers),
        approved_on=row.approved_at.date() if row.approved_at is not None else None,
        approved_by=row.approved_by,
        lines=sheet_lines(entry_rows(session, row.id)),
    )


def _content(
    session: Session, row: WeedingRound, kind: DocumentKind, lang: Language, library: str
) -> list[tuple[str, bytes]]:
    """(format, bytes) of one kind of document in one language: the PDF, and the lists as CSV too."""
    assert row.id is not None
    sheet = round_sheet(session, row, library)
    if kind is DocumentKind.PROPOSED_LIST:
        return [
            ("pdf", weeding_round_pdf.proposed_list_pdf(sheet, lang)),
            ("csv", round_csv(sheet.lines, lang)),
        ]
    if kind is DocumentKind.FINAL_LIST:
        final = sheet_lines(entry_rows(session, row.id), final=True)
        tags = released_tags(session, row.id)
        return [("pdf", weeding_round_pdf.final_list_pdf(sheet, lang)), ("csv", round_csv(final, lang, tags))]
    return [("pdf", weeding_round_pdf.appraisal_minutes_pdf(sheet, lang))]


def _next_version(session: Session, round_id: int, kind: str, lang: str, fmt: str) -> int:
    statement = sa.select(sa.func.max(DOCUMENT.c.version)).where(
        DOCUMENT.c.round_id == round_id,
        DOCUMENT.c.kind == kind,
        DOCUMENT.c.language == lang,
        DOCUMENT.c.format == fmt,
    )
    return int(session.execute(statement).scalar_one() or 0) + 1


def make(
    session: Session,
    round_id: int,
    kinds: Sequence[DocumentKind],
    *,
    at: datetime,
    staff: str,
    library: str | None = None,
) -> list[WeedingRoundDocument]:
    """Make and keep the documents of `kinds` in every language, each as a new version; `library` is the
    server's `library_name` setting (`library_called`)."""
    row = get_round(session, round_id)
    called = library_called(session, library)
    made = []
    for kind in kinds:
        for lang in LANGUAGES:
            for fmt, content in _content(session, row, kind, lang, called):
                document = WeedingRoundDocument(
                    round_id=round_id,
                    kind=kind.value,
                    language=lang,
                    format=fmt,
                    version=_next_version(session, round_id, kind.value, lang, fmt),
                    content=content,
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    made_at=at,
                    made_by=staff,
                )
                session.add(document)
                session.flush()
                made.append(document)
    return made


def kinds_for(status: RoundStatus) -> tuple[DocumentKind, ...]:
    """What a round in `status` can be given: the proposed list once it is under review, all three once
    approved."""
    if status is RoundStatus.UNDER_REVIEW:
        return AT_REVIEW
    if status is RoundStatus.APPROVED or status is RoundStatus.CLOSED:
        return AT_REVIEW + AT_APPROVAL
    return ()


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    id: int
    kind: str
    language: str
    format: str
    version: int
    size: int
    sha256: str
    made_at: datetime
    made_by: str


def list_documents(session: Session, round_id: int) -> list[DocumentInfo]:
    """The round's documents without their bytes: by kind, language and format, the newest version first."""
    columns = [DOCUMENT.c[name] for name in DocumentInfo.__slots__]
    statement = (
        sa.select(*columns)
        .where(DOCUMENT.c.round_id == round_id)
        .order_by(DOCUMENT.c.kind, DOCUMENT.c.language, DOCUMENT.c.format, DOCUMENT.c.version.desc())
    )
    return [DocumentInfo(*row) for row in session.execute(statement)]


def get_document(session: Session, round_id: int, document_id: int) -> WeedingRoundDocument:
    document = session.get(WeedingRoundDocument, document_id)
    if document is None or document.round_id != round_id:
        raise NotFoundError(f"no document {document_id} in weeding round {round_id}")
    return document


def file_name(row: WeedingRound, document: WeedingRoundDocument | DocumentInfo) -> str:
    kind = document.kind.replace("_", "-")
    return f"weeding-round-{row.number}-{kind}-{document.language}-v{document.version}.{document.format}"
