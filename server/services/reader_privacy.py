"""Reader privacy: who borrowed, held or signed in is kept only as long as it is needed (docs/privacy.md).

Once the retention period (`STACKS_LOAN_HISTORY_DAYS`) has passed since a reader's business ended, the
nightly `stacks privacy purge` detaches the reader:

- a returned loan loses its patron — unless the patron chose to keep a history, or a fine for it is still
  owed or settled within the period — and keeps what statistics need: the item, the dates, the renewals,
  and the borrower's category and faculty at the time of the loan;
- a settled fine keeps its patron (a payment or a waiver is the library's money, kept with the accounts)
  but loses which loan and item it was for;
- a closed hold loses its patron (it keeps the record, the dates and the outcome);
- an ended kiosk session (patron, kiosk, times) is deleted;
- the event log's desk and kiosk events lose what names the reader: the card number of a kiosk sign-in and
  its answer (the reader's name and loans), and in desk circulation, hold and fine actions the card
  number, the patron ids of the loans and holds in their before and after, and a fine's loan and item.

Each step works in batches of at most `limit` rows and is idempotent: what is done no longer matches, and
the event log's progress is kept in `purge_mark`. `purge_batch` does one batch of each step and says how
many rows it changed; the caller commits after each and calls again until a batch changes nothing. Like
every service, nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import PurgeMark
from server.domain.enums import FineStatus
from server.privacy import redact_document
from server.services.columns import FINE, HOLD, KIOSK_SESSION, LOAN, PATRON
from server.services.event_log import EVENT_LOG

EVENTS_MARK = "event_log"
BATCH = 1000

# What names a reader in an event, by kind: the members dropped, at any depth of the payload, the reply and
# the audit's before and after. A new kind of event that names a reader and what they read belongs here.
READER = frozenset({"card_number", "patron_id", "patron", "display_name", "full_name", "patron_name"})
WHICH_ITEM = frozenset({"loan_id", "item_id"})
NAMING_THE_READER: Mapping[str, frozenset[str]] = {
    "patron.login": READER | {"message"},  # a kiosk sign-in; its greeting names the reader
    "desk.checkout": READER,
    "desk.renew": READER,
    "desk.checkin": READER,  # the loan closed, and the next patron's hold the copy was trapped for
    "desk.hold.place": READER,
    "desk.hold.cancel": READER,
    "desk.fine.pay": WHICH_ITEM,  # a fine keeps its patron: only what it was for goes
    "desk.fine.waive": WHICH_ITEM,
}


@dataclass(frozen=True)
class PurgeReport:
    loans_detached: int = 0
    holds_detached: int = 0
    fines_detached: int = 0
    kiosk_sessions_deleted: int = 0
    events_scrubbed: int = 0

    @property
    def changed(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def __add__(self, other: PurgeReport) -> PurgeReport:
        return PurgeReport(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def cutoff(now: datetime, retention_days: int) -> datetime:
    """Business that ended before this moment no longer names its reader."""
    return now - timedelta(days=retention_days)


def _keepers() -> sa.Select[tuple[int]]:
    """Patrons who chose to keep their loan history."""
    return sa.select(PATRON.c.id).where(PATRON.c.keep_loan_history.is_(True))


def _update_some(
    session: Session, table: sa.Table, where: sa.ColumnElement[bool], values: Mapping[str, Any], limit: int
) -> int:
    """Update at most `limit` rows matching `where` (the same statement on both engines)."""
    (key,) = table.primary_key.columns
    # Not correlated with the UPDATE: the rows are chosen first, then updated.
    chosen = sa.select(key).where(where).order_by(key).limit(limit).correlate(None).scalar_subquery()
    result = session.execute(sa.update(table).where(key.in_(chosen)).values(dict(values)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _detach_fines(session: Session, before: datetime, limit: int) -> int:
    settled_long_ago = sa.and_(
        FINE.c.status != FineStatus.OUTSTANDING,
        FINE.c.settled_at < before,
        sa.or_(FINE.c.loan_id.is_not(None), FINE.c.item_id.is_not(None)),
        FINE.c.patron_id.not_in(_keepers()),
    )
    return _update_some(session, FINE, settled_long_ago, {"loan_id": None, "item_id": None}, limit)


def _detach_loans(session: Session, before: datetime, limit: int) -> int:
    # The returned-and-attached partial index's predicate, repeated so both engines use it.
    over = sa.and_(
        LOAN.c.returned_at.is_not(None),
        LOAN.c.patron_id.is_not(None),
        LOAN.c.returned_at < before,
        LOAN.c.patron_id.not_in(_keepers()),
        # A fine still tied to the loan is owed, or settled within the period: the loan is still needed.
        ~sa.exists().where(FINE.c.loan_id == LOAN.c.id),
    )
    borrower = PATRON.alias("borrower")
    # Loans lent before the snapshot was taken at checkout get their borrower's present category first.
    snapshot = {
        "patron_category": sa.func.coalesce(
            LOAN.c.patron_category,
            sa.select(borrower.c.category).where(borrower.c.id == LOAN.c.patron_id).scalar_subquery(),
        ),
        "patron_faculty": sa.case(
            (
                LOAN.c.patron_category.is_(None),
                sa.select(borrower.c.faculty).where(borrower.c.id == LOAN.c.patron_id).scalar_subquery(),
            ),
            else_=LOAN.c.patron_faculty,
        ),
    }
    return _update_some(session, LOAN, over, {**snapshot, "patron_id": None}, limit)


def _detach_holds(session: Session, before: datetime, limit: int) -> int:
    over = sa.and_(HOLD.c.closed_at.is_not(None), HOLD.c.patron_id.is_not(None), HOLD.c.closed_at < before)
    return _update_some(session, HOLD, over, {"patron_id": None}, limit)


def _delete_kiosk_sessions(session: Session, before: datetime, limit: int) -> int:
    ended = sa.or_(
        sa.and_(KIOSK_SESSION.c.closed_at.is_not(None), KIOSK_SESSION.c.closed_at < before),
        sa.and_(KIOSK_SESSION.c.closed_at.is_(None), KIOSK_SESSION.c.expires_at < before),
    )
    chosen = sa.select(KIOSK_SESSION.c.id).where(ended).limit(limit).correlate(None).scalar_subquery()
    result = session.execute(sa.delete(KIOSK_SESSION).where(KIOSK_SESSION.c.id.in_(chosen)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def scrubbed(kind: str, document: Any) -> Any:
    """An event's payload, reply or audit without what names its reader (unchanged for other kinds)."""
    members = NAMING_THE_READER.get(kind)
    if members is None or document is None:
        return document
    return redact_document(document, members)


def _scrub_events(session: Session, before: datetime, limit: int) -> int:
    mark = session.get(PurgeMark, EVENTS_MARK)
    statement = (
        sa.select(
            EVENT_LOG.c.event_id,
            EVENT_LOG.c.received_at,
            EVENT_LOG.c.kind,
            EVENT_LOG.c.payload,
            EVENT_LOG.c.reply,
            EVENT_LOG.c.changes,
        )
        .where(EVENT_LOG.c.received_at < before, EVENT_LOG.c.kind.in_(NAMING_THE_READER))
        .order_by(EVENT_LOG.c.received_at, EVENT_LOG.c.event_id)
        .limit(limit)
    )
    if mark is not None:
        statement = statement.where(
            sa.or_(
                EVENT_LOG.c.received_at > mark.received_at,
                sa.and_(EVENT_LOG.c.received_at == mark.received_at, EVENT_LOG.c.event_id > mark.event_id),
            )
        )
    rows = session.execute(statement).all()
    for row in rows:
        cleaned = {name: scrubbed(row.kind, getattr(row, name)) for name in ("payload", "reply", "changes")}
        if any(cleaned[name] != getattr(row, name) for name in cleaned):
            session.execute(sa.update(EVENT_LOG).where(EVENT_LOG.c.event_id == row.event_id).values(cleaned))
    if rows:
        last = rows[-1]
        if mark is None:
            session.add(PurgeMark(name=EVENTS_MARK, received_at=last.received_at, event_id=last.event_id))
        else:
            mark.received_at, mark.event_id = last.received_at, last.event_id
        session.flush()
    return len(rows)


def purge_batch(session: Session, *, now: datetime, retention_days: int, limit: int = BATCH) -> PurgeReport:
    """One batch of each step, for business that ended more than `retention_days` before `now`. Fines go
    before loans: a loan is detached once no fine names it."""
    before = cutoff(now, retention_days)
    return PurgeReport(
        fines_detached=_detach_fines(session, before, limit),
        loans_detached=_detach_loans(session, before, limit),
        holds_detached=_detach_holds(session, before, limit),
        kiosk_sessions_deleted=_delete_kiosk_sessions(session, before, limit),
        events_scrubbed=_scrub_events(session, before, limit),
    )
