"""`stacks bench kiosk`: checkout decisions round trip, kiosk → broker → server → kiosk.

Two measurements on one seeded library, with the real server and broker:

1. Loan count. A patron holding 500 loans and a patron holding none each check out books, alternately,
   from two kiosks; their round trips are compared (target: the first no slower than 1.5 × the second).
   So that the 500-loan patron may still borrow, this run's policy lets staff hold 1000 loans.
2. A reader's stack (`kiosk_stack`): the real kiosk agent with its pad on a virtual reader as slow as a
   real one; sign-ins (target p95 ≤ 300 ms) and stacks of ten books put on the pad, each read, lent,
   unsecured and checked (target p95 ≤ 3 s) — alone, then with 19 simulated kiosks serving readers.
3. Load. `--kiosks` simulated kiosks serve simulated patrons at once (sign in, borrow, renew, return);
   every checkout's round trip is timed (target p95 ≤ 150 ms).
4. Offline (`kiosk_offline`, an installation of its own): the server stopped, then the broker killed,
   under a kiosk agent; how long until its screen says it is offline (target ≤ 5 s). Then
   (`offline_replay`) 10,000 offline transactions from 5 kiosks stored through the ingest and applied in
   time order (target ≤ 30 s).

Baseline, same run, same broker: a raw paho QoS 1 request → echo → reply round trip with no server work.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.progress import Progress

from contract.common import ItemRef
from contract.events import CheckoutRequested, ItemForSession, PatronLogin, PatronLoginRequested
from contract.replies import PatronLoginResult
from devices.sim.air_timing import REALISTIC
from edge.kiosk.session import KioskSession
from edge.runtime import EdgeRuntime
from edge.sim.kiosk_patrons import KioskBehaviour, KioskSimulator
from edge.sim.manifest import Manifest, ManifestItem, ManifestPatron
from edge.sim.report import RoundTrip
from edge.sim.world import SimulatedWorld
from stacks.bench import kiosk_offline, kiosk_stack
from stacks.bench.baseline import raw_paho_round_trips
from stacks.bench.environment import BenchEnvironment, bench_environment, staff_may_hold
from stacks.bench.library import books_on_the_shelf, lend_many, manifest_of, staff_without_loans, stats
from stacks.bench.offline_replay import offline_replay

HEAVY_LOANS = 500
LOAD_KIOSKS = 20  # the real kiosk and 19 simulated ones
STACK_READERS = 4
SAMPLES = 60
STAFF_LOAN_LIMIT = 1000


def _sign_in(runtime: EdgeRuntime, patron: ManifestPatron) -> PatronLoginResult:
    payload = PatronLogin.model_validate({"card_number": patron.card_number, "pin": patron.pin})
    reply = runtime.request(PatronLoginRequested, payload, timeout=10)
    if not isinstance(reply, PatronLoginResult) or reply.session_id is None:
        raise RuntimeError(f"{patron.card_number} could not sign in: {reply.decision.code}")
    return reply


def _checkout_seconds(runtime: EdgeRuntime, session_id: Any, book: ManifestItem) -> float:
    payload = ItemForSession(session_id=session_id, item=ItemRef(barcode=book.barcode))
    started = time.perf_counter()
    reply = runtime.request(CheckoutRequested, payload, timeout=10)
    elapsed = time.perf_counter() - started
    if not reply.decision.ok:
        raise RuntimeError(f"checkout of {book.barcode} refused: {reply.decision.code}")
    return elapsed


def _loan_count_effect(
    env: BenchEnvironment, heavy: ManifestPatron, light: ManifestPatron, books: list[ManifestItem]
) -> dict[str, Any]:
    lend_many(env, heavy.card_number, books[:HEAVY_LOANS])
    spare = books[HEAVY_LOANS:]
    runtimes = [EdgeRuntime(env.edge_settings(d)).start() for d in ("kiosk-b91", "kiosk-b92")]
    try:
        for runtime in runtimes:
            runtime.wait_connected(15)
        sessions = [_sign_in(runtimes[0], heavy).session_id, _sign_in(runtimes[1], light).session_id]
        timings: list[list[float]] = [[], []]
        for n in range(SAMPLES):
            for who in (0, 1):
                timings[who].append(_checkout_seconds(runtimes[who], sessions[who], spare[2 * n + who]))
    finally:
        for runtime in runtimes:
            runtime.stop()
    heavy_stats, light_stats = stats(timings[0]), stats(timings[1])
    return {
        "patron_500_loans": heavy_stats,
        "patron_no_loans": light_stats,
        "loans_ratio_p50": round(float(heavy_stats["p50_ms"] or 0) / float(light_stats["p50_ms"] or 1), 3),
        "loans_ratio_p95": round(float(heavy_stats["p95_ms"] or 0) / float(light_stats["p95_ms"] or 1), 3),
    }


@contextmanager
def _kiosks_serving(
    env: BenchEnvironment, world: SimulatedWorld, devices: list[str], think_s: float
) -> Iterator[list[RoundTrip]]:
    """Simulated kiosks (`devices`) serving simulated patrons until the block ends; every request's round
    trip is recorded in the list yielded."""
    trips: list[RoundTrip] = []
    lock = threading.Lock()

    def record(trip: RoundTrip) -> None:
        with lock:
            trips.append(trip)

    runtimes = [EdgeRuntime(env.edge_settings(device)).start() for device in devices]
    stop = threading.Event()
    behaviour = KioskBehaviour(think_s=think_s)
    simulators = [
        KioskSimulator(
            KioskSession(rt, timeout_s=10), world, behaviour, seed=n, on_round_trip=record, stop=stop
        )
        for n, rt in enumerate(runtimes)
    ]
    for runtime, simulator in zip(runtimes, simulators, strict=True):
        runtime.set_late_reply_handler(simulator.session.requests.on_late_reply)
    threads = [threading.Thread(target=sim.run) for sim in simulators]
    try:
        for runtime in runtimes:
            runtime.wait_connected(15)
        for thread in threads:
            thread.start()
        yield trips
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
        for runtime in runtimes:
            runtime.stop()


def _under_load(
    env: BenchEnvironment,
    world: SimulatedWorld,
    *,
    kiosks: int,
    duration_s: float,
    think_s: float,
    show_progress: bool,
) -> dict[str, Any]:
    devices = [f"kiosk-b{n:02d}" for n in range(1, kiosks + 1)]
    progress = Progress(disable=not show_progress, transient=True)
    with _kiosks_serving(env, world, devices, think_s) as trips, progress:
        task = progress.add_task(f"{kiosks} kiosks", total=duration_s)
        started = time.monotonic()
        while (elapsed := time.monotonic() - started) < duration_s:
            time.sleep(0.25)
            progress.update(task, completed=min(duration_s, elapsed))
    checkouts = [t.seconds for t in trips if t.kind == CheckoutRequested.KIND and t.answered]
    every = [t.seconds for t in trips if t.answered]
    return {
        "kiosks": kiosks,
        "seconds": duration_s,
        "checkout": stats(checkouts),
        "all_requests": stats(every),
        "timeouts": sum(1 for t in trips if not t.answered),
        "requests_per_s": round(len(trips) / duration_s, 1),
    }


def _stacks(
    env: BenchEnvironment,
    world: SimulatedWorld,
    readers: list[ManifestPatron],
    books: list[ManifestItem],
    *,
    think_s: float,
    stacks: int,
) -> dict[str, Any]:
    """Sign-ins and stacks of ten at the real kiosk agent alone, then among 20 kiosks."""
    half = len(books) // 2
    others = [f"kiosk-l{n:02d}" for n in range(1, LOAD_KIOSKS)]
    with (
        tempfile.TemporaryDirectory(prefix="stacks-kiosk-") as directory,
        kiosk_stack.pad_kiosk(env, Path(directory)) as kiosk,
    ):
        alone = kiosk_stack.measure(kiosk, readers, books[:half], stacks=stacks)
        with _kiosks_serving(env, world, others, think_s) as trips:
            crowded = kiosk_stack.measure(kiosk, readers, books[half:], stacks=stacks)
    return {
        "stack10_p95_ms": stats(alone["stack10"])["p95_ms"],
        "stack10_20_kiosks_p95_ms": stats(crowded["stack10"])["p95_ms"],
        "signin_p95_ms": stats(crowded["signin"])["p95_ms"],
        "stack10": stats(alone["stack10"]),
        "stack10_20_kiosks": stats(crowded["stack10"]),
        "signin": stats(alone["signin"]),
        "signin_20_kiosks": stats(crowded["signin"]),
        "other_kiosks_requests": len(trips),
        "pad_timing": asdict(REALISTIC),
    }


def run(
    *,
    kiosks: int,
    duration_s: float,
    think_ms: int,
    show_progress: bool,
    stacks: int = kiosk_stack.STACKS,
    offline_rounds: int = 3,
    replay_transactions: int = 10_000,
) -> dict[str, Any]:
    devices = [f"kiosk-b{n:02d}" for n in range(1, kiosks + 1)] + ["kiosk-b91", "kiosk-b92"]
    devices += [kiosk_stack.DEVICE, *(f"kiosk-l{n:02d}" for n in range(1, LOAD_KIOSKS))]
    with bench_environment(
        devices=devices, items=4000, patrons=600, policy_edit=staff_may_hold(STAFF_LOAN_LIMIT)
    ) as env:
        manifest = manifest_of(env)
        heavy, light, *readers = staff_without_loans(env, manifest, 2 + STACK_READERS)
        books = books_on_the_shelf(env, manifest)
        reserved = books[: HEAVY_LOANS + 2 * SAMPLES]
        on_the_pad = books[len(reserved) : len(reserved) + 2 * stacks * kiosk_stack.STACK]
        taken = {b.barcode for b in reserved + on_the_pad}
        rest = Manifest(
            patrons=[p for p in manifest.patrons if p not in (heavy, light, *readers)],
            items=[i for i in manifest.items if i.barcode not in taken],
        )
        world = SimulatedWorld(rest)
        loan_effect = _loan_count_effect(env, heavy, light, reserved)
        at_the_pad = _stacks(env, world, readers, on_the_pad, think_s=think_ms / 1000, stacks=stacks)
        load = _under_load(
            env,
            world,
            kiosks=kiosks,
            duration_s=duration_s,
            think_s=think_ms / 1000,
            show_progress=show_progress,
        )
        baseline = raw_paho_round_trips(env.plan, count=200, payload_bytes=300)
    # Each on an installation of its own (the first stops its server and kills its broker); 0: not measured.
    offline = kiosk_offline.run(rounds=offline_rounds) if offline_rounds else {}
    replay = offline_replay(None, transactions=replay_transactions) if replay_transactions else {}
    baseline_stats = stats(baseline)
    checkout_p95 = load["checkout"]["p95_ms"]
    return {
        "benchmark": "kiosk",
        "checkout_p50_ms": load["checkout"]["p50_ms"],
        "checkout_p95_ms": checkout_p95,
        "checkout_p99_ms": load["checkout"]["p99_ms"],
        "load": load,
        **loan_effect,
        **at_the_pad,
        "offline_switch_s": offline.get("offline_switch_s"),
        "offline": {k: v for k, v in offline.items() if k not in ("benchmark", "offline_switch_s")},
        "offline_replay_10k_seconds": replay.get("offline_replay_10k_seconds"),
        "offline_replay": {k: v for k, v in replay.items() if k != "offline_replay_10k_seconds"},
        "baseline_round_trip": baseline_stats,
        "ratio_p95_to_baseline": round(float(checkout_p95 or 0) / float(baseline_stats["p95_ms"] or 1), 2),
        "policy_override": "staff may hold 1000 loans (so the 500-loan patron can still borrow)",
        "broker": env.plan.implementation,
    }
