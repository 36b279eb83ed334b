"""`stacks demo`: broker, server, simulated kiosks, a simulated security gate, a simulated stock-take
handheld and a simulated tagging station on a seeded library, on this machine.

Every piece is the real program (`stacks broker`, `stacks server`, `stacks edge kiosk --simulate`, `stacks
edge gate --simulate`, `stacks edge handheld --simulate`, `stacks edge station --simulate`) started as a
child process with the one-machine defaults; the demo only orders their start and stop, opens a stock-take
session for the handheld, and says where to look.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from server.privacy import write_private
from server.settings import ServerSettings
from stacks.broker.process import BrokerProcess, prepare_broker
from stacks.broker.settings import BrokerSettings
from stacks.child import ChildProcess
from stacks.demo_stocktake import open_demo_session
from stacks.server_process import ServerProcess

STAFF_USER = "librarian"


@dataclass
class DemoOptions:
    items: int = 3000
    patrons: int = 800
    kiosks: Sequence[str] = ("kiosk-01", "kiosk-02")
    gates: Sequence[str] = ("gate-01",)
    handhelds: Sequence[str] = ("handheld-01",)
    stations: Sequence[str] = ("station-01",)
    handheld_screen_port: int = 8765
    think_ms: int = 1500
    gate_gap_ms: int = 2500  # mean time between two people at the gate
    footfall_period_s: int = 15  # livelier than a real gate's minute
    http_port: int | None = None


@dataclass
class _Children:
    processes: list[tuple[str, ChildProcess]] = field(default_factory=list)

    def start(self, name: str, argv: list[str], log_path: Path, env: dict[str, str]) -> None:
        child = ChildProcess(argv, log_path=log_path, env=env)
        child.spawn()
        self.processes.append((name, child))

    def first_exited(self) -> str | None:
        return next((name for name, child in self.processes if not child.running), None)

    def stop_all(self) -> None:
        for _name, child in self.processes:
            child.terminate()  # all at once: each agent drains its last confirmations in parallel
        for _name, child in self.processes:
            child.stop()


def _stacks(*args: str) -> list[str]:
    return [sys.executable, "-m", "stacks", *args]


def _staff_password(data_dir: Path) -> str:
    path = data_dir / "demo-staff-password"
    if not path.exists():
        write_private(path, secrets.token_urlsafe(12))
    return path.read_text(encoding="utf-8").strip()


def _stop_on_sigterm() -> None:
    """`kill` (SIGTERM) stops the demo as Ctrl-C does: children are stopped, none is left behind."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def run_demo(options: DemoOptions, console: Console) -> int:
    server_settings = ServerSettings()
    broker_settings = BrokerSettings()
    data_dir = server_settings.data_dir
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    port = options.http_port or server_settings.http_port
    password = _staff_password(data_dir)
    env = os.environ | {"STACKS_FIRST_STAFF_USERNAME": STAFF_USER, "STACKS_FIRST_STAFF_PASSWORD": password}
    manifest = data_dir / "seed-manifest.json"

    _stop_on_sigterm()
    broker = BrokerProcess(prepare_broker(broker_settings))
    server = ServerProcess(env, port=port, host=server_settings.http_host, log_path=logs / "server.log")
    children = _Children()
    try:
        console.print(f"starting the broker ({broker.plan.implementation}) on {broker.plan.url}")
        broker.start()
        if not manifest.exists():
            console.print(f"seeding a library of {options.items} items and {options.patrons} patrons")
            seed = [
                "seed",
                "--items",
                str(options.items),
                "--patrons",
                str(options.patrons),
                "--manifest",
                str(manifest),
            ]
            subprocess.run(_stacks(*seed), check=True, env=env)  # noqa: S603
        console.print("migrating the database and starting the server")
        server.migrate()
        server.start()
        for kiosk in options.kiosks:
            argv = _stacks(
                "edge", "kiosk", "--simulate", "--device-id", kiosk, "--pad", "rfid",
                "--manifest", str(manifest), "--think-ms", str(options.think_ms),
            )  # fmt: skip
            children.start(kiosk, argv, logs / f"{kiosk}.log", env)
        for gate in options.gates:
            argv = _stacks(
                "edge", "gate", "--simulate", "--device-id", gate, "--manifest", str(manifest),
                "--gap-ms", str(options.gate_gap_ms), "--footfall-period-s", str(options.footfall_period_s),
            )  # fmt: skip
            children.start(gate, argv, logs / f"{gate}.log", env)
        stocktake = open_demo_session(server.base_url, STAFF_USER, password) if options.handhelds else None
        for handheld in options.handhelds:
            argv = _stacks(
                "edge", "handheld", "--simulate", "--stay", "--device-id", handheld,
                "--session", str(stocktake), "--manifest", str(manifest),
                "--screen-port", str(options.handheld_screen_port),
            )  # fmt: skip
            children.start(handheld, argv, logs / f"{handheld}.log", env)
        for station in options.stations:
            argv = _stacks("edge", "station", "--simulate", "--device-id", station)
            children.start(station, argv, logs / f"{station}.log", env)
        text = _where_to_look(server.base_url, broker.plan.url, password, logs, options, stocktake)
        console.print(text, soft_wrap=True, markup=False, highlight=False)
        return _wait(server, children, console)
    finally:
        children.stop_all()
        server.stop()
        broker.stop()


def _wait(server: ServerProcess, children: _Children, console: Console) -> int:
    try:
        while True:
            exited = "server" if not server.running else children.first_exited()
            if exited is not None:
                console.print(f"[red]{exited} stopped; see its log[/red]")
                return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        console.print("stopping…")
        return 0


def _where_to_look(  # noqa: PLR0917 (each is what the demo says where to find)
    base: str, broker_url: str, password: str, logs: Path, options: DemoOptions, stocktake: int | None
) -> str:
    extract = "python3 -c 'import sys,json; print(json.load(sys.stdin)[\"access_token\"])'"
    token_cmd = (
        f"TOKEN=$(curl -s -d username={STAFF_USER} -d password={password} "
        f"{base}/api/v1/login/access-token | {extract})"
    )
    lines = [
        f"staff console {base}/console/  (its dashboard is live)",
        *(
            [f"alarm desk    {base}/console/gate  (the gate's alarms as they happen)"]
            if options.gates
            else []
        ),
        f"API docs      {base}/docs",
        f"health        {base}/health",
        f"metrics       {base}/metrics",
        f"broker        {broker_url}",
        f"staff login   {STAFF_USER} / {password}  (an administrator, for the console and the API)",
        "",
        "try:",
        f"  {token_cmd}",
        f'  curl -s -H "Authorization: Bearer $TOKEN" "{base}/api/v1/events?limit=5"',
        f'  curl -s -H "Authorization: Bearer $TOKEN" "{base}/api/v1/devices"',
        "",
        f"simulated kiosks {', '.join(options.kiosks)} are checking out, renewing and returning books",
        "  (the console's dashboard counts them as they go and shows each kiosk online or offline);",
        "  each reads the books' RFID tags on its pad (a virtual FEIG reader, through the real driver)",
        "  and unsecures or secures them as the server answers",
    ]
    if options.gates:
        gates, first, gate_api = ", ".join(options.gates), options.gates[0], f"{base}/api/v1/gate"
        lines += [
            f"simulated security gate {gates}: people walk through carrying books; it sounds for books",
            "  not borrowed (gate.alarm) and counts people and tags (gate.footfall); the server classifies",
            f"  each alarm onto the console's alarm desk ({base}/console/gate; reports at",
            f"  {base}/console/gate/reports) and keeps the footfall:",
            f'  curl -s -H "Authorization: Bearer $TOKEN" "{gate_api}/alarms?unresolved_only=true&limit=5"',
            f'  curl -s -H "Authorization: Bearer $TOKEN" "{gate_api}/reports/footfall?device_id={first}"',
        ]
    if stocktake is not None:
        sessions = f"{base}/api/v1/stocktake/sessions/{stocktake}"
        lines += [
            f"simulated handheld {', '.join(options.handhelds)}: joined stock-take session {stocktake}",
            "  and swept three seeded shelves through a virtual wand and scanner, with a book missing,",
            "  one out of order, one misplaced, one on loan back on the shelf, a foreign, a blank and a",
            "  disarmed tag; its own screen, alerts as they happen (it works with the server down):",
            f"  http://127.0.0.1:{options.handheld_screen_port}/",
            "  the session's progress (close it to see every fault in its class):",
            f'  curl -s -H "Authorization: Bearer $TOKEN" "{sessions}"',
            f'  curl -s -X POST -H "Authorization: Bearer $TOKEN" "{sessions}/close"',
            f'  curl -s -H "Authorization: Bearer $TOKEN" "{sessions}/exceptions"',
        ]
    if options.stations:
        lines += [
            f"simulated tagging station {', '.join(options.stations)}: a virtual pad, a blank tag on it;",
            f"  scan a copy's barcode at {base}/console/tagging (seeded copies have tags: re-tag",
            "  one) and the station writes, verifies and secures its tag; the conversion's progress:",
            f"  {base}/console/tagging/progress",
        ]
    lines += [
        f"logs in {logs}/ — Ctrl-C stops everything",
    ]
    # Plain lines, never wrapped: the commands must survive copy and paste.
    return "\n".join(["", "Stacks demo is running", *lines, ""])
