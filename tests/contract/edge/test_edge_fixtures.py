"""Golden fixtures, edge side: the outbox builds every event kind byte-for-byte as its fixture (given the
same id, seq and time), and every reply, status and ack fixture decodes on the edge and round-trips.

The server's own round trip runs against the same files. A new event or reply kind without a fixture fails.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import pytest

from contract.catalogue import CatalogueQuery, HoldForSession
from contract.codec import decode_acks, decode_command, decode_events, decode_reply, decode_status
from contract.common import ContractModel, ItemRef
from contract.events import (
    EVENT_CLASSES,
    CatalogueSearchRequested,
    CheckinRequested,
    CheckinRequestedV2,
    CheckoutRequested,
    EventEnvelope,
    GateAlarmRaised,
    GateFootfallCounted,
    HoldRequested,
    ItemForSession,
    ItemOnly,
    ItemReturned,
    ItemSeen,
    ItemSighting,
    OfflineCheckin,
    OfflineCheckout,
    PatronLogin,
    PatronLoginRequested,
    PatronLogoutRequested,
    RenewRequested,
    SeenContext,
    SessionPayload,
    StocktakeDamage,
    StocktakeDamageV1,
    StocktakeJoined,
    StocktakeReads,
    StocktakeShelfListRequested,
    TaggingCheckRequested,
    TaggingReported,
)
from contract.gate import (
    AlarmOutputs,
    CounterLane,
    FootfallLane,
    GateAlarm,
    GateFootfall,
    OwnedBy,
    SecurityMechanism,
    TagContent,
    TagDataStatus,
    TagPassages,
    TagSecurity,
    TagUsage,
)
from contract.offline import OfflineLoan, OfflineReturn
from contract.replies import REPLY_CLASSES
from contract.status import DeviceState
from contract.stocktake import (
    DamageKind,
    DamageMarked,
    DamageMarkedV1,
    MarkedCondition,
    ReadBatch,
    ShelfJoin,
    ShelfListAsked,
    ShelfMethod,
    TagData,
    TagRead,
)
from contract.tagging import TagClaim, TagWriteReport
from devices.counter import CounterCounters
from devices.feig.link import ReaderCounters
from edge.gate.agent import GateAgentCounters
from edge.outbox import Outbox

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SESSION = UUID("01936f2a-8b3c-7d4e-9f01-5c2d7a1e4b60")
KIOSK_TAG = "E00401501A2B3C4D"
TAGGING_ORDER = UUID("01936fa1-4b00-7a11-8b22-3c4d5e6f7081")

# What each kind's fixture holds, built here from Python values rather than read back from the file.
PAYLOADS: dict[type[EventEnvelope], ContractModel] = {
    PatronLoginRequested: PatronLogin.model_validate({"card_number": "SV2100123", "pin": "2468"}),
    CheckoutRequested: ItemForSession(
        session_id=SESSION, item=ItemRef(barcode="VV004217", tag_uid=KIOSK_TAG)
    ),
    RenewRequested: ItemForSession(session_id=SESSION, item=ItemRef(barcode="VV001988")),
    PatronLogoutRequested: SessionPayload(session_id=SESSION),
    CheckinRequested: ItemOnly(item=ItemRef(tag_uid=KIOSK_TAG.lower())),  # UIDs are normalised to upper case
    ItemSeen: ItemSighting(
        item=ItemRef(barcode="VV000731", tag_uid="E0040150FFEE0011"),
        location_code="F2-R07-S3",
        context=SeenContext.STOCKTAKE,
    ),
    GateAlarmRaised: GateAlarm(
        item=ItemRef(barcode="VV004217", tag_uid="E00401501A2B3C4D"),
        tag=TagContent(
            status=TagDataStatus.OK, owner_isil="VN-VNULIC", item_id="VV004217", usage=TagUsage.CIRCULATING
        ),
        owned_by=OwnedBy.TAG_DATA,
        security=TagSecurity(mechanism=SecurityMechanism.AFI, afi=0x07, eas=None, secured=True),
        first_seen_at=datetime.fromisoformat("2026-03-02T16:41:07.512000+00:00"),
        alarmed_at=datetime.fromisoformat("2026-03-02T16:41:07.541000+00:00"),
        detect_ms=29.4,
        outputs=AlarmOutputs.DRIVEN,
        lane=1,
        counter=[CounterLane(lane=1, in_total=15311, out_total=15287)],
    ),
    GateFootfallCounted: GateFootfall(
        period_start=datetime.fromisoformat("2026-03-02T16:41:00+00:00"),
        period_end=datetime.fromisoformat("2026-03-02T16:42:00+00:00"),
        counter_connected=True,
        lanes=[
            FootfallLane(lane=1, in_delta=7, out_delta=9, in_total=15313, out_total=15291, reports=12),
            FootfallLane(lane=2, in_delta=0, out_delta=2, in_total=9920, out_total=9934, reports=12),
        ],
        tags=TagPassages(alarmed=1, ours_unsecured=6, foreign=1, blank=0, unreadable=0),
    ),
    StocktakeJoined: ShelfJoin(
        session_id=3, shelf_code="F2-R07-S3", method=ShelfMethod.LABEL, operator="Nguyễn Thị Lan"
    ),
    StocktakeReads: ReadBatch(
        session_id=3,
        shelf_code="F2-R07-S3",
        method=ShelfMethod.LABEL,
        started_at=datetime.fromisoformat("2026-03-02T10:05:31.002000+00:00"),
        first_read=1207,
        reads=[
            TagRead(uid="E0040150FFEE0011", barcode="VV000731", ms=0, data=TagData.OWN, armed=True),
            TagRead(uid="E0040150FFEE0012", barcode="VV000733", ms=41, data=TagData.OWN, armed=False),
            TagRead(uid="E0040150FFEE0099", ms=95, data=TagData.FOREIGN, isil="VN-HN0001"),
            TagRead(uid="E0040150FFEE00A0", ms=130, data=TagData.BLANK),
            TagRead(uid="E0040150FFEE00A1", ms=180, data=TagData.UNREADABLE, armed=True),
            TagRead(barcode="VV000740", ms=2315, data=TagData.NO_TAG),
        ],
    ),
    StocktakeShelfListRequested: ShelfListAsked(session_id=3, shelf_code="F2-R07-S3"),
    StocktakeDamageV1: DamageMarkedV1(
        session_id=3,
        shelf_code="F2-R07-S3",
        item=ItemRef(barcode="VV000733"),
        condition=MarkedCondition.POOR,
        for_repair=True,
        note="Gáy sách bị rách",
    ),
    StocktakeDamage: DamageMarked(
        session_id=3,
        shelf_code="F2-R07-S3",
        item=ItemRef(barcode="VV000733"),
        condition=MarkedCondition.POOR,
        for_repair=True,
        note="Gáy sách bị rách",
        kinds=[DamageKind.TORN, DamageKind.BINDING],
    ),
    OfflineCheckout: OfflineLoan(
        card_number="SV2024001",
        item=ItemRef(tag_uid="E00401501A2B3C4D"),
        due_at=datetime(2026, 3, 16, 16, 59, 59, tzinfo=UTC),
        pin_checked=True,
    ),
    OfflineCheckin: OfflineReturn(item=ItemRef(barcode="VV000733")),
    CatalogueSearchRequested: CatalogueQuery(query="tieng viet"),
    HoldRequested: HoldForSession(session_id=SESSION, record_id=1207),
    CheckinRequestedV2: ItemReturned(
        item=ItemRef(barcode="VV000733", tag_uid="E00401501A2B3C4D"),
        taking_back=UUID("6f1c2d3e-4b5a-4c6d-8e7f-90a1b2c3d4e5"),
    ),
    TaggingCheckRequested: TagClaim(command_id=TAGGING_ORDER, barcode="VV004217", uid=KIOSK_TAG),
    TaggingReported: TagWriteReport(
        command_id=TAGGING_ORDER,
        barcode="VV004217",
        written=True,
        uid=KIOSK_TAG,
        owner_isil="VN-VNULIC",
        block_order="memory",
        secured=True,
        took_ms=412,
    ),
}


def event_fixture(model: type[EventEnvelope]) -> Path:
    return FIXTURES / "events" / f"{model.KIND}.v{model.VERSION}.json"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_event_kind_has_a_fixture_and_a_payload_here() -> None:
    missing = [f"{m.KIND}.v{m.VERSION}" for m in EVENT_CLASSES if not event_fixture(m).is_file()]
    assert missing == [], f"add tests/fixtures/events/<kind>.v<v>.json for {missing}"
    assert set(PAYLOADS) == set(EVENT_CLASSES)
    listed = {p.name for p in (FIXTURES / "events").glob("*.json")}
    assert listed == {event_fixture(m).name for m in EVENT_CLASSES}, "a fixture for a kind the contract lacks"


def test_every_reply_kind_has_a_fixture() -> None:
    missing = [c.KIND for c in REPLY_CLASSES if not (FIXTURES / "replies" / f"{c.KIND}.json").is_file()]
    assert missing == [], f"add tests/fixtures/replies/<kind>.json for {missing}"
    assert {p.stem for p in (FIXTURES / "status").glob("*.json")} >= {
        "kiosk-birth",
        "kiosk-will",
        "server-online",
    }


@pytest.mark.parametrize("model", EVENT_CLASSES, ids=lambda m: f"{m.KIND}.v{m.VERSION}")
def test_the_outbox_builds_exactly_the_fixture(model: type[EventEnvelope], tmp_path: Path) -> None:
    expected = load(event_fixture(model))
    with Outbox(tmp_path / "outbox.db", expected["device_id"], first_seq=expected["seq"]) as outbox:
        appended = outbox.append(
            model,
            PAYLOADS[model],
            event_id=UUID(expected["event_id"]),
            correlation_id=UUID(expected["correlation_id"]) if expected["correlation_id"] else None,
            occurred_at=datetime.fromisoformat(expected["occurred_at"]),
        )
        stored = outbox.read_after(0, 1)[0]
    assert orjson.loads(appended.record.body) == expected
    assert stored.body == appended.record.body
    assert stored.is_request == model.IS_REQUEST
    # and what the edge sends is what the server decodes
    (decoded,) = decode_events(stored.body, topic_device=expected["device_id"])
    assert decoded == appended.event


@pytest.mark.parametrize("reply_class", REPLY_CLASSES, ids=lambda c: c.KIND)
def test_reply_fixtures_decode_on_the_edge(reply_class: type[ContractModel]) -> None:
    path = FIXTURES / "replies" / f"{reply_class.KIND}.json"  # type: ignore[attr-defined]
    reply = decode_reply(path.read_bytes())
    assert type(reply) is reply_class
    assert reply.model_dump(mode="json") == load(path)


@pytest.mark.parametrize("path", sorted((FIXTURES / "status").glob("*.json")), ids=lambda p: p.stem)
def test_status_fixtures_decode_on_the_edge(path: Path) -> None:
    status = decode_status(path.read_bytes())
    assert status.model_dump(mode="json") == load(path)
    assert (status.state == DeviceState.ONLINE) == path.stem.endswith(("birth", "heartbeat", "online"))


def test_a_status_from_before_peripherals_still_decodes() -> None:
    """Agents in the field send the status without `peripherals`: it decodes, with none."""
    path = FIXTURES / "status" / "before-peripherals" / "kiosk-heartbeat.json"
    old = load(path)
    assert "peripherals" not in old
    status = decode_status(path.read_bytes())
    assert status.peripherals == {}
    assert status.model_dump(mode="json", exclude={"peripherals"}) == old


def test_the_heartbeat_fixture_carries_the_pads_counters() -> None:
    status = decode_status((FIXTURES / "status" / "kiosk-heartbeat.json").read_bytes())
    pad = status.peripherals["rfid_pad"]
    assert pad.connected is True
    assert {"timeouts", "reconnects", "open_failures", "security_failures"} <= set(pad.counters)


def test_acks_fixture_decodes_on_the_edge() -> None:
    acks = decode_acks((FIXTURES / "acks.json").read_bytes())
    assert acks.model_dump(mode="json") == load(FIXTURES / "acks.json")
    assert acks.committed
    assert acks.rejected


def test_the_gate_heartbeat_fixture_carries_every_counter_the_gate_reports() -> None:
    status = decode_status((FIXTURES / "status" / "gate-heartbeat.json").read_bytes())
    assert status.device_kind == "gate"
    named = {
        "gate": {f.name for f in fields(GateAgentCounters)},
        "counter": {f.name for f in fields(CounterCounters)} - {"connected"},
        "reader": {f.name for f in fields(ReaderCounters)} - {"connected"},
    }
    assert {name: set(p.counters) for name, p in status.peripherals.items()} == named


def test_the_tagging_order_fixture_decodes_on_the_station() -> None:
    path = FIXTURES / "commands" / "tagging.write.json"
    order = decode_command(path.read_bytes())
    assert order.command_id == TAGGING_ORDER
    assert order.model_dump(mode="json") == load(path)
