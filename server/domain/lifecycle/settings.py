"""The lifecycle's settings as values (config/lifecycle.toml is read into these at the boundary).

Defaults follow the University of Arkansas practice: searches at +1 week, +1 month, +6 months and +12
months after an item goes missing, then the list goes to selectors, and an item nobody acts on within 30
days is proposed for withdrawal. The references give no gap between the last search and "lost", so it is a
setting of its own (default: a month to carry out the 12-month search).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType

ANY_CATEGORY = "*"


@dataclass(frozen=True, slots=True)
class MissingTimers:
    """When each step of the missing → lost schedule falls due, counted from the time the item went missing
    (searches, lost) or from the time it was lost or last reviewed (withdrawal proposal)."""

    search_after: tuple[timedelta, ...] = (
        timedelta(days=7),
        timedelta(days=30),
        timedelta(days=182),
        timedelta(days=365),
    )
    lost_after: timedelta = timedelta(days=395)
    propose_withdrawal_after: timedelta = timedelta(days=30)

    def __post_init__(self) -> None:
        previous = timedelta(0)
        for number, after in enumerate(self.search_after, start=1):
            if after <= previous:
                raise ValueError(
                    f"search {number} must come after the previous step ({after.days} ≤ {previous.days} days)"
                )
            previous = after
        if self.lost_after <= previous:
            raise ValueError(
                f"an item is lost only after its last search ({self.lost_after.days} ≤ {previous.days} days)"
            )
        if self.propose_withdrawal_after < timedelta(0):
            raise ValueError("the withdrawal proposal cannot come before the item is lost")


@dataclass(frozen=True, slots=True)
class ChargeSettings:
    """What a reader pays for an item lost from a loan: the item's replacement price when it is known,
    otherwise the default of the reader's category (or of "*"), plus a processing fee. In đồng."""

    default_charge: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType({ANY_CATEGORY: 200_000})
    )
    processing_fee: int = 0
    refund_when_found: bool = True  # an item lost from a loan and found again: the replacement is refunded

    def __post_init__(self) -> None:
        if ANY_CATEGORY not in self.default_charge:
            raise ValueError('the default charge needs a value for every category ("*")')
        if any(amount < 0 for amount in self.default_charge.values()) or self.processing_fee < 0:
            raise ValueError("charges cannot be negative")

    def default_for(self, category: str) -> int:
        return self.default_charge.get(category, self.default_charge[ANY_CATEGORY])


@dataclass(frozen=True, slots=True)
class LifecycleSettings:
    missing: MissingTimers = field(default_factory=MissingTimers)
    charges: ChargeSettings = field(default_factory=ChargeSettings)
