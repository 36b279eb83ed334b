"""The self-check kiosk's requests, as the MQTT ingest applies them.

A patron signs in with card and PIN and gets a kiosk session bound to that kiosk; checkout and renew name
the session, and each accepted request slides its idle deadline. Returns need no session: whoever brings
a book back may return it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from contract.common import ItemRef
from server.db.tables import KioskSession, Patron
from server.domain.pins import check_pin, is_locked
from server.domain.reasons import Reason
from server.domain.sessions import SessionState, check_session, idle_deadline
from server.i18n import Action, decision
from server.services import circulation, holds, pins
from server.services.context import CirculationContext
from server.services.outcomes import (
    CheckinOutcome,
    CheckoutOutcome,
    LoginOutcome,
    LogoutOutcome,
    RenewOutcome,
)
from server.services.queries import find_item, lock_row, patron_by_card, require_id
from server.services.reasons import reason_code
from server.services.summaries import patron_summary


def login(
    session: Session,
    context: CirculationContext,
    *,
    device_id: str,
    card_number: str,
    pin: str,
    now: datetime,
) -> LoginOutcome:
    patron = patron_by_card(session, card_number)
    if patron is None:
        return LoginOutcome(decision(reason_code(Reason.UNKNOWN_PATRON)))
    locked = is_locked(patron.pin_failures, context.pin_max_failures)
    # A locked PIN is not even checked: the answer is the same whatever was typed.
    correct = not locked and pins.verify(context.hasher, patron, pin)
    check = check_pin(correct=correct, failures=patron.pin_failures, max_failures=context.pin_max_failures)
    patron.pin_failures = check.failures
    if not check.ok:
        session.flush()
        params = {"attempts_left": check.attempts_left} if check.reason is Reason.WRONG_PIN else {}
        return LoginOutcome(decision(reason_code(check.reason), values=params))
    # One patron at a time per kiosk: signing in ends whatever session the kiosk still had open. An ORM
    # update, so that a session row this transaction already loaded (an earlier request of the same ingest
    # batch) is closed too, and a later request in the batch cannot use it.
    session.execute(
        sa.update(KioskSession)
        .where(col(KioskSession.device_id) == device_id, col(KioskSession.closed_at).is_(None))
        .values(closed_at=now)
        .execution_options(synchronize_session="fetch")
    )
    opened = KioskSession(
        id=uuid.uuid4(),  # random, not time-ordered: a session id must not be guessable
        device_id=device_id,
        patron_id=require_id(patron.id),
        opened_at=now,
        last_seen_at=now,
        expires_at=idle_deadline(now, context.kiosk_session_minutes),
    )
    session.add(opened)
    # A write that meets the patron's holds: copies nobody came for pass on first, so that a copy passed
    # to this patron shows among their holds ready.
    holds.expire_holds(session, context, now=now, patron_id=require_id(patron.id))
    session.flush()
    return LoginOutcome(
        decision(reason_code(Reason.OK), action=Action.LOGIN, name=patron.full_name),
        session_id=opened.id,
        session_expires_at=opened.expires_at,
        patron=patron_summary(session, patron, now, context),
    )


def _open_session(
    session: Session, device_id: str, session_id: uuid.UUID, now: datetime
) -> tuple[Reason | None, KioskSession | None]:
    row = session.get(KioskSession, session_id)
    state = (
        SessionState(row.device_id, row.patron_id, row.expires_at, row.closed_at is not None)
        if row is not None
        else None
    )
    problem = check_session(state, device_id=device_id, now=now)
    return problem, (row if problem is None else None)


def _slide(row: KioskSession, now: datetime, context: CirculationContext) -> None:
    row.last_seen_at = now
    row.expires_at = idle_deadline(now, context.kiosk_session_minutes)


def logout(session: Session, *, device_id: str, session_id: uuid.UUID, now: datetime) -> LogoutOutcome:
    problem, row = _open_session(session, device_id, session_id, now)
    if row is None:
        return LogoutOutcome(decision(reason_code(problem or Reason.UNKNOWN_SESSION)))
    row.closed_at = now
    row.last_seen_at = now
    session.flush()
    return LogoutOutcome(decision(reason_code(Reason.OK), action=Action.LOGOUT))


def signed_in_patron(
    session: Session, context: CirculationContext, device_id: str, session_id: uuid.UUID, now: datetime
) -> tuple[Reason | None, Patron | None]:
    """Why the named kiosk session cannot act (None when it can), and its patron; an accepted request
    slides the session's idle deadline."""
    problem, row = _open_session(session, device_id, session_id, now)
    if row is None:
        return problem or Reason.UNKNOWN_SESSION, None
    _slide(row, now, context)
    return None, lock_row(session, Patron, row.patron_id)


def checkout(
    session: Session,
    context: CirculationContext,
    *,
    device_id: str,
    session_id: uuid.UUID,
    item: ItemRef,
    now: datetime,
) -> CheckoutOutcome:
    problem, patron = signed_in_patron(session, context, device_id, session_id, now)
    if problem is not None:
        return CheckoutOutcome(decision(reason_code(problem)))
    return circulation.checkout_for(session, context, patron, item, now=now, by=f"device:{device_id}")


def renew(
    session: Session,
    context: CirculationContext,
    *,
    device_id: str,
    session_id: uuid.UUID,
    item: ItemRef,
    now: datetime,
) -> RenewOutcome:
    problem, patron = signed_in_patron(session, context, device_id, session_id, now)
    if problem is not None:
        return RenewOutcome(decision(reason_code(problem)))
    return circulation.renew_for(session, context, patron, item, now=now, by=f"device:{device_id}")


def checkin(
    session: Session,
    context: CirculationContext,
    *,
    device_id: str,
    item: ItemRef,
    now: datetime,
    taking_back: uuid.UUID | None = None,
) -> CheckinOutcome:
    """A book returned at the kiosk; or, `taking_back` a kiosk session, the loan of it made in that
    session undone — only that one: a take-back that waited in the kiosk's outbox through an outage must
    not close a loan made since (the reader came back and returned it, the desk lent it to someone else)."""
    if taking_back is not None and not _lent_in(session, device_id, taking_back, item):
        return CheckinOutcome(decision(reason_code(Reason.NOT_ON_LOAN)))
    return circulation.checkin_at(session, context, item, now=now, by=f"device:{device_id}")


def _lent_in(session: Session, device_id: str, session_id: uuid.UUID, item: ItemRef) -> bool:
    """Whether the item's open loan is the one this kiosk made in kiosk session `session_id`."""
    visit = session.get(KioskSession, session_id)
    _, found = find_item(session, item)
    loan = found.loan if found is not None else None
    return (
        visit is not None
        and loan is not None
        and visit.device_id == device_id
        and loan.patron_id == visit.patron_id
        and loan.checkout_by == f"device:{device_id}"
        and loan.checked_out_at >= visit.opened_at
    )
