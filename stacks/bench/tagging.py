"""The tagging station's pace and the conversion dashboard's speed.

    python -m stacks.bench.tagging --json [--rounds 30] [--items 1000000] [--database-url URL]

1. **A station round** (`round_p50_ms`, `round_p95_ms`): a barcode scanned → the order recorded → the
   station's agent reads its pad, asks the server whether the tag is free, writes the item in ISO 28560-3,
   reads it back and decodes it, secures it, and its report is recorded on the item. The pad is the real
   FEIG driver on the virtual reader over a pty, answering as slowly as a real reader does
   (devices/sim/air_timing.py); the server's part is its own handlers and services on a SQLite file, called
   in-process (no broker: a local MQTT round trip adds a few milliseconds, `stacks bench kiosk` measures
   it). **Baseline** (`pad_only_p50_ms`): the pad's own work for one tag — what `stacks tags write` does —
   on the same pad in the same run; `overhead_p50_ms` is the difference: what ordering, checking and
   recording cost. Target: a book every 3 s, limited by the person.
2. **The dashboard** (`dashboard_p50_ms`): the conversion's figures (tagged per day over 14 days, tagged,
   left, left per floor and range) over `--items` copies, a third of them tagged over 60 days, on the
   indexes. **Baseline** (`dashboard_no_index_p50_ms`, SQLite only): the same figures with the item table
   read whole (`NOT INDEXED`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from contract.common import ContractModel
from contract.events import EventEnvelope, make_event
from contract.replies import ReplyBase
from devices.feig import get_profile
from devices.rfid import SecuritySettings, TagService
from devices.rfid.programming import pad_refusal, program_item
from devices.sim.air_timing import REALISTIC
from devices.sim.feig_pty import simulated_reader
from devices.sim.field import Field, VirtualTag, make_uid
from devices.tagdata.settings import TagDataSettings
from edge.station.agent import StationAgent
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.db.tables import Device
from server.ingest.handlers import build_registry
from server.ingest.registry import HandlerRegistry
from server.services import tagging, tagging_progress
from server.services.columns import ITEM, LOCATION, RECORD
from server.services.context import build as build_circulation
from server.settings import ServerSettings

STATION = "station-b01"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Answered:
    reply: ReplyBase

    def result(self, timeout: float | None = None) -> ReplyBase:
        del timeout  # answered already
        return self.reply


class ServerRequester:
    """A station's requests applied at once by the server's own handlers (no broker), one commit each."""

    def __init__(self, engine: Engine, registry: HandlerRegistry, device_id: str = STATION) -> None:
        self.engine = engine
        self.registry = registry
        self.device_id = device_id
        self._seq = itertools.count(1)

    def request_async(self, model: type[EventEnvelope], payload: ContractModel) -> Answered:
        event = make_event(model, device_id=self.device_id, seq=next(self._seq), payload=payload)
        with Session(self.engine, expire_on_commit=False) as session:
            reply = self.registry.requests[event.KIND](session, event, datetime.now(UTC))
            session.commit()
        return Answered(reply)


def _ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return round(statistics.median(ordered) * 1000, 1), round(p95 * 1000, 1)


@contextmanager
def _library(url: str, barcodes: list[str]) -> Iterator[Engine]:
    upgrade(url)
    engine = make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(sa.insert(Device.__table__), [{"device_id": STATION, "device_kind": "station"}])  # type: ignore[attr-defined]
        conn.execute(
            sa.insert(RECORD),
            [{"id": 1, "title": "Tiếng Việt", "search_text": "", "work_key": "", "created_at": now}],
        )
        rows = [_item(n, barcode, 1, now) for n, barcode in enumerate(barcodes, start=1)]
        conn.execute(sa.insert(ITEM), rows)
    try:
        yield engine
    finally:
        engine.dispose()


def _item(n: int, barcode: str, record_id: int, created: datetime, **more: Any) -> dict[str, Any]:
    return {
        "id": n,
        "barcode": barcode,
        "record_id": record_id,
        "item_type": "book",
        "status": "available",
        "condition": "good",
        "rare": False,
        "created_at": created,
        "tag_uid": None,
        "tagged_at": None,
        "home_location_id": None,
        **more,
    }


def station_rounds(root: Path, rounds: int) -> dict[str, Any]:
    """Scan → written, verified, secured and recorded, `rounds` times; and the pad's work alone."""
    barcodes = [f"BT{n:06d}" for n in range(2 * rounds)]
    settings = ServerSettings(data_dir=root, _env_file=None)
    registry = build_registry(settings, build_circulation(settings))
    security, tag_data = SecuritySettings.from_toml(), TagDataSettings.from_toml()
    field = Field()
    url = f"sqlite:///{root / 'station.db'}"
    with (
        _library(url, barcodes) as engine,
        simulated_reader(field, get_profile("cpr"), link=root / "ttyPAD", timing=REALISTIC) as (_, reader),
    ):
        service = TagService(reader, security, tag_data)
        agent = StationAgent(ServerRequester(engine, registry), service, pad_wait_s=1.0)
        round_s, pad_s, written = [], [], 0
        for n in range(rounds):
            field.clear()
            field.add(VirtualTag.blank(make_uid(0x10000 + n)))
            started = time.perf_counter()
            with Session(engine, expire_on_commit=False) as session:
                order = tagging.order(
                    session, barcode=barcodes[n], device_id=STATION, staff="bench", now=datetime.now(UTC)
                )
                session.commit()
            report = agent.handle(tagging.order_message(order, barcodes[n]))
            round_s.append(time.perf_counter() - started)
            written += report.written
            # Baseline: the same pad's work for one tag, as `stacks tags write` does it.
            field.clear()
            field.add(VirtualTag.blank(make_uid(0x20000 + n)))
            started = time.perf_counter()
            items = service.items_in_field()
            assert pad_refusal(items, barcodes[rounds + n]) is None
            program_item(service, items[0], barcodes[rounds + n], secure=True)
            pad_s.append(time.perf_counter() - started)
    round_p50, round_p95 = _ms(round_s)
    pad_p50, pad_p95 = _ms(pad_s)
    return {
        "rounds": rounds,
        "written": written,
        "round_p50_ms": round_p50,
        "round_p95_ms": round_p95,
        "pad_only_p50_ms": pad_p50,
        "pad_only_p95_ms": pad_p95,
        "overhead_p50_ms": round(round_p50 - pad_p50, 1),
        "pad_timing": "realistic (devices/sim/air_timing.py)",
    }


def _big_library(engine: Engine, items: int, today: date, rng: random.Random) -> None:
    """`items` copies on 4 floors × 10 ranges × 5 shelves; a third tagged over the last 60 days."""
    now = datetime.now(UTC)
    places: list[dict[str, Any]] = [
        {"id": 1, "code": "L", "name": "Thư viện", "kind": "library", "parent_id": None}
    ]
    shelves = []
    for f in range(1, 5):
        places.append({"id": f * 1000, "code": f"F{f}", "name": f"Tầng {f}", "kind": "floor", "parent_id": 1})
        for r in range(1, 11):
            range_id = f * 1000 + r * 10
            places.append(
                {
                    "id": range_id,
                    "code": f"F{f}R{r}",
                    "name": f"Dãy {r}",
                    "kind": "range",
                    "parent_id": f * 1000,
                }
            )
            for s in range(1, 6):
                shelves.append(range_id + s)
                places.append(
                    {
                        "id": range_id + s,
                        "code": f"F{f}R{r}S{s}",
                        "name": f"Kệ {s}",
                        "kind": "shelf",
                        "parent_id": range_id,
                    }
                )
    start = datetime.combine(today - timedelta(days=59), datetime.min.time(), tzinfo=ZONE).astimezone(UTC)
    with engine.begin() as conn:
        conn.execute(sa.insert(LOCATION), places)
        records = [
            {"id": n, "title": f"Sách {n}", "search_text": "", "work_key": "", "created_at": now}
            for n in range(1, 1001)
        ]
        conn.execute(sa.insert(RECORD), records)
        chunk: list[dict[str, Any]] = []
        for n in range(1, items + 1):
            tagged = n % 3 == 0
            chunk.append(
                _item(
                    n,
                    f"B{n:08d}",
                    n % 1000 + 1,
                    now,
                    home_location_id=shelves[n % len(shelves)],
                    status="withdrawn" if n % 100 == 1 else "available",
                    tag_uid=f"E004{n:012X}" if tagged else None,
                    tagged_at=start + timedelta(seconds=rng.randrange(60 * 86_400)) if tagged else None,
                )
            )
            if len(chunk) == 20_000:
                conn.execute(sa.insert(ITEM), chunk)
                chunk = []
        if chunk:
            conn.execute(sa.insert(ITEM), chunk)


def _timed(read: Callable[[], object], runs: int = 5) -> float:
    read()  # once to warm the caches, as on a server that has been up for a while
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        read()
        values.append(time.perf_counter() - started)
    return _ms(values)[0]


def _figures_without_indexes(session: Session, today: date) -> None:
    """The dashboard's figures read from the whole item table: the baseline."""
    first = datetime.combine(today - timedelta(days=13), datetime.min.time(), tzinfo=ZONE).astimezone(UTC)
    session.execute(
        sa.text(
            "SELECT date(tagged_at), count(*) FROM item NOT INDEXED WHERE tagged_at >= :first GROUP BY 1"
        ),
        {"first": first.isoformat(" ")},
    ).all()
    session.execute(sa.text("SELECT count(tag_uid) FROM item NOT INDEXED")).one()
    session.execute(
        sa.text(
            "SELECT home_location_id, count(*) FROM item NOT INDEXED "
            "WHERE tag_uid IS NULL AND status != 'withdrawn' GROUP BY home_location_id"
        )
    ).all()


def dashboard(root: Path, items: int, url: str | None) -> dict[str, Any]:
    today = datetime.now(ZONE).date()
    url = url or f"sqlite:///{root / 'library.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        _big_library(engine, items, today, random.Random(12))
        built_s = time.perf_counter() - started
        # What autovacuum does to a table that has settled (PostgreSQL: the visibility map that lets the
        # counts read the indexes alone; both: the planner's statistics).
        vacuum = "VACUUM ANALYZE item" if engine.dialect.name == "postgresql" else "ANALYZE"
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(vacuum))
        with Session(engine) as session:
            shown = tagging_progress.progress(session, today=today, timezone=ZONE)
            p50 = _timed(lambda: tagging_progress.progress(session, today=today, timezone=ZONE))
            baseline = (
                _timed(lambda: _figures_without_indexes(session, today))
                if engine.dialect.name == "sqlite"
                else None
            )
    finally:
        engine.dispose()
    return {
        "items": items,
        "database": engine.dialect.name,
        "build_s": round(built_s, 1),
        "tagged": shown.tagged,
        "left": shown.left,
        "places": len(shown.places),
        "dashboard_p50_ms": p50,
        "dashboard_no_index_p50_ms": baseline,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="An empty database for the dashboard's part.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="stacks-bench-tagging-") as tmp:
        root = Path(tmp)
        figures = {
            "station": station_rounds(root, args.rounds),
            "dashboard": dashboard(root, args.items, args.database_url),
        }
    if args.json:
        print(json.dumps(figures))
    else:
        for part, values in figures.items():
            for name, value in values.items():
                print(f"{part}.{name}: {value}")


if __name__ == "__main__":
    main()
