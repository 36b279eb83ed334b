"""`stacks seed`: a realistic, deterministic university library for demos, simulators and benchmarks.

The same arguments (items, patrons, seed, today) give the same library: every random choice comes from
generators seeded with them. Seeding refuses a database that already holds a catalogue or patrons.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.domain.policies import PolicySet
from server.seed import catalogue, closed_stacks, history, manifest, people, shelves, works
from server.seed.load import Progress, load, refuse_if_seeded
from server.seed.model import Library
from server.services.context import pin_hasher
from server.services.pins import validate_pin
from server.services.policies import Policies

SHELF_CAPACITY = 80


def generate(item_count: int, patron_count: int, seed: int, today: date, policies: PolicySet) -> Library:
    if item_count < 0 or patron_count < 0:
        raise ValueError("counts cannot be negative")
    now = datetime.combine(today, time(9, 0), tzinfo=policies.calendar.timezone)
    library = Library(today=today, now=now)
    closed = closed_stacks.share(item_count, SHELF_CAPACITY)
    library.records, open_items = catalogue.generate(item_count - closed, seed, today.year)
    records, items = closed_stacks.generate(closed, seed, today.year, library.records, open_items)
    library.records += records
    library.items = open_items + items
    people.generate(library, patron_count, seed, policies)
    history.generate(library, seed)
    # Editions and sets take their work's or set's call number: the books are shelved after.
    works.generate(library, seed, frozenset(record.id for record in records))
    ids = itertools.count(1)
    library.locations = shelves.build(open_items, SHELF_CAPACITY, lambda: next(ids))
    languages = {record.id: record.language for record in records}
    library.locations += closed_stacks.build(items, languages, library.locations[0].id, lambda: next(ids))
    return library


@dataclass(frozen=True)
class SeedReport:
    library: Library
    manifest_path: Path


def seed_database(
    database_url: str,
    *,
    items: int,
    patrons: int,
    seed: int,
    today: date,
    policies: Policies,
    pin: str,
    manifest_path: Path,
    progress: Progress,
) -> SeedReport:
    """Migrate, refuse if seeded, generate, load in one transaction, then write the manifest."""
    validate_pin(pin)
    upgrade(database_url)
    library = generate(items, patrons, seed, today, policies.rules)
    progress("generated", 0)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            refuse_if_seeded(connection)
            load(
                connection,
                library,
                pin_hash=pin_hasher().hash(pin),
                pickup_location=policies.pickup_location,
                progress=progress,
            )
    finally:
        engine.dispose()
    codes = {loc.id: loc.code for loc in library.locations}
    manifest.write(manifest_path, manifest.build(library, pin=pin, seed=seed, location_codes=codes))
    return SeedReport(library, manifest_path)
