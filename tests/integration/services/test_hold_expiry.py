"""A hold whose pickup deadline passed, on SQLite and PostgreSQL: it lapses wherever it is come across,
the copy passes to the next hold or back into circulation, and every answer is the same whether the
nightly `stacks holds expire` has run yet or not."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from typer.testing import CliRunner

from contract.common import ItemRef
from contract.replies import ReasonCode
from server.db.tables import BibRecord, Hold, Item, Patron
from server.domain.enums import HoldStatus
from server.services import holds, kiosk
from server.services.columns import HOLD
from server.services.context import CirculationContext
from server.services.desk import desk_checkin, desk_checkout, desk_renew
from server.services.queries import counts
from stacks.cli import app
from tests.support import factories as make

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=HCM).astimezone(UTC)  # Monday morning
DEADLINE = datetime(2026, 11, 21, 23, 59, 59, tzinfo=HCM).astimezone(UTC)  # end of Saturday: passed
# Each scenario runs twice: as the morning finds it when the nightly job has run, and when it has not.
JOB = pytest.mark.parametrize("job_ran", [False, True], ids=["no job yet", "after the job"])


@dataclass
class HoldShelf:
    """A copy on the hold shelf for a patron who did not come by the deadline."""

    title: BibRecord
    book: Item
    late: Patron
    lapsed: Hold


@pytest.fixture
def shelf(session: Session) -> HoldShelf:
    title = make.record(session)
    book = make.item(session, title, status="on_hold_shelf")
    late = make.patron(session)
    lapsed = make.hold(
        session,
        title,
        late,
        placed_at=NOW - timedelta(days=10),
        status="ready",
        item_id=book.id,
        ready_at=NOW - timedelta(days=4),
        expires_at=DEADLINE,
    )
    return HoldShelf(title, book, late, lapsed)


def _morning(session: Session, circulation: CirculationContext, job_ran: bool) -> None:
    if job_ran:
        assert holds.expire_holds(session, circulation, now=NOW) == 1


def _queue(session: Session, shelf: HoldShelf) -> Patron:
    """Someone else waits for the same title."""
    waiting = make.patron(session)
    make.hold(session, shelf.title, waiting, placed_at=NOW - timedelta(days=1))
    return waiting


def _ready_holds_on(session: Session, item: Item) -> list[int]:
    statement = sa.select(HOLD.c.patron_id).where(HOLD.c.item_id == item.id, HOLD.c.status == "ready")
    return list(session.execute(statement).scalars())


@JOB
def test_a_walk_in_borrows_a_copy_nobody_came_for(
    session: Session, circulation: CirculationContext, shelf: HoldShelf, job_ran: bool
) -> None:
    walk_in = make.patron(session)
    _morning(session, circulation, job_ran)
    ref = ItemRef(barcode=shelf.book.barcode)
    out = desk_checkout(
        session, circulation, staff="thuthu", card_number=walk_in.card_number, item=ref, now=NOW
    )
    assert out.decision.code is ReasonCode.OK
    assert shelf.book.status == "on_loan"
    assert shelf.lapsed.status == HoldStatus.EXPIRED.value


@JOB
def test_the_late_holder_borrows_it_like_anyone(
    session: Session, circulation: CirculationContext, shelf: HoldShelf, job_ran: bool
) -> None:
    _morning(session, circulation, job_ran)
    ref = ItemRef(barcode=shelf.book.barcode)
    out = desk_checkout(
        session,
        circulation,
        staff="thuthu",
        card_number=shelf.late.card_number,
        item=ref,
        now=NOW,
    )
    assert out.decision.code is ReasonCode.OK
    assert shelf.lapsed.status == HoldStatus.EXPIRED.value


@JOB
def test_the_copy_passes_to_the_next_in_line(
    session: Session, circulation: CirculationContext, shelf: HoldShelf, job_ran: bool
) -> None:
    waiting, walk_in = _queue(session, shelf), make.patron(session)
    _morning(session, circulation, job_ran)
    ref = ItemRef(barcode=shelf.book.barcode)
    refused = desk_checkout(
        session, circulation, staff="thuthu", card_number=walk_in.card_number, item=ref, now=NOW
    )
    assert refused.decision.code is ReasonCode.ON_HOLD_FOR_OTHER
    assert _ready_holds_on(session, shelf.book) == [waiting.id]
    theirs = desk_checkout(
        session, circulation, staff="thuthu", card_number=waiting.card_number, item=ref, now=NOW
    )
    assert theirs.decision.code is ReasonCode.OK_HOLD_READY_FOR_YOU
    assert shelf.lapsed.status == HoldStatus.EXPIRED.value
    assert _ready_holds_on(session, shelf.book) == []


@JOB
def test_checking_the_copy_in_traps_it_once(
    session: Session, circulation: CirculationContext, shelf: HoldShelf, job_ran: bool
) -> None:
    """Staff clearing the hold shelf scan the copy back in: it waits for the next patron, and only them."""
    waiting = _queue(session, shelf)
    _morning(session, circulation, job_ran)
    back = desk_checkin(
        session, circulation, staff="thuthu", item=ItemRef(barcode=shelf.book.barcode), now=NOW
    )
    assert back.decision.code is ReasonCode.OK_HOLD_WAITING
    assert back.hold is not None
    assert shelf.book.status == "on_hold_shelf"
    assert shelf.lapsed.status == HoldStatus.EXPIRED.value
    assert _ready_holds_on(session, shelf.book) == [waiting.id]


@JOB
def test_a_renewal_is_not_held_up_by_a_copy_nobody_came_for(
    session: Session, circulation: CirculationContext, shelf: HoldShelf, job_ran: bool
) -> None:
    borrower = make.patron(session)
    other_copy = make.item(session, shelf.title)
    make.loan(session, other_copy, borrower, due_at=datetime(2026, 11, 25, 21, 0, tzinfo=HCM))
    waiting = _queue(session, shelf)
    _morning(session, circulation, job_ran)
    renewed = desk_renew(
        session,
        circulation,
        staff="thuthu",
        card_number=borrower.card_number,
        item=ItemRef(barcode=other_copy.barcode),
        now=NOW,
    )
    assert renewed.decision.code is ReasonCode.OK  # the copy on the shelf now serves whoever waited
    assert _ready_holds_on(session, shelf.book) == [waiting.id]


@JOB
def test_lists_and_counts_show_holds_as_they_stand(
    session: Session, circulation: CirculationContext, shelf: HoldShelf, job_ran: bool
) -> None:
    """A read judges the hold over, job or no job; only the job (or a write) passes the copy on."""
    waiting = _queue(session, shelf)
    _morning(session, circulation, job_ran)
    assert counts(session, shelf.late.id or 0, NOW, record_id=shelf.title.id).holds_ready == 0
    listed = holds.list_holds(session, now=NOW, record_id=shelf.title.id)
    passed_on = (HoldStatus.READY, shelf.book.id) if job_ran else (HoldStatus.WAITING, None)
    assert [(h.patron_id, h.status, h.item_id) for h in listed] == [
        (shelf.late.id, HoldStatus.EXPIRED, shelf.book.id),
        (waiting.id, *passed_on),
    ]
    assert [
        h.patron_id for h in holds.list_holds(session, now=NOW, record_id=shelf.title.id, open_only=True)
    ] == [waiting.id]
    expected = HoldStatus.EXPIRED.value if job_ran else HoldStatus.READY.value
    assert shelf.lapsed.status == expected  # the list changed nothing


@JOB
def test_the_next_in_line_sees_the_copy_ready_when_signing_in(
    session: Session, circulation: CirculationContext, shelf: HoldShelf, job_ran: bool
) -> None:
    waiting = _queue(session, shelf)
    _morning(session, circulation, job_ran)
    login = kiosk.login(
        session,
        circulation,
        device_id="kiosk-1",
        card_number=waiting.card_number,
        pin=make.DEFAULT_PIN,
        now=NOW,
    )
    assert login.patron is not None
    assert login.patron.holds_ready == 1


def test_a_lapsed_hold_counts_for_nothing_before_anything_lapses_it(
    session: Session, circulation: CirculationContext, shelf: HoldShelf
) -> None:
    found = counts(session, shelf.late.id or 0, NOW, record_id=shelf.title.id)
    assert (found.holds_ready, found.holds_record) == (0, False)
    assert shelf.lapsed.status == HoldStatus.READY.value  # a read of counts changes nothing
    # The patron may ask for the title again; the lapsed hold is closed on the way.
    again = holds.place_hold(
        session,
        circulation,
        patron_id=shelf.late.id or 0,
        record_id=shelf.title.id or 0,
        now=NOW,
    )
    assert again.status is HoldStatus.WAITING
    assert shelf.lapsed.status == HoldStatus.EXPIRED.value


def test_a_hold_is_live_through_its_deadline(
    session: Session, circulation: CirculationContext, shelf: HoldShelf
) -> None:
    """The deadline is the end of the last pickup day: up to that moment the copy is the holder's."""
    walk_in = make.patron(session)
    ref = ItemRef(barcode=shelf.book.barcode)
    at_deadline = DEADLINE
    refused = desk_checkout(
        session,
        circulation,
        staff="thuthu",
        card_number=walk_in.card_number,
        item=ref,
        now=at_deadline,
    )
    assert refused.decision.code is ReasonCode.ON_HOLD_FOR_OTHER
    assert holds.expire_holds(session, circulation, now=at_deadline) == 0
    assert shelf.lapsed.status == HoldStatus.READY.value


def test_stacks_holds_expire(session: Session, shelf: HoldShelf, database_url: str) -> None:
    waiting = _queue(session, shelf)
    session.commit()
    at = NOW.astimezone(HCM).isoformat()
    runner = CliRunner()
    result = runner.invoke(app, ["holds", "expire", "--database-url", database_url, "--at", at, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"expired": 1, "at": NOW.isoformat()}
    session.expire_all()
    assert shelf.lapsed.status == HoldStatus.EXPIRED.value
    assert _ready_holds_on(session, shelf.book) == [waiting.id]
    again = runner.invoke(app, ["holds", "expire", "--database-url", database_url, "--at", at, "--json"])
    assert json.loads(again.output)["expired"] == 0
    naive = runner.invoke(
        app, ["holds", "expire", "--database-url", database_url, "--at", "2026-11-23T10:00"]
    )
    assert naive.exit_code == 1
    assert "time zone" in naive.output
