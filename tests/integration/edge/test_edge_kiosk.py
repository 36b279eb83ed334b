"""The simulated kiosk on the real runtime and broker, answered by the circulation double behind the
server double; and `stacks edge kiosk --simulate` as a process, with the local broker's credentials."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from contract.events import CheckoutRequested, PatronLoginRequested
from contract.status import DeviceState
from edge.kiosk.session import KioskSession
from edge.sim.kiosk_patrons import KioskBehaviour, KioskSimulator
from edge.sim.manifest import Manifest
from edge.sim.report import RoundTrip
from edge.sim.world import SimulatedWorld
from tests.integration.edge.factories import RuntimeFactory
from tests.integration.edge.server_double import ServerDouble
from tests.support.broker import RunningBroker, command_env
from tests.support.kiosk_library import library
from tests.support.status_watcher import StatusWatcher
from tests.support.waiting import wait_until

STACKS = Path(sys.executable).with_name("stacks")  # the installed console script


def test_simulated_kiosks_share_a_library_through_the_broker(
    server: ServerDouble, start_runtime: RuntimeFactory
) -> None:
    manifest, desk = library(patrons=3, items=15)
    server.responder = desk.answer
    world = SimulatedWorld(manifest)
    trips: list[RoundTrip] = []
    summaries = []
    for device in ("kiosk-t01", "kiosk-t02"):
        runtime = start_runtime(device)
        session = KioskSession(runtime, timeout_s=10)
        sim = KioskSimulator(session, world, KioskBehaviour(think_s=0), seed=3, on_round_trip=trips.append)
        runtime.set_late_reply_handler(session.requests.on_late_reply)
        summaries.append(sim.run(sessions=6))
        assert runtime.wait_drained(10)
    assert all(trip.answered for trip in trips)
    assert sum(s.sessions for s in summaries) == 12
    assert sum(1 for t in trips if t.kind == PatronLoginRequested.KIND) >= 1
    assert len(server.applied) == len(trips)  # each request applied once
    believed = {i.barcode: p.card_number for p in manifest.patrons for i in world.loans_of(p.card_number)}
    assert believed == desk.loans


def run_kiosk_command(
    broker: RunningBroker,
    tmp_path: Path,
    manifest: Manifest,
    sessions: int,
    *options: str,
    **env_extra: str,
) -> subprocess.CompletedProcess[bytes]:
    manifest_path = tmp_path / "seed-manifest.json"
    manifest_path.write_text(manifest.model_dump_json(), encoding="utf-8")
    env = command_env(broker, **env_extra)
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
            *options,
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
    manifest, desk = library(patrons=3, items=15)
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
    manifest, desk = library(patrons=3, items=15)
    server.responder = desk.answer
    done = run_kiosk_command(broker, tmp_path, manifest, sessions=1, STACKS_LOG_LEVEL="WARNING")
    assert json.loads(done.stdout.decode().strip().splitlines()[-1])["sessions"] == 1
    log = done.stderr.decode()
    assert " INFO " not in log, log[-2000:]
    assert "patron.login" not in log  # decisions are logged at INFO


def test_the_rfid_kiosk_reports_its_pad_in_its_status(
    broker: RunningBroker, server: ServerDouble, watch: StatusWatcher, tmp_path: Path
) -> None:
    manifest, desk = library(patrons=3, items=15)
    server.responder = desk.answer
    done = run_kiosk_command(broker, tmp_path, manifest, 3, "--pad", "rfid")
    figures = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert (figures["sessions"], figures["timeouts"], figures["outbox_pending"]) == (3, 0, 0)
    wait_until(lambda: DeviceState.OFFLINE in watch.states())
    birth = next(status for status in watch.seen if status.state == DeviceState.ONLINE)
    pad = birth.peripherals["rfid_pad"]
    assert pad.connected is True
    assert {"frames_sent", "timeouts", "reconnects", "security_failures"} <= set(pad.counters)
    lent = [e.payload.item for e in server.applied.values() if isinstance(e, CheckoutRequested)]
    assert any(ref.tag_uid is not None for ref in lent), "no book was read from its tag on the pad"


def test_the_kiosk_command_without_simulate_needs_its_pad(broker: RunningBroker, tmp_path: Path) -> None:
    config = tmp_path / "kiosks.toml"
    config.write_text("[kiosks.kiosk-01]\nscreen_port = 0\n", encoding="utf-8")
    env = command_env(broker, STACKS_KIOSKS_CONFIG=str(config))
    command = [str(STACKS), "edge", "kiosk", "--device-id", "kiosk-01", "--duration-s", "1"]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "[kiosks.kiosk-01] names no pad_port" in done.stderr.decode()
    config.write_text("[kiosks.kiosk-02]\n", encoding="utf-8")
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "no [kiosks.kiosk-01] table" in done.stderr.decode()
