"""The simulated gate against the real thing: `stacks server` as a child process on SQLite and PostgreSQL,
the real mosquitto, and the scripted stream of people. A book borrowed at a kiosk whose tag was unsecured
never sounds; one that kiosk-01 lent but whose tag stayed secured sounds and arrives at the alarm desk as
"borrowed but still armed", lent by kiosk-01, queued for a tag check; books that were not borrowed arrive
as such; the footfall adds up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from contract.replies import CheckoutResult, PatronLoginResult
from edge.gate.settings import GateConfig
from edge.host import AgentHost
from edge.sim.gate_agent import simulated_gate
from edge.sim.gate_stream import expected, scripted_stream
from edge.sim.manifest import ManifestItem
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.db.tables import Item
from tests.integration.edge.factories import SettingsFactory
from tests.support import events as ev
from tests.support import factories as make
from tests.support.broker import RunningBroker
from tests.support.mqtt_device import TestDevice
from tests.support.server import running_server, staff_api

pytestmark = pytest.mark.slow

GATE = "gate-01"
STAFF, PASSWORD = "gatekeeper", "a long gate passphrase"


@dataclass
class Shelves:
    on_shelf: list[Item]  # not borrowed: the gate must sound, the server say so
    lent: list[Item]  # borrowed at kiosk-02, tags unsecured: never sound
    to_lend: Item  # kiosk-01 lends it here; its tag stays secured
    card_number: str


def _shelves(database_url: str) -> Shelves:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as db:
            title = make.record(db, title="Tắt đèn", call_number="895.9223 NG-T")
            lent = [make.item(db, title) for _ in range(8)]  # one per book carried on loan in the stream
            due = datetime.now(UTC) + timedelta(days=14)
            borrowers = [make.patron(db), make.patron(db)]  # four loans each: within the loan limit
            for n, item in enumerate(lent):
                make.loan(db, item, borrowers[n % 2], due_at=due, checkout_by="device:kiosk-02")
            reader = make.patron(db)  # borrows at kiosk-01, with nothing on loan yet
            shelves = Shelves(
                [make.item(db, title) for _ in range(2)], lent, make.item(db, title), reader.card_number
            )
            db.commit()
    finally:
        engine.dispose()
    return shelves


def _lend_at_kiosk_01(broker: RunningBroker, shelves: Shelves) -> None:
    """A patron borrows the book at kiosk-01; the server agrees and says to unsecure its tag — which the
    pad then fails to do (the book goes on secured)."""
    kiosk = TestDevice(broker, "kiosk-01")
    try:
        login = kiosk.ask(ev.login(card=shelves.card_number, pin=make.DEFAULT_PIN))
        assert isinstance(login, PatronLoginResult)
        assert login.session_id is not None, login.decision
        lent = kiosk.ask(ev.checkout(barcode=shelves.to_lend.barcode, session_id=login.session_id))
        assert isinstance(lent, CheckoutResult)
        assert lent.decision.ok, lent.decision
        assert lent.security == "unsecure"
    finally:
        kiosk.close()


def _manifest(shelves: Shelves) -> list[ManifestItem]:
    """What the simulated people carry: the book kiosk-01 lent is, as far as its tag says, still on the
    shelf (secured); the books lent at kiosk-02 are on loan (unsecured)."""
    secured = [shelves.to_lend, *shelves.on_shelf]
    return [ManifestItem(barcode=i.barcode, tag_uid=i.tag_uid, status="available") for i in secured] + [
        ManifestItem(barcode=i.barcode, tag_uid=i.tag_uid, status="on_loan") for i in shelves.lent
    ]


def test_the_scripted_stream_arrives_classified(
    database_url: str, broker: RunningBroker, edge_settings: SettingsFactory, tmp_path: Path
) -> None:
    shelves = _shelves(database_url)
    people = scripted_stream(gap_s=0.3)
    want = expected(people)
    assert want.alarmed == 3  # one for the book lent but still armed, two for books never borrowed
    staff = {"STACKS_FIRST_STAFF_USERNAME": STAFF, "STACKS_FIRST_STAFF_PASSWORD": PASSWORD}
    with running_server(tmp_path, database_url, broker, **staff) as server:
        _lend_at_kiosk_01(broker, shelves)
        settings = edge_settings(GATE, device_kind="gate", stop_drain_s=30)
        with AgentHost(settings, handle_signals=False) as host:
            gate = simulated_gate(
                host,
                GateConfig(GATE, footfall_period_s=1.0),
                people,
                items=_manifest(shelves),
                report_every_s=0.2,
                dwell_s=0.25,
            )
            finished = host.run(gate)
        assert finished.drained, "the server did not confirm every gate event"
        with staff_api(server, STAFF, PASSWORD) as api:
            alarms: list[dict[str, Any]] = api.get("/gate/alarms").json()["items"]
            checks = api.get("/gate/tag-checks").json()["items"]
            footfall = api.get("/gate/reports/footfall").json()["totals"]
            seen = api.get(f"/items/{shelves.to_lend.barcode}/sightings").json()["items"]

    by_barcode = {alarm["item"]["barcode"]: alarm for alarm in alarms if alarm["item"] is not None}
    assert len(alarms) == len(by_barcode) == want.alarmed
    armed = by_barcode[shelves.to_lend.barcode]
    assert armed["alarm_class"] == "borrowed_armed"
    assert armed["last_loan"]["lent_by"] == "device:kiosk-01"
    assert armed["last_loan"]["returned_at"] is None
    assert {by_barcode[i.barcode]["alarm_class"] for i in shelves.on_shelf} == {"not_borrowed"}
    assert not {i.barcode for i in shelves.lent} & by_barcode.keys()  # borrowed and disarmed: never sounds
    assert [(c["barcode"], c["lent_by"]) for c in checks] == [(shelves.to_lend.barcode, "device:kiosk-01")]
    assert (footfall["people_in"], footfall["people_out"]) == (
        sum(want.people_in.values()),
        sum(want.people_out.values()),
    )
    assert footfall["alarmed"] == want.alarmed
    assert footfall["ours_unsecured"] == want.ours_unsecured
    assert "gate" in {s["context"] for s in seen}  # and the book was seen at the gate
