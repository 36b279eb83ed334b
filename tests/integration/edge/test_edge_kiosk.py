"""The simulated kiosk on the real runtime and broker, answered by the circulation double behind the
server double; and `stacks edge kiosk --simulate` as a process, with the local broker's credentials."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from contract.events import PatronLoginRequested
from edge.agents.kiosk_report import RoundTrip
from edge.agents.kiosk_sim import KioskBehaviour, KioskSimulator
from edge.agents.manifest import Manifest, ManifestItem, ManifestPatron
from edge.agents.world import SimulatedWorld
from tests.integration.edge.factories import RuntimeFactory
from tests.integration.edge.server_double import ServerDouble
from tests.support.broker import RunningBroker
from tests.unit.edge.circulation_double import CirculationDouble, DeskPatron

pytestmark = pytest.mark.integration

STACKS = Path(sys.executable).with_name("stacks")  # the installed console script


def small_library() -> tuple[Manifest, CirculationDouble]:
    manifest = Manifest(
        patrons=[ManifestPatron(card_number=f"SV21{n:05d}", pin="2468") for n in range(3)],
        items=[ManifestItem(barcode=f"VV{n:06d}", tag_uid=f"E0040150{n:08X}") for n in range(15)],
    )
    desk = CirculationDouble(
        patrons={p.card_number: DeskPatron(pin=p.pin) for p in manifest.patrons},
        items={i.barcode: i.status for i in manifest.items},
        tags={i.tag_uid: i.barcode for i in manifest.items if i.tag_uid},
    )
    return manifest, desk


def test_simulated_kiosks_share_a_library_through_the_broker(
    server: ServerDouble, start_runtime: RuntimeFactory
) -> None:
    manifest, desk = small_library()
    server.responder = desk.answer
    world = SimulatedWorld(manifest)
    trips: list[RoundTrip] = []
    summaries = []
    for device in ("kiosk-t01", "kiosk-t02"):
        runtime = start_runtime(device)
        sim = KioskSimulator(runtime, world, KioskBehaviour(think_s=0, request_timeout_s=10), seed=3)
        sim.on_round_trip = trips.append
        runtime.set_late_reply_handler(sim.on_late_reply)
        summaries.append(sim.run(sessions=6))
        assert runtime.wait_drained(10)
    assert all(trip.answered for trip in trips)
    assert sum(s.sessions for s in summaries) == 12
    assert sum(1 for t in trips if t.kind == PatronLoginRequested.KIND) >= 1
    assert len(server.applied) == len(trips)  # each request applied once
    believed = {i.barcode: p.card_number for p in manifest.patrons for i in world.loans_of(p.card_number)}
    assert believed == desk.loans


def run_kiosk_command(
    broker: RunningBroker, tmp_path: Path, manifest: Manifest, sessions: int, **env_extra: str
) -> subprocess.CompletedProcess[bytes]:
    manifest_path = tmp_path / "seed-manifest.json"
    manifest_path.write_text(manifest.model_dump_json(), encoding="utf-8")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("STACKS_")  # the command must find everything from the broker's files
    } | {
        "STACKS_DATA_DIR": str(broker.plan.directory.parent),
        "STACKS_BROKER_PORT": str(broker.plan.port),
        **env_extra,
    }
    done = subprocess.run(
        [
            str(STACKS),
            "edge",
            "kiosk",
            "--simulate",
            "--device-id",
            "kiosk-01",
            "--manifest",
            str(manifest_path),
            "--sessions",
            str(sessions),
            "--think-ms",
            "0",
            "--seed",
            "5",
            "--json",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return done


def test_the_kiosk_command_runs_sessions_with_the_brokers_credentials(
    broker: RunningBroker, server: ServerDouble, tmp_path: Path
) -> None:
    manifest, desk = small_library()
    server.responder = desk.answer
    done = run_kiosk_command(broker, tmp_path, manifest, sessions=3)
    figures = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert figures["device_id"] == "kiosk-01"
    assert figures["sessions"] == 3
    assert figures["timeouts"] == 0
    assert figures["outbox_pending"] == 0
    assert figures["requests"] == len(server.applied)
    log = done.stderr.decode()
    assert re.search(r"kiosk-01 patron\.login SV21\d{5} → ok: answer ok", log), log[-2000:]


def test_the_kiosk_command_follows_stacks_log_level(
    broker: RunningBroker, server: ServerDouble, tmp_path: Path
) -> None:
    manifest, desk = small_library()
    server.responder = desk.answer
    done = run_kiosk_command(broker, tmp_path, manifest, sessions=1, STACKS_LOG_LEVEL="WARNING")
    assert json.loads(done.stdout.decode().strip().splitlines()[-1])["sessions"] == 1
    log = done.stderr.decode()
    assert " INFO " not in log, log[-2000:]
    assert "patron.login" not in log  # decisions are logged at INFO
