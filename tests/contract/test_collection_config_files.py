"""config/lifecycle.toml, config/weeding.toml and config/shelf_orders.toml: the shipped files load, and a
bad file is told by file, line and key (the line of the key, or of its table when the key is missing)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from server.collection_config import LIFECYCLE_FILE, WEEDING_FILE, load_lifecycle, load_weeding
from server.collection_config.shelf_orders import SHELF_ORDERS_FILE, load_shelf_orders
from server.domain.lifecycle.settings import MissingTimers
from server.domain.stocktake.order_keys import OrderField, parse_shelf_order
from server.domain.weeding.settings import Combine, CrewFormula, RoundRules
from server.errors import ConfigurationError
from server.settings import REPO_CONFIG_DIR

LIFECYCLE = (REPO_CONFIG_DIR / LIFECYCLE_FILE).read_text(encoding="utf-8")
WEEDING = (REPO_CONFIG_DIR / WEEDING_FILE).read_text(encoding="utf-8")
SHELF_ORDERS = (REPO_CONFIG_DIR / SHELF_ORDERS_FILE).read_text(encoding="utf-8")
CLOSED_STACKS = '"TTTT-KD" = ["language=vie,eng,fra,rus", "size", "accession_number"]'
CATEGORIES = ("undergraduate", "postgraduate", "staff")  # config/policies.toml


def test_the_shipped_lifecycle_file_states_the_practice_the_domain_defaults_to() -> None:
    settings = load_lifecycle(REPO_CONFIG_DIR / LIFECYCLE_FILE, CATEGORIES)
    assert settings.missing == MissingTimers()
    assert settings.charges.default_for("undergraduate") == 200_000
    assert settings.charges.default_for("staff") == 300_000
    assert settings.charges.refund_when_found


def test_the_shipped_weeding_file() -> None:
    settings = load_weeding(REPO_CONFIG_DIR / WEEDING_FILE)
    assert settings.rounds == RoundRules()
    floors = settings.floors
    assert (floors.learners, floors.floor("textbook"), floors.floor("reference")) == (25_000, 1250, 500)
    assert settings.ranges.rule_for("004.6").crew == CrewFormula(3, None)
    assert settings.ranges.rule_for("895.9223").combine is Combine.BOTH
    assert settings.protections.imprints_before == 1900


def test_the_shipped_shelf_orders_file_orders_the_seeded_closed_stacks() -> None:
    # Call-number order everywhere but in the seeded library's closed stacks (server/seed/closed_stacks.py).
    orders = load_shelf_orders(REPO_CONFIG_DIR / SHELF_ORDERS_FILE)
    assert orders == {"TTTT-KD": parse_shelf_order(["language=vie,eng,fra,rus", "size", "accession_number"])}
    assert f"\n{CLOSED_STACKS}\n" in SHELF_ORDERS


def test_a_location_of_the_shelf_orders_file_gets_its_order(tmp_path: Path) -> None:
    path = tmp_path / SHELF_ORDERS_FILE
    path.write_text(f'{SHELF_ORDERS}"TTTT-T1" = ["call_number"]\n', encoding="utf-8")
    orders = load_shelf_orders(path)
    assert orders["TTTT-KD"] == parse_shelf_order(["language=vie,eng,fra,rus", "size", "accession_number"])
    assert orders["TTTT-KD"].parts[0].ranking == ("vie", "eng", "fra", "rus")
    assert [part.field for part in orders["TTTT-T1"].parts] == [OrderField.CALL_NUMBER]


def edited(text: str, old: str, new: str) -> str:
    assert old in text, f"the shipped file no longer holds {old!r}"
    return text.replace(old, new, 1)


def lifecycle(old: str, new: str) -> tuple[str, Callable[[Path], object], str]:
    return (LIFECYCLE_FILE, lambda path: load_lifecycle(path, CATEGORIES), edited(LIFECYCLE, old, new))


def weeding(old: str, new: str) -> tuple[str, Callable[[Path], object], str]:
    return (WEEDING_FILE, load_weeding, edited(WEEDING, old, new))


def shelf_orders(entry: str) -> tuple[str, Callable[[Path], object], str]:
    """The shipped file with its closed stacks' entry replaced by `entry`."""
    return (SHELF_ORDERS_FILE, load_shelf_orders, edited(SHELF_ORDERS, CLOSED_STACKS, entry))


CASES = [
    (
        lifecycle("lost_after_days = 395", 'lost_after_days = "395"'),
        "line 11: missing.lost_after_days: must be an integer, got '395'",
    ),
    (
        lifecycle("lost_after_days = 395", "lost_after_day = 395"),
        "line 4: missing.lost_after_days: is required; line 11: missing.lost_after_day: unknown setting",
    ),
    (
        lifecycle("[7, 30, 182, 365]", "[7, 30, 30, 365]"),
        "line 4: missing: search 3 must come after the previous step (30 ≤ 30 days)",
    ),
    (
        lifecycle("lost_after_days = 395", "lost_after_days = 200"),
        "line 4: missing: an item is lost only after its last search (200 ≤ 365 days)",
    ),
    (
        lifecycle("[7, 30, 182, 365]", "[7, 0]"),
        "line 8: missing.search_after_days[1]: must be at least 1, got 0",
    ),
    (
        lifecycle('"*" = 200000\n', ""),
        'line 22: lost_from_loan.default_charge: needs "*", the charge for every category not named',
    ),
    (
        lifecycle("staff = 300000", "staf = 300000"),
        "lost_from_loan.default_charge.staf: not a patron category "
        "(known: postgraduate, staff, undergraduate)",
    ),
    (
        lifecycle("refund_when_found = true", "refund_when_found = 1"),
        "line 20: lost_from_loan.refund_when_found: must be true or false, got 1",
    ),
    (
        lifecycle("processing_fee = 0", "processing_fee = -1"),
        "line 18: lost_from_loan.processing_fee: must be at least 0, got -1",
    ),
    (
        weeding('crew = "10/5"', 'crew = "10-5"'),
        "line 35: rules.crew: must be X/Y as CREW writes it, each years or X, e.g. '8/3' or '3/X', "
        "got '10-5'",
    ),
    (
        weeding('combine = "both"', 'combine = "all"'),
        "line 36: rules.combine: must be 'either' or 'both', got 'all'",
    ),
    (
        weeding("learners = 25000", "learners = 25000.0"),
        "line 6: floors.learners: must be an integer, got 25000.0",
    ),
    (
        weeding("imprints_before = 1900", "imprints_befor = 1900"),
        "line 15: protect.imprints_before: is required; line 19: protect.imprints_befor: unknown setting",
    ),
    (
        weeding('prefix = "004"', 'prefix = "004."'),
        "line 45: range[0].prefix: must match ^(\\d{1,3}|\\d{3}\\.\\d+)$, got '004.'",
    ),
    (
        weeding('crew = "3/X"', 'crew = "3/Y"'),
        "line 46: range[0].crew: must be X/Y as CREW writes it, each years or X, e.g. '8/3' or '3/X', "
        "got '3/Y'",
    ),
    (
        weeding("[plan]", '[[range]]\nprefix = "004"\n\n[plan]'),
        "line 44: range: prefix '004' of range[1] is set already by range[0]",
    ),
    (
        weeding("age_bands = [5, 10, 20, 30]", "age_bands = [5, 20, 10]"),
        "line 51: plan.age_bands: must increase, each band's upper end after the last, got [5, 20, 10]",
    ),
    (
        weeding('reference_item_types = ["reference"]', 'reference_item_types = ["textbook"]'),
        "line 4: floors: an item type cannot be both textbook and reference",
    ),
    (
        weeding("max_share_percent = 10", "max_share_percent = 110"),
        "line 24: rounds.max_share_percent: must be at most 100, got 110",
    ),
    (weeding("hold_ratio = 3.0", "hold_ratio = 0"), "line 53: plan.hold_ratio: must be more than 0, got 0"),
    (
        shelf_orders('"TTTT-KD" = ["language=vie,eng", "colour"]'),
        "line 13: orders.TTTT-KD: unknown shelf-order field 'colour' (known: call_number, language, size, "
        "accession_number)",
    ),
    (
        shelf_orders('"TTTT-KD" = ["size=small,large"]'),
        "line 13: orders.TTTT-KD: only 'language' takes a ranking, not 'size'",
    ),
    (shelf_orders('"TTTT-KD" = []'), "line 13: orders.TTTT-KD: a shelf order needs at least one part"),
    (shelf_orders('"TTTT-KD" = "size"'), "line 13: orders.TTTT-KD: must be a list, got 'size'"),
    (
        shelf_orders('"Kho đóng" = ["size"]'),
        "line 13: orders.Kho đóng: must match ^[A-Za-z0-9._-]{1,64}$, got 'Kho đóng'",
    ),
    # TOML syntax errors name the line, and quote it
    (
        lifecycle("processing_fee = 0", "processing_fee = "),
        "not valid TOML (Invalid value (at line 18, column 18): 'processing_fee =')",
    ),
    (
        lifecycle("processing_fee = 0", "processing_fee = 0\nprocessing_fee = 5"),
        "not valid TOML (Cannot overwrite a value (at line 19, column 19): 'processing_fee = 5')",
    ),
    (
        weeding("min_class_loans = 20", "min_class_loans = [20,"),
        "not valid TOML (Invalid value (at end of document, after line 55))",
    ),
]


@pytest.mark.parametrize(("case", "message"), CASES, ids=[message[:70] for _, message in CASES])
def test_a_bad_file_is_told_by_file_and_key(
    tmp_path: Path, case: tuple[str, Callable[[Path], object], str], message: str
) -> None:
    name, load, content = case
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load(path)
    assert str(caught.value) == f"{path}: {message}"


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"weeding\.toml: cannot read the file"):
        load_weeding(tmp_path / WEEDING_FILE)
