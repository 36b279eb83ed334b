"""Simulated patrons at a kiosk session, against the in-memory circulation double: what they do and how
they react."""

from __future__ import annotations

from contract.events import CheckinRequested, CheckoutRequested, PatronLoginRequested, PatronLogoutRequested
from contract.replies import ReasonCode
from edge.sim.kiosk_patrons import KioskBehaviour
from edge.sim.report import RoundTrip
from tests.support.direct_requester import DirectRequester
from tests.support.kiosk_library import deliver_late, kiosk, library


def kinds(requester: DirectRequester) -> list[str]:
    return [e.KIND for e in requester.sent]


def test_a_borrow_visit_signs_in_borrows_and_signs_out() -> None:
    manifest, desk = library(patrons=1)
    sim, requester = kiosk(
        manifest, desk, KioskBehaviour(think_s=0, return_rate=0, renew_rate=0, odd_item_rate=0)
    )
    report = sim.run_session()
    sent = kinds(requester)
    assert sent[0] == PatronLoginRequested.KIND
    assert sent[-1] == PatronLogoutRequested.KIND
    assert 1 <= sent.count(CheckoutRequested.KIND) <= 3
    assert report.borrowed == sent.count(CheckoutRequested.KIND)
    card = manifest.patrons[0].card_number
    assert {i.barcode for i in sim.world.loans_of(card)} == {b for b, c in desk.loans.items() if c == card}


def test_beliefs_follow_the_desk_over_many_visits_and_books_come_back() -> None:
    manifest, desk = library(patrons=4, items=30)
    sim, _ = kiosk(manifest, desk, KioskBehaviour(think_s=0, wrong_pin_rate=0.2, odd_item_rate=0))
    summary = sim.run(sessions=60)
    assert summary.sessions == 60
    assert summary.borrowed > 0
    assert summary.returned > 0
    believed = {i.barcode: p.card_number for p in manifest.patrons for i in sim.world.loans_of(p.card_number)}
    assert believed == desk.loans
    assert sim.world.on_shelf == 30 - len(desk.loans)


def test_the_same_seed_gives_the_same_visits() -> None:
    runs = []
    for _ in range(2):
        manifest, desk = library(patrons=4, items=30)
        sim, requester = kiosk(manifest, desk, KioskBehaviour(think_s=0), seed=42)
        sim.run(sessions=20)
        runs.append([(e.KIND, e.payload.model_dump_json(exclude={"session_id"})) for e in requester.sent])  # type: ignore[attr-defined]
    assert runs[0] == runs[1]


def test_a_mistyped_pin_is_typed_again() -> None:
    manifest, desk = library(patrons=1)
    sim, _ = kiosk(manifest, desk, KioskBehaviour(think_s=0, wrong_pin_rate=1, return_rate=0))
    report = sim.run_session()
    codes = [t.code for t in report.round_trips if t.kind == PatronLoginRequested.KIND]
    assert codes == [ReasonCode.WRONG_PIN, ReasonCode.OK]
    assert report.borrowed >= 1


def test_a_blocked_patron_signs_in_is_refused_the_first_book_and_leaves() -> None:
    manifest, desk = library(patrons=1)
    desk.patrons[manifest.patrons[0].card_number].blocked = True
    sim, requester = kiosk(manifest, desk)
    report = sim.run_session()
    assert kinds(requester) == [PatronLoginRequested.KIND, CheckoutRequested.KIND, PatronLogoutRequested.KIND]
    assert report.ended_by == ReasonCode.PATRON_BLOCKED
    assert sim.world.on_shelf == 12  # the refused book went back


def test_at_the_loan_limit_the_patron_stops_and_puts_the_book_back() -> None:
    manifest, desk = library(patrons=1, items=5, max_loans=1)
    sim, requester = kiosk(
        manifest,
        desk,
        KioskBehaviour(think_s=0, max_checkouts=3, return_rate=0, renew_rate=0, odd_item_rate=0),
    )
    reports = [sim.run_session() for _ in range(3)]
    limited = [r for r in reports if r.ended_by == ReasonCode.MAX_LOANS]
    assert limited
    assert len(desk.loans) == 1
    assert sim.world.on_shelf == 4  # the refused book went back on the shelf
    for report in limited:
        checkouts = [t.code for t in report.round_trips if t.kind == CheckoutRequested.KIND]
        assert checkouts[-1] == ReasonCode.MAX_LOANS  # nothing more offered after the refusal
    assert kinds(requester).count(PatronLogoutRequested.KIND) == 3


def test_a_book_held_for_someone_else_is_set_aside_for_good() -> None:
    manifest, desk = library(patrons=2, items=3)
    desk.items["VV000001"] = "on_hold_shelf"  # the manifest still believes it is on the shelf
    desk.trapped["VV000001"] = "SV2199999"  # for a patron who is not at this kiosk
    sim, _ = kiosk(manifest, desk, KioskBehaviour(think_s=0, return_rate=0, odd_item_rate=0))
    codes: list[ReasonCode | None] = []
    sim.on_round_trip = lambda trip: codes.append(trip.code)
    sim.run(sessions=8)
    assert codes.count(ReasonCode.ON_HOLD_FOR_OTHER) == 1


def test_a_return_visit_returns_loans_and_a_held_book_goes_to_the_hold_shelf() -> None:
    manifest, desk = library(patrons=1, items=4)
    card = manifest.patrons[0].card_number
    desk.loans = {"VV000000": card, "VV000001": card}
    desk.holds = {"VV000001": "SV2199999"}
    sim, requester = kiosk(manifest, desk, KioskBehaviour(think_s=0, return_rate=1, renew_rate=0))
    sim.world.learn_loans(card, ["VV000000", "VV000001"])
    for _ in range(4):
        if not sim.world.loans_of(card):
            break
        sim.run_session()
    assert desk.loans == {}
    assert CheckinRequested.KIND in kinds(requester)
    # VV000001 went to the hold shelf: nobody picks it from the open shelves
    assert sim.world.on_shelf == 3


def test_a_timed_out_checkout_is_not_asked_again_and_its_late_answer_is_believed() -> None:
    manifest, desk = library(patrons=1, items=1)
    sim, requester = kiosk(
        manifest, desk, KioskBehaviour(think_s=0, max_checkouts=1, return_rate=0, renew_rate=0)
    )
    requester.time_out = {CheckoutRequested.KIND}
    trips: list[RoundTrip] = []
    sim.on_round_trip = trips.append
    report = sim.run_session()
    assert kinds(requester).count(CheckoutRequested.KIND) == 1
    assert [t.answered for t in trips if t.kind == CheckoutRequested.KIND] == [False]
    assert report.borrowed == 0
    card = manifest.patrons[0].card_number
    assert sim.world.loans_of(card) == []
    (late,) = requester.late
    deliver_late(sim, late)
    assert [i.barcode for i in sim.world.loans_of(card)] == ["VV000000"]
    deliver_late(sim, late)  # a repeat of the same answer changes nothing
    assert sim.world.on_shelf == 0


def test_an_answer_arriving_just_as_the_kiosk_stops_waiting_is_believed() -> None:
    manifest, desk = library(patrons=1, items=1)
    sim, requester = kiosk(
        manifest, desk, KioskBehaviour(think_s=0, max_checkouts=1, return_rate=0, renew_rate=0)
    )
    requester.time_out = {CheckoutRequested.KIND}
    requester.late_at_timeout = sim.session.requests.on_late_reply
    sim.run_session()
    card = manifest.patrons[0].card_number
    assert desk.loans == {"VV000000": card}
    assert [i.barcode for i in sim.world.loans_of(card)] == ["VV000000"]
    assert sim.world.on_shelf == 0  # the book the desk lent did not go back on the shelf
    assert sim.unanswered == 0


def test_only_requests_still_waiting_for_an_answer_are_remembered() -> None:
    manifest, desk = library(patrons=1, items=3)
    sim, requester = kiosk(manifest, desk, KioskBehaviour(think_s=0, return_rate=0))
    sim.run(sessions=3)
    assert sim.unanswered == 0
    requester.time_out = {PatronLoginRequested.KIND}
    sim.run_session()
    assert sim.unanswered == 1
    (late,) = requester.late
    deliver_late(sim, late)
    assert sim.unanswered == 0


def test_books_are_read_by_tag_or_barcode() -> None:
    manifest, desk = library(patrons=2, items=30)
    sim, requester = kiosk(manifest, desk, KioskBehaviour(think_s=0, rfid_rate=0.5))
    sim.run(sessions=30)
    refs = [e.payload.item for e in requester.sent if e.KIND == CheckoutRequested.KIND]  # type: ignore[attr-defined]
    assert any(r.tag_uid for r in refs)
    assert any(r.tag_uid is None for r in refs)
    assert all(r.barcode for r in refs)


def test_run_stops_on_the_stop_event_and_by_duration() -> None:
    manifest, desk = library()
    sim, _ = kiosk(manifest, desk)
    sim.stop_event.set()
    assert sim.run().sessions == 0
    sim.stop_event.clear()
    assert sim.run(duration_s=0).sessions == 0


def test_summary_reports_round_trip_percentiles_and_codes() -> None:
    manifest, desk = library(patrons=3, items=20)
    sim, _ = kiosk(manifest, desk)
    figures = sim.run(sessions=10).as_dict()
    assert figures["sessions"] == 10
    assert figures["requests"] == sum(figures["codes"].values())
    assert figures["round_trip_ms_p50"] <= figures["round_trip_ms_p95"] <= figures["round_trip_ms_max"]
    assert any(code.startswith("patron.login:") for code in figures["codes"])
