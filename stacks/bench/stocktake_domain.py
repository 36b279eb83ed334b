"""The pure stock-take rules at library scale: freeze, reconcile, plan and report over a synthetic session.

`python -m stacks.bench.stocktake_domain --items 1000000 [--json]` builds a library of `items` items on
shelves of 40 (5 floors), a session over all of it where handhelds sweep every shelf with about one read
per item (jitter in read order, books out of order and on wrong shelves, missing books, loans and returns
during the session, unarmed tags), then times each step of the domain alone. The figures it prints:

- `build_s`: making the inputs (what the services' database reads will do, not the domain's cost); they
  are then frozen out of the garbage collector's sight (`gc.freeze()`), as a service holding them should;
- `freeze_s`, `reconcile_s`, `plan_s`, `report_s`: the domain's steps (wall clock), `domain_cpu_s` their
  CPU time (the fairer figure on a shared machine);
- `rss_inputs_mib`, `peak_rss_mib`: resident memory after building the inputs, and the process's peak;
- `planted_*` and the classes counted back, so a run also checks itself.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass

from server.domain.enums import ItemStatus, LocationKind
from server.domain.stocktake.facts import (
    ChangeCause,
    ItemFacts,
    ReadLog,
    Security,
    Shelf,
    StatusChange,
    StocktakeFacts,
    Sweep,
)
from server.domain.stocktake.plan import ClosingChoices, plan_closing
from server.domain.stocktake.reconcile import reconcile
from server.domain.stocktake.report import correction_lists, figures
from server.domain.stocktake.results import Issue, ItemClass
from server.domain.stocktake.scope import LocationTree, Scope, freeze_expected

PER_SHELF = 40
FLOORS = 5
SHELVES_PER_RANGE = 10
SWEEP_US = 40_000_000  # 40 s a shelf
GAP_US = 20_000_000
START_US = 1_790_000_000_000_000
EXPECTED = frozenset({ItemStatus.AVAILABLE})


@dataclass
class Planted:
    missing: int = 0
    wrong_place: int = 0
    displaced: int = 0
    lent_before_sweep: int = 0
    on_loan_on_shelf: int = 0


def _key(index: int) -> str:
    return f"#D{index // 10_000:03d}.{index:08d} A"


def _tree(shelves: int) -> tuple[LocationTree, int]:
    root = 1
    parents: dict[int, int | None] = {root: None}
    kinds = {root: LocationKind.LIBRARY}
    floors = [2 + f for f in range(FLOORS)]
    for floor in floors:
        parents[floor], kinds[floor] = root, LocationKind.FLOOR
    first_shelf = 100 + FLOORS + shelves // SHELVES_PER_RANGE + 1
    for s in range(shelves):
        range_id = 100 + s // SHELVES_PER_RANGE
        parents[range_id] = floors[(s * FLOORS) // shelves]
        kinds[range_id] = LocationKind.RANGE
        parents[first_shelf + s], kinds[first_shelf + s] = range_id, LocationKind.SHELF
    return LocationTree(parents, kinds), first_shelf


def build(items: int, seed: int = 1) -> tuple[StocktakeFacts, LocationTree, Planted]:
    rng = random.Random(seed)
    n_shelves = -(-items // PER_SHELF)
    tree, first_shelf = _tree(n_shelves)
    planted = Planted()
    scope_items: dict[int, ItemFacts] = {}
    shelves: dict[int, Shelf] = {}
    for s in range(n_shelves):
        low, high = s * PER_SHELF, min(items, (s + 1) * PER_SHELF) - 1
        shelves[first_shelf + s] = Shelf(first_shelf + s, f"S{s:06d}", _key(low), _key(high))
    for i in range(items):
        key = _key(i)
        roll = rng.random()
        status, loan = (ItemStatus.ON_LOAN, 10_000_000 + i) if roll < 0.08 else (ItemStatus.AVAILABLE, None)
        scope_items[i + 1] = ItemFacts(i + 1, first_shelf + i // PER_SHELF, "book", status, key, key, loan)
    reads, sweeps, changes = ReadLog(), [], []
    devices = [f"handheld-{d}" for d in range(FLOORS)]
    for s in range(n_shelves):
        shelf_id, device = first_shelf + s, devices[(s * FLOORS) // n_shelves]
        start = START_US + s * (SWEEP_US + GAP_US)
        standing = []
        for i in range(s * PER_SHELF, min(items, (s + 1) * PER_SHELF)):
            item = scope_items[i + 1]
            roll = rng.random()
            if item.status is ItemStatus.ON_LOAN:
                if roll < 0.02:
                    standing.append(i + 1)
                    planted.on_loan_on_shelf += 1
                continue
            if roll < 0.03:
                planted.missing += 1
            elif roll < 0.035:
                lent = StatusChange(i + 1, start - GAP_US, ItemStatus.ON_LOAN, ChangeCause.CHECKOUT, i)
                changes.append(lent)
                planted.lent_before_sweep += 1
            else:
                standing.append(i + 1)
        _disorder(standing, rng, planted)
        at = start
        seq = 0
        for item_id in standing:
            for _ in range(1 if rng.random() < 0.85 else 2):  # some tags are read twice
                at += SWEEP_US // (PER_SHELF * 2)
                seq += 1
                security = Security.NOT_ARMED if rng.random() < 0.001 else Security.ARMED
                reads.add(at, item_id, shelf_id, device, seq, security=security)
        sweeps.append(Sweep(shelf_id, device, start, start + SWEEP_US))
    facts = StocktakeFacts(
        scope_items=scope_items,
        shelves=shelves,
        reads=reads,
        sweeps=sweeps,
        closed_at=START_US + n_shelves * (SWEEP_US + GAP_US),
        expected_statuses=EXPECTED,
        scope_shelves=frozenset(shelves),
        changes=changes,
    )
    return facts, tree, planted


def _disorder(standing: list[int], rng: random.Random, planted: Planted) -> None:
    """Reading jitter (neighbours swapped), one book in 200 moved far along the shelf."""
    for position in range(len(standing) - 1):
        if rng.random() < 0.1:
            standing[position], standing[position + 1] = standing[position + 1], standing[position]
    if len(standing) > 20 and rng.random() < PER_SHELF / 200:
        book = standing.pop(2)
        standing.insert(len(standing) - 2, book)
        planted.displaced += 1


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(step: Iterator[object]) -> float:
    start = time.perf_counter()
    for _ in step:
        pass
    return time.perf_counter() - start


def run(items: int, seed: int = 1) -> dict[str, float | int]:
    start = time.perf_counter()
    facts, tree, planted = build(items, seed)
    # Millions of input objects stay alive for the whole run: a process holding them takes them out of the
    # collector's sight once loaded, or every full collection would walk them all again.
    gc.freeze()
    build_s = time.perf_counter() - start
    rss_inputs = _rss_mib()
    scope = Scope(locations=frozenset({1}))
    cpu_start = time.process_time()
    freeze_s = _timed(freeze_expected(scope, facts.scope_items.values(), tree))
    start = time.perf_counter()
    result = reconcile(facts)
    reconcile_s = time.perf_counter() - start
    start = time.perf_counter()
    plan = plan_closing(result, EXPECTED, ClosingChoices(), facts.damage)
    plan_s = time.perf_counter() - start
    start = time.perf_counter()
    totals = figures(result, tree).totals
    corrections = correction_lists(result, facts.shelves)
    report_s = time.perf_counter() - start
    domain_cpu_s = time.process_time() - cpu_start
    return {
        "items": items,
        "reads": len(facts.reads),
        "build_s": round(build_s, 3),
        "freeze_s": round(freeze_s, 3),
        "reconcile_s": round(reconcile_s, 3),
        "plan_s": round(plan_s, 3),
        "report_s": round(report_s, 3),
        "domain_s": round(freeze_s + reconcile_s + plan_s + report_s, 3),
        "domain_cpu_s": round(domain_cpu_s, 3),
        "rss_inputs_mib": round(rss_inputs, 1),
        "peak_rss_mib": round(_rss_mib(), 1),
        "planted_missing": planted.missing,
        "missing": totals.get(ItemClass.MISSING, 0),
        "planted_lent_before_sweep": planted.lent_before_sweep,
        "lent_before_sweep": totals.get(ItemClass.LENT_BEFORE_SWEEP, 0),
        "planted_on_loan_on_shelf": planted.on_loan_on_shelf,
        "on_loan_on_shelf": totals.get(Issue.ON_LOAN_ON_SHELF, 0),
        "planted_displaced": planted.displaced,
        "out_of_order": totals.get(Issue.OUT_OF_ORDER, 0),
        "shelves_to_correct": len(corrections),
        "actions": len(plan),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures_ = run(args.items, args.seed)
    if args.json:
        print(json.dumps(figures_))
    else:
        for name, value in figures_.items():
            print(f"{name:28} {value}")


if __name__ == "__main__":
    main()
