"""The catalogue search over a large catalogue, on SQLite and on PostgreSQL, with the staff list's old
substring search (LIKE over the folded `search_text`) as the baseline measured in the same run.

`python -m stacks.bench.catalogue_search --records 1000000 --json` fills a fresh SQLite file and a fresh
PostgreSQL database (a throwaway cluster, or `--postgresql-url` an empty database) with generated records
(stacks/bench/catalogue_records.py), then runs typical queries — with and without diacritics, typing
prefixes, author, subject, ISBN — each once to warm up and ROUNDS times measured, a whole search each time:
the page of 20, the capped count and the facets, as the public page asks. The figures:

- `search_p95_ms_sqlite`, `search_p95_ms_postgresql` (and p50): the search, over every query and round;
- `baseline_like_p95_ms_sqlite`, `…_postgresql`: the old LIKE search's p95 over the same queries' text;
- `fill_s_*`: seeding the records (bulk insert, search index included), `records`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlmodel import Session

from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.domain.catalogue.opac import SearchRequest
from server.domain.catalogue.search_words import parse_query
from server.services import catalog, catalogue_search
from stacks.bench.catalogue_records import fill

RECORDS = 1_000_000
ROUNDS = 5
# (query, typing): what readers type — words with and without diacritics, prefixes mid-word, an author, a
# subject, an ISBN, a call number.
QUERIES: tuple[tuple[str, bool], ...] = (
    ("lịch sử việt nam", False),
    ("lich su viet nam", False),
    ("giáo trình kinh tế", False),
    ("giao trinh kinh t", True),
    ("lập trình pyth", True),
    ("tri tue nhan t", True),
    ("nguyen van hung", False),
    ("Trần Thị Lan", False),
    ("John Harris", False),
    ("cơ sở dữ liệu", False),
    ("machine learning", False),
    ("văn học", False),
    ("9786040000002", False),
    ("978-604-000004-0", False),
    ("895.922", False),
    ("hoa h", True),
)


def _p(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def measure(url: str, rounds: int = ROUNDS, baseline_rounds: int = 1) -> dict[str, float]:
    """The search's and the baseline's latencies over the catalogue at `url` (milliseconds)."""
    engine = make_engine(url)
    searched: list[float] = []
    baseline: list[float] = []
    try:
        with Session(engine) as session:
            for text, typing in QUERIES:
                request = SearchRequest(parse_query(text, typing=typing))
                catalogue_search.search(session, request)
                searched += [
                    _timed(partial(catalogue_search.search, session, request)) for _ in range(rounds)
                ]
                like = partial(catalog.search_records, session, q=text, limit=20)
                baseline += [_timed(like) for _ in range(baseline_rounds)]
    finally:
        engine.dispose()
    return {
        "p50": _p(searched, 50),
        "p95": _p(searched, 95),
        "max": round(max(searched), 1),
        "baseline_p95": _p(baseline, 95),
    }


def _filled(url: str, records: int) -> float:
    upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    try:
        fill(engine, records)
        # what a library does after a large import, so the measure is not of autovacuum's catching up: every
        # table, the words table too, whose index-only scans read the table's rows until it is vacuumed
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql("VACUUM ANALYZE")
            else:
                connection.exec_driver_sql(
                    "INSERT INTO bib_record_search(bib_record_search) VALUES ('optimize')"
                )
                connection.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    return round(time.perf_counter() - started, 1)


def run(records: int = RECORDS, postgresql_url: str | None = None, rounds: int = ROUNDS) -> dict[str, Any]:
    figures: dict[str, Any] = {"records": records, "queries": len(QUERIES), "rounds": rounds}
    with tempfile.TemporaryDirectory(prefix="stacks-opac-") as directory:
        urls = {"sqlite": f"sqlite:///{Path(directory) / 'stacks.db'}"}
        cluster = None
        if postgresql_url is None:
            from stacks.postgres_cluster import PostgresCluster

            cluster = PostgresCluster.start()
            postgresql_url = cluster.create_database()
        urls["postgresql"] = postgresql_url
        try:
            for engine_name, url in urls.items():
                figures[f"fill_s_{engine_name}"] = _filled(url, records)
                measured = measure(url, rounds)
                figures[f"search_p50_ms_{engine_name}"] = measured["p50"]
                figures[f"search_p95_ms_{engine_name}"] = measured["p95"]
                figures[f"search_max_ms_{engine_name}"] = measured["max"]
                figures[f"baseline_like_p95_ms_{engine_name}"] = measured["baseline_p95"]
        finally:
            if cluster is not None:
                cluster.stop()
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=RECORDS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--postgresql-url", help="an empty PostgreSQL database (else a throwaway cluster)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.records, args.postgresql_url, args.rounds)
    print(json.dumps(figures) if args.json else json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
