"""Weeding rounds stored and run by the server, on SQLite and PostgreSQL, over the small library of
tests/support/weeding_library.py: 8 copies held, 3 candidates (OLD-UNUSED, BUSY-IDLE, GONE-MISSING). The
rounds here may withdraw 25 % of holdings — 2 copies — so the cap is met by the third withdrawal."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.db.tables import (
    BibRecord,
    EventLog,
    Item,
    ItemTrace,
    ItemWithdrawal,
    RepairTicket,
    WeedingRoundDocument,
)
from server.domain.enums import ItemStatus
from server.domain.weeding.rounds import RoundRefusal, RoundStatus, Verdict
from server.domain.weeding.settings import WeedingSettings
from server.errors import InvalidInputError
from server.services import (
    weeding_round_approval,
    weeding_round_proposal,
    weeding_round_reads,
    weeding_rounds,
)
from server.services.columns import table_of
from server.services.weeding_candidates import WeedingFilters
from server.services.weeding_round_store import RoundRefusedError
from server.services.weeding_rounds import Asked
from tests.integration.services.test_races import reads_meet
from tests.support import factories as make
from tests.support import weeding_library
from tests.support.weeding_library import TODAY, WeedingLibrary

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
CANDIDATES = ["OLD-UNUSED", "BUSY-IDLE", "GONE-MISSING"]  # in shelf order: 005.5, 338.5, 959.7


@pytest.fixture
def library(session: Session) -> WeedingLibrary:
    return weeding_library.build(session)


@pytest.fixture
def settings() -> WeedingSettings:
    shipped = weeding_library.settings()
    return replace(shipped, rounds=replace(shipped.rounds, max_share_percent=25))


def _open(
    session: Session, settings: WeedingSettings, *, reviewers: tuple[str, ...] = ("hoa", "minh")
) -> int:
    row = weeding_round_proposal.open_round(
        session,
        settings,
        TODAY,
        WeedingFilters(),
        title="Đợt 1/2026",
        reviewers=reviewers,
        at=T0,
        staff="hoa",
    )
    session.commit()
    assert row.id is not None
    return row.id


def _review(session: Session, settings: WeedingSettings) -> int:
    round_id = _open(session, settings)
    weeding_rounds.start_review(session, round_id, at=T0 + MINUTE, staff="hoa")
    session.commit()
    return round_id


def _decide(
    session: Session,
    settings: WeedingSettings,
    round_id: int,
    item_id: int,
    verdict: Verdict | None,
    **more: object,
) -> weeding_rounds.Decisions:
    version = int(more.pop("version", _version(session, round_id, item_id)))  # type: ignore[call-overload]
    asked = Asked(item_id, version, verdict, **more)  # type: ignore[arg-type]
    done = weeding_rounds.decide(
        session, round_id, [asked], rules=settings.rounds, at=T0 + 2 * MINUTE, staff="minh"
    )
    session.commit()
    return done


def _version(session: Session, round_id: int, item_id: int) -> int:
    (entry,) = [e for e in weeding_round_reads.entries(session, round_id) if e.item_id == item_id]
    return entry.version


def _refusal(caught: pytest.ExceptionInfo[RoundRefusedError]) -> list[tuple[int | None, RoundRefusal]]:
    return [(r.item_id, r.refusal) for r in caught.value.refused]


@pytest.mark.usefixtures("library")
def test_a_round_opens_with_the_candidates_and_what_they_were_proposed_on(
    session: Session, settings: WeedingSettings
) -> None:
    round_id = _open(session, settings)
    summary = weeding_round_reads.summary(session, round_id)
    assert (summary.row.number, summary.row.status, summary.row.holdings, summary.cap) == (
        1,
        RoundStatus.PROPOSED,
        8,
        2,
    )
    entries = weeding_round_reads.entries(session, round_id)
    assert [e.snapshot["barcode"] for e in entries] == CANDIDATES
    old = entries[0]
    assert old.reasons == ["age", "unused"]
    assert (old.snapshot["title"], old.snapshot["year"], old.snapshot["last_loan"]) == (
        "Tin học văn phòng 2000",
        2000,
        "2015-03-02",
    )
    assert {f["reason"] for f in old.snapshot["findings"]} == {"age", "unused"}
    with pytest.raises(InvalidInputError):  # every candidate is in the open round already
        _open(session, settings)


def test_copies_are_added_and_dropped_only_while_proposed(
    session: Session, library: WeedingLibrary, settings: WeedingSettings
) -> None:
    round_id = _open(session, settings)
    (added,) = weeding_round_proposal.add_items(session, round_id, ["BUSY-READ"])
    assert (added.position, added.reasons, added.snapshot["added_by_hand"]) == (4, [], True)
    with pytest.raises(InvalidInputError):
        weeding_round_proposal.add_items(session, round_id, ["OLD-WITHDRAWN"])
    assert weeding_round_proposal.remove_items(session, round_id, [library.items["BUSY-IDLE"]]) == 1
    session.commit()
    weeding_rounds.start_review(session, round_id, at=T0, staff="hoa")
    session.commit()
    with pytest.raises(RoundRefusedError) as refused:
        weeding_round_proposal.add_items(session, round_id, ["BUSY-IDLE"])
    session.rollback()
    assert _refusal(refused) == [(None, RoundRefusal.WRONG_STATUS)]
    weeding_rounds.reopen(session, round_id)
    weeding_round_proposal.add_items(session, round_id, ["BUSY-IDLE"])
    session.commit()
    barcodes = [e.snapshot["barcode"] for e in weeding_round_reads.entries(session, round_id)]
    assert barcodes == ["OLD-UNUSED", "GONE-MISSING", "BUSY-READ", "BUSY-IDLE"]


def test_a_stale_decision_is_refused_with_the_decision_made_first(
    engine: Engine, session: Session, library: WeedingLibrary, settings: WeedingSettings
) -> None:
    round_id = _review(session, settings)
    old, idle = library.items["OLD-UNUSED"], library.items["BUSY-IDLE"]
    # Two reviewers read the list at version 0 and decide on different copies: both decisions stand.
    with Session(engine) as first, Session(engine) as second:
        _decide(first, settings, round_id, old, Verdict.WITHDRAW, version=0, note="nội dung lạc hậu")
        _decide(second, settings, round_id, idle, Verdict.KEEP, version=0)
        # The second decides on the first's copy, on the version it read: refused, shown the first's.
        with pytest.raises(RoundRefusedError) as stale:
            _decide(second, settings, round_id, old, Verdict.KEEP, version=0)
        second.rollback()
    assert _refusal(stale) == [(old, RoundRefusal.STALE_VERSION)]
    facts = {f.name: f for f in stale.value.refused[0].facts}
    assert (facts["version"].value, facts["version"].limit, facts["current_verdict"].value) == (
        0,
        1,
        Verdict.WITHDRAW,
    )
    entries = {e.item_id: e for e in weeding_round_reads.entries(session, round_id)}
    assert (entries[old].verdict, entries[old].version, entries[old].note) == (
        Verdict.WITHDRAW,
        1,
        "nội dung lạc hậu",
    )
    assert (entries[idle].verdict, entries[idle].version) == (Verdict.KEEP, 1)
    # Undone: back to undecided, a version on.
    _decide(session, settings, round_id, old, None)
    entry = {e.item_id: e for e in weeding_round_reads.entries(session, round_id)}[old]
    assert (entry.verdict, entry.version) == (None, 2)


def test_the_cap_refuses_the_withdrawal_past_it(
    session: Session, library: WeedingLibrary, settings: WeedingSettings
) -> None:
    round_id = _review(session, settings)
    for barcode in CANDIDATES[:2]:
        _decide(session, settings, round_id, library.items[barcode], Verdict.WITHDRAW)
    with pytest.raises(RoundRefusedError) as capped:
        _decide(session, settings, round_id, library.items["GONE-MISSING"], Verdict.WITHDRAW)
    session.rollback()
    assert _refusal(capped) == [(library.items["GONE-MISSING"], RoundRefusal.CAP_REACHED)]
    facts = {f.name: f.value for f in capped.value.refused[0].facts}
    assert (facts["holdings"], facts["cap"], facts["withdrawals"]) == (8, 2, 2)
    assert weeding_round_reads.summary(session, round_id).cap_used_percent == 100


def test_a_copy_on_loan_or_on_hold_is_refused_at_decision_and_again_at_approval(
    session: Session, library: WeedingLibrary, settings: WeedingSettings
) -> None:
    round_id = _open(session, settings)
    weeding_round_proposal.add_items(session, round_id, ["BUSY-LENT"])
    weeding_rounds.start_review(session, round_id, at=T0, staff="hoa")
    session.commit()
    lent, idle = library.items["BUSY-LENT"], library.items["BUSY-IDLE"]
    with pytest.raises(RoundRefusedError) as on_loan:
        _decide(session, settings, round_id, lent, Verdict.WITHDRAW)
    session.rollback()
    assert _refusal(on_loan) == [(lent, RoundRefusal.ON_LOAN)]
    _decide(session, settings, round_id, lent, Verdict.KEEP)
    _decide(session, settings, round_id, idle, Verdict.WITHDRAW)
    _decide(session, settings, round_id, library.items["OLD-UNUSED"], Verdict.KEEP)
    _decide(session, settings, round_id, library.items["GONE-MISSING"], Verdict.REPAIR)
    # A reader's hold traps the copy after the decision: approval refuses it.
    idle_row = session.get_one(Item, idle)
    record = session.get_one(BibRecord, idle_row.record_id)
    make.ready_hold(
        session,
        record,
        make.patron(session, pin=None),
        idle_row,
        ready_at=T0,
        expires_at=T0 + timedelta(days=3),
    )
    session.commit()
    with pytest.raises(RoundRefusedError) as on_hold:
        weeding_round_approval.approve(session, round_id, rules=settings.rounds, at=T0 + MINUTE, staff="hoa")
    session.rollback()
    assert _refusal(on_hold) == [(idle, RoundRefusal.ON_HOLD)]
    assert session.get_one(Item, idle, populate_existing=True).status is ItemStatus.ON_HOLD_SHELF


def test_approval_withdraws_repairs_moves_and_audits_each_copy(
    session: Session, library: WeedingLibrary, settings: WeedingSettings
) -> None:
    round_id = _review(session, settings)
    old, idle, gone = (library.items[b] for b in CANDIDATES)
    tag = session.get_one(Item, old).tag_uid
    with pytest.raises(RoundRefusedError) as undecided:
        weeding_round_approval.approve(session, round_id, rules=settings.rounds, at=T0, staff="hoa")
    session.rollback()
    assert {r.refusal for r in undecided.value.refused} == {RoundRefusal.UNDECIDED}
    _decide(session, settings, round_id, old, Verdict.WITHDRAW, note="lạc hậu")
    _decide(session, settings, round_id, idle, Verdict.MOVE, move_to="TV-KHOQUY-K1")
    _decide(session, settings, round_id, gone, Verdict.WITHDRAW)
    old_record = session.get_one(BibRecord, session.get_one(Item, old).record_id)
    make.hold(session, old_record, make.patron(session, pin=None), placed_at=T0)
    session.commit()
    approved_at = T0 + timedelta(hours=1)
    done = weeding_round_approval.approve(
        session, round_id, rules=settings.rounds, at=approved_at, staff="hoa"
    )
    session.commit()

    assert (done.row.status, done.row.approved_at, done.row.approved_by) == (
        RoundStatus.APPROVED,
        approved_at,
        "hoa",
    )
    assert done.outcome["counts"] == {"keep": 0, "withdraw": 2, "repair": 0, "move": 1}
    withdrawn = session.get_one(Item, old, populate_existing=True)
    assert (withdrawn.status, withdrawn.status_changed_at, withdrawn.tag_uid) == (
        ItemStatus.WITHDRAWN,
        approved_at,
        None,
    )
    register = session.get_one(ItemWithdrawal, old)
    assert (
        register.withdrawn_at,
        register.round_id,
        register.reasons,
        register.note,
        register.released_tag_uid,
    ) == (
        approved_at,
        round_id,
        ["age", "unused"],
        "lạc hậu",
        tag,
    )
    assert {"barcode": "OLD-UNUSED", "tag_uid": tag} in done.outcome["released_tags"]
    assert session.get(ItemTrace, gone) is None  # the missing copy's search ends with it
    assert (
        session.get_one(Item, idle, populate_existing=True).home_location_id
        == library.shelves["TV-KHOQUY-K1"]
    )
    # The record whose last copy goes (its other was withdrawn before) is told, with the hold waiting on it;
    # the missing copy's record keeps its lost copy.
    assert done.outcome["records_without_copies"] == [
        {"record_id": withdrawn.record_id, "title": "Tin học văn phòng 2000", "open_holds": 1}
    ]
    log = table_of(EventLog)
    kinds = list(session.execute(sa.select(log.c.kind).where(log.c.kind.like("desk.weeding.%"))).scalars())
    assert sorted(kinds) == ["desk.weeding.move", "desk.weeding.withdraw", "desk.weeding.withdraw"]
    kept = table_of(WeedingRoundDocument)
    documents = session.execute(sa.select(kept.c.kind, kept.c.language, kept.c.format, kept.c.content)).all()
    made = {(kind, lang, fmt) for kind, lang, fmt, _ in documents}
    lists = ("proposed_list", "final_list")
    assert made == {(k, lang, f) for k in lists for lang in ("vi", "en") for f in ("pdf", "csv")} | {
        ("appraisal_minutes", "vi", "pdf"),
        ("appraisal_minutes", "en", "pdf"),
    }
    assert all(content.startswith(b"%PDF") for _, _, fmt, content in documents if fmt == "pdf")
    with pytest.raises(RoundRefusedError):
        weeding_rounds.abandon(session, round_id, at=T0, staff="hoa")
    session.rollback()
    closed = weeding_rounds.close(session, round_id, at=approved_at + MINUTE, staff="hoa")
    assert closed.status is RoundStatus.CLOSED
    session.commit()
    due = weeding_round_reads.next_due(session, settings.rounds, TODAY)
    assert (due.due_on.year, due.interval_years, due.overdue) == (2029, 3, False)


def test_a_repair_verdict_queues_the_copy(
    session: Session, library: WeedingLibrary, settings: WeedingSettings
) -> None:
    round_id = _review(session, settings)
    old, idle, gone = (library.items[b] for b in CANDIDATES)
    _decide(session, settings, round_id, old, Verdict.REPAIR, note="bung gáy")
    _decide(session, settings, round_id, idle, Verdict.KEEP)
    _decide(session, settings, round_id, gone, Verdict.KEEP)
    weeding_round_approval.approve(session, round_id, rules=settings.rounds, at=T0 + MINUTE, staff="hoa")
    session.commit()
    ticket = session.execute(sa.select(RepairTicket).where(RepairTicket.item_id == old)).scalar_one()  # type: ignore[arg-type]
    assert ticket.state == "queued"
    assert session.get_one(Item, old, populate_existing=True).status is ItemStatus.DAMAGED


def test_an_abandoned_round_withdraws_nothing_and_takes_no_more_decisions(
    session: Session, library: WeedingLibrary, settings: WeedingSettings
) -> None:
    round_id = _review(session, settings)
    old = library.items["OLD-UNUSED"]
    _decide(session, settings, round_id, old, Verdict.WITHDRAW)
    abandoned = weeding_rounds.abandon(session, round_id, at=T0 + MINUTE, staff="hoa")
    session.commit()
    assert (abandoned.status, abandoned.approved_at, abandoned.closed_by) == (RoundStatus.CLOSED, None, "hoa")
    assert session.get_one(Item, old, populate_existing=True).status is ItemStatus.AVAILABLE
    with pytest.raises(RoundRefusedError) as closed:
        _decide(session, settings, round_id, old, Verdict.KEEP)
    session.rollback()
    assert _refusal(closed) == [(old, RoundRefusal.WRONG_STATUS)]
    # Its copies may be proposed again, and the next round is due at once: none was ever approved.
    assert _open(session, settings) != round_id
    assert weeding_round_reads.next_due(session, settings.rounds, TODAY).due_on == TODAY


def test_two_reviewers_at_once_for_the_last_withdrawal_under_the_cap_one_gets_it(
    engine: Engine, session: Session, library: WeedingLibrary, settings: WeedingSettings
) -> None:
    """Both read the round at the same moment: the round's lock serves them one after the other, so the
    second counts the first's withdrawal and is refused — the cap is never passed."""
    round_id = _review(session, settings)
    _decide(session, settings, round_id, library.items["OLD-UNUSED"], Verdict.WITHDRAW)
    results: list[object] = [None, None]

    def withdraw(n: int, barcode: str) -> None:
        with Session(engine, expire_on_commit=False) as own:
            asked = [Asked(library.items[barcode], 0, Verdict.WITHDRAW)]
            try:
                results[n] = weeding_rounds.decide(
                    own, round_id, asked, rules=settings.rounds, at=T0, staff=f"reviewer-{n}"
                )
                own.commit()
            except RoundRefusedError as refused:
                results[n] = refused

    with reads_meet(engine, "weeding_round"):
        threads = [
            threading.Thread(target=withdraw, args=(n, barcode))
            for n, barcode in enumerate(("BUSY-IDLE", "GONE-MISSING"))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    refused = [r for r in results if isinstance(r, RoundRefusedError)]
    assert len(refused) == 1, results
    assert refused[0].refused[0].refusal is RoundRefusal.CAP_REACHED
    assert weeding_round_reads.summary(session, round_id).counts.withdrawals == 2
