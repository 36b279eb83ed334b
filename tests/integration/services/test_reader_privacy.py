"""The reader-privacy purge on SQLite and PostgreSQL: what ended more than the retention period ago no
longer names its reader — loans, holds, fines' loans, kiosk sessions, the event log's desk and kiosk
events — unless the reader chose to keep a history; what statistics need stays; a second run changes
nothing; and `stacks privacy purge` does it all in committed batches."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from pydantic_core import to_jsonable_python
from sqlmodel import Session
from typer.testing import CliRunner
from uuid_utils.compat import uuid7

from contract.common import ItemRef
from server.db.tables import EventLog, Fine, Hold, KioskSession, Loan, Patron
from server.domain.enums import ItemStatus
from server.services import dashboard, desk, fines, reader_privacy, staff_actions
from server.services.columns import FINE, HOLD, LOAN
from server.services.context import CirculationContext
from server.services.reader_privacy import PurgeReport
from server.services.staff_actions import item_subject, row_subject
from stacks.cli import app
from tests.support import factories as make

NOW = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
DAYS = 30
LONG_AGO = NOW - timedelta(days=DAYS + 5)
LATELY = NOW - timedelta(days=DAYS - 5)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def purge_all(session: Session, *, limit: int = reader_privacy.BATCH) -> PurgeReport:
    """What the command does: batches until one changes nothing."""
    done = PurgeReport()
    while True:
        batch = reader_privacy.purge_batch(session, now=NOW, retention_days=DAYS, limit=limit)
        session.commit()
        done += batch
        if not batch.changed:
            return done


def _returned(session: Session, patron: Patron, at: datetime, **fields: Any) -> Loan:
    book = make.item(session, make.record(session))
    loan = make.loan(session, book, patron, due_at=at - timedelta(days=1), returned_at=at, **fields)
    book.status = ItemStatus.AVAILABLE
    session.flush()
    return loan


@dataclass
class Library:
    reader: Patron  # an undergraduate of the faculty of law who keeps no history
    keeper: Patron  # chose to keep a history
    old: Loan
    recent: Loan
    open: Loan
    kept: Loan
    owed: Loan  # returned long ago, its fine still owed
    settled_lately: Loan  # returned long ago, its fine paid within the period
    settled_long_ago: Loan
    paid_fine: Fine
    old_hold: Hold
    recent_hold: Hold
    waiting: Hold


@pytest.fixture
def library(session: Session) -> Library:
    reader = make.patron(session, faculty="Khoa Luật")
    keeper = make.patron(session, category="postgraduate", keep_loan_history=True)
    old = _returned(session, reader, LONG_AGO)
    owed = _returned(session, reader, LONG_AGO)
    make.fine(session, reader, 4000, loan_id=owed.id, item_id=owed.item_id)
    settled_lately = _returned(session, reader, LONG_AGO)
    make.fine(
        session, reader, 2000, loan_id=settled_lately.id, status="paid", outstanding=0, settled_at=LATELY
    )
    settled_long_ago = _returned(session, reader, LONG_AGO - timedelta(days=3))
    paid_fine = make.fine(
        session,
        reader,
        6000,
        loan_id=settled_long_ago.id,
        item_id=settled_long_ago.item_id,
        status="paid",
        outstanding=0,
        settled_at=LONG_AGO,
        settled_by="thuthu",
    )
    title = make.record(session)
    old_hold = make.hold(
        session, title, reader, placed_at=LONG_AGO - timedelta(days=9), status="cancelled", closed_at=LONG_AGO
    )
    recent_hold = make.hold(
        session, title, reader, placed_at=LATELY - timedelta(days=9), status="fulfilled", closed_at=LATELY
    )
    waiting = make.hold(session, make.record(session), reader, placed_at=LONG_AGO)
    found = Library(
        reader=reader,
        keeper=keeper,
        old=old,
        recent=_returned(session, reader, LATELY),
        open=make.loan(
            session, make.item(session, make.record(session)), reader, due_at=NOW + timedelta(days=3)
        ),
        kept=_returned(session, keeper, LONG_AGO),
        owed=owed,
        settled_lately=settled_lately,
        settled_long_ago=settled_long_ago,
        paid_fine=paid_fine,
        old_hold=old_hold,
        recent_hold=recent_hold,
        waiting=waiting,
    )
    session.commit()
    return found


def _reader_of(session: Session, row: Loan | Hold) -> int | None:
    session.refresh(row)
    return row.patron_id


def test_loans_holds_and_fines_lose_their_reader_after_the_period(session: Session, library: Library) -> None:
    done = purge_all(session)
    assert (done.loans_detached, done.holds_detached, done.fines_detached) == (2, 1, 1)
    reader = library.reader.id
    assert _reader_of(session, library.old) is None
    assert _reader_of(session, library.settled_long_ago) is None
    for needed in (library.recent, library.open, library.owed, library.settled_lately):
        assert _reader_of(session, needed) == reader
    assert _reader_of(session, library.kept) == library.keeper.id  # the reader's own choice
    assert _reader_of(session, library.old_hold) is None
    assert _reader_of(session, library.recent_hold) == reader
    assert _reader_of(session, library.waiting) == reader
    session.refresh(library.paid_fine)
    fine = library.paid_fine
    # The money stays the patron's; what it was for goes.
    assert (fine.patron_id, fine.amount, fine.status, fine.settled_by) == (reader, 6000, "paid", "thuthu")
    assert (fine.loan_id, fine.item_id) == (None, None)
    # What statistics need stays on the loan.
    session.refresh(library.old)
    old = library.old
    assert (old.patron_category, old.patron_faculty, old.item_type) == ("undergraduate", "Khoa Luật", "book")
    assert (old.checked_out_at, old.returned_at) == (LONG_AGO - timedelta(days=15), LONG_AGO)


@pytest.mark.usefixtures("library")
def test_a_second_run_changes_nothing(session: Session) -> None:
    assert purge_all(session).changed
    before = session.execute(sa.select(LOAN)).all()
    assert purge_all(session) == PurgeReport()
    assert session.execute(sa.select(LOAN)).all() == before


@pytest.mark.usefixtures("library")
def test_small_batches_do_the_same(session: Session) -> None:
    done = purge_all(session, limit=1)
    assert (done.loans_detached, done.holds_detached, done.fines_detached) == (2, 1, 1)


FIGURES: dict[str, tuple[sa.Table, tuple[str, ...], sa.ColumnElement[Any]]] = {
    # What the library counts, grouped as its reports group it: every figure reads the rows' own columns.
    "loans by category and faculty": (LOAN, ("patron_category", "patron_faculty"), sa.func.count()),
    "loans by item": (LOAN, ("item_id", "item_type"), sa.func.count()),
    "renewals by category": (LOAN, ("patron_category",), sa.func.sum(LOAN.c.renewals)),
    "loans returned by day": (LOAN, ("returned_at",), sa.func.count()),
    "holds by title and outcome": (HOLD, ("record_id", "status"), sa.func.count()),
    "fines by kind and status": (FINE, ("kind", "status"), sa.func.sum(FINE.c.amount)),
    "money owed by patron": (FINE, ("patron_id",), sa.func.sum(FINE.c.outstanding)),
}


def _figures(session: Session) -> dict[str, set[tuple[Any, ...]]]:
    return {
        name: {
            tuple(row)
            for row in session.execute(
                sa.select(*(table.c[c] for c in by), total).group_by(*(table.c[c] for c in by))
            )
        }
        for name, (table, by, total) in FIGURES.items()
    }


@pytest.mark.usefixtures("library")
def test_the_librarys_figures_survive(session: Session) -> None:
    before = _figures(session)
    assert {(c, f, n) for c, f, n in before["loans by category and faculty"]} == {
        ("undergraduate", "Khoa Luật", 6),
        ("postgraduate", None, 1),
    }
    assert purge_all(session).changed
    assert _figures(session) == before


def test_a_loan_lent_before_the_snapshot_gets_its_borrowers_category(session: Session) -> None:
    reader = make.patron(session, category="staff", faculty="Khoa Vật lý")
    loan = _returned(session, reader, LONG_AGO, patron_category=None, patron_faculty=None)
    session.commit()
    purge_all(session)
    session.refresh(loan)
    assert (loan.patron_id, loan.patron_category, loan.patron_faculty) == (None, "staff", "Khoa Vật lý")


def test_a_reader_who_stops_keeping_a_history_is_detached_next_night(
    session: Session, library: Library
) -> None:
    purge_all(session)
    assert _reader_of(session, library.kept) == library.keeper.id
    library.keeper.keep_loan_history = False
    session.commit()
    assert purge_all(session).loans_detached == 1
    assert _reader_of(session, library.kept) is None


def test_ended_kiosk_sessions_are_deleted(session: Session) -> None:
    reader = make.patron(session)

    def kiosk_session(opened: datetime, *, closed: bool) -> uuid.UUID:
        row = KioskSession(
            id=uuid.uuid4(),
            device_id="kiosk-01",
            patron_id=reader.id or 0,
            opened_at=opened,
            last_seen_at=opened + timedelta(minutes=3),
            expires_at=opened + timedelta(minutes=13),
            closed_at=opened + timedelta(minutes=3) if closed else None,
        )
        session.add(row)
        return row.id

    gone = [kiosk_session(LONG_AGO, closed=True), kiosk_session(LONG_AGO, closed=False)]
    kept = [kiosk_session(LATELY, closed=True), kiosk_session(NOW - timedelta(minutes=1), closed=False)]
    session.commit()
    assert purge_all(session).kiosk_sessions_deleted == 2
    left = set(session.execute(sa.select(KioskSession.id)).scalars())  # type: ignore[call-overload]
    assert left == set(kept)
    assert not left & set(gone)


def _login_event(card_number: str, name: str, at: datetime) -> EventLog:
    """A kiosk sign-in as the ingest logs it: the card in the payload, the reader in the answer."""
    return EventLog(
        event_id=uuid7(),
        device_id="kiosk-01",
        seq=7,
        kind="patron.login",
        v=1,
        occurred_at=at,
        received_at=at,
        payload={"card_number": card_number},
        result_code="ok",
        reply={
            "kind": "patron.login.result",
            "decision": {
                "ok": True,
                "code": "ok",
                "message": {"vi": f"Xin chào {name}", "en": f"Hello {name}"},
            },
            "session_id": str(uuid.uuid4()),
            "patron": {
                "display_name": name,
                "category": "undergraduate",
                "loans": [{"item": {"title": "Tắt đèn"}}],
            },
        },
    )


def _key_at(moment: datetime) -> uuid.UUID:
    """A UUIDv7 of that moment, as a desk made it then (the day's figures read the time from the id)."""
    random_bits = uuid7().int & ((1 << 62) - 1)
    return uuid.UUID(int=(int(moment.timestamp() * 1000) << 80) | (0x7 << 76) | (0b10 << 62) | random_bits)


def _logged(session: Session, key: uuid.UUID) -> EventLog:
    row = session.get(EventLog, key, populate_existing=True)
    assert row is not None
    return row


def test_desk_and_kiosk_events_lose_their_reader(session: Session, circulation: CirculationContext) -> None:
    reader = make.patron(session, card_number="SV2190001", full_name="Nguyễn Thị Mai")
    make.item(session, make.record(session, title="Số đỏ"), barcode="VV900001")
    fine = make.fine(session, reader, 5000)
    session.commit()

    def at_desk(kind: str, when: datetime, request: dict[str, Any], apply: Any, subject: Any) -> uuid.UUID:
        action = staff_actions.action(kind, "thu.thu", request, _key_at(when))
        staff_actions.perform(session, action, when, apply, subject)
        session.commit()
        return action.key

    ref = ItemRef(barcode="VV900001")
    lent = at_desk(
        "checkout",
        LONG_AGO,
        {"card_number": "SV2190001", "item": {"barcode": "VV900001"}},
        lambda: to_jsonable_python(
            desk.desk_checkout(
                session, circulation, staff="thu.thu", card_number="SV2190001", item=ref, now=LONG_AGO
            ).reply_fields()
        ),
        item_subject(session, ref),
    )
    paid = at_desk(
        "fine.pay",
        LONG_AGO,
        {"fine_id": fine.id},
        lambda: {
            "ok": True,
            "status": fines.pay_fine(session, fine.id or 0, staff="thu.thu", now=LONG_AGO).status,
        },
        row_subject(session, f"fine:{fine.id}", Fine, id=fine.id),
    )
    renamed = at_desk(
        "patron.update",
        LONG_AGO,
        {"card_number": "SV2190001", "full_name": "Nguyễn Thị Mai"},
        lambda: {"ok": True},
        row_subject(session, "patron:SV2190001", Patron, card_number="SV2190001"),
    )
    old_login, new_login = (
        _login_event("SV2190001", "Nguyễn Thị Mai", LONG_AGO),
        _login_event("SV2190001", "Nguyễn Thị Mai", LATELY),
    )
    session.add_all([old_login, new_login])
    session.commit()
    assert _logged(session, lent).changes["after"]["loan"]["patron_id"] == reader.id  # type: ignore[index]
    that_day = dashboard.today(session, LONG_AGO, HANOI)
    assert that_day.checkouts == 1

    assert purge_all(session).events_scrubbed == 3  # the sign-in, the checkout and the payment
    checkout = _logged(session, lent)
    assert "card_number" not in checkout.payload
    assert checkout.payload["item"] == {"barcode": "VV900001"}
    assert checkout.payload["staff"] == "thu.thu"
    assert checkout.changes is not None
    assert checkout.changes["target"] == "item:VV900001"
    assert "patron_id" not in checkout.changes["after"]["loan"]
    assert checkout.changes["after"]["loan"]["patron_category"] == "undergraduate"
    assert checkout.result_code == "ok"
    payment = _logged(session, paid)
    assert payment.changes is not None
    assert payment.changes["after"]["patron_id"] == reader.id  # a fine stays its patron's
    assert "loan_id" not in payment.changes["after"]
    assert "item_id" not in payment.changes["after"]
    login = _logged(session, old_login.event_id)
    assert login.payload == {}
    assert login.reply is not None
    assert "patron" not in login.reply
    assert login.reply["decision"] == {"ok": True, "code": "ok"}
    assert "Mai" not in json.dumps(login.reply, ensure_ascii=False)
    # Not yet past the period, or no reading record: as they were.
    assert _logged(session, new_login.event_id).payload == {"card_number": "SV2190001"}
    assert _logged(session, renamed).payload["card_number"] == "SV2190001"
    assert dashboard.today(session, LONG_AGO, HANOI) == that_day  # the day's figures still count it
    assert purge_all(session) == PurgeReport()


def test_stacks_privacy_purge(
    session: Session, library: Library, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STACKS_LOAN_HISTORY_DAYS", str(DAYS))
    at = NOW.isoformat()
    runner = CliRunner()
    result = runner.invoke(app, ["privacy", "purge", "--database-url", database_url, "--at", at, "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert (figures["loans_detached"], figures["holds_detached"], figures["fines_detached"]) == (2, 1, 1)
    assert (figures["retention_days"], figures["before"]) == (DAYS, (NOW - timedelta(days=DAYS)).isoformat())
    assert _reader_of(session, library.old) is None
    again = runner.invoke(app, ["privacy", "purge", "--database-url", database_url, "--at", at, "--json"])
    assert json.loads(again.output)["loans_detached"] == 0
