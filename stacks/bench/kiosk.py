"""`stacks bench kiosk`: checkout decisions round trip, kiosk → broker → server → kiosk.

Two measurements on one seeded library, with the real server and broker:

1. Loan count. A patron holding 500 loans and a patron holding none each check out books, alternately,
   from two kiosks; their round trips are compared (target: the first no slower than 1.5 × the second).
   So that the 500-loan patron may still borrow, this run's policy lets staff hold 1000 loans.
2. Load. `--kiosks` simulated kiosks serve simulated patrons at once (sign in, borrow, renew, return);
   every checkout's round trip is timed (target p95 ≤ 150 ms).

Baseline, same run, same broker: a raw paho QoS 1 request → echo → reply round trip with no server work.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from rich.progress import Progress
from sqlmodel import Session, col

from contract.common import ItemRef
from contract.events import CheckoutRequested, ItemForSession, PatronLogin, PatronLoginRequested
from contract.replies import PatronLoginResult
from edge.kiosk.session import KioskSession
from edge.runtime import EdgeRuntime
from edge.sim.kiosk_patrons import KioskBehaviour, KioskSimulator
from edge.sim.manifest import Manifest, ManifestItem, ManifestPatron
from edge.sim.report import RoundTrip, percentile
from edge.sim.world import SimulatedWorld
from server.db.engine import make_engine
from server.db.tables import Loan, Patron
from server.services import context
from server.services.desk import desk_checkout
from server.settings import ServerSettings
from stacks.bench.baseline import raw_paho_round_trips
from stacks.bench.environment import BenchEnvironment, bench_environment, staff_may_hold

HEAVY_LOANS = 500
SAMPLES = 60
STAFF_LOAN_LIMIT = 1000


def _ms(values: list[float], fraction: float) -> float | None:
    value = percentile(values, fraction)
    return None if value is None else round(value * 1000, 1)


def _stats(values: list[float]) -> dict[str, float | int | None]:
    return {
        "n": len(values),
        "p50_ms": _ms(values, 0.5),
        "p95_ms": _ms(values, 0.95),
        "p99_ms": _ms(values, 0.99),
    }


def _loan_books(env: BenchEnvironment, card: str, books: list[ManifestItem]) -> None:
    """Give the heavy patron their loans through the desk service (the real code path, in bulk)."""
    settings = ServerSettings(
        data_dir=env.root, config_dir=env.config_dir, database_url=env.database_url, _env_file=None
    )
    circulation = context.build(settings)
    engine = make_engine(env.database_url)
    now = datetime.now(UTC)
    with Session(engine) as session:
        for book in books:
            outcome = desk_checkout(
                session,
                circulation,
                staff="bench",
                card_number=card,
                item=ItemRef(barcode=book.barcode),
                now=now,
            )
            if not outcome.decision.ok:
                raise RuntimeError(f"could not lend {book.barcode} to {card}: {outcome.decision.code}")
        session.commit()
    engine.dispose()


def _two_staff_without_loans(
    env: BenchEnvironment, manifest: Manifest
) -> tuple[ManifestPatron, ManifestPatron]:
    engine = make_engine(env.database_url)
    with engine.connect() as conn:
        borrowing = set(
            conn.execute(
                sa.select(col(Patron.card_number))
                .join(Loan, col(Loan.patron_id) == col(Patron.id))
                .where(col(Loan.returned_at).is_(None))
            ).scalars()
        )
    engine.dispose()
    free = [p for p in manifest.patrons if p.category == "staff" and p.card_number not in borrowing]
    if len(free) < 2:
        raise RuntimeError("the seeded library has fewer than two staff patrons without loans")
    return free[0], free[1]


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
    _loan_books(env, heavy.card_number, books[:HEAVY_LOANS])
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
    heavy_stats, light_stats = _stats(timings[0]), _stats(timings[1])
    return {
        "patron_500_loans": heavy_stats,
        "patron_no_loans": light_stats,
        "loans_ratio_p50": round(float(heavy_stats["p50_ms"] or 0) / float(light_stats["p50_ms"] or 1), 3),
        "loans_ratio_p95": round(float(heavy_stats["p95_ms"] or 0) / float(light_stats["p95_ms"] or 1), 3),
    }


def _under_load(
    env: BenchEnvironment,
    manifest: Manifest,
    *,
    kiosks: int,
    duration_s: float,
    think_s: float,
    show_progress: bool,
) -> dict[str, Any]:
    world = SimulatedWorld(manifest)
    trips: list[RoundTrip] = []
    lock = threading.Lock()

    def record(trip: RoundTrip) -> None:
        with lock:
            trips.append(trip)

    runtimes = [EdgeRuntime(env.edge_settings(f"kiosk-b{n:02d}")).start() for n in range(1, kiosks + 1)]
    stop = threading.Event()
    behaviour = KioskBehaviour(think_s=think_s)
    simulators = [
        KioskSimulator(
            KioskSession(rt, timeout_s=10), world, behaviour, seed=n, on_round_trip=record, stop=stop
        )
        for n, rt in enumerate(runtimes)
    ]
    for runtime, simulator in zip(runtimes, simulators, strict=True):
        runtime.set_late_reply_handler(simulator.session.on_late_reply)
    threads = [threading.Thread(target=sim.run, kwargs={"duration_s": duration_s}) for sim in simulators]
    try:
        for runtime in runtimes:
            runtime.wait_connected(15)
        for thread in threads:
            thread.start()
        with Progress(disable=not show_progress, transient=True) as progress:
            task = progress.add_task(f"{kiosks} kiosks", total=duration_s)
            started = time.monotonic()
            while any(t.is_alive() for t in threads):
                time.sleep(0.25)
                progress.update(task, completed=min(duration_s, time.monotonic() - started))
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
        for runtime in runtimes:
            runtime.stop()
    checkouts = [t.seconds for t in trips if t.kind == CheckoutRequested.KIND and t.answered]
    every = [t.seconds for t in trips if t.answered]
    return {
        "kiosks": kiosks,
        "seconds": duration_s,
        "checkout": _stats(checkouts),
        "all_requests": _stats(every),
        "timeouts": sum(1 for t in trips if not t.answered),
        "requests_per_s": round(len(trips) / duration_s, 1),
    }


def run(*, kiosks: int, duration_s: float, think_ms: int, show_progress: bool) -> dict[str, Any]:
    devices = [f"kiosk-b{n:02d}" for n in range(1, kiosks + 1)] + ["kiosk-b91", "kiosk-b92"]
    with bench_environment(
        devices=devices, items=4000, patrons=600, policy_edit=staff_may_hold(STAFF_LOAN_LIMIT)
    ) as env:
        document = json.loads(env.manifest.read_text(encoding="utf-8"))
        manifest = Manifest.model_validate(document)
        heavy, light = _two_staff_without_loans(env, manifest)
        types = {i["barcode"]: i.get("item_type") for i in document["items"]}
        books = [i for i in manifest.items if i.available and types[i.barcode] == "book"]
        reserved = books[: HEAVY_LOANS + 2 * SAMPLES]
        taken = {b.barcode for b in reserved}
        rest = Manifest(
            patrons=[p for p in manifest.patrons if p not in (heavy, light)],
            items=[i for i in manifest.items if i.barcode not in taken],
        )
        loan_effect = _loan_count_effect(env, heavy, light, reserved)
        load = _under_load(
            env,
            rest,
            kiosks=kiosks,
            duration_s=duration_s,
            think_s=think_ms / 1000,
            show_progress=show_progress,
        )
        baseline = raw_paho_round_trips(env.plan, count=200, payload_bytes=300)
    baseline_stats = _stats(baseline)
    checkout_p95 = load["checkout"]["p95_ms"]
    return {
        "benchmark": "kiosk",
        "checkout_p50_ms": load["checkout"]["p50_ms"],
        "checkout_p95_ms": checkout_p95,
        "checkout_p99_ms": load["checkout"]["p99_ms"],
        "load": load,
        **loan_effect,
        "baseline_round_trip": baseline_stats,
        "ratio_p95_to_baseline": round(float(checkout_p95 or 0) / float(baseline_stats["p95_ms"] or 1), 2),
        "policy_override": "staff may hold 1000 loans (so the 500-loan patron can still borrow)",
        "broker": env.plan.implementation,
    }
