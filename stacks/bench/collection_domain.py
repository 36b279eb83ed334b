"""The pure part of `stacks bench collection`: weeding candidates, the nightly tick and the plan's figures
over a synthetic collection, each phase in its own process so that each has its own peak memory.

Each phase streams generated evidence into the domain function, as a service streams database rows. The
baseline of a phase is generating (and consuming) the same stream without the domain function: the
floor any reader of the data pays. `domain_s` is the difference — the share the pure rules add.

    python -m stacks.bench.collection_domain --items 1000000 [--phase candidates|tick|figures] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from server.domain.lifecycle.advance import advance
from server.domain.lifecycle.settings import MissingTimers
from server.domain.lifecycle.trace import LossKind, Trace, Whereabouts
from server.domain.weeding.candidates import weeding_candidates
from server.domain.weeding.evidence import Candidate, ItemEvidence, RecordEvidence
from server.domain.weeding.figures import StockItem, collection_figures
from server.domain.weeding.settings import (
    Combine,
    CrewFormula,
    Floors,
    PlanSettings,
    RangeFields,
    RangeTable,
    WeedingSettings,
)
from server.domain.weeding.suggestions import TitleDemand, class_suggestions, title_suggestions

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
PHASES = ("candidates", "tick", "figures")
TARGETS_S = {"candidates": 15.0, "tick": 30.0, "figures": 20.0}  # whole command, database reading included
TARGET_PEAK_RSS_MIB = 1536
YEARS = 10


def _classes(rng: random.Random) -> list[str]:
    return [f"{rng.randrange(1000):03d}.{rng.randrange(1000)}" for _ in range(3000)]


def synthetic_records(items: int, seed: int = 1) -> Iterator[RecordEvidence]:
    """A university collection: mostly one or two copies a title, textbooks with many, some editions of
    one work (adjacent), some multi-volume sets, theses, a little missing, lost and damaged stock."""
    rng = random.Random(seed)
    classes = _classes(rng)
    today = TODAY.toordinal()
    made = record_id = work_id = 0
    set_id, set_left = 0, 0
    editions_left, edition = 0, 0
    while made < items:
        record_id += 1
        if editions_left == 0 and rng.random() < 0.03:
            work_id, editions_left, edition = work_id + 1, rng.randint(2, 3), 0
        in_work = editions_left > 0
        if in_work:
            editions_left -= 1
            edition += 1
        if set_left == 0 and rng.random() < 0.01:
            set_id, set_left = set_id + 1, rng.randint(3, 8)
        in_set = set_left > 0
        set_left -= in_set
        kind = rng.random()
        item_type, copies = "book", 1 if rng.random() < 0.7 else rng.randint(2, 5)
        if kind < 0.01:
            item_type, copies = "textbook", rng.randint(10, 60)
        elif kind < 0.05:
            item_type, copies = "reference", rng.randint(1, 3)
        elif kind < 0.08:
            item_type, copies = "thesis", 1
        year = min(2026, 1960 + int(rng.betavariate(4, 1.2) * 70))
        call = f"LV-{year}-{record_id % 1000:03d}" if item_type == "thesis" else f"{rng.choice(classes)} NG-A"
        first_day = max(date(year, 1, 1).toordinal(), today - 30 * 365)
        record_items = []
        for _ in range(min(copies, items - made)):
            made += 1
            added = rng.randint(first_day, today)
            loans_10y = int(rng.expovariate(0.4)) if rng.random() < 0.6 else 0
            loans_5y = rng.randint(0, loans_10y)
            last_loan = rng.randint(max(added, today - 3650), today) if loans_10y else None
            gone = rng.random()
            record_items.append(
                ItemEvidence(
                    made,
                    item_type,
                    f"T{rng.randint(1, 9)}",
                    added,
                    last_loan,
                    rng.randint(added, today) if rng.random() < 0.1 else None,
                    loans_5y,
                    loans_10y,
                    rng.randint(0, 3) if rng.random() < 0.1 else 0,
                    gone < 0.003,
                    rng.randint(today - 1500, today) if 0.003 <= gone < 0.013 else None,
                    rng.randint(today - 2000, today) if 0.013 <= gone < 0.018 else None,
                    0.013 <= gone < 0.015,
                    rng.randint(today - 700, today),
                    set_id if in_set else None,
                    rng.random() < 0.002,
                )
            )
        yield RecordEvidence(
            record_id,
            call,
            year,
            work_id if in_work else None,
            edition if in_work else None,
            rng.random() < 0.001,
            None,
            tuple(record_items),
        )


def synthetic_traces(items: int, seed: int = 2, gone_share: float = 0.05) -> Iterator[Trace]:
    """Traces as the tick reads them: most present, some missing or lost at every stage of the schedule."""
    rng = random.Random(seed)
    for _ in range(items):
        if rng.random() >= gone_share:
            yield Trace()
            continue
        since = NOW - timedelta(days=rng.randint(0, 900), seconds=rng.randint(0, 86_399))
        if rng.random() < 0.2:
            yield Trace(Whereabouts.LOST, LossKind.LOAN, since=since, lost_at=since)
        else:
            yield Trace(Whereabouts.MISSING, LossKind.SHELF, since=since)


def synthetic_stock(items: int, seed: int = 3) -> Iterator[StockItem]:
    rng = random.Random(seed)
    classes = _classes(rng)
    today = TODAY.toordinal()
    languages = ("vie", "vie", "vie", "eng", "eng", "fra", "rus")
    for item_id in range(1, items + 1):
        added = rng.randint(today - 30 * 365, today)
        withdrawn = rng.randint(added, today) if rng.random() < 0.05 else None
        loans = tuple((year, n) for year in range(2017, 2027) if (n := int(rng.expovariate(1.2))) > 0)
        yield StockItem(
            item_id,
            rng.choice(("book", "book", "book", "textbook", "reference")),
            f"{rng.choice(classes)} NG-A",
            f"T{rng.randint(1, 9)}",
            rng.choice(languages),
            added,
            withdrawn,
            min(2026, 1960 + int(rng.betavariate(4, 1.2) * 70)),
            rng.random() < 0.01,
            rng.random() < 0.005,
            bool(loans) or rng.random() < 0.05,
            loans,
        )


def weeding_settings() -> WeedingSettings:
    """The shipped rules' shape: 10/5 both by default, computers 3/X, floors for 25,000 learners."""
    ranges = RangeTable(
        default=RangeFields(CrewFormula(10, 5), Combine.BOTH, 2, 0.5),
        ranges={"004": RangeFields(crew=CrewFormula(3, None), combine=Combine.EITHER)},
    )
    return WeedingSettings(ranges, Floors(learners=25_000))


def _consume(stream: Iterable[object]) -> None:
    deque(stream, maxlen=0)


def _candidates(items: int) -> dict[str, Any]:
    settings = weeding_settings()
    counts = {"candidates": 0, "spared": 0}

    def run() -> None:
        for outcome in weeding_candidates(synthetic_records(items), settings, TODAY):
            counts["candidates" if isinstance(outcome, Candidate) else "spared"] += 1

    return {**_timed(run, lambda: _consume(synthetic_records(items))), **counts}


def _tick(items: int, gone_share: float) -> dict[str, Any]:
    timers = MissingTimers()
    changed = [0]

    def run() -> None:
        changed[0] = sum(
            advance(trace, NOW, timers).changed for trace in synthetic_traces(items, gone_share=gone_share)
        )

    result = _timed(run, lambda: _consume(synthetic_traces(items, gone_share=gone_share)))
    return {**result, "gone_share": gone_share, "changed": changed[0]}


def _figures(items: int) -> dict[str, Any]:
    plan = PlanSettings()
    rng = random.Random(4)  # titles with waiting holds: about one in fifty
    demand = [TitleDemand(n, rng.randint(1, 12), rng.randint(0, 4)) for n in range(items // 50)]
    found: dict[str, int] = {}

    def run() -> None:
        figures = collection_figures(synthetic_stock(items), plan, TODAY, first_year=TODAY.year - YEARS + 1)
        found["classes_suggested"] = len(class_suggestions(figures, plan))
        found["titles_suggested"] = len(title_suggestions(demand, plan))
        found["holdings"] = figures.holdings

    return {**_timed(run, lambda: _consume(synthetic_stock(items))), **found}


def _timed(run: Callable[[], None], baseline: Callable[[], None]) -> dict[str, Any]:
    start = time.perf_counter()
    baseline()
    generating = time.perf_counter() - start
    start = time.perf_counter()
    run()
    total = time.perf_counter() - start
    return {
        "total_s": round(total, 2),
        "baseline_generating_s": round(generating, 2),
        "domain_s": round(max(total - generating, 0.0), 2),
    }


def run_phase(phase: str, items: int, gone_share: float = 0.05) -> dict[str, Any]:
    """One phase in this process; its peak memory is this process's."""
    if phase == "candidates":
        result = _candidates(items)
    elif phase == "tick":
        result = _tick(items, gone_share)
    else:
        result = _figures(items)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {**result, "peak_rss_mib": round(peak_mib, 1), "target_s": TARGETS_S[phase]}


def run(items: int, phases: Iterable[str] = PHASES, gone_share: float = 0.05) -> dict[str, Any]:
    """Every phase, each in a child process of its own."""
    figures: dict[str, Any] = {"items": items, "target_peak_rss_mib": TARGET_PEAK_RSS_MIB}
    for phase in phases:
        argv = [sys.executable, "-m", "stacks.bench.collection_domain", "--phase", phase]
        argv += ["--items", str(items), "--gone-share", str(gone_share), "--json"]
        child = subprocess.run(argv, capture_output=True, text=True, check=True)  # noqa: S603  (our own module)
        figures[phase] = json.loads(child.stdout)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--phase", choices=PHASES)
    parser.add_argument(
        "--gone-share", type=float, default=0.05, help="share of missing or lost items (tick)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.phase:
        result = run_phase(args.phase, args.items, args.gone_share)
    else:
        result = run(args.items, gone_share=args.gone_share)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
