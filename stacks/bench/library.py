"""The seeded library as the loan-count benchmarks use it: staff patrons who borrow nothing yet, books on the
shelf, a patron given hundreds of loans through the desk service (the real code path, in bulk), and the
figures every benchmark prints (p50/p95/p99 in milliseconds)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from contract.common import ItemRef
from edge.sim.manifest import Manifest, ManifestItem, ManifestPatron
from edge.sim.report import percentile
from server.db.engine import make_engine
from server.db.tables import Loan, Patron
from server.services import context
from server.services.desk import desk_checkout
from server.settings import ServerSettings
from stacks.bench.environment import BenchEnvironment


def ms(values: list[float], fraction: float) -> float | None:
    value = percentile(values, fraction)
    return None if value is None else round(value * 1000, 1)


def stats(values: list[float]) -> dict[str, float | int | None]:
    """Seconds in, milliseconds out."""
    return {
        "n": len(values),
        "p50_ms": ms(values, 0.5),
        "p95_ms": ms(values, 0.95),
        "p99_ms": ms(values, 0.99),
    }


def manifest_of(env: BenchEnvironment) -> Manifest:
    return Manifest.model_validate(json.loads(env.manifest.read_text(encoding="utf-8")))


def books_on_the_shelf(env: BenchEnvironment, manifest: Manifest) -> list[ManifestItem]:
    """Available items of type book (every patron category may borrow them)."""
    types = {i["barcode"]: i.get("item_type") for i in json.loads(env.manifest.read_text("utf-8"))["items"]}
    return [i for i in manifest.items if i.available and types[i.barcode] == "book"]


def staff_without_loans(env: BenchEnvironment, manifest: Manifest, count: int) -> list[ManifestPatron]:
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
    if len(free) < count:
        raise RuntimeError(f"the seeded library has fewer than {count} staff patrons without loans")
    return free[:count]


def lend_many(env: BenchEnvironment, card: str, books: list[ManifestItem]) -> None:
    """Give a patron their loans through the desk service, in one transaction."""
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
