"""A stock-take through the real ingest and services on SQLite and PostgreSQL: a seeded scope with known
faults, a handheld's joins, reads and marks, lending during the session, closing — every fault in its
class, nothing missing outside the swept shelf, a re-sent batch counted once, and events the session
cannot take dead-lettered with the reason."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from contract import topics
from contract.codec import decode_acks
from contract.events import EventEnvelope
from contract.stocktake import DamageKind as MarkedKind
from server.db.tables import (
    DeadLetter,
    Item,
    ItemTrace,
    Loan,
    StocktakeCorrection,
    StocktakeCount,
    StocktakeRead,
    StocktakeResult,
    StocktakeSweep,
    StocktakeTagEvent,
)
from server.domain.enums import ItemStatus
from server.domain.lifecycle.condition import DamageKind
from server.domain.lifecycle.history import TraceEvent
from server.domain.lifecycle.trace import PRESENT, Trace, Whereabouts
from server.domain.stocktake.facts import micros
from server.domain.stocktake.plan import ActionKind
from server.domain.stocktake.results import ItemClass
from server.domain.stocktake.tags import TagVerdict
from server.ingest.handlers import build_registry
from server.ingest.messages import BatchResult
from server.ingest.pipeline import apply_batch
from server.services import repairs, stocktake_actions, stocktake_close, stocktake_live, stocktake_sessions
from server.services.item_traces import events_of
from server.services.mapping import trace_of
from server.services.queries import require_id
from server.services.stocktake_sessions import StocktakeRefusedError
from server.settings import ServerSettings
from tests.support import events as ev
from tests.support.context import circulation_context
from tests.support.stocktake_library import (
    CLOSED,
    DAMAGE_KINDS,
    OPENED,
    SWEPT,
    Handheld,
    StocktakeLibrary,
    lend_during_session,
    stocktake_library,
    sweep_reads,
)


@pytest.fixture
def library(engine: Engine) -> StocktakeLibrary:
    with Session(engine, expire_on_commit=False) as session:
        made = stocktake_library(session)
        session.commit()
    return made


@pytest.fixture
def session_id(engine: Engine, library: StocktakeLibrary) -> int:
    with Session(engine, expire_on_commit=False) as session:
        created = stocktake_sessions.create(
            session, name="Kiểm kê 2026 — dãy 1", scope=library.scope, staff="thuthu", now=OPENED
        )
        stocktake_sessions.open_session(session, created.id, staff="thuthu", now=OPENED)
        lend_during_session(session, library)
        session.commit()
    return created.id


def ingest(engine: Engine, tmp_path: Path, *events: EventEnvelope) -> BatchResult:
    settings = ServerSettings(data_dir=tmp_path, _env_file=None)
    registry = build_registry(settings, circulation_context(settings))
    with Session(engine) as session:
        result = apply_batch(session, [ev.inbound(*events)], registry=registry, now=CLOSED)
        session.commit()
    return result


def close(engine: Engine, session_id: int) -> dict[int, StocktakeResult]:
    with Session(engine, expire_on_commit=False) as session:
        stocktake_close.close(session, session_id, staff="thuthu", now=CLOSED)
        session.commit()
        rows = session.exec(select(StocktakeResult).where(StocktakeResult.session_id == session_id))
        return {row.item_id: row for row in rows}


def _count(engine: Engine, table: type, session_id: int) -> int:
    with engine.connect() as connection:
        query = sa.select(sa.func.count()).select_from(table).where(sa.column("session_id") == session_id)
        return int(connection.execute(query).scalar_one())


def _class_totals(engine: Engine, session_id: int, tally: str) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.exec(
            select(StocktakeCount).where(
                StocktakeCount.session_id == session_id, StocktakeCount.tally == tally
            )
        )
        totals: dict[str, int] = {}
        for row in rows:
            totals[row.name] = totals.get(row.name, 0) + row.count
        return totals


def sweep_shelf_a(
    engine: Engine,
    tmp_path: Path,
    library: StocktakeLibrary,
    session_id: int,
    *,
    kinds: Sequence[MarkedKind] | None = DAMAGE_KINDS,
) -> int:
    """Shelf A swept in two batches with a damage mark naming `kinds` (none: a version 1 mark), the first
    batch re-sent; the reads sent."""
    handheld = Handheld()
    reads = sweep_reads(library)
    join = handheld.join(session_id, "A")
    first = handheld.reads(session_id, "A", reads[:10])
    rest = handheld.reads(session_id, "A", reads[10:])
    mark = handheld.damage(session_id, "A", library.damaged, at=SWEPT + timedelta(seconds=5), kinds=kinds)
    result = ingest(engine, tmp_path, join, first, rest, mark)
    assert result.stats.rejected == {}
    again = ingest(engine, tmp_path, first)  # the same batch re-sent (an agent restarted before its ack)
    assert again.stats.duplicates == 1

    return len(reads)


def test_every_fault_is_found_in_its_class(
    engine: Engine, tmp_path: Path, library: StocktakeLibrary, session_id: int
) -> None:
    read_count = sweep_shelf_a(engine, tmp_path, library, session_id)
    results = close(engine, session_id)
    lib = library

    def row(item: Item) -> StocktakeResult:
        return results[require_id(item.id)]

    def cls(item: Item) -> ItemClass:
        return row(item).cls

    def issues(item: Item) -> set[str]:
        return set(filter(None, row(item).issues.split(",")))

    assert cls(lib.missing) is ItemClass.MISSING
    assert cls(lib.on_loan) is ItemClass.FOUND
    assert issues(lib.on_loan) == {"on_loan_on_shelf"}
    assert cls(lib.lost) is ItemClass.FOUND
    assert issues(lib.lost) == {"found_marked_absent"}
    assert issues(lib.unarmed) == {"not_armed"}
    assert issues(lib.damaged) == {"damaged"}
    assert issues(lib.ordered[0]) == {"out_of_order"}
    assert cls(lib.lent_before) is ItemClass.LENT_BEFORE_SWEEP
    assert cls(lib.by_data) is ItemClass.TAG_UNRESOLVED
    assert cls(lib.by_uid) is ItemClass.TAG_UNRESOLVED
    assert cls(lib.rewrite) is ItemClass.FOUND
    assert issues(lib.rewrite) == {"tag_repair"}
    assert cls(lib.stray) is ItemClass.WRONG_PLACE
    assert row(lib.stray).evidence["seen"]["shelf_id"] == lib.shelf_a.id
    assert row(lib.stray).belongs == lib.shelf_b.id
    # Counted, then checked out: found, with nothing to say.
    assert lib.lent_after.id not in results
    assert all(book.id not in results for book in lib.ordered[1:])
    # Nothing is missing but on the swept shelf: B was not swept, C is out of scope.
    missing = {item for item, row in results.items() if row.cls is ItemClass.MISSING}
    assert missing == {lib.missing.id}
    assert lib.unswept.id not in results
    assert lib.elsewhere.id not in results

    totals = _class_totals(engine, session_id, "class")
    assert totals == {
        "found": 16,  # ordered (10), on loan, lost, unarmed, damaged, lent after, rewrite
        "missing": 1,
        "lent_before_sweep": 1,
        "tag_unresolved": 2,
        "wrong_place": 1,
        "not_swept": 1,
    }
    with Session(engine) as session:
        verdicts = sorted(
            session.exec(select(StocktakeTagEvent.verdict).where(StocktakeTagEvent.session_id == session_id))
        )
        corrections = list(
            session.exec(select(StocktakeCorrection).where(col(StocktakeCorrection.session_id) == session_id))
        )
        sweeps = list(session.exec(select(StocktakeSweep).where(StocktakeSweep.session_id == session_id)))
    assert verdicts == sorted(
        [
            TagVerdict.UNKNOWN_FOREIGN,
            TagVerdict.UNKNOWN_BLANK,
            TagVerdict.UNKNOWN_UNREADABLE,
            TagVerdict.UNKNOWN_NOT_IN_CATALOGUE,
            TagVerdict.DISAGREES,
            TagVerdict.REWRITE,
        ]
    )
    assert {(c.item_id, c.fix) for c in corrections} == {
        (lib.ordered[0].id, "replace"),
        (lib.stray.id, "take_away"),
    }
    # Both batches extend one sweep of A; the re-sent batch added nothing.
    assert [(s.shelf_id, s.reads) for s in sweeps] == [(lib.shelf_a.id, read_count)]
    assert _count(engine, StocktakeRead, session_id) == read_count - 5  # five reads name no item


def test_a_return_queued_through_an_outage_that_spans_the_opening_counts_from_when_the_book_came_back(
    engine: Engine, tmp_path: Path, library: StocktakeLibrary, session_id: int
) -> None:
    """A kiosk off the network overnight sends its returns once it is back, dated when the books came back
    (a checkin is never too old to apply): before the session opened, whose frozen list has them on loan. A
    book so returned and read on its shelf was found in place — not "on loan but on the shelf", with a
    check-in proposed that could never apply."""
    came_back = OPENED - timedelta(hours=12)
    returned = ingest(engine, tmp_path, ev.checkin(barcode=library.on_loan.barcode, occurred_at=came_back))
    assert returned.stats.rejected == {}
    sweep_shelf_a(engine, tmp_path, library, session_id)
    results = close(engine, session_id)
    with Session(engine, expire_on_commit=False) as session:
        loan = session.exec(select(Loan).where(Loan.item_id == library.on_loan.id)).one()
        proposed = {(a.item_id, a.kind) for a in stocktake_actions.list_actions(session, session_id)}
    assert loan.returned_at is not None
    assert micros(loan.returned_at) == micros(came_back)  # dated when it came back, before the opening
    assert library.on_loan.id not in results  # found in place, nothing to say
    assert {item for item, _ in proposed} == {
        library.missing.id,
        library.lost.id,
        library.damaged.id,
        library.unarmed.id,
        library.rewrite.id,
    }


def test_a_run_over_several_shelves_makes_a_sweep_of_each_and_the_next_run_extends_the_last(
    engine: Engine, tmp_path: Path, library: StocktakeLibrary, session_id: int
) -> None:
    """Sweeps are written at the end of a run: the ones already over in bulk, the one the handheld is on
    with its id, which the handheld's next run extends."""
    handheld, other = Handheld(), Handheld("handheld-02")
    reads = sweep_reads(library)
    first_run = [
        handheld.join(session_id, "A"),
        handheld.reads(session_id, "A", reads[:4]),
        handheld.join(session_id, "B"),
        handheld.reads(session_id, "B", reads[4:6]),
        handheld.reads(session_id, "B", reads[6:7]),
        handheld.join(session_id, "A"),
        handheld.reads(session_id, "A", reads[7:9]),
    ]
    assert ingest(engine, tmp_path, *first_run).stats.rejected == {}
    # a join with no reads after it starts no sweep; another handheld's sweeps are its own
    other_run = [
        other.join(session_id, "B"),
        other.reads(session_id, "B", reads[:3]),
        other.join(session_id, "A"),
    ]
    assert ingest(engine, tmp_path, *other_run).stats.rejected == {}
    assert ingest(engine, tmp_path, handheld.reads(session_id, "A", reads[9:12])).stats.rejected == {}
    with Session(engine) as session:
        sweeps = session.exec(
            select(StocktakeSweep)
            .where(StocktakeSweep.session_id == session_id)
            .order_by(col(StocktakeSweep.id))
        )
        found = sorted((s.device_id, s.shelf_id, s.reads) for s in sweeps)
    lib = library
    a, b = lib.shelf_a.id, lib.shelf_b.id
    assert found == sorted(
        [
            (handheld.device, a, 4),
            (handheld.device, b, 3),
            (handheld.device, a, 2 + 3),
            (other.device, b, 3),
        ]
    )


def test_with_no_label_and_no_choice_the_shelf_is_inferred_from_the_books_read(
    engine: Engine, tmp_path: Path, library: StocktakeLibrary, session_id: int
) -> None:
    """A handheld that never says its shelf: its first reads (fewer than the rule needs) prove only that
    the books are there; from the fifth, shelf A holds them all and is inferred — the reads filed on it, a
    sweep of A whose method says so — and A's missing book is missing, its stray in the wrong place."""
    handheld = Handheld()
    reads = sweep_reads(library)
    shelfless = [handheld.join(session_id, None), handheld.reads(session_id, None, reads)]
    assert ingest(engine, tmp_path, *shelfless).stats.rejected == {}
    a = library.shelf_a.id
    with Session(engine) as session:
        stored = session.exec(
            select(StocktakeRead)
            .where(StocktakeRead.session_id == session_id)
            .order_by(col(StocktakeRead.read_seq))
        ).all()
        sweeps = session.exec(select(StocktakeSweep).where(StocktakeSweep.session_id == session_id)).all()
    assert [r.shelf_id for r in stored[:4]] == [None] * 4
    assert {r.shelf_id for r in stored[4:]} == {a}
    assert [(s.shelf_id, s.method.value, s.reads) for s in sweeps] == [(a, "inferred", len(reads) - 4)]
    results = close(engine, session_id)
    assert results[require_id(library.missing.id)].cls is ItemClass.MISSING
    assert results[require_id(library.stray.id)].cls is ItemClass.WRONG_PLACE
    assert require_id(library.unswept.id) not in results  # B was not swept: never missing


def test_reads_the_session_cannot_take_are_dead_lettered_with_the_reason(
    engine: Engine, tmp_path: Path, library: StocktakeLibrary, session_id: int
) -> None:
    joined, stranger = Handheld(), Handheld("handheld-02")
    read = sweep_reads(library)[:1]
    join = joined.join(session_id, "A")
    unknown = joined.reads(session_id + 100, "A", read)
    not_joined = stranger.reads(session_id, "A", read)
    no_shelf = joined.reads(session_id, "NO-SUCH-SHELF", read)
    result = ingest(engine, tmp_path, join, unknown, no_shelf)
    assert result.stats.rejected == {"refused": 2}
    ingest(engine, tmp_path, not_joined)
    with Session(engine, expire_on_commit=False) as session:
        stocktake_sessions.pause(session, session_id, now=SWEPT)
        session.commit()
    while_paused = joined.reads(session_id, "A", read)
    result = ingest(engine, tmp_path, while_paused)
    with Session(engine, expire_on_commit=False) as session:
        stocktake_close.close(session, session_id, staff="thuthu", now=CLOSED)
        session.commit()
    once_closed = joined.reads(session_id, "A", read)
    ingest(engine, tmp_path, once_closed)

    with Session(engine) as session:
        letters = {row.event_id: row for row in session.exec(select(DeadLetter))}
    assert letters[unknown.event_id].reason == "refused"
    assert f"no stock-take session {session_id + 100}" in (letters[unknown.event_id].detail or "")
    assert "has not joined" in (letters[not_joined.event_id].detail or "")
    assert "no shelf 'NO-SUCH-SHELF'" in (letters[no_shelf.event_id].detail or "")
    assert "paused" in (letters[while_paused.event_id].detail or "")
    assert "closed" in (letters[once_closed.event_id].detail or ""), letters[once_closed.event_id].detail
    assert _count(engine, StocktakeRead, session_id) == 0
    acks = [decode_acks(o.payload) for o in result.outbound if o.topic == topics.acks(joined.device)]
    assert [a.rejected for a in acks] == [[while_paused.event_id]]


def test_reads_timed_outside_what_can_be_true_are_kept_within_it(
    engine: Engine, tmp_path: Path, library: StocktakeLibrary, session_id: int
) -> None:
    """A handheld whose clock runs ahead of the server's: its reads are taken at the server's time; one
    whose clock runs behind, before the session opened: at the opening."""
    handheld = Handheld()
    join = handheld.join(session_id, "A")
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    ahead = handheld.reads(session_id, "A", sweep_reads(library)[:1], started_at=tomorrow)
    behind = handheld.reads(session_id, "A", sweep_reads(library)[1:2], started_at=OPENED - timedelta(days=2))
    ingest(engine, tmp_path, join, ahead, behind)
    after = datetime.now(UTC)
    with Session(engine) as session:
        times = sorted(
            session.exec(select(StocktakeRead.at_us).where(StocktakeRead.session_id == session_id))
        )
    assert times[0] == micros(OPENED)
    assert micros(CLOSED) < times[1] <= micros(after)


def test_closing_actions_apply_and_undo_until_the_report_is_signed(
    engine: Engine, tmp_path: Path, library: StocktakeLibrary, session_id: int
) -> None:
    sweep_shelf_a(engine, tmp_path, library, session_id)
    close(engine, session_id)
    context = circulation_context(ServerSettings(data_dir=tmp_path, _env_file=None))
    lib = library
    with Session(engine, expire_on_commit=False) as session:
        proposed = {(a.item_id, a.kind) for a in stocktake_actions.list_actions(session, session_id)}
        assert proposed == {
            (lib.missing.id, ActionKind.MARK_MISSING),
            (lib.on_loan.id, ActionKind.CHECK_IN),
            (lib.lost.id, ActionKind.RESTORE),
            (lib.damaged.id, ActionKind.RECORD_DAMAGE),
            (lib.unarmed.id, ActionKind.REARM),
            (lib.rewrite.id, ActionKind.REPAIR_TAG),
        }
        outcome = stocktake_actions.apply(
            session, context, session_id, kinds=set(ActionKind), staff="thuthu", now=CLOSED
        )
        session.commit()
        assert len(outcome.done) == 6
        assert outcome.left == {}

        def status(item: Item) -> ItemStatus:
            found = session.get(Item, item.id, populate_existing=True)
            assert found is not None
            return found.status

        def trace(item: Item) -> Trace:
            return trace_of(session.get(ItemTrace, item.id, populate_existing=True))

        assert status(lib.missing) is ItemStatus.MISSING
        assert status(lib.on_loan) is ItemStatus.AVAILABLE
        assert status(lib.lost) is ItemStatus.AVAILABLE
        assert status(lib.damaged) is ItemStatus.DAMAGED
        # The lifecycle keeps the trace with the status: missing since the sweep that did not find it,
        # the lost one found by the stock-take, the damaged one in the repair queue.
        assert trace(lib.missing).whereabouts is Whereabouts.MISSING
        assert trace(lib.lost) == PRESENT
        found = [e for e in events_of(session, lib.lost.id or 0) if e.event is TraceEvent.FOUND]
        assert [e.source for e in found] == ["stocktake"]
        # The ticket names the damage the handheld named.
        queued = [(q.item_id, q.ticket.damage) for q in repairs.repair_queue(session)]
        assert queued == [(lib.damaged.id, (DamageKind.BINDING, DamageKind.TORN))]
        loan = session.exec(select(Loan).where(Loan.item_id == lib.on_loan.id)).one()
        assert loan.returned_at == SWEPT + timedelta(milliseconds=1000)  # its sighting, not the closing
        jobs = stocktake_actions.queued_jobs(session)
        assert {(j["item_id"], j["kind"]) for j in jobs} == {
            (lib.unarmed.id, "rearm"),
            (lib.rewrite.id, "repair_tag"),
        }

        undone = stocktake_actions.undo(
            session, session_id, item_ids=None, staff="thuthu", now=CLOSED, lifecycle=context.lifecycle
        )
        session.commit()
        assert len(undone.done) == 6
        assert status(lib.missing) is ItemStatus.AVAILABLE
        assert status(lib.on_loan) is ItemStatus.ON_LOAN
        assert status(lib.lost) is ItemStatus.LOST
        assert status(lib.damaged) is ItemStatus.AVAILABLE
        assert trace(lib.missing) == PRESENT
        assert trace(lib.lost).whereabouts is Whereabouts.LOST  # the trace the finding reversed, again
        assert repairs.repair_queue(session) == []
        reopened = session.get(Loan, loan.id, populate_existing=True)
        assert reopened is not None
        assert reopened.returned_at is None
        assert stocktake_actions.queued_jobs(session) == []

        stocktake_sessions.sign(session, session_id, staff="truongthuvien", now=CLOSED)
        session.commit()
        with pytest.raises(StocktakeRefusedError, match="signed"):
            stocktake_actions.undo(
                session, session_id, item_ids=None, staff="thuthu", now=CLOSED, lifecycle=context.lifecycle
            )


def test_a_damage_mark_from_a_handheld_sending_version_1_is_reported_as_other(
    engine: Engine, tmp_path: Path, library: StocktakeLibrary, session_id: int
) -> None:
    sweep_shelf_a(engine, tmp_path, library, session_id, kinds=None)
    close(engine, session_id)
    context = circulation_context(ServerSettings(data_dir=tmp_path, _env_file=None))
    with Session(engine, expire_on_commit=False) as session:
        outcome = stocktake_actions.apply(
            session, context, session_id, kinds={ActionKind.RECORD_DAMAGE}, staff="thuthu", now=CLOSED
        )
        session.commit()
        assert len(outcome.done) == 1
        queued = [(q.item_id, q.ticket.damage) for q in repairs.repair_queue(session)]
        assert queued == [(library.damaged.id, (DamageKind.OTHER,))]


MARKED_AND_SHOWN = [(DAMAGE_KINDS, ("torn", "binding")), (None, ("other",))]


@pytest.mark.parametrize("marked", MARKED_AND_SHOWN, ids=["kinds", "version-1"])
def test_the_progress_lists_a_damage_mark_with_its_kinds(
    engine: Engine,
    tmp_path: Path,
    library: StocktakeLibrary,
    session_id: int,
    marked: tuple[Sequence[MarkedKind] | None, tuple[str, ...]],
) -> None:
    kinds, shown = marked
    sweep_shelf_a(engine, tmp_path, library, session_id, kinds=kinds)
    with Session(engine) as session:
        progress = stocktake_live.live_progress(session, session_id)
    (mark,) = [e for e in progress.exceptions if e.kind == "damaged"]
    assert (mark.barcode, mark.shelf_code, mark.device_id) == (library.damaged.barcode, "A", "handheld-01")
    assert (mark.damage, mark.detail) == (shown, "Gáy sách bị rách")
