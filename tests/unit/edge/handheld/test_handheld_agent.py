"""The handheld agent over a real journal and outbox: first sightings per shelf visit, in read order, sent
once — also across a kill between any two steps."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from pydantic import ValidationError

from contract.common import ItemRef
from contract.events import StocktakeDamage, StocktakeDamageV1, StocktakeJoined, StocktakeReads
from contract.stocktake import DamageKind, DamageMarked, DamageMarkedV1, MarkedCondition, ShelfMethod, TagData
from devices.barcode.scanner import Scan
from devices.tagdata import TagStatus
from edge.handheld.alerts import AlertKind
from tests.unit.edge.handheld.rig import T0, Rig, own, tag

A = own("E004010000000001", "VV000001")
B = own("E004010000000002", "VV000002")
C = own("E004010000000003", "VV000003")


def _scan(value: str, at: datetime = T0) -> Scan:
    return Scan(value, None, value.encode(), at)


def _reads(rig: Rig) -> list[tuple[str | None, int, str | None]]:
    """(shelf, read number, barcode) of every read in the outbox, in order."""
    out = []
    for event in rig.emitter.events():
        if isinstance(event, StocktakeReads):
            batch = event.payload
            out += [(batch.shelf_code, batch.first_read + i, r.barcode) for i, r in enumerate(batch.reads)]
    return out


def test_a_wand_reading_the_same_tags_counts_each_once_in_the_order_first_read(handheld: Rig) -> None:
    handheld.agent.join()
    handheld.field.tags = [B]
    handheld.agent.poll()
    handheld.clock.step(30)
    handheld.field.tags = [B, A]
    handheld.agent.poll()
    handheld.clock.step(30)
    handheld.field.tags = [A, C, B]
    handheld.agent.poll()
    handheld.agent.poll()
    handheld.agent.flush()
    assert _reads(handheld) == [(None, 1, "VV000002"), (None, 2, "VV000001"), (None, 3, "VV000003")]
    (batch,) = [e.payload for e in handheld.emitter.events() if isinstance(e, StocktakeReads)]
    assert [r.ms for r in batch.reads] == [0, 30, 60]
    counters = handheld.agent.counters()
    assert (counters.inventories, counters.sightings, counters.first_sightings) == (4, 9, 3)


def test_a_shelf_label_starts_a_new_visit_and_the_same_book_counts_again(handheld: Rig) -> None:
    handheld.agent.join()
    handheld.field.tags = [A]
    handheld.agent.poll()
    handheld.agent.on_scan(_scan("LOC-A1"))
    handheld.agent.poll()
    handheld.agent.on_scan(_scan("LOC-A2"))
    handheld.agent.poll()
    handheld.agent.flush()
    events = handheld.emitter.events()
    kinds = [e.KIND for e in events]
    assert kinds == ["stocktake.join", "stocktake.reads"] * 3
    joins = [e.payload for e in events if isinstance(e, StocktakeJoined)]
    assert [(j.shelf_code, j.method) for j in joins] == [
        (None, None),
        ("A1", ShelfMethod.LABEL),
        ("A2", ShelfMethod.LABEL),
    ]
    assert _reads(handheld) == [(None, 1, "VV000001"), ("A1", 2, "VV000001"), ("A2", 3, "VV000001")]


def test_an_item_barcode_is_a_label_read_and_other_scans_are_not_reads(handheld: Rig) -> None:
    handheld.agent.choose_shelf("B7")
    handheld.agent.on_scan(_scan("vv000042"))
    handheld.agent.on_scan(_scan("VV000042"))  # the same book scanned twice in a visit
    handheld.agent.on_scan(_scan("SV2100123"))  # a patron card
    handheld.agent.flush()
    (batch,) = [e.payload for e in handheld.emitter.events() if isinstance(e, StocktakeReads)]
    assert batch.shelf_code == "B7"
    assert batch.method is ShelfMethod.CHOSEN
    assert [(r.data, r.barcode, r.uid) for r in batch.reads] == [(TagData.NO_TAG, "VV000042", None)]
    counters = handheld.agent.counters()
    assert (counters.item_scans, counters.label_scans, counters.other_scans) == (2, 0, 1)


def test_a_damage_mark_follows_the_reads_taken_before_it(handheld: Rig) -> None:
    handheld.agent.choose_shelf("B7")
    handheld.field.tags = [A]
    handheld.agent.poll()
    torn = [DamageKind.TORN, DamageKind.LOOSE_PAGES]
    handheld.agent.mark_damage("VV000001", MarkedCondition.POOR, torn, for_repair=True, note="spine torn")
    kinds = [(e.KIND, e.VERSION) for e in handheld.emitter.events()]
    assert kinds == [("stocktake.join", 1), ("stocktake.reads", 1), ("stocktake.damage", 2)]
    (mark,) = [e.payload for e in handheld.emitter.events() if isinstance(e, StocktakeDamage)]
    assert (mark.session_id, mark.shelf_code, mark.item.barcode, mark.for_repair, mark.kinds) == (
        7,
        "B7",
        "VV000001",
        True,
        torn,
    )
    assert handheld.agent.counters().damage_marks == 1


def test_a_damage_mark_names_at_least_one_kind(handheld: Rig) -> None:
    handheld.agent.choose_shelf("B7")
    with pytest.raises(ValidationError):
        handheld.agent.mark_damage("VV000001", MarkedCondition.POOR, [], for_repair=True)
    assert [e.KIND for e in handheld.emitter.events()] == ["stocktake.join"]
    assert handheld.agent.counters().damage_marks == 0


def test_killed_with_a_damage_mark_queued_it_sends_the_mark_with_its_kinds_once(handheld: Rig) -> None:
    handheld.agent.choose_shelf("B7")
    mark = DamageMarked(
        session_id=7,
        shelf_code="B7",
        item=ItemRef(barcode="VV000002"),
        condition="worn",
        for_repair=False,
        kinds=[DamageKind.WATER],
    )
    handheld.journal.enqueue(StocktakeDamage, mark)  # queued, and the agent killed before it flushed
    handheld.restart()
    handheld.agent.flush()
    handheld.agent.flush()
    marks = [e.payload for e in handheld.emitter.events() if isinstance(e, StocktakeDamage)]
    assert [(m.item.barcode, m.kinds) for m in marks] == [("VV000002", [DamageKind.WATER])]


def test_a_mark_queued_before_the_update_replays_as_version_1(handheld: Rig) -> None:
    """A journal row an agent from before the kinds of damage queued (the bare kind, a payload without
    kinds) is still sent, as what it was made: the server takes its damage as "other"."""
    handheld.agent.choose_shelf("B7")
    old = DamageMarkedV1(
        session_id=7, shelf_code="B7", item=ItemRef(barcode="VV000003"), condition="poor", for_repair=True
    )
    with sqlite3.connect(handheld.journal.path) as db:
        db.execute(
            "INSERT INTO queue (event_id, kind, payload) VALUES (?, ?, ?)",
            ("01936f80-0a1b-7c2d-8e3f-5061728394b3", "stocktake.damage", old.model_dump_json()),
        )
    handheld.restart()
    handheld.agent.flush()
    (replayed,) = [e for e in handheld.emitter.events() if e.KIND == "stocktake.damage"]
    assert isinstance(replayed, StocktakeDamageV1)
    assert replayed.payload == old
    assert str(replayed.event_id) == "01936f80-0a1b-7c2d-8e3f-5061728394b3"


def test_killed_before_sending_it_loses_nothing_and_recounts_nothing(handheld: Rig) -> None:
    handheld.agent.choose_shelf("A1")
    handheld.field.tags = [A, B]
    handheld.agent.poll()  # counted in the journal, never flushed
    handheld.restart()
    handheld.agent.join()  # the same session: no new join, the visit goes on
    handheld.field.tags = [A, B, C]  # A and B still in the field
    handheld.agent.poll()
    handheld.agent.flush()
    assert [k.KIND for k in handheld.emitter.events()].count("stocktake.join") == 1
    assert _reads(handheld) == [("A1", 1, "VV000001"), ("A1", 2, "VV000002"), ("A1", 3, "VV000003")]


def test_killed_after_the_outbox_took_an_event_it_is_not_stored_twice(handheld: Rig) -> None:
    handheld.agent.choose_shelf("A1")
    handheld.field.tags = [A]
    handheld.agent.poll()
    handheld.journal.seal()
    for queued in handheld.journal.queued():  # stored, but the kill came before the journal knew it
        handheld.emitter.emit_once(queued.model, queued.payload, queued.event_id)
    handheld.restart()
    handheld.agent.flush()
    events = handheld.emitter.events()
    assert [e.KIND for e in events] == ["stocktake.join", "stocktake.reads"]
    assert handheld.journal.queued() == []


def test_nothing_is_counted_before_joining(handheld: Rig) -> None:
    handheld.field.tags = [A]
    assert handheld.agent.poll() == []
    assert handheld.emitter.events() == []


def test_listeners_hear_each_first_sighting_with_where_it_was_read(handheld: Rig) -> None:
    heard: list[tuple[str | None, list[int]]] = []
    handheld.agent.listen(
        lambda place, counted: heard.append((place.shelf_code, [c.read_no for c in counted]))
    )
    handheld.agent.choose_shelf("A1")
    handheld.field.tags = [A]
    handheld.agent.poll()
    handheld.field.tags = [A, B]
    handheld.agent.poll()
    handheld.agent.poll()
    assert heard == [("A1", [1]), ("A1", [2])]


def test_tags_that_say_something_at_once_raise_alerts_without_the_server(handheld: Rig) -> None:
    foreign = tag("E004010000000004", TagStatus.FOREIGN_OWNER, owner_isil="VN-HN0002")
    blank = tag("E004010000000005", TagStatus.BLANK)
    garbled = tag("E004010000000006", TagStatus.BAD_CRC)
    disarmed = own("E004010000000007", "VV000007", secured=False)
    handheld.agent.choose_shelf("A1")
    handheld.field.tags = [A, foreign, blank, garbled, disarmed]
    handheld.agent.poll()
    handheld.agent.poll()  # the same tags again: no second alert
    alerts, last = handheld.agent.alerts.after(0)
    assert [(a.kind, a.read_no, a.shelf_code, a.detail) for a in alerts] == [
        (AlertKind.FOREIGN_TAG, 2, "A1", "VN-HN0002"),
        (AlertKind.BLANK_TAG, 3, "A1", None),
        (AlertKind.UNREADABLE_TAG, 4, "A1", None),
        (AlertKind.NOT_ARMED, 5, "A1", None),
    ]
    assert handheld.agent.alerts.after(last) == ([], last)
