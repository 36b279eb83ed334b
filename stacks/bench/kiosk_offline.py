"""`offline_switch_s`: how long a kiosk takes to say it is offline once its network goes (issue 11: ≤ 5 s).

    python -m stacks.bench.kiosk_offline --json [--rounds 3]

With the real server and broker of a throwaway installation and a kiosk agent (its runtime, its offline
watch, no pad), each round times two ways the network goes, from the moment it goes to the moment the
kiosk's view says offline:

- `server_stopped_s`: the server stopped while the broker stays (it says offline as it stops);
- `broker_killed_s`: the broker killed (`kill -9`: the kiosk's socket closes).

Between rounds everything is started again and the kiosk seen back online. `offline_switch_s` is the
slowest switch of all.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from edge.kiosk.agent import KioskAgent
from edge.kiosk.offline import LibraryDay, OfflineRules
from edge.kiosk.offline_desk import OfflineDesk
from edge.kiosk.offline_kiosk import OfflineKiosk
from edge.kiosk.session import KioskSession
from edge.runtime import EdgeRuntime
from stacks.bench.environment import BenchEnvironment, bench_environment
from web.formatting import DEFAULT_TIMEZONE

KIOSK = "kiosk-b01"
WATCH_S = 0.01  # how often the bench looks at the kiosk's view
GIVE_UP_S = 60.0


def _wait(predicate: Callable[[], bool], what: str, timeout: float = GIVE_UP_S) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"kiosk offline bench: {what} after {timeout} s")
        time.sleep(WATCH_S)


def _switch(agent: KioskAgent, cut: Callable[[], None]) -> float:
    """Seconds from the network cut (as `cut` begins) to the kiosk's view saying offline."""
    seen = threading.Event()
    offline_at: list[float] = []

    def watch() -> None:
        while not seen.is_set():
            if agent.view().offline:
                offline_at.append(time.monotonic())
                seen.set()
                return
            time.sleep(WATCH_S)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.monotonic()
    cut()
    if not seen.wait(GIVE_UP_S):
        raise TimeoutError("kiosk offline bench: the kiosk never said it was offline")
    return round(offline_at[0] - started, 3)


def _round(env: BenchEnvironment, agent: KioskAgent) -> dict[str, float]:
    _wait(lambda: not agent.view().offline, "the kiosk never came online")
    server_stopped = _switch(agent, env.server.stop)
    env.server.start()
    _wait(lambda: not agent.view().offline, "the kiosk did not come back after the server")
    broker_killed = _switch(agent, env.broker.kill)
    env.broker.start()
    return {"server_stopped_s": server_stopped, "broker_killed_s": broker_killed}


def run(*, rounds: int = 3) -> dict[str, Any]:
    with bench_environment(devices=[KIOSK], items=20, patrons=5) as env:
        runtime = EdgeRuntime(env.edge_settings(KIOSK, device_kind="kiosk", stop_drain_s=0))
        session = KioskSession(runtime)
        desk = OfflineDesk(None, OfflineRules(), LibraryDay(zone=DEFAULT_TIMEZONE), runtime)
        agent = KioskAgent(session, poll_s=0.25, offline=OfflineKiosk(desk, runtime))
        stop = threading.Event()
        runtime.start()
        loop = threading.Thread(target=agent.run, args=(stop,), daemon=True)
        loop.start()
        try:
            results = [_round(env, agent) for _ in range(rounds)]
        finally:
            stop.set()
            loop.join(timeout=10)
            runtime.stop()
    every = [value for result in results for value in result.values()]
    return {
        "benchmark": "kiosk_offline",
        "offline_switch_s": max(every),
        "server_stopped_s": [r["server_stopped_s"] for r in results],
        "broker_killed_s": [r["broker_killed_s"] for r in results],
        "agent_poll_s": agent.poll_s,
        "rounds": rounds,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(rounds=args.rounds)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
