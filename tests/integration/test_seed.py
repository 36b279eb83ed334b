"""`stacks seed`: deterministic, realistic, refuses a seeded database; the kiosk works on what it made."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from typer.testing import CliRunner

from contract.common import ItemRef
from server.collection_config import WEEDING_FILE, load_weeding
from server.collection_config.shelf_orders import SHELF_ORDERS_FILE, load_shelf_orders
from server.db.engine import make_engine
from server.domain.callnumbers import CallNumberSpan, sort_key
from server.domain.stocktake.order_keys import OrderFacts, order_key
from server.domain.weeding.evidence import Spared, WeedReason
from server.errors import ConflictError
from server.seed import closed_stacks, generate, seed_database
from server.services import catalog, context, kiosk
from server.services.columns import HOLD, ITEM, LOAN, LOCATION, PATRON
from server.services.policies import Policies, load_policies
from server.services.weeding_candidates import WeedingFilters, weeding_entries
from server.settings import REPO_CONFIG_DIR, ServerSettings
from stacks.cli import app

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 11, 23)
POLICIES = load_policies(REPO_CONFIG_DIR / "policies.toml", HCM)


def test_same_arguments_same_library() -> None:
    one = generate(800, 200, 7, TODAY, POLICIES.rules)
    two = generate(800, 200, 7, TODAY, POLICIES.rules)
    other = generate(800, 200, 8, TODAY, POLICIES.rules)
    assert one == two
    assert one.items != other.items
    assert len(one.items) == 800
    assert len(one.patrons) == 200


def test_the_library_is_realistic() -> None:
    library = generate(3000, 600, 1, TODAY, POLICIES.rules)
    barcodes = [i.barcode for i in library.items]
    assert all(re.fullmatch(r"(VV|NV)\d{6}", b) for b in barcodes)
    assert {b[:2] for b in barcodes} == {"VV", "NV"}
    uids = [i.tag_uid for i in library.items]
    assert all(re.fullmatch(r"E004[0-9A-F]{12}", u) for u in uids)
    assert len(set(uids)) == len(uids) == len(set(barcodes))
    assert set(Counter(i.item_type for i in library.items)) == {
        "book",
        "textbook",
        "reference",
        "thesis",
        "periodical",
        "av",
    }
    titles = " ".join(r.title for r in library.records)
    assert re.search(
        r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", titles
    )  # Vietnamese, with its marks
    assert re.search(r"\b(Introduction|Principles|Handbook) ", titles)
    cards = Counter(p.category for p in library.patrons)
    assert set(cards) == {"undergraduate", "postgraduate", "staff"}
    patterns = {"undergraduate": r"SV\d{7}", "postgraduate": r"HV\d{7}", "staff": r"CB\d{7}"}
    assert all(re.fullmatch(patterns[p.category], p.card_number) for p in library.patrons)
    assert any(p.expires_on < TODAY for p in library.patrons)
    assert any(p.block for p in library.patrons)
    assert library.fines
    assert library.loans
    assert any(loan.due_at < library.now for loan in library.loans)
    assert {h.status for h in library.holds} == {"waiting", "ready"}
    # Every item of the open shelves sits on a shelf whose span covers its call number; the closed stacks'
    # shelves have no span: they are kept by language, size and accession number.
    shelves = {loc.id: loc for loc in library.locations if loc.kind == "shelf"}
    for item in library.items:
        shelf = shelves[item.location_id or 0]
        if shelf.code.startswith(f"{closed_stacks.CODE}-"):
            assert shelf.span_start is None
            assert shelf.span_end is None
        else:
            assert CallNumberSpan(shelf.span_start or "", shelf.span_end or "").contains(item.call_number)
    per_patron = Counter(loan.patron_id for loan in library.loans)
    categories = {p.id: p.category for p in library.patrons}
    assert all(n <= POLICIES.rules.patron_rule(categories[pid]).max_loans for pid, n in per_patron.items())


def test_the_closed_stacks_stand_in_the_shipped_order_not_the_call_numbers() -> None:
    library = generate(3000, 100, 1, TODAY, POLICIES.rules)
    codes = {loc.id: loc.code for loc in library.locations}
    stacks = [loc for loc in library.locations if loc.code.startswith(closed_stacks.CODE)]
    assert [(loc.code, loc.kind) for loc in stacks] == [
        ("TTTT-KD", "floor"),
        ("TTTT-KD-D01", "range"),
        *((f"TTTT-KD-D01-K{n}", "shelf") for n in range(1, closed_stacks.SHELVES + 1)),
    ]
    # The repository's configuration names the order the seed stands them in.
    shipped = load_shelf_orders(REPO_CONFIG_DIR / SHELF_ORDERS_FILE)
    assert shipped == {closed_stacks.CODE: closed_stacks.ORDER}
    languages = {record.id: record.language for record in library.records}
    standing = [i for i in library.items if codes[i.location_id or 0].startswith(f"{closed_stacks.CODE}-")]
    assert len(standing) == 3000 // closed_stacks.SHARE
    assert {languages[i.record_id] for i in standing} == {"vie", "eng", "fra", "rus"}
    assert all(i.height_cm and i.accession_number for i in standing)
    standing.sort(key=lambda i: (codes[i.location_id or 0], i.id))  # shelf by shelf, then id: a shuffle
    keys = [
        order_key(
            closed_stacks.ORDER,
            OrderFacts(i.call_number, languages[i.record_id], i.height_cm, i.accession_number),
        )
        for i in standing
    ]
    by_shelf: dict[str, list[str]] = {}
    for item, key in zip(standing, keys, strict=True):
        by_shelf.setdefault(codes[item.location_id or 0], []).append(key)
    shelved = [key for code in sorted(by_shelf) for key in sorted(by_shelf[code])]
    assert shelved == sorted(keys)  # shelf after shelf, one run of the closed stacks' order
    call_order = sorted(standing, key=lambda i: (sort_key(i.call_number), i.id))
    stack_order = sorted(standing, key=lambda i: keys[standing.index(i)])
    assert call_order != stack_order


def test_the_library_has_years_of_history() -> None:
    """Copies added over the years, past loans returned long before today and detached from their readers:
    enough use and disuse that weeding proposes copies for more than one reason."""
    library = generate(3000, 600, 1, TODAY, POLICIES.rules)
    years = {r.id: r.year for r in library.records}
    added = {i.id: i.added_at for i in library.items}
    assert all((a := added[i.id]) is not None and a.year >= years[i.record_id] for i in library.items)
    assert min(a.year for a in added.values() if a) <= TODAY.year - 20
    quiet = datetime.combine(TODAY, datetime.min.time(), tzinfo=HCM) - timedelta(days=60)
    assert library.past_loans
    assert all(loan.checked_out_at < loan.returned_at < quiet for loan in library.past_loans)
    lent = Counter(loan.item_id for loan in library.past_loans)
    loanable = [i for i in library.items if i.item_type in ("book", "textbook", "av")]
    assert 0.3 < sum(1 for i in loanable if i.id not in lent) / len(loanable) < 0.7  # many never lent
    assert max(lent.values()) >= 10  # and some lent often


def test_the_library_has_editions_sets_and_provenance() -> None:
    library = generate(3000, 100, 1, TODAY, POLICIES.rules)
    editions: dict[tuple[str, str | None], list[int]] = {}
    for record in library.records:
        if record.edition_number is not None:
            editions.setdefault((record.title, record.author), []).append(record.edition_number)
    assert sorted(sorted(numbers) for numbers in editions.values()) == [[1, 2, 3]] * 5
    volumes = Counter(r.set_title for r in library.records if r.set_title)
    assert sorted(volumes.values()) == [3, 3]
    sources = Counter(i.acquisition_source.value for i in library.items)
    assert set(sources) == {"purchase", "donation", "exchange", "legal_deposit", "transfer"}
    assert sources["purchase"] > 0.8 * len(library.items)
    assert any(i.donation_conditions for i in library.items if i.acquisition_source == "donation")
    assert all(i.donor for i in library.items if i.acquisition_source == "donation")
    assert not any(i.donation_conditions for i in library.items if i.acquisition_source != "donation")
    assert any(i.rare for i in library.items)


def test_the_seeded_weeding_list_shows_editions_sets_and_protected_copies(
    sqlite_url: str, tmp_path: Path
) -> None:
    seed_database(
        sqlite_url,
        items=1000,
        patrons=100,
        seed=1,
        today=TODAY,
        policies=POLICIES,
        pin="2468",
        manifest_path=tmp_path / "manifest.json",
        progress=lambda _step, _rows: None,
    )
    settings = load_weeding(REPO_CONFIG_DIR / WEEDING_FILE)
    engine = make_engine(sqlite_url)
    try:
        with Session(engine) as session:
            reasons = Counter(
                reason
                for entry in weeding_entries(session, settings, TODAY, WeedingFilters())
                for reason in entry.outcome.reasons
            )
            kinds = Counter(
                kind
                for entry in weeding_entries(session, settings, TODAY, WeedingFilters(spared=True))
                if isinstance(entry.outcome, Spared)
                for kind in entry.outcome.kinds
            )
    finally:
        engine.dispose()
    assert reasons[WeedReason.SUPERSEDED] > 0
    held_back = {"incomplete_set", "donation_conditions", "rare", "last_superseded_textbook"}
    assert held_back <= set(kinds), kinds


def test_seed_a_database_then_refuse_to_seed_it_again(database_url: str, tmp_path: Path) -> None:
    manifest_path = tmp_path / "manifest.json"
    steps: Counter[str] = Counter()

    def progress(step: str, rows: int) -> None:
        steps[step] += rows

    report = seed_database(
        database_url,
        items=600,
        patrons=150,
        seed=3,
        today=TODAY,
        policies=POLICIES,
        pin="2468",
        manifest_path=manifest_path,
        progress=progress,
    )
    assert steps["items"] == 600
    engine = make_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(ITEM)).scalar_one() == 600
        assert connection.execute(sa.select(sa.func.count()).select_from(PATRON)).scalar_one() == 150
        assert connection.execute(sa.select(sa.func.count()).select_from(LOAN)).scalar_one() == len(
            report.library.loans
        ) + len(report.library.past_loans)
        assert connection.execute(sa.select(sa.func.count()).select_from(HOLD)).scalar_one() == len(
            report.library.holds
        )
        assert connection.execute(sa.select(sa.func.count()).select_from(LOCATION)).scalar_one() == len(
            report.library.locations
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest["counts"]["items"] == 600
    assert len(manifest["items"]) == 600
    assert all(p["pin"] == "2468" for p in manifest["patrons"])
    assert oct(manifest_path.stat().st_mode & 0o777) == "0o600"

    settings = ServerSettings(data_dir=tmp_path, config_dir=REPO_CONFIG_DIR, _env_file=None)
    circulation = context.build(settings)
    now = datetime(2026, 11, 23, 10, 0, tzinfo=HCM)
    with Session(engine) as session:
        # The shelf lookup by span finds each item's own shelf, and new rows get fresh ids.
        # (The closed stacks' shelves have no span: their books are found by their home.)
        closed = [e for e in manifest["items"] if e["location_code"].startswith(f"{closed_stacks.CODE}-")]
        assert len(closed) == 600 // closed_stacks.SHARE
        for entry in manifest["items"]:
            item = catalog.item_by_ref(session, ItemRef(barcode=entry["barcode"]))
            if entry in closed:
                home = catalog.location_by_code(session, entry["location_code"])
                assert item.home_location_id == home.id
                continue
            shelf = catalog.shelf_for(session, item.call_number or "")
            assert shelf is not None
            assert shelf.code == entry["location_code"]
        record = catalog.create_record(session, title="Sách mới", now=now)
        assert record.id > len(report.library.records)
        # A patron from the manifest can sign in at a kiosk with the shared initial PIN and borrow.
        patron = manifest["patrons"][0]
        login = kiosk.login(
            session,
            circulation,
            device_id="kiosk-1",
            card_number=patron["card_number"],
            pin=patron["pin"],
            now=now,
        )
        assert login.decision.ok, login.decision
        session.rollback()

    with pytest.raises(ConflictError, match="already seeded"):
        seed_database(
            database_url,
            items=10,
            patrons=10,
            seed=3,
            today=TODAY,
            policies=POLICIES,
            pin="2468",
            manifest_path=manifest_path,
            progress=progress,
        )
    engine.dispose()


def test_seeded_holds_wait_at_the_policys_pickup_desk(sqlite_url: str, tmp_path: Path) -> None:
    elsewhere = Policies(POLICIES.rules, "CS2-QUAY-MUON", POLICIES.pickup_name)
    report = seed_database(
        sqlite_url,
        items=1000,
        patrons=200,
        seed=1,
        today=TODAY,
        policies=elsewhere,
        pin="2468",
        manifest_path=tmp_path / "manifest.json",
        progress=lambda *_: None,
    )
    assert report.library.holds
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        places = connection.execute(sa.select(HOLD.c.pickup_location)).scalars().all()
    engine.dispose()
    assert places == ["CS2-QUAY-MUON"] * len(report.library.holds)


def test_the_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'stacks.db'}"
    manifest = tmp_path / "m.json"
    args = [
        "seed",
        "--items",
        "300",
        "--patrons",
        "50",
        "--database-url",
        url,
        "--manifest",
        str(manifest),
        "--today",
        "2026-11-23",
        "--json",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["items"], summary["patrons"]) == (300, 50)
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 1
    assert "already seeded" in again.output
