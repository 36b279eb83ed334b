"""What a reader pays for an item lost from a loan, in đồng.

Only a loan loses an item to a reader (`LossKind.LOAN`); an item missing from the shelf costs nobody
anything. The item's own replacement price comes first; a catalogue without prices (common for older
stock) falls back to the default of the reader's category, as `config/lifecycle.toml` sets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from server.domain.lifecycle.settings import ChargeSettings


class ChargeBasis(StrEnum):
    ITEM_PRICE = "item_price"  # the item's replacement price in the catalogue
    CATEGORY_DEFAULT = "category_default"  # no price: the default for the reader's category (or "*")


@dataclass(frozen=True, slots=True)
class Charge:
    replacement: int
    processing_fee: int
    basis: ChargeBasis

    @property
    def amount(self) -> int:
        return self.replacement + self.processing_fee


def replacement_charge(price: int | None, category: str, settings: ChargeSettings) -> Charge:
    """A price of 0 is a gift or an unpriced item, not a free replacement: the default applies."""
    if price is not None and price < 0:
        raise ValueError(f"a replacement price cannot be negative: {price}")
    if price:
        return Charge(price, settings.processing_fee, ChargeBasis.ITEM_PRICE)
    return Charge(settings.default_for(category), settings.processing_fee, ChargeBasis.CATEGORY_DEFAULT)
