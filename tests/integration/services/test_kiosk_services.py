"""Kiosk login, sessions, checkout, renew and checkin on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from contract.common import ItemRef
from contract.replies import CheckinResult, CheckoutResult, PatronLoginResult, ReasonCode
from server.db.tables import Fine, Hold, Item, KioskSession, Loan, Patron
from server.domain.enums import ItemStatus
from server.services import kiosk
from server.services.columns import ITEM, LOAN
from server.services.context import CirculationContext
from server.services.outcomes import LoginOutcome
from tests.integration.services.statements import StatementLog, recorded
from tests.support import factories as make

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=HCM).astimezone(UTC)  # a Monday
KIOSK = "kiosk-1"


def _login(
    session: Session,
    circulation: CirculationContext,
    patron: Patron,
    pin: str = make.DEFAULT_PIN,
    now: datetime = NOW,
) -> LoginOutcome:
    return kiosk.login(
        session, circulation, device_id=KIOSK, card_number=patron.card_number, pin=pin, now=now
    )


def _signed_in(
    session: Session, circulation: CirculationContext, patron: Patron, now: datetime = NOW
) -> uuid.UUID:
    outcome = _login(session, circulation, patron, now=now)
    assert outcome.decision.code is ReasonCode.OK
    session_id: uuid.UUID | None = outcome.session_id
    assert session_id is not None
    return session_id


def test_login_opens_a_session_with_the_account(session: Session, circulation: CirculationContext) -> None:
    patron = make.patron(session, full_name="Lê Văn Hùng")
    book = make.item(session)
    make.loan(session, book, patron, due_at=NOW - timedelta(days=1))
    make.fine(session, patron, 4000)
    outcome = _login(session, circulation, patron)
    assert outcome.decision.ok
    assert outcome.decision.message.vi == "Xin chào Lê Văn Hùng!"
    assert outcome.session_expires_at == NOW + timedelta(minutes=10)
    summary = outcome.patron
    assert summary is not None
    assert (summary.loans_count, summary.max_loans, summary.fines_due) == (1, 5, 4000)
    assert summary.loans[0].overdue
    assert summary.loans[0].item.barcode == book.barcode
    # The reply model accepts the outcome's fields as they are.
    reply = PatronLoginResult(
        request_id=uuid.uuid4(), correlation_id=uuid.uuid4(), issued_at=NOW, **outcome.reply_fields()
    )
    assert "pin" not in reply.model_dump_json().lower()


def test_unknown_card(session: Session, circulation: CirculationContext) -> None:
    outcome = kiosk.login(session, circulation, device_id=KIOSK, card_number="SV0000000", pin="1234", now=NOW)
    assert outcome.decision.code is ReasonCode.UNKNOWN_PATRON
    assert outcome.session_id is None


def test_five_wrong_pins_lock_and_a_right_one_resets(
    session: Session, circulation: CirculationContext
) -> None:
    patron = make.patron(session)
    codes = [_login(session, circulation, patron, "0000").decision.code for _ in range(4)]
    assert codes == [ReasonCode.WRONG_PIN] * 4
    assert _login(session, circulation, patron).decision.code is ReasonCode.OK  # resets the run
    assert patron.pin_failures == 0
    outcomes = [_login(session, circulation, patron, "0000") for _ in range(5)]
    assert outcomes[0].decision.message.en == "Wrong PIN. You have 4 attempts left."
    assert outcomes[-1].decision.code is ReasonCode.PIN_LOCKED
    assert _login(session, circulation, patron).decision.code is ReasonCode.PIN_LOCKED  # even the right PIN


def test_patron_without_pin_cannot_sign_in(session: Session, circulation: CirculationContext) -> None:
    patron = make.patron(session, pin=None)
    assert _login(session, circulation, patron, "2468").decision.code is ReasonCode.WRONG_PIN


def test_session_is_bound_to_its_kiosk_and_expires(session: Session, circulation: CirculationContext) -> None:
    patron = make.patron(session)
    book = make.item(session)
    session_id = _signed_in(session, circulation, patron)
    ref = ItemRef(barcode=book.barcode)
    other = kiosk.checkout(
        session, circulation, device_id="kiosk-2", session_id=session_id, item=ref, now=NOW
    )
    assert other.decision.code is ReasonCode.UNKNOWN_SESSION
    unknown = kiosk.checkout(
        session, circulation, device_id=KIOSK, session_id=uuid.uuid4(), item=ref, now=NOW
    )
    assert unknown.decision.code is ReasonCode.UNKNOWN_SESSION
    late = kiosk.checkout(
        session,
        circulation,
        device_id=KIOSK,
        session_id=session_id,
        item=ref,
        now=NOW + timedelta(minutes=11),
    )
    assert late.decision.code is ReasonCode.SESSION_EXPIRED


def test_requests_slide_the_idle_deadline(session: Session, circulation: CirculationContext) -> None:
    patron = make.patron(session)
    first, second = make.item(session), make.item(session)
    session_id = _signed_in(session, circulation, patron)
    at = NOW + timedelta(minutes=8)
    assert kiosk.checkout(
        session,
        circulation,
        device_id=KIOSK,
        session_id=session_id,
        item=ItemRef(barcode=first.barcode),
        now=at,
    ).ok
    at += timedelta(minutes=8)  # 16 minutes after login, 8 after the last request
    assert kiosk.checkout(
        session,
        circulation,
        device_id=KIOSK,
        session_id=session_id,
        item=ItemRef(barcode=second.barcode),
        now=at,
    ).ok


def test_logout_ends_the_session(session: Session, circulation: CirculationContext) -> None:
    patron = make.patron(session)
    session_id = _signed_in(session, circulation, patron)
    assert kiosk.logout(session, device_id=KIOSK, session_id=session_id, now=NOW).decision.ok
    again = kiosk.logout(session, device_id=KIOSK, session_id=session_id, now=NOW)
    assert again.decision.code is ReasonCode.SESSION_EXPIRED


def test_a_new_login_closes_the_kiosks_previous_session(
    session: Session, circulation: CirculationContext
) -> None:
    first = _signed_in(session, circulation, make.patron(session))
    _signed_in(session, circulation, make.patron(session))
    row = session.get(KioskSession, first)
    assert row is not None
    assert row.closed_at == NOW


def test_a_session_closed_by_a_new_login_is_refused_in_the_same_batch(
    session: Session, circulation: CirculationContext
) -> None:
    """The ingest applies a whole batch in one session: the earlier session's row may still be loaded
    there, and must see that the new login closed it."""
    first = _signed_in(session, circulation, make.patron(session))
    loaded = session.get(KioskSession, first)  # as a request earlier in the batch left it
    book = make.item(session)
    _signed_in(session, circulation, make.patron(session))
    assert loaded is not None
    assert loaded.closed_at == NOW
    stale = kiosk.checkout(
        session,
        circulation,
        device_id=KIOSK,
        session_id=first,
        item=ItemRef(barcode=book.barcode),
        now=NOW,
    )
    assert stale.decision.code is ReasonCode.SESSION_EXPIRED
    assert book.status == "available"


def test_checkout_then_checkin_on_time(session: Session, circulation: CirculationContext) -> None:
    patron = make.patron(session)
    book = make.item(session)
    session_id = _signed_in(session, circulation, patron)
    outcome = kiosk.checkout(
        session,
        circulation,
        device_id=KIOSK,
        session_id=session_id,
        item=ItemRef(tag_uid=book.tag_uid),
        now=NOW,
    )
    assert outcome.decision.code is ReasonCode.OK
    assert outcome.security == "unsecure"
    # 14 days from Monday 23 Nov is Monday 7 Dec, due at closing time (21:00) in Hồ Chí Minh City.
    assert outcome.due_at == datetime(2026, 12, 7, 21, 0, tzinfo=HCM)
    assert outcome.decision.message.vi == "Mượn thành công. Hạn trả: 07/12/2026."
    assert book.status == "on_loan"
    CheckoutResult(
        request_id=uuid.uuid4(), correlation_id=uuid.uuid4(), issued_at=NOW, **outcome.reply_fields()
    )

    back = kiosk.checkin(
        session,
        circulation,
        device_id="return-1",
        item=ItemRef(barcode=book.barcode),
        now=NOW + timedelta(days=3),
    )
    assert back.decision.code is ReasonCode.OK
    assert (back.fine_charged, back.security, back.hold) == (0, "secure", None)
    assert book.status == "available"
    CheckinResult(request_id=uuid.uuid4(), correlation_id=uuid.uuid4(), issued_at=NOW, **back.reply_fields())


def test_a_loan_taken_back_the_same_minute_costs_nothing(
    session: Session, circulation: CirculationContext
) -> None:
    """What the kiosk relies on when a book's tag would not unsecure: a plain return seconds after the
    loan closes it with no fine and puts the book back on the shelf."""
    patron = make.patron(session)
    book = make.item(session)
    session_id = _signed_in(session, circulation, patron)
    lent = kiosk.checkout(
        session,
        circulation,
        device_id=KIOSK,
        session_id=session_id,
        item=ItemRef(tag_uid=book.tag_uid),
        now=NOW,
    )
    assert lent.decision.code is ReasonCode.OK
    back = kiosk.checkin(
        session,
        circulation,
        device_id=KIOSK,
        item=ItemRef(tag_uid=book.tag_uid),
        now=NOW + timedelta(seconds=2),
    )
    assert back.decision.code is ReasonCode.OK
    assert (back.fine_charged, back.security, back.hold) == (0, "secure", None)
    assert book.status == "available"
    loan = session.execute(sa.select(Loan)).scalar_one()
    assert loan.returned_at is not None
    assert session.execute(sa.select(Fine)).first() is None


def test_late_return_charges_a_fine(session: Session, circulation: CirculationContext) -> None:
    patron = make.patron(session)
    book = make.item(session)
    due = datetime(2026, 11, 20, 21, 0, tzinfo=HCM)  # Friday
    make.loan(session, book, patron, due_at=due)
    # Returned Monday: Saturday and Monday count, Sunday is closed — 2 days × 2.000 ₫.
    back = kiosk.checkin(
        session, circulation, device_id="return-1", item=ItemRef(barcode=book.barcode), now=NOW
    )
    assert back.fine_charged == 4000
    assert back.decision.message.vi == "Trả thành công. Cảm ơn bạn! Phí trả muộn: 4.000\xa0₫."
    fine = session.execute(sa.select(Fine)).scalar_one()
    assert (fine.patron_id, fine.outstanding, fine.kind) == (patron.id, 4000, "overdue")


def test_refusals_carry_the_item_and_the_figures(session: Session, circulation: CirculationContext) -> None:
    patron = make.patron(session)
    make.fine(session, patron, 60000)
    book = make.item(session)
    session_id = _signed_in(session, circulation, patron)
    outcome = kiosk.checkout(
        session,
        circulation,
        device_id=KIOSK,
        session_id=session_id,
        item=ItemRef(barcode=book.barcode),
        now=NOW,
    )
    assert outcome.decision.code is ReasonCode.FINES_OVER_LIMIT
    assert "60.000" in outcome.decision.message.vi
    assert "50.000" in outcome.decision.message.vi
    assert outcome.item is not None
    assert outcome.item.barcode == book.barcode
    assert outcome.security is None
    assert book.status == "available"


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("expired", ReasonCode.PATRON_EXPIRED),
        ("blocked", ReasonCode.PATRON_BLOCKED),
        ("overdue", ReasonCode.OVERDUE_ITEMS),
        ("reference", ReasonCode.NOT_FOR_LOAN),
        ("missing", ReasonCode.ITEM_UNAVAILABLE),
        ("mine", ReasonCode.ALREADY_ON_LOAN_TO_YOU),
        ("theirs", ReasonCode.ON_LOAN_TO_OTHER),
        ("max", ReasonCode.MAX_LOANS),
        ("textbooks", ReasonCode.MAX_LOANS),
        ("unknown", ReasonCode.UNKNOWN_ITEM),
        ("mismatch", ReasonCode.INVALID_REQUEST),
    ],
)
def test_checkout_refusals(
    session: Session, circulation: CirculationContext, setup: str, code: ReasonCode
) -> None:
    patron = make.patron(session, expires_on=date(2026, 11, 1) if setup == "expired" else date(2027, 6, 30))
    book = make.item(
        session, item_type={"reference": "reference", "textbooks": "textbook"}.get(setup, "book")
    )
    ref = ItemRef(barcode=book.barcode)
    if setup == "blocked":
        make.block(session, patron)
    elif setup == "overdue":
        make.loan(session, make.item(session), patron, due_at=NOW - timedelta(days=2))
    elif setup == "missing":
        book.status = ItemStatus.MISSING
    elif setup == "mine":
        make.loan(session, book, patron, due_at=NOW + timedelta(days=5))
    elif setup == "theirs":
        make.loan(session, book, make.patron(session), due_at=NOW + timedelta(days=5))
    elif setup == "max":
        for _ in range(5):
            make.loan(session, make.item(session), patron, due_at=NOW + timedelta(days=5))
    elif setup == "textbooks":
        for _ in range(2):
            make.loan(
                session, make.item(session, item_type="textbook"), patron, due_at=NOW + timedelta(days=2)
            )
    elif setup == "unknown":
        ref = ItemRef(barcode="VV999999")
    elif setup == "mismatch":
        ref = ItemRef(barcode=book.barcode, tag_uid=make.item(session).tag_uid)
    session_id = _signed_in(session, circulation, patron)
    outcome = kiosk.checkout(session, circulation, device_id=KIOSK, session_id=session_id, item=ref, now=NOW)
    assert outcome.decision.code is code
    assert not outcome.decision.ok
    assert outcome.decision.message.vi
    assert outcome.decision.message.en
    open_loans = session.execute(
        sa.select(sa.func.count())
        .select_from(LOAN)
        .where(LOAN.c.patron_id == patron.id, LOAN.c.returned_at.is_(None))
    ).scalar_one()
    assert open_loans == {"max": 5, "textbooks": 2, "overdue": 1, "mine": 1}.get(setup, 0)


def test_hold_trapped_on_return_then_collected(session: Session, circulation: CirculationContext) -> None:
    reader, waiting, walk_in = make.patron(session), make.patron(session), make.patron(session)
    title = make.record(session)
    book = make.item(session, title)
    make.loan(session, book, reader, due_at=NOW + timedelta(days=3))
    make.hold(session, title, waiting, placed_at=NOW - timedelta(days=1))

    back = kiosk.checkin(
        session, circulation, device_id="return-1", item=ItemRef(barcode=book.barcode), now=NOW
    )
    assert back.decision.code is ReasonCode.OK_HOLD_WAITING
    assert back.hold is not None
    assert back.hold.pickup_location == "TTTT-T1-QUAY"
    assert "Quầy mượn trả, tầng 1" in back.hold.message.vi
    assert book.status == "on_hold_shelf"
    hold = session.execute(sa.select(Hold)).scalar_one()
    assert (hold.status, hold.item_id) == ("ready", book.id)
    assert hold.expires_at is not None
    assert hold.expires_at > NOW

    other = kiosk.checkout(
        session,
        circulation,
        device_id=KIOSK,
        session_id=_signed_in(session, circulation, walk_in),
        item=ItemRef(barcode=book.barcode),
        now=NOW,
    )
    assert other.decision.code is ReasonCode.ON_HOLD_FOR_OTHER
    mine = kiosk.checkout(
        session,
        circulation,
        device_id=KIOSK,
        session_id=_signed_in(session, circulation, waiting),
        item=ItemRef(barcode=book.barcode),
        now=NOW,
    )
    assert mine.decision.code is ReasonCode.OK_HOLD_READY_FOR_YOU
    assert hold.status == "fulfilled"
    assert book.status == "on_loan"


def test_renew_and_its_refusals(session: Session, circulation: CirculationContext) -> None:
    patron, other = make.patron(session), make.patron(session)
    title = make.record(session)
    book = make.item(session, title)
    loan = make.loan(session, book, patron, due_at=datetime(2026, 11, 25, 21, 0, tzinfo=HCM))
    session_id = _signed_in(session, circulation, patron)
    ref = ItemRef(barcode=book.barcode)
    first = kiosk.renew(session, circulation, device_id=KIOSK, session_id=session_id, item=ref, now=NOW)
    assert first.decision.code is ReasonCode.OK
    assert (loan.renewed_by, loan.renewed_at) == (f"device:{KIOSK}", NOW)  # as checkout records the kiosk
    assert (first.due_at, first.renewals_left) == (datetime(2026, 12, 7, 21, 0, tzinfo=HCM), 1)
    assert first.decision.message.en == "Renewed. New due date: 7 Dec 2026. 1 renewal left."
    # The same day again would not move the due date: refused, and no renewal is spent.
    too_soon = kiosk.renew(session, circulation, device_id=KIOSK, session_id=session_id, item=ref, now=NOW)
    assert (too_soon.decision.code, too_soon.renewals_left) == (ReasonCode.RENEW_TOO_SOON, 1)
    assert "7 Dec 2026" in too_soon.decision.message.en
    later = NOW + timedelta(days=10)
    later_session = _signed_in(session, circulation, patron, now=later)
    assert kiosk.renew(
        session, circulation, device_id=KIOSK, session_id=later_session, item=ref, now=later
    ).decision.ok
    exhausted = kiosk.renew(
        session, circulation, device_id=KIOSK, session_id=later_session, item=ref, now=later
    )
    assert exhausted.decision.code is ReasonCode.RENEWALS_EXHAUSTED

    theirs = make.item(session)
    make.loan(session, theirs, other, due_at=later + timedelta(days=3))
    not_mine = kiosk.renew(
        session,
        circulation,
        device_id=KIOSK,
        session_id=later_session,
        item=ItemRef(barcode=theirs.barcode),
        now=later,
    )
    assert not_mine.decision.code is ReasonCode.NOT_YOUR_LOAN
    shelf = make.item(session)
    not_on_loan = kiosk.renew(
        session,
        circulation,
        device_id=KIOSK,
        session_id=later_session,
        item=ItemRef(barcode=shelf.barcode),
        now=later,
    )
    assert not_on_loan.decision.code is ReasonCode.NOT_ON_LOAN


def test_renew_reads_the_borrower_once(session: Session, circulation: CirculationContext) -> None:
    patron = make.patron(session)
    book = make.item(session)
    make.loan(session, book, patron, due_at=datetime(2026, 11, 25, 21, 0, tzinfo=HCM))
    session_id = _signed_in(session, circulation, patron)
    with recorded() as sql:
        outcome = kiosk.renew(
            session,
            circulation,
            device_id=KIOSK,
            session_id=session_id,
            item=ItemRef(barcode=book.barcode),
            now=NOW,
        )
    assert outcome.decision.code is ReasonCode.OK
    # The session's patron row, locked; the loan's category is that row's, not read again.
    assert len(sql.selecting_from("patron")) == 1


# Statements of one checkout and one return as the ingest applies them, each in a fresh session: the
# kiosk session, the patron and the item (each claimed first on SQLite, which has no row locks), the
# patron's counts, then the writes. A bound, not a timing: a statement more is work every checkout pays.
CHECKOUT_STATEMENTS = {"sqlite": 9, "postgresql": 7}
CHECKIN_STATEMENTS = {"sqlite": 6, "postgresql": 5}

Answer = TypeVar("Answer")


def _as_the_ingest_applies(session: Session, request: Callable[[], Answer]) -> tuple[Answer, StatementLog]:
    """`request` in a transaction of its own that starts with nothing loaded, and the statements it sent."""
    session.commit()
    session.expunge_all()
    with recorded() as sql:
        answer = request()
        session.flush()
    return answer, sql


def test_a_checkout_and_its_return_send_a_bounded_number_of_statements(
    session: Session, circulation: CirculationContext
) -> None:
    patron = make.patron(session)
    book = make.item(session)
    ref = ItemRef(barcode=book.barcode)
    session_id = _signed_in(session, circulation, patron)
    later = NOW + timedelta(minutes=1)  # the session's idle deadline slides, as it does for every request
    lent, lent_sql = _as_the_ingest_applies(
        session,
        lambda: kiosk.checkout(
            session, circulation, device_id=KIOSK, session_id=session_id, item=ref, now=later
        ),
    )
    assert lent.decision.code is ReasonCode.OK
    back, back_sql = _as_the_ingest_applies(
        session, lambda: kiosk.checkin(session, circulation, device_id=KIOSK, item=ref, now=later)
    )
    assert back.decision.code is ReasonCode.OK
    dialect = session.get_bind().dialect.name
    # An item no gate sounded for: its tag check is looked for with the item, never updated on its own.
    assert not [s for s in [*lent_sql, *back_sql] if s.lstrip().upper().startswith("UPDATE TAG_CHECK")]
    assert len(lent_sql) <= CHECKOUT_STATEMENTS[dialect]
    assert len(back_sql) <= CHECKIN_STATEMENTS[dialect]


def test_renew_refused_when_someone_waits(session: Session, circulation: CirculationContext) -> None:
    patron, waiting = make.patron(session), make.patron(session)
    title = make.record(session)
    book = make.item(session, title)
    make.loan(session, book, patron, due_at=NOW + timedelta(days=3))
    make.hold(session, title, waiting, placed_at=NOW - timedelta(hours=1))
    outcome = kiosk.renew(
        session,
        circulation,
        device_id=KIOSK,
        session_id=_signed_in(session, circulation, patron),
        item=ItemRef(barcode=book.barcode),
        now=NOW,
    )
    assert outcome.decision.code is ReasonCode.RENEW_HOLD_WAITING


def test_renew_refused_when_overdue(session: Session, circulation: CirculationContext) -> None:
    patron = make.patron(session)
    book = make.item(session)
    make.loan(session, book, patron, due_at=NOW - timedelta(days=2))
    outcome = kiosk.renew(
        session,
        circulation,
        device_id=KIOSK,
        session_id=_signed_in(session, circulation, patron),
        item=ItemRef(barcode=book.barcode),
        now=NOW,
    )
    assert outcome.decision.code is ReasonCode.RENEW_TOO_LATE


def test_a_patron_with_500_loans_is_counted_not_loaded(
    session: Session, circulation: CirculationContext
) -> None:
    patron = make.patron(session, category="staff")
    title = make.record(session)
    rows = [
        {
            "barcode": f"NV{n:06d}",
            "record_id": title.id,
            "item_type": "book",
            "status": "on_loan",
            "condition": "good",
            "created_at": NOW,
        }
        for n in range(500)
    ]
    session.execute(sa.insert(Item), rows)
    ids = session.execute(sa.select(ITEM.c.id).where(ITEM.c.record_id == title.id)).scalars().all()
    session.execute(
        sa.insert(Loan),
        [
            {
                "item_id": i,
                "patron_id": patron.id,
                "item_type": "book",
                "checked_out_at": NOW,
                "due_at": NOW + timedelta(days=30 + n % 50),
                "renewals": 0,
                "checkout_by": "staff:thuthu",
            }
            for n, i in enumerate(ids)
        ],
    )
    outcome = _login(session, circulation, patron)
    assert outcome.patron is not None
    assert outcome.patron.loans_count == 500
    assert len(outcome.patron.loans) == 50
    dues = [loan.due_at for loan in outcome.patron.loans]
    assert dues == sorted(dues)
    assert session.get(Patron, patron.id) is not None
    refused = kiosk.checkout(
        session,
        circulation,
        device_id=KIOSK,
        session_id=outcome.session_id or uuid.uuid4(),
        item=ItemRef(barcode=make.item(session).barcode),
        now=NOW,
    )
    assert refused.decision.code is ReasonCode.MAX_LOANS
    assert "20" in refused.decision.message.en


def test_effects_survive_a_commit(session: Session, circulation: CirculationContext) -> None:
    """Services never commit; the caller's one commit makes the whole request durable."""
    patron = make.patron(session)
    book = make.item(session)
    session.commit()
    session_id = _signed_in(session, circulation, patron)
    assert kiosk.checkout(
        session,
        circulation,
        device_id=KIOSK,
        session_id=session_id,
        item=ItemRef(barcode=book.barcode),
        now=NOW,
    ).ok
    session.rollback()  # the caller decides: nothing was committed by the service
    assert session.execute(sa.select(sa.func.count()).select_from(Loan)).scalar_one() == 0
    session_id = _signed_in(session, circulation, patron)
    assert kiosk.checkout(
        session,
        circulation,
        device_id=KIOSK,
        session_id=session_id,
        item=ItemRef(barcode=book.barcode),
        now=NOW,
    ).ok
    session.commit()
    assert session.execute(sa.select(sa.func.count()).select_from(Loan)).scalar_one() == 1
