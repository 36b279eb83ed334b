"""`stacks bench console`: the staff console's speed, against a real server process, broker and database.

1. Desk checkout through the console's HTTP endpoint, as the desk page's queue sends a scan
   (`POST /console/desk/checkout`, its own UUIDv7 key, the answer as a fragment): a run of scans lent to one
   patron one after another (`desk_checkout`), then a patron holding 500 loans and a patron holding none,
   alternately, each scan's item returned again (untimed) so that their loan counts stay as they are.
   Targets: p95 ≤ 100 ms; the 500-loan patron ≤ 1.5 × the one with none.
2. The desk page with the 500-loan patron's account loaded (`GET /console/desk?card=…`): p95 ≤ 150 ms.
3. Live fan-out (stacks/bench/live_fanout.py): 50 dashboards on the live stream while a handheld publishes
   200 sightings a second through the broker and the ingest: p95 ≤ 250 ms from the server receiving an
   event to each dashboard receiving the fragment that shows it; memory per connected dashboard.

Baseline, same run: a trivial authenticated GET round trip (the desk's account fragment with no patron:
session check and a small template, no circulation reads).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from rich.progress import Progress
from sqlmodel import Session
from uuid_utils.compat import uuid7

from server.db.engine import make_engine
from server.services.staff import StaffRole, create_staff
from stacks.bench import live_fanout
from stacks.bench.environment import BenchEnvironment, bench_environment, staff_may_hold
from stacks.bench.library import books_on_the_shelf, lend_many, manifest_of, staff_without_loans, stats

HEAVY_LOANS = 500
WARM_UP = 10
STAFF_USER, STAFF_PASSWORD = "bench.desk", "bench desk password 2468"
STAFF_LOAN_LIMIT = 1000
FANOUT_DEVICE = "handheld-b77"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
_DECISION = re.compile(r'data-code="([a-z_]+)"')


class DeskClient:
    """A signed-in console session, sending scans as the desk page does."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        login = self.http.get("/console/login").text
        token = _CSRF_FIELD.search(login)
        if token is None:
            raise RuntimeError("the log-in page has no CSRF field")
        form = {"username": STAFF_USER, "password": STAFF_PASSWORD, "csrf_token": token.group(1)}
        if self.http.post("/console/login", data=form).status_code != 303:
            raise RuntimeError("the benchmark's staff member could not sign in")
        meta = _CSRF_META.search(self.http.get("/console/desk").text)
        if meta is None:
            raise RuntimeError("the desk page has no CSRF token")
        self.headers = {"X-CSRF-Token": meta.group(1), "HX-Request": "true"}

    @property
    def cookies(self) -> httpx.Cookies:
        return self.http.cookies

    def scan(self, path: str, **fields: str) -> tuple[float, str]:
        """One scan (checkout or checkin): seconds taken, and the decision's code."""
        data = fields | {"action_key": str(uuid7())}
        started = time.perf_counter()
        answer = self.http.post(f"/console/desk/{path}", data=data, headers=self.headers)
        elapsed = time.perf_counter() - started
        answer.raise_for_status()
        code = _DECISION.search(answer.text)
        return elapsed, code.group(1) if code else "none"

    def get(self, path: str) -> float:
        started = time.perf_counter()
        self.http.get(path).raise_for_status()
        return time.perf_counter() - started

    def close(self) -> None:
        self.http.close()


def _add_staff(env: BenchEnvironment) -> None:
    engine = make_engine(env.database_url)
    with Session(engine) as session:
        create_staff(
            session,
            username=STAFF_USER,
            full_name="Bàn đo tốc độ",
            password=STAFF_PASSWORD,
            role=StaffRole.ASSISTANT,
            now=datetime.now(UTC),
        )
        session.commit()
    engine.dispose()


def _lend(desk: DeskClient, card: str, barcode: str) -> float:
    seconds, code = desk.scan("checkout", card=card, barcode=barcode)
    if code != "ok":
        raise RuntimeError(f"checkout of {barcode} to {card} refused: {code}")
    return seconds


def _measure(count: int, step: Callable[[int], None], label: str, show_progress: bool) -> None:
    with Progress(disable=not show_progress, transient=True) as progress:
        task = progress.add_task(label, total=count)
        for n in range(count):
            step(n)
            progress.advance(task)


def _desk_figures(env: BenchEnvironment, desk: DeskClient, scans: int, show_progress: bool) -> dict[str, Any]:
    """`scans` scans lent to one patron in a row, `scans` to each of the 500-loan patron and the one with
    none, `scans` loads of each one's account page, twice as many baseline round trips."""
    manifest = manifest_of(env)
    heavy, light, runner = staff_without_loans(env, manifest, 3)
    shelf = books_on_the_shelf(env, manifest)
    needed = HEAVY_LOANS + 3 * scans + WARM_UP
    if len(shelf) < needed:
        raise RuntimeError(f"the seeded library has {len(shelf)} books on the shelf, {needed} needed")
    lend_many(env, heavy.card_number, shelf[:HEAVY_LOANS])
    spare = [b.barcode for b in shelf[HEAVY_LOANS:]]
    for barcode in spare[:WARM_UP]:
        _lend(desk, runner.card_number, barcode)
        desk.scan("checkin", barcode=barcode)
    spare = spare[WARM_UP:]

    run: list[float] = []
    _measure(scans, lambda n: run.append(_lend(desk, runner.card_number, spare[n])), "scans", show_progress)
    spare = spare[scans:]
    timings: dict[str, list[float]] = {"heavy": [], "light": []}

    def pair(n: int) -> None:
        for who, patron in (("heavy", heavy), ("light", light)):
            barcode = spare[2 * n + (who == "light")]
            timings[who].append(_lend(desk, patron.card_number, barcode))
            desk.scan("checkin", barcode=barcode)  # untimed: the loan count stays as it was

    _measure(scans, pair, "500 loans / none", show_progress)
    pages = {
        "heavy": [desk.get(f"/console/desk?card={heavy.card_number}") for _ in range(scans)],
        "light": [desk.get(f"/console/desk?card={light.card_number}") for _ in range(scans)],
    }
    baseline = [desk.get("/console/desk/account") for _ in range(2 * scans)]
    return {
        "desk_checkout": stats(run),
        "desk_checkout_500_loans": stats(timings["heavy"]),
        "desk_checkout_0_loans": stats(timings["light"]),
        "account_page_500_loans": stats(pages["heavy"]),
        "account_page_0_loans": stats(pages["light"]),
        "baseline_authenticated_get": stats(baseline),
    }


def _p95(figures: dict[str, Any], name: str) -> float:
    return float(figures[name]["p95_ms"] or 0)


def run(
    *,
    scans: int,
    clients: int,
    rate: float,
    seconds: float,
    database_url: str | None = None,
    show_progress: bool,
) -> dict[str, Any]:
    load_before = os.getloadavg()
    devices = [FANOUT_DEVICE]
    edit = staff_may_hold(STAFF_LOAN_LIMIT)
    with bench_environment(
        devices=devices, items=2000, patrons=200, database_url=database_url, policy_edit=edit
    ) as env:
        _add_staff(env)
        desk = DeskClient(env.server.base_url)
        try:
            figures = _desk_figures(env, desk, scans, show_progress)
            fanout = live_fanout.measure(
                env,
                cookies=dict(desk.cookies),
                device=FANOUT_DEVICE,
                clients=clients,
                rate=rate,
                seconds=seconds,
                show_progress=show_progress,
            )
        finally:
            desk.close()
    heavy, light = _p95(figures, "desk_checkout_500_loans"), _p95(figures, "desk_checkout_0_loans")
    return {
        "benchmark": "console",
        "desk_checkout_p50_ms": figures["desk_checkout"]["p50_ms"],
        "desk_checkout_p95_ms": figures["desk_checkout"]["p95_ms"],
        "desk_checkout_500_loans_p50_ms": figures["desk_checkout_500_loans"]["p50_ms"],
        "desk_checkout_500_loans_p95_ms": heavy,
        "desk_checkout_0_loans_p50_ms": figures["desk_checkout_0_loans"]["p50_ms"],
        "desk_checkout_0_loans_p95_ms": light,
        "loans_ratio_p95": round(heavy / light, 3) if light else None,
        "account_page_p50_ms": figures["account_page_500_loans"]["p50_ms"],
        "account_page_p95_ms": figures["account_page_500_loans"]["p95_ms"],
        "sse_fanout_p50_ms": fanout["latency_from_received"]["p50_ms"],
        "sse_fanout_p95_ms": fanout["latency_from_received"]["p95_ms"],
        "sse_memory_per_client_kib": fanout["rss_per_client_kib"],
        "baseline_get_p50_ms": figures["baseline_authenticated_get"]["p50_ms"],
        "baseline_get_p95_ms": figures["baseline_authenticated_get"]["p95_ms"],
        "targets": {
            "desk_checkout_p95_ms": 100,
            "loans_ratio_p95": 1.5,
            "account_page_p95_ms": 150,
            "sse_fanout_p95_ms": 250,
        },
        "desk": figures,
        "fanout": fanout,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "database": env.database_url.split(":", 1)[0],
    }
