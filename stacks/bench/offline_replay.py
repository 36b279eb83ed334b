"""Replaying an outage: 10,000 offline transactions from 5 kiosks stored through the ingest and applied in
time order (the target: ≤ 30 s on SQLite).

`python -m stacks.bench.offline_replay [--json] [--database-url URL]` seeds a library (`stacks seed`, on a
fresh SQLite file unless a fresh PostgreSQL database is named), then makes a morning of offline lending:
`books` copies on the shelf each lent and returned `cycles` times, each loan and return at one of the
kiosks, to readers taken in turn (so a reader holds one book at a time). Each kiosk's transactions go
through `server.ingest.pipeline.apply_batch` as its outbox would send them — batches of `BATCH` in its
own time order, the kiosks one after another, the last kiosk first — and `apply_pending` then applies them
all. The figures:

- `offline_replay_10k_seconds`: storing and applying, the whole replay;
- `store_seconds`, `apply_seconds`: each half;
- `transactions`, `applied`, `exceptions`, `loans_made`, `loans_open`: what it did (exceptions come from
  readers the seed made expired, blocked or owing: the rules judge them as any kiosk loan).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from contract import topics
from contract.codec import encode_batch, encode_event
from contract.common import ItemRef
from contract.events import EventEnvelope, OfflineCheckin, OfflineCheckout, make_event
from contract.offline import OfflineLoan, OfflineReturn
from server.db.engine import make_engine
from server.db.tables.offline import OfflineTransaction
from server.domain.enums import ItemStatus
from server.ingest.handlers import build_registry
from server.ingest.messages import Inbound
from server.ingest.pipeline import apply_batch
from server.services import context
from server.services.columns import ITEM, LOAN, PATRON, table_of
from server.services.offline_apply import apply_pending
from server.settings import ServerSettings

KIOSKS = 5
TRANSACTIONS = 10_000
CYCLES = 5  # each book lent and returned this many times
BATCH = 200  # events in one message, as an outbox drains
OFFLINE = table_of(OfflineTransaction)


def seed(root: Path, url: str, items: int, patrons: int) -> None:
    command = [sys.executable, "-m", "stacks", "seed", "--items", str(items), "--patrons", str(patrons)]
    command += ["--database-url", url, "--manifest", str(root / "manifest.json")]
    env = os.environ | {"STACKS_DATA_DIR": str(root), "STACKS_DATABASE_URL": url}
    subprocess.run(command, check=True, capture_output=True, env=env)  # noqa: S603  (our own command)


def _library(url: str, books: int) -> tuple[list[str], list[str]]:
    """`books` barcodes on the shelf and as many readers' cards."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            barcodes = (
                connection.execute(
                    sa.select(ITEM.c.barcode)
                    .where(ITEM.c.status == ItemStatus.AVAILABLE, ITEM.c.item_type == "book")
                    .order_by(ITEM.c.id)
                    .limit(books)
                )
                .scalars()
                .all()
            )
            cards = (
                connection.execute(sa.select(PATRON.c.card_number).order_by(PATRON.c.id).limit(books))
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    if len(barcodes) < books or not cards:
        raise RuntimeError(f"the seeded library has fewer than {books} books on the shelf")
    return list(barcodes), list(cards)


def morning(
    barcodes: list[str], cards: list[str], *, start: datetime, cycles: int
) -> dict[str, list[EventEnvelope]]:
    """Each kiosk's transactions in its own time order: book i lent in cycle k to reader (i + k), returned
    half a cycle later, each at the kiosk the pair of them happened to use."""
    cycle = timedelta(minutes=40)
    by_kiosk: dict[str, list[tuple[datetime, OfflineLoan | OfflineReturn]]] = defaultdict(list)
    kiosk_of = itertools.cycle(f"kiosk-r{n}" for n in range(1, KIOSKS + 1))
    spread = cycle / (2 * len(barcodes))
    for k in range(cycles):
        for i, barcode in enumerate(barcodes):
            lent_at = start + k * cycle + i * spread
            item = ItemRef(barcode=barcode)
            card = cards[(i + k) % len(cards)]
            loan = OfflineLoan(
                card_number=card, item=item, due_at=lent_at + timedelta(days=14), pin_checked=True
            )
            by_kiosk[next(kiosk_of)].append((lent_at, loan))
            by_kiosk[next(kiosk_of)].append((lent_at + cycle / 2, OfflineReturn(item=item)))
    events: dict[str, list[EventEnvelope]] = {}
    for kiosk, done in by_kiosk.items():
        done.sort(key=lambda pair: pair[0])
        events[kiosk] = [
            make_event(
                OfflineCheckout if isinstance(payload, OfflineLoan) else OfflineCheckin,
                device_id=kiosk,
                seq=seq,
                payload=payload,
                occurred_at=at,
            )
            for seq, (at, payload) in enumerate(done, start=1)
        ]
    return events


def replay(url: str, root: Path, *, transactions: int = TRANSACTIONS) -> dict[str, Any]:
    books = transactions // (2 * CYCLES)
    barcodes, cards = _library(url, books)
    settings = ServerSettings(data_dir=root, database_url=url, _env_file=None)
    circulation = context.build(settings)
    now = datetime.now(UTC)
    registry = build_registry(settings, circulation, clock=lambda: now)
    by_kiosk = morning(barcodes, cards, start=now - timedelta(hours=5), cycles=CYCLES)
    engine = make_engine(url)
    # As the server does once started (server/app.py): what start-up built is kept out of the collector's
    # sweeps, which otherwise walk it again and again while the replay allocates.
    gc.collect()
    gc.freeze()
    try:
        started = time.perf_counter()
        for kiosk in sorted(by_kiosk, reverse=True):  # the last kiosk's outbox drains first
            sent = by_kiosk[kiosk]
            for first in range(0, len(sent), BATCH):
                part = sent[first : first + BATCH]
                message = Inbound(topics.events(kiosk), encode_batch(encode_event(e) for e in part), now)
                with Session(engine) as session:
                    apply_batch(session, [message], registry=registry, now=now)
                    session.commit()
        stored = time.perf_counter() - started
        started = time.perf_counter()
        report = apply_pending(engine, circulation, now=now)
        applied = time.perf_counter() - started
        with engine.connect() as connection:
            count = connection.execute(sa.select(sa.func.count()).select_from(OFFLINE)).scalar_one()
            made = connection.execute(
                sa.select(sa.func.count()).select_from(LOAN).where(LOAN.c.checkout_by.like("device:kiosk-r%"))
            ).scalar_one()
            still_open = connection.execute(
                sa.select(sa.func.count())
                .select_from(LOAN)
                .where(LOAN.c.checkout_by.like("device:kiosk-r%"), LOAN.c.returned_at.is_(None))
            ).scalar_one()
    finally:
        engine.dispose()
    return {
        "offline_replay_10k_seconds": round(stored + applied, 2),
        "store_seconds": round(stored, 2),
        "apply_seconds": round(applied, 2),
        "kiosks": len(by_kiosk),
        "transactions": int(count),
        "applied": report.applied,
        "exceptions": report.exceptions,
        "loans_made": int(made),
        "loans_open": int(still_open),
    }


def offline_replay(database_url: str | None = None, *, transactions: int = TRANSACTIONS) -> dict[str, Any]:
    """Seed a library and replay `transactions` offline transactions from 5 kiosks; the figures. A
    `database_url` names a fresh (empty) database to seed instead of a SQLite file."""
    items, patrons = max(3000, transactions // 2), max(500, transactions // 10)
    with tempfile.TemporaryDirectory(prefix="stacks-offline-") as directory:
        root = Path(directory)
        url = database_url or f"sqlite:///{root / 'stacks.db'}"
        seed(root, url, items, patrons)
        return replay(url, root, transactions=transactions)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--transactions", type=int, default=TRANSACTIONS)
    parser.add_argument("--database-url", help="a fresh, empty database to seed (default: a SQLite file)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = offline_replay(args.database_url, transactions=args.transactions)
    print(json.dumps(figures) if args.json else json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
