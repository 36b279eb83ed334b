"""An item seen anywhere is no longer missing or lost; a reader's lost item costs its replacement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

import pytest

from server.domain.lifecycle.advance import advance
from server.domain.lifecycle.charges import ChargeBasis, replacement_charge
from server.domain.lifecycle.settings import ChargeSettings, MissingTimers
from server.domain.lifecycle.trace import PRESENT, LossKind, SeenSource, Trace, Whereabouts, seen

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
MISSING = Trace(Whereabouts.MISSING, LossKind.SHELF, since=T0)
LOST_FROM_LOAN = Trace(Whereabouts.LOST, LossKind.LOAN, since=T0, lost_at=T0)
LOST_FROM_SHELF = advance(MISSING, T0 + timedelta(days=500), MissingTimers()).trace


@pytest.mark.parametrize("source", list(SeenSource))
@pytest.mark.parametrize(
    "trace", [MISSING, LOST_FROM_SHELF, LOST_FROM_LOAN], ids=["missing", "shelf", "loan"]
)
def test_seen_anywhere_reverses_missing_and_lost(trace: Trace, source: SeenSource) -> None:
    at = T0 + timedelta(days=600)
    found = seen(trace, at, source, refund_when_found=True)
    assert found is not None
    assert found.trace == PRESENT
    assert (found.at, found.source, found.was, found.loss, found.since) == (
        at,
        source,
        trace.whereabouts,
        trace.loss,
        T0,
    )
    assert found.searches_due == len(trace.searches)
    assert found.withdrawal_proposal_cleared == (trace.withdrawal_proposed_at is not None)


def test_what_a_found_item_records_of_its_schedule() -> None:
    found = seen(LOST_FROM_SHELF, T0 + timedelta(days=600), SeenSource.STOCKTAKE, refund_when_found=True)
    assert found is not None
    assert found.searches_due == 4
    assert found.withdrawal_proposal_cleared
    assert not found.refund_charge  # nobody paid for an item missing from the shelf


def test_a_sighting_older_than_the_loss_proves_nothing() -> None:
    assert seen(MISSING, T0 - timedelta(seconds=1), SeenSource.GATE, refund_when_found=True) is None
    assert seen(MISSING, T0, SeenSource.GATE, refund_when_found=True) is not None


def test_a_present_item_has_nothing_to_reverse() -> None:
    assert seen(PRESENT, T0, SeenSource.RETURN, refund_when_found=True) is None


@pytest.mark.parametrize(
    ("source", "refund_when_found", "refund"),
    [
        (SeenSource.RETURN, True, True),
        (SeenSource.DESK, True, True),
        (SeenSource.KIOSK, True, True),
        (SeenSource.STOCKTAKE, True, True),
        (SeenSource.SHELF_CHECK, True, True),
        (SeenSource.GATE, True, False),  # it walked past a gate: the library does not have it back
        (SeenSource.RETURN, False, False),
    ],
)
def test_a_reader_lost_item_back_in_hand_refunds_the_charge(
    source: SeenSource, refund_when_found: bool, refund: bool
) -> None:
    found = seen(LOST_FROM_LOAN, T0 + timedelta(days=3), source, refund_when_found=refund_when_found)
    assert found is not None
    assert found.refund_charge is refund


CHARGES = ChargeSettings(
    default_charge=MappingProxyType({"*": 200_000, "postgraduate": 300_000}), processing_fee=20_000
)


@pytest.mark.parametrize(
    ("price", "category", "replacement", "basis"),
    [
        (150_000, "undergraduate", 150_000, ChargeBasis.ITEM_PRICE),
        (150_000, "postgraduate", 150_000, ChargeBasis.ITEM_PRICE),
        (None, "undergraduate", 200_000, ChargeBasis.CATEGORY_DEFAULT),
        (None, "postgraduate", 300_000, ChargeBasis.CATEGORY_DEFAULT),
        (0, "postgraduate", 300_000, ChargeBasis.CATEGORY_DEFAULT),  # unpriced, not free
    ],
)
def test_the_replacement_charge(
    price: int | None, category: str, replacement: int, basis: ChargeBasis
) -> None:
    charge = replacement_charge(price, category, CHARGES)
    assert (charge.replacement, charge.processing_fee, charge.basis) == (replacement, 20_000, basis)
    assert charge.amount == replacement + 20_000


def test_a_negative_price_is_a_data_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        replacement_charge(-1, "staff", CHARGES)


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"default_charge": MappingProxyType({"staff": 1})}, "every category"),
        ({"default_charge": MappingProxyType({"*": -1})}, "negative"),
        ({"processing_fee": -5}, "negative"),
    ],
)
def test_charge_settings_that_cannot_work_are_refused(settings: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        ChargeSettings(**settings)
