"""The seeded library's closed stacks under the shipped shelf orders, on SQLite and PostgreSQL: a shelf
swept as it stands — by language, size and accession number, so its call numbers run in disorder — is in
order but for the one book moved out of that order; the handheld's list and the report go the same way."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from contract.stocktake import TagData, TagRead
from server.collection_config.shelf_orders import SHELF_ORDERS_FILE, load_shelf_orders
from server.db.tables import Location, StocktakeResult
from server.domain.callnumbers import sort_key
from server.domain.enums import ItemStatus
from server.domain.lifecycle.settings import MissingTimers
from server.domain.stocktake.order_keys import OrderFacts, order_key
from server.seed import closed_stacks, generate
from server.seed.load import load
from server.seed.model import ItemSeed
from server.services import stocktake_close, stocktake_report, stocktake_sessions, stocktake_shelf_lists
from server.services.policies import load_policies
from server.settings import REPO_CONFIG_DIR, ServerSettings
from tests.support.stocktake_library import CLOSED, OPENED, Handheld, ingest

SHIPPED = load_shelf_orders(REPO_CONFIG_DIR / SHELF_ORDERS_FILE)
POLICIES = load_policies(REPO_CONFIG_DIR / "policies.toml", ZoneInfo("Asia/Ho_Chi_Minh"))
ITEMS = 2400  # 48 in the closed stacks: a dozen a shelf


def _seeded(engine: Engine) -> list[ItemSeed]:
    """The seeded library loaded; the closed stacks' first shelf's books on it, as they stand."""
    library = generate(ITEMS, 40, 1, date(2026, 3, 1), POLICIES.rules)
    with engine.begin() as connection:
        load(
            connection,
            library,
            pin_hash="-",
            pickup_location=POLICIES.pickup_location,
            progress=lambda *_: None,
        )
    shelf = next(loc for loc in library.locations if loc.code == f"{closed_stacks.CODE}-D01-K1")
    languages = {record.id: record.language for record in library.records}

    def key(item: ItemSeed) -> str:
        facts = OrderFacts(item.call_number, languages[item.record_id], item.height_cm, item.accession_number)
        return order_key(closed_stacks.ORDER, facts)

    on_shelf = [i for i in library.items if i.location_id == shelf.id and i.status == ItemStatus.AVAILABLE]
    return sorted(on_shelf, key=key)


def _read(book: ItemSeed, ms: int) -> TagRead:
    return TagRead(uid=book.tag_uid, barcode=book.barcode, ms=ms, data=TagData.OWN, armed=True)


def test_a_closed_stack_shelf_is_judged_by_its_own_order(engine: Engine, tmp_path: Path) -> None:
    standing = _seeded(engine)
    with Session(engine) as session:
        listed = [(i.barcode, i.accession_number) for i in standing]
        stacks = session.exec(select(Location).where(Location.code == closed_stacks.CODE)).one()
        made = stocktake_sessions.create(
            session, name="Kho đóng", scope={"locations": [stacks.id]}, staff="thuthu", now=OPENED
        )
        stocktake_sessions.open_session(session, made.id, staff="thuthu", now=OPENED, shelf_orders=SHIPPED)
        session.commit()
        shelf_list = stocktake_shelf_lists.shelf_list(
            session, made.id, f"{closed_stacks.CODE}-D01-K1", timers=MissingTimers(), now=OPENED
        )
    assert len(standing) >= 8, "the shelf needs books enough to tell a move from reading jitter"
    # The handheld's list is the shelf as it stands, whose call numbers are not in order.
    assert [e.barcode for e in shelf_list.items if e.barcode in dict(listed)] == [b for b, _ in listed]
    by_call_number = sorted(standing, key=lambda i: (sort_key(i.call_number), i.id))
    assert by_call_number != standing
    # The first book (first language, smallest) put back at the far end: out of the closed stacks' order.
    moved = standing[0]
    swept = [*standing[1:], moved]
    handheld = Handheld()
    code = f"{closed_stacks.CODE}-D01-K1"
    events = [
        handheld.join(made.id, code),
        handheld.reads(made.id, code, [_read(b, 100 * n) for n, b in enumerate(swept)]),
    ]
    ingest(engine, ServerSettings(data_dir=tmp_path, _env_file=None), *events)
    with Session(engine) as session:
        stocktake_close.close(session, made.id, staff="thuthu", now=CLOSED, shelf_orders=SHIPPED)
        session.commit()
        results = session.exec(select(StocktakeResult).where(StocktakeResult.session_id == made.id)).all()
        out_of_order = {r.item_id for r in results if "out_of_order" in r.issues.split(",")}
        corrections = stocktake_report.corrections(session, made.id)
    assert out_of_order == {moved.id}
    assert [(c["shelf_code"], [b["barcode"] for b in c["books"]]) for c in corrections] == [
        (code, [moved.barcode])
    ]
